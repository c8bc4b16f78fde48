"""Two analysts saving the same record cannot silently overwrite each other (admin and API)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from core.choices import PublicationStatus
from countries.models import Revision
from orgs.models import Family, OrganizationType
from tests.factories import LawFactory, LegalBasisFactory, SourceFactory
from tests.fixtures.curation import make_user

from .test_admin import change_form_data

API = "/api/v1/"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_second_admin_save_is_refused_with_a_clear_message(curated, analyst, editor):
    """Both open the same draft; the first save wins, the second is refused and stores nothing."""
    draft = curated["draft"]
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    anna, eddie = logged_in(analyst), logged_in(editor)
    anna_form, eddie_form = change_form_data(anna, url), change_form_data(eddie, url)
    draft.refresh_from_db()  # its cells were added after it was made: the classification saved it again
    assert anna_form["loaded_version"] == draft.updated_at.isoformat()

    anna_form.update(name="Anna's name", change_reason="From the statute")
    assert anna.post(url, anna_form).status_code == 302

    eddie_form.update(name="Eddie's name", change_reason="From the registry")
    response = eddie.post(url, eddie_form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert "was changed by anna after you opened it" in errors[0]
    assert "your changes were NOT saved" in errors[0]
    assert "was changed by anna after you opened it" in response.content.decode()
    assert OrganizationType.objects.get(pk=draft.pk).name == "Anna's name"

    # Reopened, the form carries the new version and the edit goes through.
    fresh = change_form_data(eddie, url)
    fresh.update(name="Eddie's name", change_reason="From the registry")
    assert eddie.post(url, fresh).status_code == 302
    assert OrganizationType.objects.get(pk=draft.pk).name == "Eddie's name"


def test_the_method_admins_check_the_version_too(db):
    """Families (like features and sub-conditions) are edited with the same check: a stale form proposes nothing."""
    admin_user = make_user("root", superuser=True)
    family = Family.objects.create(slug="test-family", name="Test family", order=99)
    url = reverse("admin:orgs_family_change", args=[family.pk])
    client = logged_in(admin_user)
    form = change_form_data(client, url)
    family.name = "Changed by the method fixture"
    family.save()  # the server (a reload of fixtures/method.yaml) changes it after the form was opened
    form.update(name="Second", change_reason="Mine")
    response = client.post(url, form)
    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    assert Family.objects.get(pk=family.pk).name == "Changed by the method fixture"
    assert not Revision.objects.exists()  # nothing proposed either


@pytest.mark.parametrize(
    "model_name",
    [
        "countries.source",
        "countries.country",
        "countries.law",
        "countries.statistic",
        "orgs.organizationtype",
        "orgs.reference",
        "orgs.assessment",
        "orgs.legalbasis",
        "orgs.feature",
        "orgs.subcondition",
        "orgs.family",
    ],
)
def test_every_edited_admin_form_carries_the_version(curated, model_name):
    """Each change page holds the record's version in a hidden field, so every save is checked."""
    from django.apps import apps

    model = apps.get_model(model_name)
    # A row of a published type is read-only (it changes through review): take one of the draft type.
    rows = {"orgs.reference": "assessment__org_type", "orgs.assessment": "org_type", "orgs.legalbasis": "org_type"}
    objects = model.objects.order_by("pk")
    if model_name == "orgs.legalbasis":
        LegalBasisFactory(org_type=curated["draft"], law=curated["old"], provision="Art. 2")
    if model_name in rows:
        objects = objects.filter(**{rows[model_name]: curated["draft"]})
    obj = objects.first()
    client = logged_in(make_user("root", superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = client.get(url).content.decode()
    assert f'type="hidden" name="loaded_version" value="{obj.updated_at.isoformat()}"' in page


# API ---------------------------------------------------------------------------------


@pytest.fixture
def api_editor(db):
    user = make_user("api-editor", "Editor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, 'test')[1]}")
    return client


def draft_law(slug="brief-act"):
    return LawFactory(slug=slug, title="Original title", publication_status=PublicationStatus.DRAFT)


def test_api_if_match_refuses_a_stale_edit_with_412(api_editor):
    """A PATCH with the ETag read before someone else's save answers 412 and changes nothing."""
    law = draft_law()
    url = f"{API}laws/brief-act/"
    etag = api_editor.get(url)["ETag"]

    first = api_editor.patch(url, {"title": "First edit"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    stale = api_editor.patch(url, {"title": "Second edit"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["detail"]
    law.refresh_from_db()
    assert law.title == "First edit"

    # Read again: the new ETag is accepted; a weak tag never is (If-Match compares strongly, RFC 9110).
    fresh = api_editor.get(url)["ETag"]
    assert fresh != etag
    assert api_editor.patch(url, {"title": "Second edit"}, format="json", HTTP_IF_MATCH=f"W/{fresh}").status_code == 412
    assert api_editor.patch(url, {"title": "Second edit"}, format="json", HTTP_IF_MATCH=fresh).status_code == 200
    assert api_editor.delete(url, HTTP_IF_MATCH=fresh).status_code == 412  # the title changed again
    assert api_editor.delete(url, HTTP_IF_MATCH=api_editor.get(url)["ETag"]).status_code == 204


def test_api_if_match_guards_the_requests_for_sources_too(api_editor):
    """A source's edit is a request for review; with a stale ETag it is refused before it is made."""
    source = SourceFactory(slug="brief", title="Original title")
    url = f"{API}sources/brief/"
    etag = api_editor.get(url)["ETag"]
    source.title = "Changed meanwhile"
    source.save()
    assert api_editor.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert not Revision.objects.exists()
    fresh = api_editor.get(url)["ETag"]
    assert api_editor.patch(url, {"title": "Mine"}, format="json", HTTP_IF_MATCH=fresh).status_code == 202


def test_api_if_match_guards_held_changes_to_published_records(curated, api_editor):
    """An edit to a published record is held for review; with a stale ETag it is refused before that."""
    org_type = curated["org_type"]
    url = f"{API}org-types/{org_type.slug}/"
    etag = api_editor.get(url)["ETag"]
    OrganizationType.objects.filter(pk=org_type.pk).update(name="Changed meanwhile")
    response = api_editor.patch(url, {"name": "Mine"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert not Revision.objects.exists()
    fresh = api_editor.get(url)["ETag"]
    held = api_editor.patch(url, {"name": "Mine"}, format="json", HTTP_IF_MATCH=fresh, HTTP_X_CHANGE_REASON="Test")
    assert held.status_code == 202, held.content
    assert Revision.objects.count() == 1


def test_api_if_match_star_and_absent_header(api_editor):
    """`If-Match: *` matches any existing record; without If-Match the write proceeds as before."""
    draft_law()
    url = f"{API}laws/brief-act/"
    assert api_editor.patch(url, {"title": "A"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api_editor.patch(url, {"title": "B"}, format="json").status_code == 200
