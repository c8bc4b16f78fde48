"""
The policy-challenge pages state the API's figures, and every file the downloads page links
is complete: both over the shipped dataset (tests/fixtures: ``full_dataset``).
"""

import csv
import io
import re

import pytest
from django.urls import reverse

from countries.models import Country
from public import challenges

pytestmark = pytest.mark.django_db


def api_count(client, query):
    response = client.get("/api/v1/org-types/", {**query, "format": "json", "page_size": 1})
    assert response.status_code == 200, (query, response.content[:300])
    return response.json()["count"]


def figure_value(client, figure, country=None):
    return sum(sign * api_count(client, query) for sign, query in figure.api_queries(country))


def page_figures(html):
    """{figure index: (total, {country code: value})} as the page states them."""
    found = {}
    for chunk in html.split('<div class="challenge-figure-block" data-figure="')[1:]:
        index, body = chunk.split('"', 1)
        total = int(re.search(r'class="figure-value" data-value="(-?\d+)"', body).group(1))
        rows = re.findall(r'<tr data-country="([A-Z]{2})">.*?data-value="(-?\d+)"', body, re.S)
        found[int(index)] = (total, {code: int(value) for code, value in rows})
    return found


def test_every_challenge_page_states_the_apis_figures(client, full_dataset):
    """Each figure of each challenge, in total and per country, equals the API's count for its query."""
    codes = set(Country.objects.published().values_list("code", flat=True))
    checked = 0
    for challenge in challenges.CHALLENGES:
        response = client.get(reverse("countries:challenge-detail", args=[challenge.slug]))
        assert response.status_code == 200
        stated = page_figures(response.content.decode())
        assert set(stated) == set(range(len(challenge.figures))), challenge.slug
        for index, figure in enumerate(challenge.figures):
            total, rows = stated[index]
            assert total == figure_value(client, figure), (challenge.slug, figure.label)
            if figure.by_country:
                assert set(rows) <= codes and rows, (challenge.slug, figure.label)
                for code, value in rows.items():
                    assert value == figure_value(client, figure, code), (challenge.slug, figure.label, code)
                    checked += 1
    assert checked > 30


def test_democratic_deficit_counts_phos_without_the_democratic_feature(client, full_dataset):
    """The headline of the democratic deficit: PHOs less PHOs meeting it, never a negative or a total of all types."""
    figure = challenges.BY_SLUG["democratic-deficit"].figures[0]
    phos = api_count(client, {"classification": "pho"})
    lacking = figure_value(client, figure)
    assert 0 < lacking <= phos
    html = client.get(reverse("countries:challenge-detail", args=["democratic-deficit"])).content.decode()
    assert f'data-value="{lacking}">{lacking}</span> <span class="figure-of">of {phos}</span>' in html


def test_challenges_link_both_ways(client, full_dataset):
    """A country the brief names links its challenges; the challenge links back to the country."""
    korea = Country.objects.get(code="KR")
    html = client.get(korea.get_absolute_url()).content.decode()
    url = reverse("countries:challenge-detail", args=["policy-coherence"])
    assert f'href="{url}"' in html
    assert f'href="{korea.get_absolute_url()}"' in client.get(url).content.decode()


def test_unknown_challenge_is_404(client, db):
    assert client.get(reverse("countries:challenge-detail", args=["no-such-thing"])).status_code == 404


def rows_in(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def test_every_download_is_complete(client, full_dataset):
    """Each file the downloads page links holds as many rows as the API counts for that table."""
    html = client.get(reverse("countries:downloads")).content.decode()
    links = [url.replace("&amp;", "&") for url in re.findall(r'href="(/api/v1/[^"]+)" class="download"', html)]
    assert len(links) == 5
    for url in links:
        endpoint = url.split("?")[0]
        expected = client.get(endpoint, {"format": "json", "page_size": 1}).json()["count"]
        assert expected > 0, endpoint
        response = client.get(url)
        assert response.status_code == 200, url
        if "format=csv" in url:
            rows = list(csv.DictReader(io.StringIO(rows_in(response))))
            assert len(rows) == expected, (url, len(rows), expected)
        elif "format=geojson" in url:
            assert len(response.json()["features"]) == expected, url
        else:
            data = response.json()
            assert data["count"] == expected and len(data["results"]) == expected, url
