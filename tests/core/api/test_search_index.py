"""
The stored search text (issue 19, ``core.search``): each searchable model keeps the text of
exactly the fields its filterset searches, every write path keeps it in step, and on
PostgreSQL a trigram index answers the search (the old full-text indexes are gone).
"""

import pytest
from django.core.management import call_command
from django.db import connection

from core.api.filters import search, stored_search_field, substring_match
from core.search import search_text, search_text_field
from countries.filtersets import CountryFilterSet, LawFilterSet, SourceFilterSet, StatisticFilterSet
from countries.models import Country, Law, Source, Statistic
from orgs.filtersets import (
    FamilyFilterSet,
    FeatureFilterSet,
    OrganizationTypeFilterSet,
    SubConditionFilterSet,
)
from orgs.models import Family, Feature, OrganizationType, SubCondition
from tests.factories import CountryFactory, FamilyFactory, LawFactory, OrganizationTypeFactory

FILTERSETS = {
    OrganizationType: OrganizationTypeFilterSet,
    Family: FamilyFilterSet,
    Feature: FeatureFilterSet,
    SubCondition: SubConditionFilterSet,
    Country: CountryFilterSet,
    Law: LawFilterSet,
    Statistic: StatisticFilterSet,
    Source: SourceFilterSet,
}
TRIGRAM_INDEXES = {
    "orgs_organizationtype": "orgtype_search_trgm",
    "orgs_family": "family_search_trgm",
    "orgs_feature": "feature_search_trgm",
    "orgs_subcondition": "subcondition_search_trgm",
    "countries_country": "country_search_trgm",
    "countries_law": "law_search_trgm",
    "countries_statistic": "statistic_search_trgm",
    "countries_source": "source_search_trgm",
}
OLD_INDEXES = {f"{name}_search_gin" for name in ("orgtype", "country", "law", "statistic", "source")}


@pytest.mark.parametrize("model", list(FILTERSETS), ids=lambda m: m.__name__)
def test_each_search_reads_the_stored_text_of_exactly_its_fields(model):
    """The model stores the fields its filterset searches, in order: the search takes the stored path."""
    assert search_text_field(model).sources == tuple(FILTERSETS[model].search_fields)
    assert stored_search_field(model, FILTERSETS[model].search_fields) is not None


def test_the_stored_text_is_one_normalised_line_per_field():
    text = search_text(["Ｋｏｐｅｒａｓｉ  Jasa", None, "Line one\nline TWO "])
    assert text == "koperasi jasa\n\nline one line two\n"


@pytest.mark.django_db
def test_the_loaded_dataset_stores_every_records_search_text(full_dataset):
    """After load_dataset (the importer's save path) every row's stored text is what its fields give."""
    for model in FILTERSETS:
        field = search_text_field(model)
        rows = model.objects.values_list("search_text", *field.sources)
        assert rows, model
        for stored, *values in rows:
            assert stored == search_text(values), model


@pytest.mark.django_db
def test_the_synthetic_data_stores_every_records_search_text():
    """generate_synthetic writes in bulk (bulk_create): the text is stored all the same."""
    call_command("generate_synthetic", scale=1, verbosity=0)
    for model in FILTERSETS:
        field = search_text_field(model)
        for stored, *values in model.objects.values_list("search_text", *field.sources):
            assert stored == search_text(values), model


@pytest.mark.django_db
def test_a_raw_load_stores_the_search_text(tmp_path):
    """loaddata saves raw (no pre_save): a fixture without the text, or with a wrong one, ends up right."""
    country = CountryFactory(name="Ruritania")
    path = tmp_path / "country.json"
    call_command("dumpdata", "countries.country", f"--pks={country.pk}", output=str(path), verbosity=0)
    path.write_text(path.read_text().replace('"search_text": "ruritania', '"search_text": "stale'))
    Country.objects.filter(pk=country.pk).update(name="Elsewhere")
    call_command("loaddata", str(path), verbosity=0)
    assert _stored(country).startswith("ruritania\n")


def _stored(record):
    return type(record).objects.values_list("search_text", flat=True).get(pk=record.pk)


@pytest.mark.django_db
def test_every_write_path_keeps_the_search_text_in_step():
    country = CountryFactory(name="Ruritania", local_name="Рурітанія")
    assert _stored(country).startswith("ruritania\nрурітанія\n")
    org_type = OrganizationTypeFactory(country=country, name="Mutual Society", local_name="", description="Old")
    assert _stored(org_type) == "mutual society\n\nold\n"

    org_type.name = "Friendly Society"
    org_type.save(update_fields=["name"])  # a partial save of a searched field
    assert _stored(org_type) == "friendly society\n\nold\n"

    org_type.description = "NEW text"
    OrganizationType.objects.bulk_update([org_type], ["description"])
    assert _stored(org_type) == "friendly society\n\nnew text\n"

    OrganizationType.objects.filter(pk=org_type.pk).update(local_name="Sociedad")
    assert _stored(org_type) == "friendly society\nsociedad\nnew text\n"

    family = FamilyFactory()
    [created] = OrganizationType.objects.bulk_create(
        [OrganizationType(slug="bulk", country=country, family=family, name="Bulk Guild", description="B")]
    )
    assert _stored(created) == "bulk guild\n\nb\n"

    law = LawFactory(country=country, title="Guilds Act", short_title="", citation="No. 1", summary="")
    assert _stored(law) == "guilds act\n\n\nno. 1\n\n"
    Law.objects.filter(pk=law.pk).update(citation="No. 2")
    assert _stored(law) == "guilds act\n\n\nno. 2\n\n"


@pytest.mark.django_db
def test_the_rank_reads_the_first_line_only():
    """The name equal, then starting with, then containing the query; a match in another field ranks 0."""
    country = CountryFactory()
    names = {"Guild": "", "Guild of Smiths": "", "Old Guild": "", "Society": "a guild of sorts"}
    for name, description in names.items():
        OrganizationTypeFactory(country=country, name=name, description=description)
    found = search(OrganizationType.objects.all(), OrganizationTypeFilterSet.search_fields, "  GUILD ")
    assert [(t.name, t.search_rank) for t in found] == [
        ("Guild", 3),
        ("Guild of Smiths", 2),
        ("Old Guild", 1),
        ("Society", 0),
    ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes are PostgreSQL's")
def test_postgresql_answers_the_search_from_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%search%%'")
        indexes = {name: (table, definition) for table, name, definition in cursor.fetchall()}
    assert {name: table for name, (table, _) in indexes.items()} == {v: k for k, v in TRIGRAM_INDEXES.items()}
    assert all("gin_trgm_ops" in definition for _, definition in indexes.values())
    assert not OLD_INDEXES & set(indexes)

    OrganizationTypeFactory(name="Mutual Society")
    # The search's filter (not its ordering by country and family, which another index may serve).
    matched, _rank = substring_match(
        OrganizationType.objects.all(), OrganizationTypeFilterSet.search_fields, ["mutual"], "mutual"
    )
    sql, params = matched.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index can answer
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "orgtype_search_trgm" in plan, plan
