import importlib

from countries.filtersets import CountryFilterSet, LawFilterSet, SourceFilterSet, StatisticFilterSet
from orgs.filtersets import OrganizationTypeFilterSet

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


# The search no longer reads the GIN indexes (issue 16: substrings and trigram similarity, the same on
# every database, tests/core/api/test_search_parity.py); the index test above keeps the migration honest.
