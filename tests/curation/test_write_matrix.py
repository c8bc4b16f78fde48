"""
Issue 15, Must show 1: the adversarial write matrix. Every write path x every role x every
state of an organization type: who can change what, and that nothing published (nor in
review, nor archived) changes in place; a published record changes only through a change
set approved by a second person.

Paths: the admin form, an inline row (a reference), a list action (publish), the history
revert, the admin import, the API update and delete, and the service the command import and
bulk edits call, and the command import run as a curator (``import_data --user``). Roles:
anonymous, partner (an API token, no permission), analyst, editor, an editor limited to another
country (``curation.models.CountryScope``), superuser. The bulk edit is the admin's list action
(one field on the selected records).
"""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from core.choices import PublicationStatus as S
from countries.models import Revision, RevisionStatus, Statistic
from curation import services
from curation.models import CountryScope
from curation.resources import OrganizationTypeResource
from orgs.models import Claim, OrganizationType, Reference
from tests.factories import CountryFactory
from tests.fixtures.curation import make_user

from .test_admin import change_form_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "partner", "analyst", "editor", "editor-elsewhere", "superuser"]
STATES = [S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED]
PATHS = [
    "admin-form",
    "inline",
    "list-action",
    "history-revert",
    "admin-import",
    "command-import",
    "bulk-edit",
    "api-update",
    "api-delete",
]
MAY_EDIT = {"analyst", "editor", "superuser"}
MAY_PUBLISH = {"editor", "superuser"}
MAY_DELETE = {"editor", "superuser"}


def user_for(role):
    if role == "anonymous":
        return None
    if role == "partner":
        user = make_user("partner")
        user.is_staff = False
        user.save()
        return user
    if role == "superuser":
        return make_user("root", superuser=True)
    if role == "editor-elsewhere":
        user = make_user("elsewhere", "Editor")
        scope = CountryScope.objects.create(user=user, note="Germany only")
        scope.countries.set([CountryFactory(code="DE", name="Germany", slug="germany")])
        return user
    return make_user(role, role.capitalize())


def put_in(org_type, state, author):
    """Bring ``org_type`` (a published type) to ``state`` through the workflow, ``author`` submitting."""
    editor = make_user("other-editor", "Editor")
    if state == S.PUBLISHED:
        return
    services.record_archive(record=org_type, user=editor, reason="Setup")
    org_type = OrganizationType.objects.get(pk=org_type.pk)
    if state == S.ARCHIVED:
        return
    services.record_reopen(record=org_type, user=editor, reason="Setup")
    org_type = OrganizationType.objects.get(pk=org_type.pk)
    if state == S.IN_REVIEW:
        services.record_submit_for_review(record=org_type, user=author)


def snapshot(org_type):
    org_type = OrganizationType.objects.get(pk=org_type.pk)
    references = Reference.objects.filter(assessment__org_type=org_type).order_by("pk")
    quotes = tuple(references.values_list("quote", flat=True))
    return org_type.name, org_type.publication_status, quotes


def attempt(path, role, user, org_type):
    """Try ``path`` as ``user``; return nothing (the outcome is read from the database)."""
    client = Client()
    if user is not None and user.is_staff:
        client.force_login(user)
    url = reverse("admin:orgs_organizationtype_change", args=[org_type.pk])
    staff = user is not None and user.is_staff
    if path in ("admin-form", "inline"):
        if not staff:
            assert client.post(url, {"name": "Forged"}).status_code in (302, 403)
            return
        response = client.get(url)
        if response.status_code != 200:
            return
        data = change_form_data(client, url)
        data["change_reason"] = "Matrix"
        if path == "admin-form":
            data["name"] = "Forged"
        else:
            keys = [k for k in data if k.endswith("-quote")]
            if not keys:
                return  # read-only inlines: nothing to post
            data[keys[0]] = "Forged quote"
        client.post(url, data)
    elif path == "list-action":
        changelist = reverse("admin:orgs_organizationtype_changelist")
        client.post(changelist, {"action": "publish", "_selected_action": [org_type.pk]})
    elif path == "history-revert":
        # The version named "SCOP (old name)": its rows were those of today, so a revert to it passes check_data.
        first = org_type.history.filter(name="SCOP (old name)").latest("history_date")
        revert = reverse("admin:orgs_organizationtype_simple_history", args=[org_type.pk, first.history_id])
        if not staff:
            client.post(revert, {"name": "Forged"})
            return
        response = client.get(revert)
        if response.status_code != 200:
            return
        data = change_form_data(client, revert)
        data.update(name="Forged", change_reason="Matrix")
        client.post(revert, data)
    elif path == "admin-import":
        dataset = OrganizationTypeResource().export(OrganizationType.objects.filter(pk=org_type.pk))
        column = dataset.headers.index("name")
        row = list(dataset[0])
        row[column] = "Forged"
        body = ",".join(dataset.headers) + "\n" + ",".join(f'"{v}"' if v is not None else "" for v in row) + "\n"
        upload = io.BytesIO(body.encode())
        upload.name = "org-types.csv"
        form = client.get(reverse("admin:orgs_organizationtype_import"))
        if form.status_code != 200:
            return
        fmt = next(str(v) for v, label in form.context["form"].fields["format"].choices if str(label).lower() == "csv")
        response = client.post(reverse("admin:orgs_organizationtype_import"), {"import_file": upload, "format": fmt})
        confirm = response.context and response.context.get("confirm_form")
        if confirm:
            client.post(
                reverse("admin:orgs_organizationtype_process_import"), {n: confirm[n].value() for n in confirm.fields}
            )
    elif path == "bulk-edit":
        changelist = reverse("admin:orgs_organizationtype_changelist")
        form = {"action": "bulk_edit", "_selected_action": [org_type.pk]}
        client.post(changelist, {**form, "apply": "1", "field": "name", "value": "Forged", "reason": "Matrix"})
    elif path == "command-import":
        if user is None:
            return  # nobody: a command run without --user is the server (test_reimport, test_dataset)
        dataset = OrganizationTypeResource().export(OrganizationType.objects.filter(pk=org_type.pk))
        dataset[0] = tuple("Forged" if h == "name" else v for h, v in zip(dataset.headers, dataset[0], strict=True))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "org-types.csv"
            path.write_text(dataset.export("csv"))
            try:
                call_command("import_data", "org-types", str(path), "--user", user.username, verbosity=0)
            except CommandError:
                pass  # refused: the database says what happened
    elif path in ("api-update", "api-delete"):
        api = APIClient()
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, 'matrix')[1]}")
        detail = f"/api/v1/org-types/{org_type.slug}/"
        if path == "api-update":
            response = api.patch(detail, {"name": "Forged"}, format="json", HTTP_X_CHANGE_REASON="Matrix")
        else:
            response = api.delete(detail)
        assert response.status_code != 500


