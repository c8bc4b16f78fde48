import datetime

import pytest
from django.core.cache import cache

from core.choices import PublicationStatus, Verification
from countries.choices import LawEventKind
from tests.factories import (
    CountryFactory,
    FamilyFactory,
    LawEventFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
)

DRAFT = PublicationStatus.DRAFT
# Real codes, so the map draws real (compact) Natural Earth shapes in the browser tests.
LANDSCAPE_CODES = ["KR", "PH", "MY", "JP", "ID"]


def build_landscape(n_countries=3):
    """
    ``n_countries`` published countries, each with three laws (one amended, annulled
    and reinstated), three types (SSEOE, PHO, outside) in three families, three
    statistics over three years; the last country has one more type, in a family
    of its own; plus a draft country, a draft law and a draft type that must never
    appear.
    """
    families = [FamilyFactory(slug=f"fam-{i}", name=f"Family {i}", order=i) for i in range(3)]
    countries = []
    for index, code in enumerate(LANDSCAPE_CODES[:n_countries]):
        country = CountryFactory(
            code=code,
            narrative=f"Country {index} has **cooperatives** and <script>alert(1)</script> more.",
            local_name=f"Lokal {index}",
        )
        country.narrative_sources.add(SourceFactory())
        base = LawFactory(country=country, title=f"Framework Act {country.code}", local_title=f"법 {index}")
        amending = LawFactory(
            country=country, title=f"Amending Act {country.code}", enacted_on=datetime.date(2012, 5, 1)
        )
        unverified = LawFactory(
            country=country,
            title=f"Unverified Decree {country.code}",
            verification=Verification.UNVERIFIED,
            verification_note="Date not confirmed",
        )
        amending.amends.add(base)
        LawEventFactory(law=base, kind=LawEventKind.AMENDED, date=datetime.date(2012, 5, 1), related_law=amending)
        LawEventFactory(law=base, kind=LawEventKind.ANNULLED, date=datetime.date(2014, 3, 1), reference="Case 2014-1")
        LawEventFactory(law=base, kind=LawEventKind.REINSTATED, date=datetime.date(2016, 7, 1))
        sseoe = OrganizationTypeFactory(country=country, family=families[0], name=f"Worker cooperative {country.code}")
        pho = OrganizationTypeFactory(country=country, family=families[1], name=f"Mutual society {country.code}")
        outside = OrganizationTypeFactory(country=country, family=families[2], name=f"Charity {country.code}")
        give_evidence(sseoe, "social-problem", "for-profit", "democratic-governance", law=base)
        give_evidence(pho, "public-interest", "non-profit", law=amending)
        give_evidence(outside, "non-profit", law=unverified)
        for org_type, law in ((sseoe, base), (pho, amending), (outside, unverified)):
            LegalBasisFactory(org_type=org_type, law=law)
        for year in (2018, 2019, 2020):
            StatisticFactory(country=country, year=year, value=100 + year - 2018, org_type=sseoe)
        LawFactory(country=country, title=f"Secret Draft Law {country.code}", publication_status=DRAFT)
        draft_type = OrganizationTypeFactory(
            country=country, family=families[0], name=f"Secret Draft Type {country.code}", publication_status=DRAFT
        )
        LegalBasisFactory(org_type=draft_type, law=base)
        countries.append(country)
    # A family only the last country has: the others' cells in the matrix are empty.
    lonely = FamilyFactory(slug="fam-lonely", name="Family of one country", order=9)
    OrganizationTypeFactory(country=countries[-1], family=lonely, name=f"Lonely type {countries[-1].code}")
    hidden = CountryFactory(code="KH", name="Hidden Draft Country", slug="hidden-draft", publication_status=DRAFT)
    OrganizationTypeFactory(country=hidden, family=families[0], name="Type of a draft country")
    return countries


@pytest.fixture
def landscape(db):
    return build_landscape()


@pytest.fixture(autouse=True)
def clear_cache():
    """The rate limit counts in the cache; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
