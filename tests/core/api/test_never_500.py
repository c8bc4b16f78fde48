"""Hostile query values never make the API fail: every answer is 200 or a 4xx JSON body."""

import pytest

from core.api.viewsets import COMMON_PARAMETERS
from sse_map.urls import api_router
from tests.api_helpers import API
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, StatisticFactory, give_evidence

pytestmark = pytest.mark.django_db

HOSTILE = [
    "99999999999999999999999",
    "-1",
    "1e309",
    "nul\x00byte",
    "' OR 1=1 --",
    "x" * 3000,
    "🦀,,",
    "2013-06-01T25:99",
]


@pytest.fixture
def some_data():
    country = CountryFactory(code="PH")
    org_type = OrganizationTypeFactory(country=country)
    give_evidence(org_type, "for-profit", "democratic-governance")
    LawFactory(country=country)
    StatisticFactory(country=country, org_type=org_type)


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in api_router.registry])
def test_hostile_values_answer_200_or_400(anon, some_data, prefix):
    """Every parameter of every list, given hostile values, answers 200 or a 4xx with a JSON body."""
    viewset = next(v for p, v, _ in api_router.registry if p == prefix)
    filterset = getattr(viewset, "filterset_class", None)
    names = (set(filterset.base_filters) if filterset else {"updated_since", "model"}) | COMMON_PARAMETERS
    for name in sorted(names):
        for value in HOSTILE:
            response = anon.get(f"{API}{prefix}/", {name: value})
            assert response.status_code in (200, 400, 404), (name, value, response.status_code)
            if response.status_code != 200:
                assert response["Content-Type"].startswith("application/problem+json"), (name, value)


@pytest.mark.parametrize(
    "path",
    [
        "laws/99999999999999999999999/",
        "laws/abc/",
        "org-types/%00/",
        "countries/%00x/",
        "sources/a%00b/",
        "families/🦀/",
    ],
)
def test_hostile_lookups_answer_4xx(anon, path):
    """Odd keys in a detail URL answer a 4xx, never a 500."""
    assert 400 <= anon.get(f"{API}{path}").status_code < 500