def expected(path, role, state, before, author_is_user):
    """What the database must show after the attempt: (name, status, quotes), and whether a change set waits."""
    name, status, quotes = before
    if path == "admin-form" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "admin-form" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "inline" and role in MAY_EDIT and state == S.DRAFT:
        return "one quote forged", False
    if path == "inline" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "list-action" and role in MAY_PUBLISH and state == S.IN_REVIEW and not author_is_user:
        return (name, S.PUBLISHED, quotes), False
    if path == "history-revert" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "history-revert" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "admin-import" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "admin-import" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "bulk-edit" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "bulk-edit" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "command-import" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "command-import" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "api-update" and role in MAY_EDIT and state == S.DRAFT:
        return ("Forged", status, quotes), False
    if path == "api-update" and role in MAY_EDIT and state == S.PUBLISHED:
        return before, True
    if path == "api-delete" and role in MAY_DELETE and state == S.DRAFT:
        return None, False
    return before, False


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PATHS)
def test_write_matrix(curated, path, role, state):
    org_type = OrganizationType.objects.get(pk=curated["org_type"].pk)
    if path == "api-delete":  # records that protect the type (PROTECT): gone, so only the workflow decides
        Claim.objects.filter(org_type=org_type).delete()
        Statistic.objects.filter(org_type=org_type).delete()
    if path == "history-revert":  # a version to go back to, with today's evidence and legal basis
        for name in ("SCOP (old name)", "SCOP"):
            org_type.name = name
            org_type._change_reason = "Setup"
            org_type.save()
    user = user_for(role)
    author = make_user("arun", "Analyst")
    put_in(org_type, state, author)
    org_type = OrganizationType.objects.get(pk=org_type.pk)
    before = snapshot(org_type)
    assert before[1] == state
    attempt(path, role, user, org_type)
    want, held = expected(path, role, state, before, author_is_user=False)
    if want is None:
        assert not OrganizationType.objects.filter(pk=org_type.pk).exists()
        return
    if want == "one quote forged":
        name, status, quotes = snapshot(org_type)
        assert (name, status) == before[:2] and "Forged quote" in quotes and len(quotes) == len(before[2])
    else:
        assert snapshot(org_type) == want
    pending = Revision.objects.filter(status=RevisionStatus.PENDING, kind="change", object_id=org_type.pk)
    assert pending.exists() == held
    if held:
        # The author of a held change can never approve it; a second editor can.
        revision = pending.get()
        if role in MAY_PUBLISH:
            with pytest.raises(services.WorkflowError):
                services.revision_approve(revision=revision, user=user)
        services.revision_approve(revision=revision, user=make_user("second", "Editor"))
        assert snapshot(org_type) != before


def test_a_submitter_cannot_publish_their_own_record(curated):
    editor = make_user("eddie", "Editor")
    org_type = OrganizationType.objects.get(pk=curated["draft"].pk)
    services.record_submit_for_review(record=org_type, user=editor)
    client = Client()
    client.force_login(editor)
    client.post(
        reverse("admin:orgs_organizationtype_changelist"), {"action": "publish", "_selected_action": [org_type.pk]}
    )
    assert OrganizationType.objects.get(pk=org_type.pk).publication_status == S.IN_REVIEW
