"""
Keyset paging (``?cursor=``): the same rows in the same order as the numbered pages,
whatever the list's order (NULLs, descending, related fields, search ranking), at a
query count that does not depend on how deep the page is.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Law
from tests.api_helpers import API, errors, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic(db):
    call_command("generate_synthetic", scale=1, verbosity=0)
    # Bills and some drafts have no enactment date: NULLs in the laws' default order.
    Law.objects.filter(pk__in=list(Law.objects.order_by("pk").values_list("pk", flat=True))[:20:3]).update(
        enacted_on=None
    )


def walk_pages(anon, path, size):
    rows, page = [], 1
    while True:
        body = anon.get(f"{path}{'&' if '?' in path else '?'}page_size={size}&page={page}").json()
        rows += body["results"]
        if not body["next"]:
            return rows, body["count"]
        page += 1


def walk_cursor(anon, path, size):
    rows, url, counts = [], f"{path}{'&' if '?' in path else '?'}page_size={size}&cursor=", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = anon.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["previous"] is None and body["results"]
        counts.append(len(queries))
        rows += body["results"]
        url = body["next"]
    return rows, body["count"], counts


@pytest.mark.parametrize(
    "path",
    [
        f"{API}org-types/",
        f"{API}org-types/?ordering=-features_met",
        f"{API}org-types/?ordering=country,-name",
        f"{API}org-types/?classification=sseoe",
        f"{API}org-types/?search=cooperative",
        f"{API}laws/",
        f"{API}laws/?ordering=-enacted_on",
        f"{API}statistics/",
    ],
)
def test_cursor_pages_walk_the_same_rows_as_numbered_pages(anon, synthetic, path):
    by_page, count = walk_pages(anon, path, 7)
    by_cursor, cursor_count, queries = walk_cursor(anon, path, 7)
    assert len(by_page) == count > 7  # several pages
    assert by_cursor == by_page and cursor_count == count
    assert len(set(queries)) == 1  # the last page costs what the first does


def test_a_forged_cursor_is_a_404_naming_it(anon, synthetic):
    """A cursor the list never gave names no page of it: a 404, as a page number past the end is."""
    for bad in ("not-base64!", "WzFd", "eyJhIjoxfQ"):  # garbage, a list of the wrong length, not a list
        response = anon.get(f"{API}org-types/?cursor={bad}")
        assert "cursor" in problem(response, 404).get("errors", {}), bad
    response = anon.get(f"{API}org-types/?cursor=&page=2")
    assert response.status_code == 400 and "cursor" in errors(response)
