"""Shared behaviour: root, licence and citation, paging, conditional GET, streamed CSV, schema and docs."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.api_helpers import API, errors
from tests.factories import CountryFactory, LawFactory

pytestmark = pytest.mark.django_db

LICENSE = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def test_root_lists_every_endpoint(anon):
    """The API root links each endpoint partners use."""
    body = anon.get(API).json()
    expected = {
        "countries", "laws", "org-types", "families", "features", "sub-conditions",
        "statistics", "sources", "classification", "deletions",
    }  # fmt: skip
    assert expected <= set(body)
    assert body["org-types"].endswith("/api/v1/org-types/")


@pytest.mark.parametrize(
    "path",
    ["", "laws/", "laws/?kind=nope", "laws/999999/", "schema/", "countries/?format=geojson", "families/?format=csv"],
)
def test_every_response_names_the_licence(anon, path):
    """Success or error, every API response carries the licence Link header."""
    assert LICENSE in anon.get(f"{API}{path}")["Link"]


@override_settings(DATA_LICENSE_NAME="ODbL", DATA_LICENSE_URL="https://opendatacommons.org/licenses/odbl/")
def test_licence_is_configurable_and_cited(anon):
    """The licence comes from settings; list JSON carries it and a citation string naming the URL."""
    response = anon.get(f"{API}families/")
    assert response["Link"] == '<https://opendatacommons.org/licenses/odbl/>; rel="license"'
    body = response.json()
    assert body["license"] == "ODbL" and "/api/v1/families/" in body["cite_as"] and "ODbL" in body["cite_as"]


@pytest.fixture
def five_laws():
    country = CountryFactory(code="KR")
    return [LawFactory(country=country, slug=f"law-{i}", title="Same title") for i in range(5)]


def test_page_number_pagination(anon, five_laws):
    """``page_size`` pages through every law once, with count, next and previous, in a stable order."""
    first = anon.get(f"{API}laws/?page_size=2").json()
    assert first["count"] == 5 and first["previous"] is None and "page=2" in first["next"]
    seen = []
    url = f"{API}laws/?page_size=2"
    while url:
        body = anon.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(law.slug for law in five_laws) and len(seen) == 5
    assert anon.get(f"{API}laws/?page_size=2&page=9").status_code == 404


@override_settings(API_MAX_PAGE_SIZE=3)
def test_page_size_is_bounded(anon, five_laws):
    """A page size above the bound is a 400 naming ``page_size``, not a silent clamp."""
    assert anon.get(f"{API}laws/?page_size=3").status_code == 200
    response = anon.get(f"{API}laws/?page_size=4")
    assert response.status_code == 400 and "page_size" in errors(response)


def test_conditional_get_answers_304(anon, five_laws):
    """A GET carries ETag and Last-Modified; a matching If-None-Match or If-Modified-Since gives 304."""
    first = anon.get(f"{API}laws/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    not_modified = anon.get(f"{API}laws/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert LICENSE in not_modified["Link"]
    assert anon.get(f"{API}laws/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    detail = anon.get(f"{API}laws/{five_laws[0].slug}/")
    assert anon.get(f"{API}laws/{five_laws[0].slug}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304

    law = five_laws[0]
    law.title = "Changed"
    law.save()
    changed = anon.get(f"{API}laws/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@override_settings(API_PAGE_SIZE=2)
def test_csv_all_rows_streamed(anon, five_laws):
    """``format=csv&all=true`` streams one row per law across all pages; plain CSV is one page."""
    response = anon.get(f"{API}laws/?format=csv&all=true")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(r["slug"] for r in rows) == sorted(law.slug for law in five_laws)
    paged = list(csv.DictReader(io.StringIO(anon.get(f"{API}laws/?format=csv").content.decode())))
    assert len(paged) == 2
    assert "all" in errors(anon.get(f"{API}laws/?all=true"))
    assert "all" in errors(anon.get(f"{API}laws/?format=csv&all=perhaps"))


def test_streamed_csv_refuses_unknown_fields_before_streaming(anon, five_laws):
    """An unknown ``fields=`` or ``include=`` name in the whole-list CSV is a 400, not a stream cut short."""
    for query in ("fields=slug,nope", "include=nope"):
        response = anon.get(f"{API}laws/?format=csv&all=true&{query}")
        assert response.status_code == 400 and not response.streaming, query
        assert response["Content-Type"] == "application/problem+json"
    chosen = anon.get(f"{API}laws/?format=csv&all=true&fields=slug,title")
    header = b"".join(chosen.streaming_content).decode().splitlines()[0]
    assert header.split(",") == ["slug", "title"]


def test_browsable_api_errors_are_problems_too(anon):
    """A browser's error (Accept: text/html) is the same JSON problem, its body matching its type."""
    response = anon.get(f"{API}laws/?kind=nope", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400 and "kind" in response.json()["errors"]


def test_csv_errors_are_json(anon):
    """An error asked for as CSV still answers JSON."""
    response = anon.get(f"{API}laws/?format=csv&kind=nope")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")


def test_schema_validates_without_warnings(tmp_path):
    """``manage.py spectacular --validate --fail-on-warn`` passes."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/org-types/" in text and "as_of" in text and "updated_since" in text


def test_schema_documents_filters_with_types_and_values(anon):
    """The served schema documents the classification filter's allowed values and the date type of as_of."""
    schema = anon.get(f"{API}schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/org-types/"]["get"]["parameters"]}
    assert parameters["classification"]["schema"]["items"]["enum"] == ["outside", "pho", "sseoe"]
    assert parameters["as_of"]["schema"]["format"] == "date"
    assert parameters["updated_since"]["schema"]["format"] == "date-time"
    assert "page_size" in parameters and "format" in parameters and "all" in parameters


