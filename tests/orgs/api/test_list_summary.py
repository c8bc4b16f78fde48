"""
A list summarizes its page of types from plain values read for the whole page
(``OrganizationTypeQuerySet.landscape_on``); the detail shows one type with its
prefetched cells and references. Both must say the same of every type, for every
reader and on every day.
"""

import pytest
from django.urls import reverse

from core.api.serializers import object_path
from core.choices import PublicationStatus
from orgs.models import LegalBasis, OrganizationType
from tests.api_helpers import API, link_keys, results
from tests.factories import LawFactory, give_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_law_cited(full_dataset):
    """A published Korean type citing a draft law as evidence and as legal basis."""
    org_type = OrganizationType.objects.public().filter(country__code="KR").order_by("slug").first()
    law = LawFactory(country=org_type.country, slug="kr-draft-act", publication_status=PublicationStatus.DRAFT)
    give_evidence(org_type, "public-interest", law=law)
    LegalBasis.objects.create(org_type=org_type, law=law)
    return org_type, law


@pytest.mark.parametrize("day", [None, "2013-06-01", "2015-06-01"])
@pytest.mark.parametrize("reader", ["anon", "viewer"])
def test_every_list_row_says_what_the_detail_says(request, draft_law_cited, reader, day):
    client = request.getfixturevalue(reader)
    as_of = f"as_of={day}" if day else ""
    rows = results(client.get(f"{API}org-types/?page_size=100&{as_of}"))
    assert len(rows) >= 30
    assert any(row["sub_conditions"] for row in rows)
    for row in rows:
        detail = client.get(f"{API}org-types/{row['slug']}/?{as_of}")
        assert detail.status_code == 200
        assert {key: detail.json()[key] for key in row} == row, row["slug"]


def test_a_draft_law_is_named_in_lists_only_to_readers_who_may_see_it(anon, viewer, draft_law_cited):
    org_type, law = draft_law_cited
    url = f"{API}org-types/?country=KR&page_size=100"
    public_row = next(row for row in results(anon.get(url)) if row["slug"] == org_type.slug)
    viewer_row = next(row for row in results(viewer.get(url)) if row["slug"] == org_type.slug)
    assert law.slug not in link_keys(public_row["laws"])
    assert law.slug in link_keys(viewer_row["laws"])
    # The evidence still counts for everyone: its sub-condition is met.
    assert "public-interest" in public_row["sub_conditions"] == viewer_row["sub_conditions"]


def test_a_list_page_reads_its_evidence_in_a_fixed_number_of_queries(anon, full_dataset, django_assert_num_queries):
    # count, page, stored cells, counting references, legal bases, sub-conditions (+ the request's transaction)
    anon.get(f"{API}org-types/?page_size=5")
    with django_assert_num_queries(9):
        small = anon.get(f"{API}org-types/?page_size=5&ordering=slug", HTTP_COOKIE="csrftoken=" + "b" * 32)
    with django_assert_num_queries(9):
        large = anon.get(f"{API}org-types/?page_size=40&ordering=slug", HTTP_COOKIE="csrftoken=" + "b" * 32)
    assert len(results(small)) == 5 and len(results(large)) > 30


@pytest.mark.parametrize(
    "view_name, kwarg, values",
    [
        ("api:org-type-detail", "slug", ["kr-social-cooperative", "a_b-c", "x"]),
        ("api:country-detail", "code", ["KR", "PH"]),
        # "1" is also in "/api/v1/": the first id cannot make the template; later ones can.
        ("api:law-detail", "slug", ["1", "12", "345"]),
    ],
)
def test_object_path_equals_reverse(view_name, kwarg, values):
    for value in values * 2:
        assert object_path(view_name, kwarg, value) == reverse(view_name, kwargs={kwarg: value})


def test_object_path_quotes_a_key_that_is_not_plain():
    plain = object_path("api:org-type-detail", "slug", "plain-slug")
    assert plain == reverse("api:org-type-detail", kwargs={"slug": "plain-slug"})
    # A non-ASCII key takes reverse() itself, with its quoting, never the template.
    value = "coop\u00e9rative"
    assert object_path("api:org-type-detail", "slug", value) == reverse("api:org-type-detail", kwargs={"slug": value})
    assert "%C3%A9" in object_path("api:org-type-detail", "slug", value)


@pytest.mark.parametrize("reader", ["anon", "viewer"])
def test_the_planned_list_gives_what_drf_gives(request, rf, draft_law_cited, reader):
    """``PlannedListSerializer`` against DRF's own ``ListSerializer`` on the same page, field for field."""
    from rest_framework import serializers
    from rest_framework.request import Request

    from orgs.api.serializers import OrganizationTypeSerializer

    client = request.getfixturevalue(reader)
    fast = results(client.get(f"{API}org-types/?page_size=100&ordering=slug"))
    # The same rows through DRF's generic path, with a fresh child serializer.
    types = list(
        OrganizationType.objects.for_api_list().filter(slug__in=[row["slug"] for row in fast]).order_by("slug")
    )
    drf_request = Request(rf.get(f"{API}org-types/", HTTP_HOST="testserver"))
    context = {
        "request": drf_request,
        "as_of": None,
        "public": reader == "anon",
        "drafts_of_laws_visible": reader != "anon",
    }
    child = OrganizationTypeSerializer(context=context)
    child.summarize_page(types)
    slow = serializers.ListSerializer(child=child, context=context).to_representation(types)
    for row in slow:  # embedded only when asked for (``include=``), which this list is not
        for name in OrganizationTypeSerializer.Meta.optional_fields:
            row.pop(name)
    assert [list(row) for row in slow] == [list(row) for row in fast]
    assert slow == fast
