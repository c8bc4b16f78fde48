"""The org-types endpoint: fields, filters, time travel, drafts, JSON-LD."""

import csv
import io
import json
from datetime import date

import pytest

from core.choices import PublicationStatus
from orgs.models import OrganizationType
from tests.api_helpers import API, errors, keys, link_keys, results
from tests.factories import (
    CountryFactory,
    FamilyFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    cooperative_law_history,
    give_evidence,
)

pytestmark = pytest.mark.django_db

SSEOE_CODES = ("public-interest", "for-profit", "democratic-governance")


@pytest.fixture
def landscape():
    ph, kr = CountryFactory(code="PH"), CountryFactory(code="KR")
    coops = FamilyFactory(slug="cooperative")
    coop = OrganizationTypeFactory(
        slug="ph-coop", name="Cooperative", local_name="Kooperatiba", country=ph, family=coops
    )
    law = LawFactory(country=ph, title="Cooperative Code")
    give_evidence(coop, *SSEOE_CODES, law=law)
    LegalBasisFactory(org_type=coop, law=law)
    company = OrganizationTypeFactory(
        slug="ph-company", name="Stock company", country=ph, legally_institutionalized=True
    )
    give_evidence(company, "for-profit", "free-establishment")
    group = OrganizationTypeFactory(
        slug="kr-group", name="Self-help group", country=kr, legally_institutionalized=False
    )
    return {"coop": coop, "company": company, "group": group, "law": law, "ph": ph, "kr": kr}


def test_list_fields_are_the_documented_contract(anon, landscape):
    """A listed type carries the stable field names partners rely on, with derived values."""
    row = next(r for r in results(anon.get(f"{API}org-types/")) if r["slug"] == "ph-coop")
    assert row["url"].endswith("/api/v1/org-types/ph-coop/")
    assert row["name"] == "Cooperative" and row["local_name"] == "Kooperatiba"
    assert link_keys(row["country"]) == "PH" and link_keys(row["family"]) == "cooperative"
    assert row["country"]["url"] == "http://testserver/api/v1/countries/PH/"
    assert row["classification"] == "sseoe" and row["features_met"] == 3
    assert row["sub_conditions"] == ["public-interest", "for-profit", "democratic-governance"]
    assert link_keys(row["laws"]) == [landscape["law"].slug]
    assert "updated_at" in row


def test_detail_has_the_six_cells_with_their_references_the_explanation_and_citation(anon, landscape):
    """The detail adds the six cells, each with its finding and references (law, provision, quote, level, source)."""
    body = anon.get(f"{API}org-types/ph-coop/").json()
    cells = {cell["sub_condition"]["key"]: cell for cell in body["assessments"]}
    assert list(cells) == ["social-problem", "public-interest", "for-profit", "non-profit", "free-establishment",
                           "democratic-governance"]  # fmt: skip
    assert {code for code, cell in cells.items() if cell["finding"] == "met"} == set(SSEOE_CODES)
    assert cells["social-problem"] == {**cells["social-problem"], "finding": "not_assessed", "references": []}
    (first,) = cells["public-interest"]["references"]
    assert set(first) >= {"finding", "law", "provision", "quote", "quote_language", "note", "verification", "source"}
    assert first["law"]["key"] == landscape["law"].slug and first["counts"] is True
    assert body["findings"]["public-interest"] == "met" and body["findings"]["non-profit"] == "not_assessed"
    assert (body["classification"], body["settled"], body["classification_range"]) == ("sseoe", True, ["sseoe"])
    assert body["explanation"][-1].endswith("an SSEOE.")
    assert "ph-coop" in body["cite_as"] and "CC BY 4.0" in body["cite_as"]


def test_a_provisional_type_says_so_and_what_it_could_reach(anon, landscape):
    """The company meets economic and democratic; no social cell is assessed: a PHO, provisional, up to SSEOE."""
    body = anon.get(f"{API}org-types/ph-company/").json()
    assert (body["classification"], body["settled"], body["classification_range"]) == ("pho", False, ["pho", "sseoe"])
    assert body["explanation"][-1].startswith("Provisional: a PHO on the findings so far; an SSEOE if a social")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=PH", ["ph-coop", "ph-company"]),
        ("country=ph,kr", ["kr-group", "ph-coop", "ph-company"]),
        ("country=PH&country=KR", ["kr-group", "ph-coop", "ph-company"]),
        ("classification=sseoe", ["ph-coop"]),
        ("classification=pho", ["ph-company"]),
        ("classification=outside", ["kr-group"]),
        ("classification=sseoe&classification=pho", ["ph-coop", "ph-company"]),
        ("features_met=2", ["ph-company"]),
        ("features_met=0", ["kr-group"]),
        ("feature=social", ["ph-coop"]),
        ("feature=economic&country=PH", ["ph-coop", "ph-company"]),
        ("sub_condition=free-establishment", ["ph-company"]),
        ("family=cooperative", ["ph-coop"]),
        ("legally_institutionalized=false", ["kr-group"]),
        ("legally_institutionalized=true", ["ph-coop", "ph-company"]),
        ("search=kooperatiba", ["ph-coop"]),
        ("search=self-help group", ["kr-group"]),
    ],
)
def test_filters(anon, landscape, query, expected):
    """Each filter keeps exactly the matching types."""
    assert sorted(keys(anon.get(f"{API}org-types/?{query}"))) == sorted(expected)


