"""
The analyst-to-editor path in a real browser (issue 15, point 3): Debian's Chromium, driven by
Playwright against the live server. An analyst proposes an evidence change on a published type
in the admin; the public page does not change; another editor sees the full diff in the review
queue and approves it; only then does the public page show the new wording.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from countries.models import Revision, RevisionStatus
from curation.dataset import default_paths
from orgs.models import Reference
from tests.public.test_browser import SCREENSHOTS

# Transactional: the live server reads what the test wrote.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
APPENDED = "An appended sentence that only the full diff shows to the reviewer."


@pytest.fixture
def page_factory(browser):
    # One browser context per person: their own cookies, so their own session.
    return lambda: browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def log_in(page, base, username):
    page.goto(base + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.wait_for_url(base + reverse("admin:index"))


@pytest.fixture
def method(live_server):
    """The method (features, sub-conditions, families): an earlier transactional test may have flushed it."""
    call_command("load_dataset", str(default_paths()[0]), verbosity=0)


def test_an_analysts_evidence_change_goes_live_only_when_another_editor_approves(
    live_server, method, roles, curated, analyst, editor2, page_factory
):
    org_type = curated["org_type"]
    base = live_server.url
    reference = Reference.objects.filter(assessment__org_type=org_type).order_by("pk").first()
    old_quote = reference.quote
    public_url = base + org_type.get_absolute_url()

    # The analyst proposes the change in the admin: one more sentence in a reference's quote.
    analyst = page_factory()
    log_in(analyst, base, "anna")
    analyst.goto(base + reverse("admin:orgs_organizationtype_change", args=[org_type.pk]))
    quotes = analyst.locator("textarea[name$='-quote']")
    mine = [quotes.nth(i) for i in range(quotes.count()) if quotes.nth(i).input_value() == old_quote]
    assert mine, "the reference's quote is not on the change page"
    mine[0].fill(f"{old_quote} {APPENDED}")
    analyst.fill("[name=change_reason]", "Quote completed from the gazette")
    with analyst.expect_navigation():
        analyst.click("input[name=_save]")
    analyst.wait_for_load_state()
    assert "waits in the review queue" in analyst.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    analyst.screenshot(path=str(SCREENSHOTS / "review-1-proposed.png"), full_page=True)

    # The public page has not changed.
    visitor = page_factory()
    visitor.goto(public_url)
    assert old_quote in visitor.content() and APPENDED not in visitor.content()

    # The analyst cannot decide on her own change: no Approve button for her.
    analyst.goto(base + reverse("admin-review-queue"))
    assert analyst.locator("button[value=approve]").count() == 0

    # Another editor sees the full diff, the appended words marked, and approves.
    editor = page_factory()
    log_in(editor, base, "emma")
    editor.goto(base + reverse("admin-review-queue"))
    inserted = editor.locator("ins", has_text="only the full diff shows to the reviewer.")
    assert inserted.count() >= 1
    editor.screenshot(path=str(SCREENSHOTS / "review-2-queue.png"), full_page=True)
    editor.fill("[name=note]", "Checked against the gazette")
    with editor.expect_navigation():
        editor.click("button[value=approve]")
    editor.wait_for_load_state()
    assert Revision.objects.get().status == RevisionStatus.APPROVED

    # Now, and only now, the public page shows the new wording.
    visitor.goto(public_url)
    assert APPENDED in visitor.content()
    revision = Revision.objects.get()
    assert (revision.submitted_by.username, revision.decided_by.username) == ("anna", "emma")
