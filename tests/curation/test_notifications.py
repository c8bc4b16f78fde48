"""
Issue 15: e-mails through Django's backend (locmem in tests) to the editors of the country on a
new submission and to the author on a decision; the analysts' "my submissions" page.
"""

import pytest
from django.test import Client
from django.urls import reverse

from countries.models import Revision
from curation import services
from curation.models import CountryScope
from tests.factories import CountryFactory
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db


def with_email(user, address):
    user.email = address
    user.save()
    return user


@pytest.fixture
def people(curated):
    analyst = with_email(make_user("anna", "Analyst"), "anna@example.org")
    editor = with_email(make_user("eddie", "Editor"), "eddie@example.org")
    elsewhere = with_email(make_user("ella", "Editor"), "ella@example.org")
    CountryScope.objects.create(user=elsewhere).countries.set([CountryFactory(code="DE", name="Germany")])
    with_email(make_user("arun", "Analyst"), "arun@example.org")  # an analyst decides nothing: not told
    return {"analyst": analyst, "editor": editor, "elsewhere": elsewhere}


def test_a_new_change_set_tells_the_countrys_editors_only(
    curated, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_propose(
            record=curated["old"], user=people["analyst"], values={"title": "Renamed Act"}, reason="Gazette"
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["eddie@example.org"]  # not the editor limited to Germany, not analysts, not the author
    assert "Cooperatives Act 1947" in mail.subject and "Gazette" in mail.body and "anna" in mail.body


def test_a_submitted_draft_tells_the_editors(curated, people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_submit_for_review(record=curated["draft"], user=people["analyst"])
    assert [m.to for m in mailoutbox] == [["eddie@example.org"]]
    assert "asks for" in mailoutbox[0].body


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_author_hears_of_the_decision(curated, people, mailoutbox, django_capture_on_commit_callbacks, decision):
    revision = services.revision_propose(
        record=curated["old"], user=people["analyst"], values={"title": "Renamed Act"}, reason="Gazette"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            services.revision_approve(revision=revision, user=people["editor"], note="Checked")
        else:
            services.revision_reject(revision=revision, user=people["editor"], note="Not in the gazette")
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    word = "Approved" if decision == "approve" else "Rejected"
    assert mailoutbox[0].subject.startswith(f"[SSE Map] {word}")
    assert "eddie" in mailoutbox[0].body


def test_a_refused_approval_sends_nothing(curated, people, mailoutbox, django_capture_on_commit_callbacks):
    revision = services.revision_propose(
        record=curated["org_type"],
        user=people["analyst"],
        values={},
        rows=[services.row_op(b, "delete") for b in curated["org_type"].legal_bases.all()],
        reason="No law",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ValidationError):
        services.revision_approve(revision=revision, user=people["editor"])
    assert mailoutbox == []


def test_my_submissions_lists_the_analysts_own_requests_and_their_states(curated, people):
    mine = services.revision_propose(
        record=curated["old"], user=people["analyst"], values={"title": "Renamed Act"}, reason="Mine"
    )
    services.revision_reject(revision=mine, user=people["editor"], note="No source")
    services.revision_propose(record=curated["new"], user=people["editor"], values={"title": "Theirs"}, reason="Eds")
    client = Client()
    client.force_login(people["analyst"])
    page = client.get(reverse("admin-my-submissions"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Mine" in text and "Rejected" in text and "No source" in text and "eddie" in text
    assert "Eds" not in text
    assert [i["revision"] for i in page.context["items"]] == [mine]
    pending = client.get(reverse("admin-my-submissions"), {"status": "pending"})
    assert pending.context["items"] == []
    assert Revision.objects.count() == 2
