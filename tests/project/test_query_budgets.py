"""SQL queries per request do not grow with the data: the same count at scale 1 and scale 2."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.targets import CSV_EXPORT, TARGETS
from orgs.models import Assessment, OrganizationType, Reference
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, SourceFactory

pytestmark = pytest.mark.django_db

# A CSRF cookie makes the response cache step aside, so every request renders.
UNCACHED = {"HTTP_COOKIE": "csrftoken=" + "b" * 32}


def targets():
    """
    Every target the benchmark drives (``bench/targets.py``, one list for both), resolved to
    the first synthetic records, and the pages only this test covers. The streamed CSV
    export is left out: its queries grow with the rows by design (one per 500-row chunk).
    """
    urls = {name: resolve() for name, resolve in TARGETS if name != CSV_EXPORT}
    org_type = OrganizationType.objects.public().filter(slug__startswith="syn-").order_by("slug").first()
    urls["law (through a type)"] = org_type.laws.first().get_absolute_url()
    return urls


# Queries per uncached request, the same at every scale. A change here is a decision: say
# why in the commit, and check the benchmark (docs/performance.md). Each count includes the
# SAVEPOINT and RELEASE of ATOMIC_REQUESTS inside the test's transaction (the benchmark's
# probe, outside one, reports two fewer).
BUDGETS = {
    "home page": 6,
    "country page": 11,
    "law page": 9,
    "org-type page": 11,
    "family page": 7,
    "families page": 3,
    "methodology page": 7,
    "sources page": 3,
    # The releases listed with their files (one query); the current files' sizes come from the cache.
    "downloads page": 4,
    "compare page": 7,
    "site search page": 5,
    "countries GeoJSON (map)": 3,
    "api org-types (100 rows, filtered)": 9,
    "api org-types ?country=": 10,
    "api org-types deep page": 9,
    "api org-types deep page (cursor)": 9,
    "api org-types ?search=": 10,
    "api org-types ?as_of=": 10,
    "api org-types ?as_of= derived": 14,
    "api laws": 7,
    "api laws ?as_of=": 7,
    "api laws ?search=": 8,
    "api countries": 4,
    "countries GeoJSON (API)": 4,
    "api statistics": 4,
    "api sources": 4,
    "api families": 4,
    "api features": 5,
    "api sub-conditions": 4,
    "api classification": 5,
    "api assessments (100 cells)": 10,
    "api org-type detail": 9,
    "api country detail": 4,
    "api law detail": 6,
    "api statistic detail": 3,
    "api family detail": 3,
    "api source detail": 3,
    "api feature detail": 4,
    "api sub-condition detail": 3,
    "api assessment detail": 9,
    "change feed org-types": 9,
    "change feed deletions": 3,
    "CSV laws (one page)": 7,
    "law (through a type)": 9,
}


def query_counts(client):
    counts = {}
    for name, url in targets().items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **UNCACHED)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_page_query_counts_do_not_grow_with_scale(client):
    """Every benchmarked page and API target runs as many queries at scale 2 as at scale 1 (no N+1)."""
    call_command("generate_synthetic", scale=1, verbosity=0)
    at_one = query_counts(client)
    call_command("generate_synthetic", scale=2, replace=True, verbosity=0)
    assert query_counts(client) == at_one


def test_every_benchmark_target_has_its_query_budget(client):
    """The queries of each uncached request are locked: an extra query (an N+1 in the making) fails here."""
    call_command("generate_synthetic", scale=1, verbosity=0)
    assert query_counts(client) == BUDGETS


def _references_for(types, law, source):
    """A met reference on each type's first three cells."""
    cells = Assessment.objects.filter(org_type__in=types).order_by("org_type_id", "sub_condition__order", "pk")
    by_type = {}
    for cell in cells:
        by_type.setdefault(cell.org_type_id, []).append(cell)
    return [
        Reference(assessment=cell, law=law, source=source, finding="met", quote="Wording.", quote_language="en")
        for t in types
        for cell in by_type[t.pk][:3]
    ]


def test_bulk_references_reclassify_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    """
    Bulk-creating references for 15 types costs no more queries than for 2 (no per-type
    reclassify). 15 types' 45 rows stay within one SQLite insert batch (999 parameters).
    """
    country = CountryFactory()
    law, source = LawFactory(country=country), SourceFactory()
    few = [OrganizationTypeFactory(country=country) for _ in range(2)]
    many = [OrganizationTypeFactory(country=country) for _ in range(15)]
    few_rows, many_rows = _references_for(few, law, source), _references_for(many, law, source)
    with CaptureQueriesContext(connection) as small:
        Reference.objects.bulk_create(few_rows)
    with django_assert_max_num_queries(len(small)):
        Reference.objects.bulk_create(many_rows)
    stored = OrganizationType.objects.filter(pk__in=[t.pk for t in many])
    # Three of six cells met, one per feature's first sub-condition: an SSEOE, and the stored cells agree.
    assert set(stored.values_list("classification", flat=True)) == {"sseoe"}
    assert stored.drift() == []
