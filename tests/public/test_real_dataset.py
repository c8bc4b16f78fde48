"""The pages over the shipped six-country dataset: every record renders, in the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries.models import Country, Law
from orgs.models import OrganizationType

pytestmark = pytest.mark.django_db


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(context.captured_queries)
    return counts


def test_every_country_page_renders_in_the_same_number_of_queries(client, full_dataset):
    """Countries with more laws, types or statistics need no more queries than others."""
    urls = [c.get_absolute_url() for c in Country.objects.published()]
    assert len(urls) >= 6
    counts = query_counts(client, urls)
    assert len(set(counts.values())) == 1, counts


def test_every_type_and_law_page_renders_in_a_constant_number_of_queries(client, full_dataset):
    """Each type page and each law page needs the same number of queries, whatever its evidence or events."""
    type_urls = [t.get_absolute_url() for t in OrganizationType.objects.public()]
    law_urls = [law.get_absolute_url() for law in Law.objects.public()]
    assert type_urls and law_urls
    assert len(set(query_counts(client, type_urls).values())) == 1
    assert len(set(query_counts(client, law_urls).values())) == 1


def test_home_and_map_cover_the_published_countries(client, full_dataset):
    """The home page and the map data name every published country (shapes from Natural Earth)."""
    from django.core.management import call_command

    call_command("import_boundaries", verbosity=0)
    html = client.get("/").content.decode()
    published = list(Country.objects.published())
    for country in published:
        assert country.get_absolute_url() in html
    data = client.get(reverse("countries:map-data")).json()
    assert {f["id"] for f in data["features"]} == {c.code for c in published}
