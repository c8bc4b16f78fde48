"""The write paths built by other issues (API, file import, review workflow) invalidate cached responses."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.tokens import create_token
from countries.models import Revision
from curation.services import record_publish, record_submit_for_review, revision_approve
from tests.factories import CountryFactory, SourceFactory
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db
HOME = "/"


@pytest.fixture
def country():
    return CountryFactory(code="FR", name="France", slug="france")


def warm(client, url):
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"


def test_api_write_invalidates(client, country):
    """A source retitled through the API with a token shows at once in the cached API list."""
    source = SourceFactory(slug="brief", title="Old title")
    user = User.objects.create_user("writer", password="not-used-here-123")
    user.user_permissions.add(Permission.objects.get(codename="change_source"))
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, 'test')[1]}")
    api_url = "/api/v1/sources/"
    warm(client, api_url)
    assert "Old title" in client.get(api_url).content.decode()
    response = writer.patch(f"/api/v1/sources/{source.slug}/", {"title": "New title"}, format="json")
    assert response.status_code == 202, response.content  # a source is public: the edit is a request
    assert "Old title" in client.get(api_url).content.decode()
    revision = Revision.objects.get(pk=response.json()["revision"])
    revision_approve(revision=revision, user=make_user("emma", "Editor"))
    assert "New title" in client.get(api_url).content.decode()


def test_file_import_invalidates(client, country, tmp_path):
    """Importing a spreadsheet of countries (import_data) invalidates cached pages."""
    warm(client, HOME)
    path = tmp_path / "countries.csv"
    call_command("export_data", "countries", output=path, verbosity=0)
    path.write_text(path.read_text().replace("France", "France (imported)"))
    call_command("import_data", "countries", str(path), verbosity=0)
    assert "France (imported)" in client.get(HOME).content.decode()


def test_workflow_publication_invalidates(client, country):
    """Publishing a reviewed draft through the workflow makes it appear for anonymous visitors at once."""
    draft = CountryFactory(code="DE", name="Germany", slug="germany", publication_status="draft", narrative="Text.")
    warm(client, HOME)
    assert b"Germany" not in client.get(HOME).content
    record_submit_for_review(record=draft, user=make_user("anna", "Analyst"))
    record_publish(record=draft, user=make_user("eddie", "Editor"))
    assert b"Germany" in client.get(HOME).content


def test_cached_api_hits_still_count_against_the_anonymous_throttle(client, settings):
    """Serving from the cache does not lift the API's rate limit: past it, a 429 with Retry-After."""
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    statuses = [client.get("/api/v1/families/") for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[1]["X-Cache"] == "hit" and int(statuses[3]["Retry-After"]) > 0
