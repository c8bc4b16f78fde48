"""
Citable releases (issue 16): an editor cuts a release that freezes the published dataset; its
changelog against the previous one; ``?release=`` reads the frozen data through the same API
after later edits; its files and citation. Runs on the default database of the run (SQLite or
PostgreSQL); a release is always read from its own SQLite file.
"""

import csv
import datetime
import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from frictionless import validate

from core.choices import PublicationStatus, Verification
from countries.models import Law, LawEvent, Statistic
from orgs.models import OrganizationType, Reference
from releases import routing
from releases.models import Release
from releases.services import release_cut
from tests.api_helpers import API, errors, problem, results
from tests.factories import LawFactory, LegalBasisFactory, OrganizationTypeFactory, give_evidence


@pytest.fixture(autouse=True)
def _releases_dir(settings, tmp_path):
    settings.SSE_MAP_RELEASES_DIR = tmp_path / "releases"


@pytest.fixture
def clean(curated):
    """The curated dataset with no check_data error (its unverified facts say why)."""
    LawEvent.objects.update(note="Read in translation.")
    Statistic.objects.update(note="From the registry summary.")
    return curated


@pytest.fixture
def cut(clean, editor):
    def cut(version, notes=""):
        return release_cut(user=editor, version=version, notes=notes)

    return cut


def _names(response):
    return {row["key"]: row["name"] for row in results(response)}


def test_release_param_reads_the_frozen_data_after_later_edits(cut, curated, anon):
    cut("2027.1")
    # Later edits, published at once: a rename, a new type, a deleted statistic.
    OrganizationType.objects.filter(slug="scop").update(name="SCOP renamed")
    OrganizationTypeFactory(slug="new-type", country=curated["country"], name="New type")
    Statistic.objects.filter(slug="fr-coops-2020").delete()

    current = _names(anon.get(f"{API}org-types/"))
    frozen = anon.get(f"{API}org-types/?release=2027.1")
    assert frozen["X-Release"] == "2027.1"
    assert current == {"scop": "SCOP renamed", "new-type": "New type"}
    assert _names(frozen) == {"scop": "SCOP"}  # and never the draft type
    # Details, filters and formats, the same way.
    assert anon.get(f"{API}org-types/scop/?release=2027.1").json()["name"] == "SCOP"
    assert anon.get(f"{API}org-types/new-type/?release=2027.1").status_code == 404
    assert _names(anon.get(f"{API}org-types/?release=2027.1&country=FR&classification=sseoe")) == {"scop": "SCOP"}
    assert [r["key"] for r in results(anon.get(f"{API}statistics/?release=2027.1"))] == ["fr-coops-2020"]
    assert results(anon.get(f"{API}statistics/")) == []
    streamed = anon.get(f"{API}org-types/?release=2027.1&format=csv&all=true")
    rows = list(csv.DictReader(io.StringIO(b"".join(streamed.streaming_content).decode())))
    assert [(r["key"], r["name"]) for r in rows] == [("scop", "SCOP")]
    # The frozen classification is the one cut, not recomputed when the release was loaded.
    frozen_cells = results(anon.get(f"{API}assessments/?release=2027.1&org_type=scop&finding=met"))
    assert {c["sub_condition"]["key"] for c in frozen_cells} == {
        "social-problem",
        "for-profit",
        "democratic-governance",
    }


def test_a_release_shows_what_the_public_saw_even_to_staff(cut, curated, viewer):
    cut("2027.1")
    assert "draft-type" in {r["key"] for r in results(viewer.get(f"{API}org-types/"))}
    assert {r["key"] for r in results(viewer.get(f"{API}org-types/?release=2027.1"))} == {"scop"}


def test_changelog_added_changed_removed_and_reclassified(cut, curated, anon):
    first = cut("2027.1")
    assert first.changelog["against"] is None
    assert first.changelog["resources"]["org-types"]["added"] == ["scop"]
    assert first.counts["org-types"] == 1 and first.counts["laws"] == 2

    country = curated["country"]
    new = OrganizationTypeFactory(slug="new-type", country=country, name="New type")  # added
    LegalBasisFactory(org_type=new, law=curated["old"], provision="Art. 2")
    give_evidence(new, "social-problem", law=curated["old"])
    Law.objects.filter(slug="coop-act-1947").update(title="Cooperatives Act 1947 (as amended)")  # changed
    Statistic.objects.filter(slug="fr-coops-2020").delete()  # removed
    # Reclassified: the democratic evidence goes, so SCOP meets two features of three.
    Reference.objects.filter(
        assessment__org_type__slug="scop", assessment__sub_condition__code="democratic-governance"
    ).delete()
    assert OrganizationType.objects.get(slug="scop").classification == "pho"
    second = cut("2027.2", notes="Second")

    log = second.changelog
    assert log["against"] == "2027.1"
    org_types = log["resources"]["org-types"]
    assert org_types["added"] == ["new-type"] and org_types["removed"] == []
    assert [c["key"] for c in org_types["changed"]] == ["scop"]
    assert "classification" in org_types["changed"][0]["fields"]
    assert log["resources"]["laws"]["changed"] == [{"key": "coop-act-1947", "fields": ["title"]}]
    assert log["resources"]["statistics"]["removed"] == ["fr-coops-2020"]
    assert log["reclassified"] == [{"key": "scop", "from": "sseoe", "to": "pho"}]
    # A cell whose references changed counts as changed, through its own table.
    cells = {c["key"]: c["fields"] for c in log["resources"]["assessments"]["changed"]}
    assert "references" in cells["scop.D2"] and "finding" in cells["scop.D2"]
    assert log["summary"]["reclassified"] == 1
    # Each release reads back as it was cut.
    assert {r["key"] for r in results(anon.get(f"{API}org-types/?release=2027.1"))} == {"scop"}
    assert {r["key"] for r in results(anon.get(f"{API}org-types/?release=2027.2"))} == {"scop", "new-type"}
    assert anon.get(f"{API}org-types/scop/?release=2027.1").json()["classification"] == "sseoe"
    assert anon.get(f"{API}org-types/scop/?release=2027.2").json()["classification"] == "pho"


