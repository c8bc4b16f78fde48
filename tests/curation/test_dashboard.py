"""The data-quality dashboard: coverage matrix, check_data problems with links, stale and unverified records."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from core.choices import PublicationStatus, Verification
from countries.models import Law
from curation.views import coverage_matrix, months_ago, stale_records
from orgs.models import Feature, OrganizationType, Reference


def test_months_ago_handles_month_ends():
    assert months_ago(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_ago(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert months_ago(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_coverage_matrix_counts_open_cells_per_country_family_and_feature(curated):
    features, matrix = coverage_matrix()
    block = next(b for b in matrix if b["country"].code == "FR")
    codes = [f.code for f in features]
    family = curated["org_type"].family
    row = next(r for r in block["rows"] if r["family"] == family)
    # SCOP has S1, E1 and D2 met: in each feature one of its two cells is not yet assessed.
    assert dict(zip(codes, row["cells"], strict=True)) == {"social": (1, 2), "economic": (1, 2), "democratic": (1, 2)}
    # The draft: D2 met and D1 not stipulated (the democratic feature assessed); nothing else read.
    draft_row = next(r for r in block["rows"] if r["family"] == curated["draft"].family)
    assert dict(zip(codes, draft_row["cells"], strict=True)) == {
        "social": (2, 2), "economic": (2, 2), "democratic": (0, 2),
    }  # fmt: skip
    other = [r for r in block["rows"] if r["family"] not in (family, curated["draft"].family)]
    assert all(cell is None for r in other for cell in r["cells"])
    assert len(features) == Feature.objects.count() == 3


@override_settings(SSE_MAP_VERIFY_MONTHS=6)
def test_stale_records_use_the_setting(curated):
    """A record verified 7 months ago is stale with a 6-month setting; one verified last week is not."""
    today = datetime.date(2026, 11, 29)
    curated["old"].last_verified = datetime.date(2026, 4, 1)
    curated["old"].save()
    curated["new"].last_verified = datetime.date(2026, 11, 20)
    curated["new"].save()
    months, cutoff, rows = stale_records(today)
    stale = {row["record"] for row in rows}
    assert months == 6 and cutoff == datetime.date(2026, 5, 29)
    assert curated["old"] in stale and curated["new"] not in stale
    assert curated["country"] in stale  # verified 2024-01-01


def test_dashboard_page_shows_problems_with_links_and_unverified_references(client, curated, analyst):
    """The page lists find_problems() linked to admin change pages, and unverified evidence on published types."""
    Law.objects.filter(pk=curated["old"].pk).update(url="", source=None)
    row = Reference.objects.filter(assessment__org_type=curated["org_type"]).first()
    Reference.objects.filter(pk=row.pk).update(verification=Verification.UNVERIFIED)
    client.force_login(analyst)
    response = client.get(reverse("admin-quality"))
    assert response.status_code == 200
    page = response.content.decode()
    law_url = reverse("admin:countries_law_change", args=[curated["old"].pk])
    assert f'href="{law_url}"' in page and "law has no source URL" in page
    evidence_url = reverse("admin:orgs_reference_change", args=[row.pk])
    unverified = page[page.index('id="unverified"') :]
    assert evidence_url in unverified
    assert 'id="coverage"' in page and "France" in page


def test_dashboard_and_queue_are_for_staff_only(client, curated):
    for name in ("admin-quality", "admin-review-queue"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.ARCHIVED])
def test_unverified_references_on_unpublished_types_is_not_listed(client, curated, analyst, status):
    OrganizationType.objects.filter(pk=curated["org_type"].pk).update(publication_status=status)
    Reference.objects.filter(assessment__org_type=curated["org_type"]).update(verification=Verification.UNVERIFIED)
    client.force_login(analyst)
    page = client.get(reverse("admin-quality")).content.decode()
    row = Reference.objects.filter(assessment__org_type=curated["org_type"]).first()
    assert reverse("admin:orgs_reference_change", args=[row.pk]) not in page[page.index('id="unverified"') :]


def test_dashboard_queries_do_not_grow_with_the_number_of_records(curated):
    """The page's own sections (coverage, stale, unverified) cost a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from curation.views import coverage_matrix, stale_records, unverified_on_published
    from tests.factories import OrganizationTypeFactory, give_evidence

    def count():
        with CaptureQueriesContext(connection) as ctx:
            coverage_matrix()
            stale_records()
            [len(rows) for _, rows in unverified_on_published()]
        return len(ctx.captured_queries)

    before = count()
    for _ in range(5):
        org_type = OrganizationTypeFactory(country=curated["country"])
        give_evidence(org_type, "social-problem", "non-profit")
    Reference.objects.update(verification=Verification.UNVERIFIED)
    assert count() == before
    print(f"dashboard sections: {before} queries")
