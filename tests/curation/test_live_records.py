"""
Sources and the method (features, sub-conditions, families) have no publication state: the public
reads them as soon as they exist. So every user's write to them, on every path (API, admin form,
history revert, admin delete, spreadsheet import), is a request for review that another editor
approves; only the server (no user) writes them directly (issue 15).
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from countries.models import Revision, RevisionKind, RevisionStatus, Source
from curation import services
from curation.models import Comment
from curation.resources import SourceResource
from orgs.models import Family, Feature
from tests.factories import SourceFactory
from tests.fixtures.api import token_client

from .test_admin import change_form_data
from .test_write_matrix import user_for

pytestmark = pytest.mark.django_db

NEW_SOURCE = {"slug": "new-gazette", "title": "Official Gazette 2026", "kind": "law_text", "year": 2026}


def requests_for(model):
    return Revision.objects.filter(content_type=ContentType.objects.get_for_model(model))


# The API -----------------------------------------------------------------------------


def test_a_new_source_through_the_api_waits_for_another_editor(analyst, editor, editor2):
    client = token_client(analyst)
    response = client.post(
        "/api/v1/sources/", NEW_SOURCE, format="json", HTTP_X_CHANGE_REASON="The gazette of the new law"
    )
    assert response.status_code == 202, response.content
    revision = Revision.objects.get(pk=response.json()["revision"])
    assert (revision.kind, revision.object_id, revision.submitted_by) == (RevisionKind.CREATION, None, analyst)
    assert not Source.objects.filter(slug="new-gazette").exists()
    assert client.get("/api/v1/sources/new-gazette/").status_code == 404

    services.revision_approve(revision=revision, user=editor, note="Checked")
    source = Source.objects.get(slug="new-gazette")
    assert (source.title, source.year) == ("Official Gazette 2026", 2026)
    revision.refresh_from_db()
    assert (revision.status, revision.object_id, revision.decided_by) == (RevisionStatus.APPROVED, source.pk, editor)
    created = source.history.get()
    assert created.history_user == analyst  # the author
    assert f"by {editor}" in created.history_change_reason and "The gazette" in created.history_change_reason


def test_nobody_approves_the_source_they_proposed(editor):
    revision = services.record_create(record=Source(**NEW_SOURCE), user=editor, reason="Mine")
    with pytest.raises(services.WorkflowError, match="another editor"):
        services.revision_approve(revision=revision, user=editor)
    assert not Source.objects.filter(slug="new-gazette").exists()


def test_an_analyst_cannot_approve_a_new_source(analyst, analyst2):
    revision = services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="New")
    with pytest.raises(services.PermissionDenied):
        services.revision_approve(revision=revision, user=analyst2)
    assert not Source.objects.filter(slug="new-gazette").exists()


def test_a_feature_changed_through_the_api_changes_only_on_approval(analyst, editor):
    feature = Feature.objects.get(code="democratic")
    before = feature.description
    response = token_client(analyst).patch(
        "/api/v1/features/democratic/",
        {"description": "Members govern democratically."},
        format="json",
        HTTP_X_CHANGE_REASON="Clearer wording",
    )
    assert response.status_code == 202, response.content
    assert Feature.objects.get(pk=feature.pk).description == before
    revision = Revision.objects.get(pk=response.json()["revision"])
    assert revision.old_values == {"description": before}
    services.revision_approve(revision=revision, user=editor)
    assert Feature.objects.get(pk=feature.pk).description == "Members govern democratically."


def test_a_removal_through_the_api_waits_and_a_cited_source_stays(curated, analyst, editor, editor2):
    cited = Source.objects.get(slug="ilo-brief")
    assert token_client(analyst).delete("/api/v1/sources/ilo-brief/").status_code == 403  # analysts do not remove
    response = token_client(editor).delete("/api/v1/sources/ilo-brief/", HTTP_X_CHANGE_REASON="Duplicate")
    assert response.status_code == 202, response.content
    assert Source.objects.filter(pk=cited.pk).exists()
    revision = Revision.objects.get(pk=response.json()["revision"])
    with pytest.raises(services.WorkflowError, match="still used by"):
        services.revision_approve(revision=revision, user=editor2)
    assert Source.objects.filter(pk=cited.pk).exists()
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.PENDING


def test_an_unused_source_is_removed_on_approval(editor, editor2):
    unused = SourceFactory(slug="typo-source")
    revision = services.record_delete(record=unused, user=editor, reason="Typo")
    assert revision.kind == RevisionKind.DELETION and Source.objects.filter(pk=unused.pk).exists()
    assert ("slug", "typo-source", "") in [row[:3] for row in services.revision_diff(revision)]
    services.revision_approve(revision=revision, user=editor2)
    assert not Source.objects.filter(pk=unused.pk).exists()
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED and revision.old_values["slug"] == "typo-source"


def test_a_rejected_new_family_is_never_created(analyst, editor):
    revision = services.record_create(record=Family(slug="mutuals", name="Mutuals"), user=analyst, reason="New")
    services.revision_reject(revision=revision, user=editor, note="Mutuals are insurers here")
    assert not Family.objects.filter(slug="mutuals").exists()
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.REJECTED


def test_two_requests_for_the_same_new_key_are_refused(analyst, analyst2):
    services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="First")
    with pytest.raises(services.WorkflowError, match="already waiting for review"):
        services.record_create(record=Source(**NEW_SOURCE), user=analyst2, reason="Second")


def test_a_new_record_whose_key_was_taken_meanwhile_is_not_approved(analyst, editor):
    revision = services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="New")
    SourceFactory(slug="new-gazette")  # the server loaded one with the same key since
    with pytest.raises(ValidationError, match="slug"):
        services.revision_approve(revision=revision, user=editor)
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.PENDING


def test_the_server_writes_the_method_directly():
    family = services.record_create(record=Family(slug="mutuals", name="Mutuals"), user=None, reason="Loaded")
    assert Family.objects.filter(pk=family.pk).exists() and not requests_for(Family).exists()


def test_comments_on_a_creation_request_become_the_new_records(analyst, editor):
    revision = services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="New")
    services.comment_add(user=editor, body="Which page?", revision=revision)
    services.revision_approve(revision=revision, user=editor)
    source = Source.objects.get(slug="new-gazette")
    assert [c.body for c in services.comments_on(source)] == ["Which page?"]
    assert Comment.objects.get().object_id == source.pk


# The admin ---------------------------------------------------------------------------


def test_adding_a_source_in_the_admin_holds_it(client, analyst, editor):
    client.force_login(analyst)
    response = client.post(
        "/admin/countries/source/add/",
        {**NEW_SOURCE, "change_reason": "", "url": "", "publisher": "", "locator": "", "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "waits in the review queue" in response.content.decode()
    assert not Source.objects.filter(slug="new-gazette").exists()
    revision = requests_for(Source).get()
    assert revision.kind == RevisionKind.CREATION
    client.force_login(editor)
    queue = client.get("/admin/review/").content.decode()
    assert "Official Gazette 2026" in queue
    client.post("/admin/review/", {"revision": revision.pk, "action": "approve", "note": "ok"})
    assert Source.objects.filter(slug="new-gazette").exists()


def test_changing_a_family_in_the_admin_holds_it(client, analyst):
    family = Family.objects.first()
    client.force_login(analyst)
    response = client.post(
        f"/admin/orgs/family/{family.pk}/change/",
        {
            "slug": family.slug,
            "name": family.name,
            "description": "Rewritten.",
            "order": family.order,
            "change_reason": "Clearer",
            "loaded_version": family.updated_at.isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Family.objects.get(pk=family.pk).description != "Rewritten."
    revision = requests_for(Family).get()
    assert revision.changes == {"description": "Rewritten."}


def test_deleting_a_source_in_the_admin_holds_it(client, editor):
    unused = SourceFactory(slug="typo-source")
    client.force_login(editor)
    response = client.post(f"/admin/countries/source/{unused.pk}/delete/", {"post": "yes"}, follow=True)
    assert "the removal waits in the review queue" in response.content.decode()
    assert Source.objects.filter(pk=unused.pk).exists()
    assert requests_for(Source).get().kind == RevisionKind.DELETION


def test_reverting_a_source_from_its_history_is_a_request(client, editor):
    source = SourceFactory(slug="a-source", title="First title")
    first = source.history.get()
    source.title = "Second title"
    source.save()
    client.force_login(editor)
    response = client.post(
        f"/admin/countries/source/{source.pk}/history/{first.history_id}/",
        {"change_reason": "Back to the first title"},
        follow=True,
    )
    assert response.status_code == 200
    assert Source.objects.get(pk=source.pk).title == "Second title"
    assert requests_for(Source).get().changes == {"title": "First title"}


# Spreadsheet import ------------------------------------------------------------------


def test_an_analysts_source_import_is_requests_and_an_unchanged_row_nothing(analyst):
    kept = SourceFactory(slug="kept", title="Kept", kind="other")
    changed = SourceFactory(slug="changed", title="Old title", kind="other")
    dataset = SourceResource().export(queryset=Source.objects.filter(pk__in=[kept.pk, changed.pk]))
    dataset.dict = [{**row, "title": "New title"} if row["slug"] == "changed" else row for row in dataset.dict] + [
        {**dataset.dict[0], "slug": "brand-new", "title": "Brand new"}
    ]
    result = SourceResource().import_data(dataset, dry_run=False, user=analyst, raise_errors=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Source.objects.get(pk=changed.pk).title == "Old title"
    assert not Source.objects.filter(slug="brand-new").exists()
    kinds = sorted(requests_for(Source).values_list("kind", flat=True))
    assert kinds == [RevisionKind.CHANGE, RevisionKind.CREATION]


# The matrix: every path x every role; nothing live changes, only requests are made -----------

LIVE_PATHS = ["api-create", "api-update", "api-delete", "admin-add", "admin-change", "admin-delete", "import"]
LIVE_ROLES = ["anonymous", "partner", "analyst", "editor", "editor-elsewhere", "superuser"]


def _api(user):
    return token_client(user) if user is not None else APIClient()


def _admin(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def live_attempt(path, user, source):
    slug, url = source.slug, f"/admin/countries/source/{source.pk}/"
    if path == "api-create":
        _api(user).post("/api/v1/sources/", NEW_SOURCE, format="json")
    elif path == "api-update":
        _api(user).patch(f"/api/v1/sources/{slug}/", {"title": "Changed"}, format="json")
    elif path == "api-delete":
        _api(user).delete(f"/api/v1/sources/{slug}/")
    elif path == "admin-add":
        data = {**NEW_SOURCE, "url": "", "publisher": "", "locator": "", "note": "", "change_reason": ""}
        _admin(user).post("/admin/countries/source/add/", data)
    elif path == "admin-change":
        client = _admin(user)
        if client.get(f"{url}change/").status_code == 200:
            data = change_form_data(client, f"{url}change/")
            client.post(f"{url}change/", {**data, "title": "Changed", "change_reason": "Matrix"})
    elif path == "admin-delete":
        _admin(user).post(f"{url}delete/", {"post": "yes"})
    elif path == "import":
        dataset = SourceResource().export(queryset=Source.objects.filter(pk=source.pk))
        dataset.dict = [{**dataset.dict[0], "title": "Changed"}, {**dataset.dict[0], "slug": "brand-new"}]
        SourceResource().import_data(dataset, dry_run=False, user=user, raise_errors=False)


@pytest.mark.parametrize("role", LIVE_ROLES)
@pytest.mark.parametrize("path", LIVE_PATHS)
def test_live_write_matrix(path, role):
    source = SourceFactory(slug="matrix-source", title="As published")
    user = user_for(role)
    before = sorted(Source.objects.values_list("slug", "title"))
    live_attempt(path, user, source)
    if path == "import" and user is None:
        # No user is the server (a command without --user), which loads records directly.
        assert Source.objects.filter(slug="brand-new").exists() and not requests_for(Source).exists()
        return
    assert sorted(Source.objects.values_list("slug", "title")) == before, "a source changed without review"
    made = list(requests_for(Source).values_list("kind", flat=True))
    may = {"analyst", "editor", "editor-elsewhere", "superuser"}  # sources belong to no country
    if path.endswith("delete"):
        may = {"editor", "editor-elsewhere", "superuser"}
    assert bool(made) == (role in may), (path, role, made)


def test_the_audit_log_lists_a_request_for_a_new_record(client, analyst, editor):
    services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="The new gazette")
    client.force_login(editor)
    page = client.get("/admin/audit/").content.decode()
    assert "The new gazette" in page and "(new)" in page
    csv_text = client.get("/admin/audit/?format=csv").content.decode()
    assert "countries.source" in csv_text and "The new gazette" in csv_text


def test_editors_hear_of_a_new_source_and_the_author_of_the_decision(
    settings, mailoutbox, django_capture_on_commit_callbacks, analyst, editor
):
    settings.SSE_MAP_NOTIFY = True
    for user, address in ((analyst, "anna@example.org"), (editor, "eddie@example.org")):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        revision = services.record_create(record=Source(**NEW_SOURCE), user=analyst, reason="New gazette")
    assert [m.to for m in mailoutbox] == [["eddie@example.org"]]
    assert "proposes a new source 'Official Gazette 2026 (2026)'" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_approve(revision=revision, user=editor)
    assert mailoutbox[-1].to == ["anna@example.org"] and "approved" in mailoutbox[-1].body


def test_a_bulk_edit_of_sources_is_one_change_set(analyst, editor):
    first, second = SourceFactory(slug="one", publisher="Old"), SourceFactory(slug="two", publisher="Old")
    batch = services.bulk_update(
        records=Source.objects.filter(pk__in=[first.pk, second.pk]),
        user=analyst,
        field="publisher",
        value="Official Gazette",
        reason="One publisher",
    )
    assert batch is not None
    assert set(Source.objects.values_list("publisher", flat=True)) == {"Old"}
    requests = list(requests_for(Source))
    assert len(requests) == 2 and {r.batch for r in requests} == {batch}
    services.revision_approve(revision=requests[0], user=editor)
    assert set(Source.objects.values_list("publisher", flat=True)) == {"Official Gazette"}