def test_only_an_editor_cuts_and_versions_only_increase(clean, analyst, editor):
    with pytest.raises(PermissionDenied):
        release_cut(user=analyst, version="2027.1")
    with pytest.raises(PermissionDenied):
        release_cut(user=None, version="2027.1")
    with pytest.raises(ValidationError, match="not a release version"):
        release_cut(user=editor, version="27.1")
    release_cut(user=editor, version="2027.1")
    with pytest.raises(ValidationError, match="exists already"):
        release_cut(user=editor, version="2027.1")
    with pytest.raises(ValidationError, match="does not follow the latest release, 2027.1"):
        release_cut(user=editor, version="2026.9")
    # Numbers, not text: 2027.10 follows 2027.9.
    release_cut(user=editor, version="2027.9")
    release_cut(user=editor, version="2027.10")
    assert list(Release.objects.newest_first().values_list("version", flat=True)) == ["2027.10", "2027.9", "2027.1"]


def test_check_data_errors_refuse_a_cut_and_nothing_is_written(clean, editor):
    LawFactory(
        slug="unsaid", country=clean["country"], publication_status=PublicationStatus.PUBLISHED,
        verification=Verification.UNVERIFIED, verification_note="",
    )  # fmt: skip
    refused = r"check_data reports \d+ error.*unverified law on a published record has no verification note"
    with pytest.raises(ValidationError, match=refused):
        release_cut(user=editor, version="2027.1")
    assert not Release.objects.exists()


def test_the_command_cuts_and_names_what_refuses(clean, editor, analyst):
    with pytest.raises(CommandError, match="Only an editor"):
        call_command("cut_release", "2027.1", "--user", analyst.username)
    out = io.StringIO()
    call_command("cut_release", "2027.1", "--user", editor.username, "--notes", "First", stdout=out)
    assert "Release 2027.1 cut" in out.getvalue()
    assert Release.objects.get().notes == "First"


