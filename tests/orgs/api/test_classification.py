"""The classification matrix: per country and family, drafts never counted."""

import pytest

from core.choices import PublicationStatus
from orgs.models import Family
from tests.api_helpers import API, errors, results
from tests.factories import (
    CountryFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    cooperative_law_history,
    give_evidence,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix_data():
    ph, kr = CountryFactory(code="PH"), CountryFactory(code="KR")
    coop, assoc = Family.objects.get(slug="cooperative"), Family.objects.get(slug="association")
    a = OrganizationTypeFactory(country=ph, family=coop)
    give_evidence(a, "public-interest", "for-profit", "democratic-governance")
    b = OrganizationTypeFactory(country=ph, family=assoc)
    give_evidence(b, "non-profit", "free-establishment")
    OrganizationTypeFactory(country=ph, family=assoc)
    draft = OrganizationTypeFactory(country=ph, family=coop, publication_status=PublicationStatus.DRAFT)
    give_evidence(draft, "public-interest", "for-profit", "democratic-governance")
    OrganizationTypeFactory(country=kr, family=coop)
    return {"ph": ph, "kr": kr}


def row_for(response, code):
    return next(row for row in results(response) if row["country"] == code)


def test_counts_per_country_and_family(anon, matrix_data):
    """Each country row counts its published types per classification, overall and per family."""
    ph = row_for(anon.get(f"{API}classification/"), "PH")
    assert (ph["total"], ph["sseoe"], ph["pho"], ph["outside"]) == (3, 1, 1, 1)
    families = {f["family"]: f for f in ph["families"]}
    assert families["cooperative"] == {
        "family": "cooperative", "name": "Cooperatives", "total": 1, "sseoe": 1, "pho": 0, "outside": 0,
        "provisional": 0,
    }  # fmt: skip
    assert (families["association"]["pho"], families["association"]["outside"]) == (1, 1)
    kr = row_for(anon.get(f"{API}classification/?country=kr"), "KR")
    assert (kr["total"], kr["outside"]) == (1, 1)


def test_drafts_are_counted_only_for_viewers(anon, viewer, matrix_data):
    """The draft SSEOE type counts for a user with the view permission, never anonymously."""
    assert row_for(anon.get(f"{API}classification/"), "PH")["sseoe"] == 1
    assert row_for(viewer.get(f"{API}classification/"), "PH")["sseoe"] == 2


def test_country_filter_validates_codes(anon, matrix_data):
    """An unknown country code is a 400 naming ``country``."""
    assert "country" in errors(anon.get(f"{API}classification/?country=QQ"))


def test_as_of_counts_that_days_classification(anon):
    """``as_of`` counts each type as classified on that day."""
    country = CountryFactory(code="ID")
    old, new = cooperative_law_history(country)
    coop = OrganizationTypeFactory(country=country, family=Family.objects.get(slug="cooperative"))
    give_evidence(coop, "for-profit", "democratic-governance", law=old)
    give_evidence(coop, "public-interest", "for-profit", "democratic-governance", law=new)
    LegalBasisFactory(org_type=coop, law=old)
    in_2013 = row_for(anon.get(f"{API}classification/?as_of=2013-06-01"), "ID")
    in_2015 = row_for(anon.get(f"{API}classification/?as_of=2015-01-01"), "ID")
    assert (in_2013["sseoe"], in_2013["pho"]) == (1, 0)
    assert (in_2015["sseoe"], in_2015["pho"]) == (0, 1)
    before = row_for(anon.get(f"{API}classification/?as_of=1990-01-01"), "ID")
    assert before["total"] == 0, "the type did not exist before its law"
