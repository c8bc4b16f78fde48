"""
The number of SQL queries per list request does not grow with the rows
returned: each endpoint is locked at the same count for 3 and for 50 objects,
each object with several related rows (sub-conditions, laws, events).
"""

import datetime

import pycountry
import pytest

from countries.choices import LawEventKind
from countries.models import Law, LawEvent
from orgs.models import Feature, SubCondition
from tests.api_helpers import API
from tests.factories import (
    CountryFactory,
    FamilyFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
)

pytestmark = pytest.mark.django_db

CODES = [c.alpha_2 for c in pycountry.countries if c.alpha_2 not in {"ID", "KR", "PH"}]


def a_type_with_evidence(country, slug):
    org_type = OrganizationTypeFactory(slug=slug, country=country)
    first, second = LawFactory(country=country), LawFactory(country=country)
    give_evidence(org_type, "public-interest", "for-profit", law=first)
    give_evidence(org_type, "democratic-governance", "free-establishment", law=second)
    LegalBasisFactory(org_type=org_type, law=first)
    return org_type


def build_countries(n):
    for code in CODES[:n]:
        country = CountryFactory(code=code)
        OrganizationTypeFactory(country=country)
        OrganizationTypeFactory(country=country)


def build_laws(n):
    country = CountryFactory(code="KR")
    previous = None
    for i in range(n):
        law = LawFactory(country=country, slug=f"law-{i}")
        LawEvent.objects.create(law=law, kind=LawEventKind.AMENDED, date=datetime.date(2010, 1, 1))
        if previous is not None:
            law.amends.add(previous)
            law.replaces.add(previous)
        previous = law


def build_org_types(n):
    country = CountryFactory(code="PH")
    for i in range(n):
        a_type_with_evidence(country, f"type-{i}")


def build_statistics(n):
    country = CountryFactory(code="PH")
    org_type = OrganizationTypeFactory(country=country)
    for i in range(n):
        StatisticFactory(slug=f"stat-{i}", country=country, org_type=org_type)


def build_sources(n):
    for i in range(n):
        SourceFactory(slug=f"src-{i}")


def build_families(n):
    for i in range(n):
        FamilyFactory(slug=f"fam-{i}")


def build_features(n):
    for i in range(n):
        feature = Feature.objects.create(code=f"f{i}", name=f"Feature {i}", order=10 + i)
        for j in range(2):
            SubCondition.objects.create(code=f"f{i}-s{j}", short_code=f"{i}{j}"[:4], feature=feature, name="x")


def build_sub_conditions(n):
    feature = Feature.objects.create(code="extra", name="Extra", order=99)
    for i in range(n):
        SubCondition.objects.create(code=f"extra-{i}", short_code=f"X{i}", feature=feature, name="x")


def build_classification(n):
    for code in CODES[:n]:
        a_type_with_evidence(CountryFactory(code=code), f"type-{code.lower()}")


def build_deletions(n):
    country = CountryFactory(code="KR")
    for i in range(n):
        LawFactory(country=country, slug=f"gone-{i}").delete()


# endpoint -> (builder, query string, queries per request). The counts include
# the SAVEPOINT and RELEASE of the request's transaction (ATOMIC_REQUESTS).
CASES = {
    "countries": (build_countries, "", 4),
    "countries-geojson": (build_countries, "format=geojson", 4),
    "laws": (build_laws, "", 7),
    "laws-as-of": (build_laws, "as_of=2015-01-01", 7),
    "laws-csv": (build_laws, "format=csv", 7),
    "laws-jsonld": (build_laws, "format=jsonld", 7),
    "laws-search": (build_laws, "search=cooperatives act", 8),
    # The lists read each page's cells, references and laws on the day (landscape_on): five queries.
    "org-types": (build_org_types, "", 9),
    "org-types-as-of": (build_org_types, "as_of=2015-01-01&classification=sseoe", 14),
    "org-types-filtered": (build_org_types, "sub_condition=for-profit&feature=social&country=PH&law={laws}", 14),
    "org-types-since": (build_org_types, "updated_since=2000-01-01T00:00:00Z", 9),
    # Search: one more query (whether any record matches the words) than the list.
    "org-types-search": (build_org_types, "search=organization type", 10),
    "statistics": (build_statistics, "", 4),
    "sources": (build_sources, "", 4),
    "families": (build_families, "", 4),
    "features": (build_features, "", 5),
    "sub-conditions": (build_sub_conditions, "", 4),
    "classification": (build_classification, "", 5),
    "classification-as-of": (build_classification, "as_of=2015-01-01", 11),
    "deletions": (build_deletions, "", 4),
}


@pytest.mark.parametrize("n", [3, 50])
@pytest.mark.parametrize("case", list(CASES))
def test_queries_do_not_grow_with_rows(anon, django_assert_num_queries, case, n):
    """Listing 3 or 50 objects (each with related rows) costs the same number of queries."""
    build, query, expected = CASES[case]
    build(n)
    endpoint = case.split("-as-of")[0].split("-geojson")[0].split("-csv")[0].split("-jsonld")[0]
    endpoint = endpoint.removesuffix("-filtered").removesuffix("-since").removesuffix("-search")
    first_laws = ",".join(Law.objects.order_by("pk").values_list("slug", flat=True)[:2])
    url = f"{API}{endpoint}/?page_size=100&{query.format(laws=first_laws)}"
    with django_assert_num_queries(expected):
        response = anon.get(url)
    assert response.status_code == 200, response.content