def test_releases_endpoint_citation_downloads_and_latest(cut, anon, tmp_path):
    assert anon.get(f"{API}releases/latest/").status_code == 404
    cut("2027.1")
    second = cut("2027.2")
    listed = results(anon.get(f"{API}releases/"))
    assert [r["key"] for r in listed] == ["2027.2", "2027.1"]
    assert "changelog" not in listed[0]
    detail = anon.get(f"{API}releases/2027.2/").json()
    assert detail["previous"]["key"] == "2027.1" and anon.get(detail["previous"]["url"]).status_code == 200
    today = datetime.date.today().isoformat()
    assert "release 2027.2" in detail["citation"] and f"({second.cut_at.date().isoformat()})" in detail["citation"]
    assert second.cut_at.date().isoformat() == today
    assert detail["changelog"]["against"] == "2027.1"
    assert anon.get(f"{API}releases/latest/").json()["key"] == "2027.2"
    # The files, the bytes cut: their size and SHA-256 as listed, a valid data package.
    for name, media in (("datapackage.zip", "application/zip"), ("dataset.xlsx", "spreadsheetml")):
        info = detail["downloads"][name]
        response = anon.get(info["url"])
        assert response.status_code == 200 and media in response["Content-Type"]
        assert len(response.content) == info["bytes"] and response["ETag"] == f'"{info["sha256"]}"'
        assert anon.get(info["url"], HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    package = anon.get(detail["downloads"]["datapackage.zip"]["url"]).content
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        archive.extractall(tmp_path / "package")
    report = validate(tmp_path / "package" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:10]
    assert anon.get(f"{API}releases/2099.1/").status_code == 404
    assert problem(anon.get(f"{API}releases/2099.1/datapackage.zip"), 404)


def test_release_param_errors_are_problems(cut, anon, editor):
    cut("2027.1")
    unknown = errors(anon.get(f"{API}org-types/?release=2099.1"))
    assert "No release '2099.1'" in unknown["release"][0]
    assert "2027.1" in problem(anon.get(f"{API}laws/?release=nope"))["detail"]
    refused = anon.post(f"{API}laws/?release=2027.1", {}, content_type="application/json")
    assert problem(refused, 405) and "GET" in refused["Allow"]
    assert errors(anon.get(f"{API}releases/?release=2027.1"))["release"]


def test_the_data_package_of_a_release_is_the_frozen_one(cut, curated, anon):
    cut("2027.1")
    OrganizationType.objects.filter(slug="scop").update(name="SCOP renamed")
    table = anon.get(f"{API}datapackage/org-types.csv?release=2027.1").content.decode()
    assert [r["name"] for r in csv.DictReader(io.StringIO(table))] == ["SCOP"]
    current = anon.get(f"{API}datapackage/org-types.csv").content.decode()
    assert [r["name"] for r in csv.DictReader(io.StringIO(current))] == ["SCOP renamed"]


def test_release_endpoints_query_counts(cut, anon, django_assert_num_queries):
    """Counts include the SAVEPOINT and RELEASE of the request's transaction; they do not grow with releases."""
    for version in ("2027.1", "2027.2", "2027.3"):
        cut(version)
    for url, expected in ((f"{API}releases/", 4), (f"{API}releases/2027.2/", 3), (f"{API}releases/latest/", 3)):
        with django_assert_num_queries(expected):
            assert anon.get(url).status_code == 200
    # A release already materialised costs one query on the default database (its row); the
    # rest is read from its own file.
    assert anon.get(f"{API}families/?release=2027.1").status_code == 200
    with django_assert_num_queries(3):
        assert anon.get(f"{API}families/?release=2027.1&page_size=10").status_code == 200


def test_the_admin_cuts_for_editors_only(clean, editor, analyst, client):
    client.force_login(analyst)
    assert client.get("/admin/releases/release/add/").status_code == 403
    client.force_login(editor)
    assert client.get("/admin/releases/release/add/").status_code == 200
    refused = client.post("/admin/releases/release/add/", {"version": "27.1", "notes": ""})
    assert refused.status_code == 200 and "not a release version" in refused.content.decode()
    response = client.post("/admin/releases/release/add/", {"version": "2027.1", "notes": "From the admin"})
    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.version, release.notes, release.cut_by) == ("2027.1", "From the admin", editor)
    page = client.get(f"/admin/releases/release/{release.pk}/change/").content.decode()
    assert "/api/v1/releases/2027.1/datapackage.zip" in page
    again = client.post("/admin/releases/release/add/", {"version": "2027.1", "notes": ""})
    assert "exists already" in again.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL needs the locks")
def test_a_write_waits_while_a_release_is_cut(clean, editor, monkeypatch):
    """During the cut another session's write to a frozen table cannot commit (it would split the snapshot)."""
    import psycopg2  # only on PostgreSQL runs, where the driver is the backend's own

    seen = {}

    def freeze_with_a_writer():
        # A second session, whose writes give up after 300 ms instead of waiting for the cut.
        params = connection.get_connection_params()
        params["options"] = f"{params.get('options', '')} -c lock_timeout=300ms".strip()
        other = psycopg2.connect(**params)
        try:
            with other.cursor() as cursor:
                for label in ("countries.Law", "orgs.Reference", "orgs.OrganizationType"):
                    table = apps.get_model(label)._meta.db_table
                    try:
                        cursor.execute(f"UPDATE {table} SET id = id WHERE false")
                        seen[label] = "written"
                    except psycopg2.errors.LockNotAvailable:
                        seen[label] = "waited"
                    other.rollback()
        finally:
            other.close()
        return routing.freeze()

    monkeypatch.setattr("releases.services.freeze", freeze_with_a_writer)
    release_cut(user=editor, version="2027.1")
    assert seen == {"countries.Law": "waited", "orgs.Reference": "waited", "orgs.OrganizationType": "waited"}


def test_links_in_a_release_lead_to_the_frozen_records(cut, curated, anon):
    """Every record URL in an answer read from a release carries ``?release=``; followed, it gives the frozen record."""
    cut("2027.1")
    OrganizationType.objects.filter(slug="scop").update(name="SCOP renamed")
    Law.objects.filter(slug="coop-act-1947").update(title="Renamed act")
    row = results(anon.get(f"{API}org-types/?release=2027.1"))[0]
    assert row["url"].endswith("/api/v1/org-types/scop/?release=2027.1")
    assert row["country"]["url"].endswith("/api/v1/countries/FR/?release=2027.1")
    law_urls = [law["url"] for law in row["laws"]]
    assert law_urls and all(url.endswith("?release=2027.1") for url in law_urls)
    assert anon.get(row["url"]).json()["name"] == "SCOP"
    old_act = next(url for url in law_urls if "coop-act-1947" in url)
    assert anon.get(old_act).json()["title"] == "Cooperatives Act 1947"
    # The current data's links are the current records'.
    current = results(anon.get(f"{API}org-types/"))[0]
    assert "release=" not in current["url"] and "release=" not in current["country"]["url"]
