"""
Issue 15: the audit log across all models (curation/audit.py), from the history and review rows
the workflow writes: the admin page with its filters, its CSV, and the editors' API.
"""

import csv
import datetime
import io
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from countries.models import Law
from curation import audit, services
from tests.factories import CountryFactory
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(curated):
    """An analyst proposes, an editor approves; another country's law is created by someone else."""
    analyst, editor = make_user("anna", "Analyst"), make_user("eddie", "Editor")
    revision = services.revision_propose(
        record=curated["old"], user=analyst, values={"title": "Renamed"}, reason="Gazette"
    )
    services.revision_approve(revision=revision, user=editor, note="Checked")
    germany = CountryFactory(code="DE", name="Germany", slug="germany")
    law = Law(slug="de-law", country=germany, title="Genossenschaftsgesetz", source=curated["source"])
    services.record_create(record=law,
                           user=make_user("gus", "Analyst"), reason="New German law")  # fmt: skip
    return {"analyst": analyst, "editor": editor, "revision": revision, "law": curated["old"], "germany": germany}


def rows(**filters):
    return [audit.describe(e) for e in audit.audit_entries(**filters)]


def test_each_step_says_who_when_what_why_and_the_reviewer(story):
    law = story["law"]
    steps = [r for r in rows(models=["countries.law"]) if r["object_id"] == str(law.pk)]
    approved_change = steps[0]
    assert approved_change["action"] == "changed" and approved_change["user"] == "anna"
    assert approved_change["reviewer"] == "eddie" and "Gazette" in approved_change["reason"]
    decisions = [r for r in rows(actions=["proposed", "approved"]) if r["object_id"] == str(law.pk)]
    assert [(r["action"], r["user"]) for r in decisions] == [("approved", "eddie"), ("proposed", "anna")]
    assert decisions[0]["note"] == f"review request #{story['revision'].pk}: Checked"


def test_the_filters_narrow_by_model_user_action_date_and_country(story):
    assert {r["user"] for r in rows(user="gus")} == {"gus"}
    assert {r["model"] for r in rows(models=["orgs.reference"])} == {"orgs.reference"}
    assert {r["action"] for r in rows(actions=["created"])} == {"created"}
    german = rows(country=story["germany"].pk)
    assert german and {r["country_id"] for r in german} == {story["germany"].pk}
    assert all(r["object_id"] != str(story["law"].pk) or r["model"] != "countries.law" for r in german)
    assert rows(since=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)) == []


def test_the_admin_page_filters_and_exports_csv_for_editors_only(story):
    client = Client()
    client.force_login(story["editor"])
    url = reverse("admin-audit-log")
    page = client.get(url, {"user": "gus"})
    assert page.status_code == 200
    assert {e["user"] for e in page.context["entries"]} == {"gus"} and "New German law" in page.content.decode()
    exported = client.get(url, {"country": "DE", "format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert table and {row["country_id"] for row in table} == {str(story["germany"].pk)}
    assert list(table[0]) == list(audit.CSV_COLUMNS)
    assert client.get(url, {"country": "QQ"}).context["entries"] == []
    client.force_login(story["analyst"])
    assert client.get(url).status_code == 403


TOKENS = itertools.count()


def api(user=None):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, f'audit-{next(TOKENS)}')[1]}")
    return client


def test_the_api_serves_the_log_to_editors_and_problem_403_to_others(story):
    response = api(story["editor"]).get("/api/v1/audit/", {"action": "approved"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["action"], r["user"], r["reviewer"]) for r in results] == [("approved", "eddie", "eddie")]
    refused = api(story["analyst"]).get("/api/v1/audit/")
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/problem+json")
    assert api().get("/api/v1/audit/").status_code == 401
    bad = api(story["editor"]).get("/api/v1/audit/", {"since": "yesterday"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