def test_law_filter_matches_legal_basis_or_evidence(anon, landscape):
    """``law=<id>`` keeps the types resting on that law."""
    assert keys(anon.get(f"{API}org-types/?law={landscape['law'].slug}")) == ["ph-coop"]


def test_ordering_by_name_descending(anon, landscape):
    """``ordering=-name`` sorts by name, descending."""
    assert keys(anon.get(f"{API}org-types/?ordering=-name")) == ["ph-company", "kr-group", "ph-coop"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("classification=sseo", "classification"),
        ("country=XX", "country"),
        ("country=ZZZ", "country"),
        ("features_met=9", "features_met"),
        ("settled=maybe", "settled"),
        ("finding=unknown", "finding"),
        ("feature=spiritual", "feature"),
        ("sub_condition=S9", "sub_condition"),
        ("law=999999", "law"),
        ("law=abc", "law"),
        ("as_of=2013-02-30", "as_of"),
        ("updated_since=yesterday", "updated_since"),
        ("legally_institutionalized=maybe", "legally_institutionalized"),
        ("ordering=classificaton", "ordering"),
        ("colour=red", "colour"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
        ("format=xml", "format"),
    ],
)
def test_invalid_parameters_answer_400_naming_the_parameter(anon, landscape, query, parameter):
    """A bad value is a 400 JSON body keyed by the parameter, never a 500 or an empty list."""
    response = anon.get(f"{API}org-types/?{query}")
    assert response.status_code == 400
    assert parameter in errors(response)


def test_drafts_never_reach_anonymous_readers(anon, viewer, landscape):
    """Draft types, types of draft countries and draft laws named by evidence stay hidden from anonymous readers."""
    OrganizationTypeFactory(slug="draft-type", country=landscape["ph"], publication_status=PublicationStatus.DRAFT)
    hidden_country = CountryFactory(code="JP", publication_status=PublicationStatus.DRAFT)
    OrganizationTypeFactory(slug="jp-type", country=hidden_country)
    draft_law = LawFactory(country=landscape["ph"], publication_status=PublicationStatus.DRAFT)
    give_evidence(landscape["company"], "social-problem", law=draft_law)

    listed = keys(anon.get(f"{API}org-types/"))
    assert "draft-type" not in listed and "jp-type" not in listed
    assert anon.get(f"{API}org-types/draft-type/").status_code == 404
    assert anon.get(f"{API}org-types/?country=JP").status_code == 400
    assert anon.get(f"{API}org-types/?law={draft_law.slug}").status_code == 400
    company = anon.get(f"{API}org-types/ph-company/").json()
    assert draft_law.slug not in link_keys(company["laws"])
    # The row still counts (as in the stored classification), but its draft law is not named.
    assert "social-problem" in company["sub_conditions"]
    (masked,) = next(c for c in company["assessments"] if c["sub_condition"]["key"] == "social-problem")["references"]
    assert masked["law"] is None and masked["law_title"] is None
    assert draft_law.title not in " ".join(company["explanation"])
    assert draft_law.citation not in " ".join(company["explanation"])
    for fmt in ("csv", "jsonld"):
        assert b"draft-type" not in anon.get(f"{API}org-types/?format={fmt}").content

    # The view permission reveals them all.
    seen = keys(viewer.get(f"{API}org-types/"))
    assert {"draft-type", "jp-type"} <= set(seen)
    seen = viewer.get(f"{API}org-types/ph-company/").json()
    assert draft_law.slug in link_keys(seen["laws"])
    assert draft_law.slug in {link_keys(ref["law"]) for cell in seen["assessments"] for ref in cell["references"]}


