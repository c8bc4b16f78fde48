"""Features, sub-conditions, families, statistics and sources."""

import pytest

from core.choices import PublicationStatus
from tests.api_helpers import API, errors, keys, link_keys, results
from tests.factories import CountryFactory, OrganizationTypeFactory, SourceFactory, StatisticFactory

pytestmark = pytest.mark.django_db


def test_features_each_with_their_sub_conditions(anon):
    """The three features are listed in order, each with its two sub-conditions."""
    rows = results(anon.get(f"{API}features/"))
    assert [r["code"] for r in rows] == ["social", "economic", "democratic"]
    democratic = rows[2]
    assert [s["short_code"] for s in democratic["sub_conditions"]] == ["D1", "D2"]
    assert democratic["sub_conditions"][1]["code"] == "democratic-governance"


def test_sub_condition_lookup_by_code_and_feature_filter(anon):
    """``/sub-conditions/<code>/`` finds one; ``?feature=`` narrows the list."""
    body = anon.get(f"{API}sub-conditions/democratic-governance/").json()
    assert body["short_code"] == "D2" and link_keys(body["feature"]) == "democratic"
    assert keys(anon.get(f"{API}sub-conditions/?feature=economic"), "code") == ["for-profit", "non-profit"]
    assert "feature" in errors(anon.get(f"{API}sub-conditions/?feature=cultural"))


def test_families_by_slug(anon):
    """Families are listed in the method's order and found by slug."""
    assert keys(anon.get(f"{API}families/"))[0] == "cooperative"
    assert anon.get(f"{API}families/cooperative/").json()["name"] == "Cooperatives"


@pytest.fixture
def statistics():
    ph, kr = CountryFactory(code="PH"), CountryFactory(code="KR")
    coop = OrganizationTypeFactory(slug="ph-coop", country=ph)
    StatisticFactory(slug="ph-coops-2015", country=ph, org_type=coop, year=2015, value=25000)
    StatisticFactory(slug="ph-members-2020", country=ph, org_type=coop, indicator="members", year=2020, value=1)
    StatisticFactory(slug="kr-coops-2021", country=kr, year=2021, value=23000)
    StatisticFactory(slug="kr-draft", country=kr, year=2022, publication_status=PublicationStatus.DRAFT)
    draft_type = OrganizationTypeFactory(slug="kr-draft-type", country=kr, publication_status=PublicationStatus.DRAFT)
    StatisticFactory(slug="kr-of-draft-type", country=kr, org_type=draft_type, year=2022)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["kr-coops-2021", "ph-coops-2015", "ph-members-2020"]),
        ("country=PH", ["ph-coops-2015", "ph-members-2020"]),
        ("org_type=ph-coop", ["ph-coops-2015", "ph-members-2020"]),
        ("indicator=members", ["ph-members-2020"]),
        ("year_min=2016", ["kr-coops-2021", "ph-members-2020"]),
        ("year_max=2016", ["ph-coops-2015"]),
        ("year_min=2016&year_max=2020", ["ph-members-2020"]),
        ("year=2021", ["kr-coops-2021"]),
    ],
)
def test_statistics_filters(anon, statistics, query, expected):
    """Statistic filters; draft figures and figures of draft types never appear anonymously."""
    assert sorted(keys(anon.get(f"{API}statistics/?{query}"))) == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("indicator=people", "indicator"), ("year_min=last", "year_min"), ("org_type=kr-draft-type", "org_type")],
)
def test_statistics_invalid_parameters(anon, statistics, query, parameter):
    """Bad values, including a draft type's slug, answer 400 naming the parameter."""
    assert parameter in errors(anon.get(f"{API}statistics/?{query}"))


def test_statistic_fields(anon, statistics):
    """A statistic names its country, type, indicator, value, unit, year and source."""
    body = anon.get(f"{API}statistics/ph-coops-2015/").json()
    assert link_keys(body["country"]) == "PH" and link_keys(body["org_type"]) == "ph-coop"
    assert body["indicator"] == "organizations"
    assert float(body["value"]) == 25000 and body["unit"] == "organizations" and body["year"] == 2015
    assert body["source"] and body["url"].endswith("/statistics/ph-coops-2015/")


def test_sources(anon):
    """Sources are listed with their document URL and found by slug."""
    SourceFactory(slug="ilo-brief", title="ILO country brief", url="https://example.org/brief.pdf", year=2021)
    body = anon.get(f"{API}sources/ilo-brief/").json()
    assert body["document_url"] == "https://example.org/brief.pdf" and body["year"] == 2021
    assert keys(anon.get(f"{API}sources/?year=2021")) == ["ilo-brief"]
    assert keys(anon.get(f"{API}sources/?search=brief")) == ["ilo-brief"]
