"""The write paths built by other issues (file import, review workflow) invalidate cached responses."""

import pytest
from django.core.management import call_command

from countries.services import record_publish, record_submit_for_review
from tests.factories import CountryFactory
from tests.workflow.conftest import make_user

pytestmark = pytest.mark.django_db
HOME = "/"


@pytest.fixture
def country():
    return CountryFactory(code="FR", name="France", slug="france")


def warm(client, url):
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"


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
    draft = CountryFactory(code="DE", name="Germany", slug="germany", publication_status="draft")
    warm(client, HOME)
    assert b"Germany" not in client.get(HOME).content
    record_submit_for_review(record=draft, user=make_user("anna", "Analyst"))
    record_publish(record=draft, user=make_user("eddie", "Editor"))
    assert b"Germany" in client.get(HOME).content
