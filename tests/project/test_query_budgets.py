"""SQL queries per request do not grow with the data: the same count at scale 1 and scale 2."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from orgs.models import Assessment, OrganizationType, Reference
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, SourceFactory

pytestmark = pytest.mark.django_db

# A CSRF cookie makes the response cache step aside, so every request renders.
UNCACHED = {"HTTP_COOKIE": "csrftoken=" + "b" * 32}


def targets():
    """The pages the benchmark drives, resolved to the first synthetic records."""
    country = Country.objects.published().filter(slug__startswith="syn-").order_by("slug").first()
    org_type = OrganizationType.objects.public().filter(slug__startswith="syn-").order_by("slug").first()
    return {
        "home": "/",
        "country": country.get_absolute_url(),
        "org type": org_type.get_absolute_url(),
        "family": org_type.family.get_absolute_url(),
        "law": org_type.laws.first().get_absolute_url(),
        "api org types": "/api/v1/org-types/?page_size=100&classification=sseoe&legally_institutionalized=true",
        "api org type": f"/api/v1/org-types/{org_type.slug}/",
        "api laws as of": "/api/v1/laws/?as_of=2015-01-01",
        "api countries geojson": "/api/v1/countries/?format=geojson",
    }


def query_counts(client):
    counts = {}
    for name, url in targets().items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **UNCACHED)
        assert response.status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_page_query_counts_do_not_grow_with_scale(client):
    """Every benchmarked page and API list runs as many queries at scale 2 as at scale 1 (no N+1)."""
    call_command("generate_synthetic", scale=1, verbosity=0)
    at_one = query_counts(client)
    call_command("generate_synthetic", scale=2, replace=True, verbosity=0)
    assert query_counts(client) == at_one


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