def test_jsonld_is_schema_org_defined_terms(anon, landscape):
    """``format=jsonld``: DefinedTerm nodes in our context (tests/core/api/test_jsonld.py expands them)."""
    response = anon.get(f"{API}org-types/?format=jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    body = json.loads(response.content)
    assert body["@context"] == "http://testserver/api/v1/context.jsonld"
    node = next(n for n in body["@graph"] if n["identifier"] == "ph-coop")
    assert node["@type"] == "DefinedTerm" and node["@id"].endswith("/org-types/ph-coop/#term")
    assert node["mainEntityOfPage"]["@id"].endswith("/org-types/ph-coop/")
    assert node["classification"] == "sseoe" and node["featuresMet"] == 3


# Time travel ----------------------------------------------------------------


@pytest.fixture
def annulled_law():
    """A cooperative type resting on an old law (PHO) and on a new law (SSEOE) annulled in 2014."""
    country = CountryFactory(code="ID")
    old, new = cooperative_law_history(country)
    coop = OrganizationTypeFactory(slug="id-coop", name="Koperasi", country=country)
    give_evidence(coop, "for-profit", "democratic-governance", law=old)
    give_evidence(coop, "public-interest", "for-profit", "democratic-governance", law=new)
    LegalBasisFactory(org_type=coop, law=old)
    LegalBasisFactory(org_type=coop, law=new)
    return {"old": old, "new": new, "coop": coop}


def test_org_type_as_of_2013_uses_the_new_law_and_2015_the_reinstated_one(anon, annulled_law):
    """As of 2013 only the new law's evidence counts (SSEOE); as of 2015 only the reinstated old law's (PHO)."""
    old, new = annulled_law["old"], annulled_law["new"]
    in_2013 = anon.get(f"{API}org-types/id-coop/?as_of=2013-06-01").json()
    assert in_2013["classification"] == "sseoe" and in_2013["features_met"] == 3
    assert link_keys(in_2013["laws"]) == [new.slug]
    counting = {link_keys(ref["law"]) for cell in in_2013["assessments"] for ref in cell["references"] if ref["counts"]}
    assert counting == {new.slug}

    in_2015 = anon.get(f"{API}org-types/id-coop/?as_of=2015-01-01").json()
    assert in_2015["classification"] == "pho" and in_2015["features_met"] == 2
    assert in_2015["settled"] is False  # the old law's social cells were never read
    assert link_keys(in_2015["laws"]) == [old.slug]
    assert in_2015["sub_conditions"] == ["for-profit", "democratic-governance"]
    assert "social" in in_2015["explanation"][-1]

    # Today is 2015's landscape (the old law reinstated); time travel to 2013 writes nothing.
    stored = OrganizationType.objects.get(slug="id-coop")
    assert (stored.classification, stored.settled) == ("pho", False)
    today = anon.get(f"{API}org-types/id-coop/").json()
    dated = anon.get(f"{API}org-types/id-coop/?as_of={date.today()}")
    assert {**dated.json(), "cite_as": None} == {**today, "cite_as": None}


@pytest.mark.parametrize(
    ("day", "classification", "listed"),
    [
        ("2013-06-01", "sseoe", True),
        ("2013-06-01", "pho", False),
        ("2015-01-01", "sseoe", False),
        ("2015-01-01", "pho", True),
        ("2000-01-01", "pho", True),
        ("1990-01-01", "outside", False),
    ],
)
def test_derived_filters_apply_to_the_landscape_of_the_day(anon, annulled_law, day, classification, listed):
    """With ``as_of``, ``classification`` filters on the classification of that day."""
    found = keys(anon.get(f"{API}org-types/?as_of={day}&classification={classification}"))
    assert ("id-coop" in found) is listed


def test_as_of_sub_condition_and_feature_filters(anon, annulled_law):
    """``sub_condition`` and ``feature`` with ``as_of`` use that day's evidence."""
    assert keys(anon.get(f"{API}org-types/?as_of=2013-06-01&feature=social")) == ["id-coop"]
    assert keys(anon.get(f"{API}org-types/?as_of=2015-01-01&feature=social")) == []
    assert keys(anon.get(f"{API}org-types/?as_of=2015-01-01&sub_condition=democratic-governance")) == ["id-coop"]
    assert keys(anon.get(f"{API}org-types/?as_of=2015-01-01&features_met=2")) == ["id-coop"]


def test_as_of_lists_only_the_types_that_existed(anon, annulled_law):
    """Before its first law entered into force a type is absent; a type resting on no law is always there."""
    OrganizationTypeFactory(slug="informal", country=annulled_law["coop"].country, legally_institutionalized=False)
    assert keys(anon.get(f"{API}org-types/?as_of=1990-01-01")) == ["informal"]
    assert sorted(keys(anon.get(f"{API}org-types/?as_of=1993-01-01"))) == ["id-coop", "informal"]
    assert anon.get(f"{API}org-types/id-coop/?as_of=1990-01-01").status_code == 404


def test_csv_list_has_a_column_per_cell(anon, landscape):
    """A type's CSV row carries each cell's finding in a column of its own."""
    rows = list(csv.DictReader(io.StringIO(anon.get(f"{API}org-types/?format=csv").content.decode())))
    row = next(r for r in rows if r["slug"] == "ph-coop")
    assert row["sub_conditions"] == "public-interest for-profit democratic-governance"  # keys, space-separated
    assert row["findings.public-interest"] == "met" and row["findings.social-problem"] == "not_assessed"
    assert row["settled"] == "true"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("settled=true", ["ph-coop"]),
        ("settled=false", ["kr-group", "ph-company"]),
        ("finding=not_stipulated", []),
        ("finding=met&country=KR", []),
        ("finding=not_assessed", ["kr-group", "ph-company", "ph-coop"]),
        ("sub_condition=free-establishment&finding=not_assessed", ["kr-group", "ph-coop"]),
        ("sub_condition=free-establishment&finding=met", ["ph-company"]),
    ],
)
def test_finding_and_settled_filters(anon, landscape, query, expected):
    assert sorted(keys(anon.get(f"{API}org-types/?{query}"))) == expected


def test_browsable_api_renders_for_people(anon, landscape):
    """A browser asking for HTML gets the browsable API page."""
    response = anon.get(f"{API}org-types/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"ph-coop" in response.content
