import importlib

import pytest
from django.db import connection

from core.api.filters import search
from countries.filtersets import CountryFilterSet, LawFilterSet, SourceFilterSet, StatisticFilterSet
from orgs.filtersets import OrganizationTypeFilterSet
from orgs.models import OrganizationType

FILTERSETS = {
    "orgs.OrganizationType": OrganizationTypeFilterSet,
    "countries.Country": CountryFilterSet,
    "countries.Law": LawFilterSet,
    "countries.Statistic": StatisticFilterSet,
    "countries.Source": SourceFilterSet,
}


def _migrated_indexes():
    for app in ("orgs", "countries"):
        yield from importlib.import_module(f"{app}.migrations.0004_search_gin_indexes").INDEXES


def test_search_indexes_cover_the_filtersets_search_fields():
    """Each GIN index covers exactly the fields, in order, that the model's filterset searches."""
    indexed = {model: fields for model, _name, fields in _migrated_indexes()}
    assert indexed == {model: tuple(fs.search_fields) for model, fs in FILTERSETS.items()}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes exist on PostgreSQL only")
def test_search_is_answered_from_the_gin_index():
    """PostgreSQL can answer the org-type search filter from ``orgtype_search_gin``."""
    queryset = search(OrganizationType.objects.all(), OrganizationTypeFilterSet.search_fields, "cooperative")
    with connection.cursor() as cursor:
        # On a near-empty test table the planner prefers reading everything: forbid the plain
        # scans (the table, or the whole of another index) so that it shows whether the GIN
        # index can answer the search at all (GIN is read by bitmap scans).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queryset.explain()
    assert "orgtype_search_gin" in plan
