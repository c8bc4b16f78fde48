"""Writes need a token and the model permission; classification is never writable; throttling; CORS."""

import pytest
from django.test import override_settings

from countries.models import Law
from orgs.models import OrganizationType
from tests.api_helpers import API
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, give_evidence
from tests.fixtures.api import token_client, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return token_client(
        user_with(
            "add_law", "change_law", "delete_law", "view_law", "change_organizationtype", "delete_country",
            username="editor",
        )
    )  # fmt: skip


def new_law(country):
    return {"slug": "kr-new-act", "title": "New Act", "country": country.code, "kind": "act", "status": "in_force"}


def test_anonymous_writes_answer_401(anon):
    """POST, PUT, PATCH and DELETE without a token answer 401 and change nothing."""
    country = CountryFactory(code="KR")
    law = LawFactory(country=country)
    assert anon.post(f"{API}laws/", new_law(country), format="json").status_code == 401
    assert anon.put(f"{API}laws/{law.pk}/", new_law(country), format="json").status_code == 401
    assert anon.patch(f"{API}laws/{law.pk}/", {"title": "X"}, format="json").status_code == 401
    response = anon.delete(f"{API}laws/{law.pk}/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert Law.objects.filter(pk=law.pk, title=law.title).exists() and Law.objects.count() == 1


def test_token_without_permission_answers_403(plain_user):
    """A valid token without the model permission may read but not write."""
    country = CountryFactory(code="KR")
    assert plain_user.get(f"{API}laws/").status_code == 200
    assert plain_user.post(f"{API}laws/", new_law(country), format="json").status_code == 403
    assert not Law.objects.filter(slug="kr-new-act").exists()


def test_token_with_permission_creates_updates_and_deletes(editor):
    """With the add/change/delete permission a token writes through the API."""
    country = CountryFactory(code="KR")
    created = editor.post(f"{API}laws/", new_law(country), format="json")
    assert created.status_code == 201, created.content
    law = Law.objects.get(slug="kr-new-act")
    assert law.country == country and law.publication_status == "draft"
    assert editor.patch(f"{API}laws/{law.pk}/", {"citation": "Act No. 1"}, format="json").status_code == 200
    law.refresh_from_db()
    assert law.citation == "Act No. 1"
    assert editor.delete(f"{API}laws/{law.pk}/").status_code == 204
    assert not Law.objects.filter(pk=law.pk).exists()


def test_writes_are_validated_by_the_model_rules(editor):
    """``Law.clean`` rules apply: a bill has no enactment date; an unknown country code is refused."""
    country = CountryFactory(code="KR")
    bill = {**new_law(country), "kind": "bill", "enacted_on": "2020-01-01"}
    response = editor.post(f"{API}laws/", bill, format="json")
    assert response.status_code == 400 and "enacted_on" in response.json()
    response = editor.post(f"{API}laws/", {**new_law(country), "country": "QQ"}, format="json")
    assert response.status_code == 400 and "country" in response.json()
    law = LawFactory(country=country)
    response = editor.patch(f"{API}laws/{law.pk}/", {"amends": [law.pk]}, format="json")
    assert response.status_code == 400 and "amends" in response.json()
    assert not Law.objects.filter(slug="kr-new-act").exists()


def test_classification_is_never_writable(editor):
    """A PATCH carrying classification or features_met leaves the derived values alone."""
    org_type = OrganizationTypeFactory(slug="t1", publication_status="draft")
    give_evidence(org_type, "for-profit")
    response = editor.patch(
        f"{API}org-types/t1/", {"classification": "sseoe", "features_met": 3, "name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["classification"] == "outside" and response.json()["features_met"] == 1
    org_type = OrganizationType.objects.get(slug="t1")
    assert (org_type.name, org_type.classification, org_type.features_met) == ("Renamed", "outside", 1)


def test_deleting_a_record_others_depend_on_is_409(editor):
    """Deleting a country that still has laws is refused with a 409 JSON body, nothing lost."""
    country = CountryFactory(code="KR")
    LawFactory(country=country)
    response = editor.delete(f"{API}countries/kr/")
    assert response.status_code == 409 and "detail" in response.json()
    assert Law.objects.filter(country=country).exists()


@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_anonymous_reads_are_throttled_with_retry_after(anon, plain_user):
    """Past the configured rate an anonymous reader gets 429 with Retry-After; token holders are not throttled."""
    statuses = [anon.get(f"{API}families/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = anon.get(f"{API}families/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert all(plain_user.get(f"{API}families/").status_code == 200 for _ in range(5))


def test_cors_allows_read_only_cross_origin_gets_without_credentials(anon):
    """A cross-origin GET is allowed for any origin, without credentials; a write preflight is not."""
    response = anon.get(f"{API}families/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = anon.options(
        f"{API}laws/", HTTP_ORIGIN="https://partner.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    allowed = preflight["Access-Control-Allow-Methods"]
    assert "GET" in allowed and "POST" not in allowed and "DELETE" not in allowed
    assert "etag" in response["Access-Control-Expose-Headers"].lower()
    conditional = anon.options(
        f"{API}laws/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert "if-none-match" in conditional["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in anon.get("/admin/login/", HTTP_ORIGIN="https://partner.example")


def test_tokens_come_from_a_management_command_or_the_admin():
    """``manage.py drf_create_token <user>`` makes a working token; the admin lists tokens too (masked)."""
    import io

    from django.contrib import admin
    from django.core.management import call_command
    from rest_framework.test import APIClient

    user_with("add_law", username="scripted")
    out = io.StringIO()
    call_command("drf_create_token", "scripted", stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(f"{API}laws/", new_law(CountryFactory(code="KR")), format="json").status_code == 201
    from accounts.models import ApiToken

    assert admin.site.is_registered(ApiToken)


def test_change_permission_also_reveals_drafts(editor, anon):
    """An editor who may change org types also reads their drafts; anonymous readers do not."""
    OrganizationTypeFactory(slug="wip", publication_status="draft")
    assert editor.get(f"{API}org-types/wip/").status_code == 200
    assert anon.get(f"{API}org-types/wip/").status_code == 404


def test_writes_follow_the_review_workflow(editor):
    """
    API writes cannot publish: new records are drafts whatever is sent, and an
    edit to a published record is held as a pending change (202), not applied.
    """
    from countries.models import Revision

    country = CountryFactory(code="KR")
    created = editor.post(f"{API}laws/", {**new_law(country), "publication_status": "published"}, format="json")
    assert created.status_code == 201 and created.json()["publication_status"] == "draft"

    published = LawFactory(country=country, title="Approved title")
    response = editor.patch(
        f"{API}laws/{published.pk}/", {"title": "Proposed title"}, format="json", HTTP_X_CHANGE_REASON="Typo"
    )
    assert response.status_code == 202
    published.refresh_from_db()
    assert published.title == "Approved title"
    revision = Revision.objects.get(pk=response.json()["revision"])
    assert revision.changes == {"title": "Proposed title"} and revision.reason == "Typo"
    again = editor.patch(f"{API}laws/{published.pk}/", {"title": "Another"}, format="json")
    assert again.status_code == 409 and "waiting for review" in again.json()["detail"]
    invalid = editor.patch(f"{API}laws/{published.pk}/", {"kind": "bill"}, format="json")
    assert invalid.status_code == 400 and "enacted_on" in invalid.json()
