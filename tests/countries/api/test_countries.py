"""The countries endpoint: fields, lookup by code, filters, GeoJSON, drafts."""

import json

import pytest

from core.choices import PublicationStatus
from tests.api_helpers import API, errors, keys, results
from tests.factories import CountryFactory, OrganizationTypeFactory, give_evidence

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[120, 5], [126, 5], [126, 19], [120, 19], [120, 5]]]}


@pytest.fixture
def countries():
    ph = CountryFactory(code="PH", name="Philippines", slug="philippines", region="southeast_asia", phase=1)
    ph.boundary = SQUARE
    ph.save()
    kr = CountryFactory(code="KR", name="Republic of Korea", slug="korea", local_name="대한민국", region="east_asia")
    uz = CountryFactory(code="UZ", name="Uzbekistan", slug="uzbekistan", region="central_asia", phase=2)
    coop = OrganizationTypeFactory(country=ph)
    give_evidence(coop, "public-interest", "for-profit", "democratic-governance")
    OrganizationTypeFactory(country=ph)
    OrganizationTypeFactory(country=ph, publication_status=PublicationStatus.DRAFT)
    return {"ph": ph, "kr": kr, "uz": uz}


def test_fields_and_type_counts(anon, countries):
    """A country carries code, name, slug, region, phase, url, updated_at and its published types' counts."""
    row = next(r for r in results(anon.get(f"{API}countries/")) if r["code"] == "PH")
    assert row["name"] == "Philippines" and row["slug"] == "philippines"
    assert row["region"] == "southeast_asia" and row["phase"] == 1
    assert row["url"].endswith("/api/v1/countries/PH/") and row["updated_at"]
    assert row["org_type_counts"] == {"total": 2, "sseoe": 1, "pho": 0, "outside": 1}
    assert "geometry" not in row and "boundary" not in row


@pytest.mark.parametrize("code", ["kr", "KR", "Kr"])
def test_lookup_by_code_is_case_insensitive(anon, countries, code):
    """``/countries/kr/`` and ``/countries/KR/`` are the same record."""
    body = anon.get(f"{API}countries/{code}/").json()
    assert body["code"] == "KR" and body["local_name"] == "대한민국"


def test_unknown_code_is_404(anon, countries):
    """An unknown code answers 404 JSON."""
    response = anon.get(f"{API}countries/zz/")
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=east_asia", ["KR"]),
        ("phase=2", ["UZ"]),
        ("code=ph,uz", ["PH", "UZ"]),
        ("search=korea", ["KR"]),
        ("ordering=-code", ["UZ", "PH", "KR"]),
    ],
)
def test_filters(anon, countries, query, expected):
    """Filters and ordering on countries."""
    found = keys(anon.get(f"{API}countries/?{query}"), "code")
    assert found == expected if "ordering" in query else sorted(found) == sorted(expected)


def test_region_must_be_known(anon, countries):
    """An unknown region answers 400 naming ``region``."""
    assert "region" in errors(anon.get(f"{API}countries/?region=europe"))


def test_geojson_feature_collection(anon, countries):
    """``format=geojson`` is a FeatureCollection; the boundary is the geometry, null until imported."""
    response = anon.get(f"{API}countries/?format=geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    assert features["PH"]["type"] == "Feature"
    assert features["PH"]["geometry"] == SQUARE
    assert features["KR"]["geometry"] is None
    assert features["PH"]["properties"]["org_type_counts"]["sseoe"] == 1
    assert features["PH"]["properties"]["name"] == "Philippines"
    one = json.loads(anon.get(f"{API}countries/ph/?format=geojson").content)
    assert one["type"] == "Feature" and one["geometry"] == SQUARE


def test_draft_country_hidden(anon, viewer, countries):
    """A draft country is absent anonymously (list, detail, GeoJSON, filter) and visible with the view permission."""
    CountryFactory(code="JP", name="Japan", slug="japan", publication_status=PublicationStatus.DRAFT)
    assert "JP" not in keys(anon.get(f"{API}countries/"), "code")
    assert anon.get(f"{API}countries/jp/").status_code == 404
    assert b"Japan" not in anon.get(f"{API}countries/?format=geojson").content
    assert anon.get(f"{API}countries/?code=JP").status_code == 400
    assert "JP" in keys(viewer.get(f"{API}countries/"), "code")
    ph = viewer.get(f"{API}countries/ph/").json()
    assert ph["org_type_counts"]["total"] == 3, "the viewer also counts the draft type"


def signed_area(ring):
    """Twice the signed area of a ring: positive when counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))


def test_geojson_rings_follow_rfc_7946(anon, countries):
    """A boundary stored clockwise is served with outer rings counter-clockwise and holes clockwise."""
    clockwise = [[120, 5], [120, 19], [126, 19], [126, 5], [120, 5]]
    hole_ccw = [[121, 6], [125, 6], [125, 8], [121, 8], [121, 6]]
    countries["ph"].boundary = {"type": "MultiPolygon", "coordinates": [[clockwise, hole_ccw], [clockwise]]}
    countries["ph"].save()
    body = json.loads(anon.get(f"{API}countries/ph/?format=geojson").content)
    polygons = body["geometry"]["coordinates"]
    assert [signed_area(polygon[0]) > 0 for polygon in polygons] == [True, True]
    assert signed_area(polygons[0][1]) < 0
    assert sorted(map(tuple, polygons[1][0])) == sorted(map(tuple, clockwise)), "the same points, reordered"