def test_docs_are_served_from_our_static_files(anon):
    """Swagger UI loads its assets from our static files, never from a CDN."""
    response = anon.get(f"{API}docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http://", "https://", "//")) for s in sources)
    assert any("drf_spectacular_sidecar" in s for s in sources)
    assert "<script>" not in html, "no inline script (CSP)"
    assert anon.get(f"{API}redoc/").status_code == 200


def test_unsupported_accept_header_is_406_json(anon):
    """An Accept header naming no format the API has answers 406 in JSON."""
    response = anon.get(f"{API}laws/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406 and "detail" in response.json()


def test_csv_all_rows_streamed_in_order_by_key_chunks(anon, five_laws, monkeypatch):
    """
    The streamed CSV keeps the requested order across chunks, and costs one
    query for the keys plus the same queries for every chunk (no OFFSET scans).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.api import viewsets

    expected = [r["slug"] for r in anon.get(f"{API}laws/?ordering=-title&page_size=100").json()["results"]]
    assert len(expected) == 5
    counts = {}
    for chunk in (5, 2):  # one chunk, then three
        monkeypatch.setattr(viewsets, "STREAM_CHUNK", chunk)
        response = anon.get(f"{API}laws/?format=csv&all=true&ordering=-title")
        with CaptureQueriesContext(connection) as ctx:
            body = b"".join(response.streaming_content).decode()
        assert [r["slug"] for r in csv.DictReader(io.StringIO(body))] == expected
        assert all("OFFSET" not in q["sql"].upper() for q in ctx.captured_queries)
        counts[chunk] = len(ctx.captured_queries)
    per_chunk = counts[5] - 1
    assert per_chunk >= 1 and counts[2] == 1 + 3 * per_chunk


def test_an_unknown_field_in_a_streamed_csv_is_a_400_before_the_stream(anon, db):
    """``fields=`` is checked before a streamed CSV starts (inside the stream it would break a 200's body)."""
    response = anon.get("/api/v1/sub-conditions/?fields=Reference&format=csv&all=true")
    assert "Unknown field(s) Reference" in errors(response)["fields"][0]
