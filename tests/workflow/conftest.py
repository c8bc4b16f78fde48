import datetime

import pytest
from django.contrib.auth.models import Group, User

from core.choices import PublicationStatus, Verification
from countries.choices import LawEventKind
from tests.factories import (
    CountryFactory,
    LawEventFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
)


@pytest.fixture
def curated(db):
    """A small but complete dataset: every curated model, relations, m2m and derived classification."""
    source = SourceFactory(slug="ilo-brief", title="ILO country brief", year=2021)
    country = CountryFactory(
        code="FR", name="France", slug="france", narrative="Text.", last_verified=datetime.date(2024, 1, 1)
    )
    country.narrative_sources.set([source])
    old = LawFactory(slug="coop-act-1947", country=country, title="Cooperatives Act 1947", source=source)
    new = LawFactory(
        slug="sse-law-2014",
        country=country,
        title="SSE Law 2014",
        enacted_on=datetime.date(2014, 7, 31),
        source=source,
        verification=Verification.UNVERIFIED,
        verification_note="Translation only.",
    )
    new.amends.set([old])
    LawEventFactory(
        law=old, kind=LawEventKind.AMENDED, date=datetime.date(2014, 7, 31), related_law=new, source=source
    )
    org_type = OrganizationTypeFactory(slug="scop", country=country, name="SCOP")
    LegalBasisFactory(org_type=org_type, law=old, provision="Art. 1")
    give_evidence(org_type, "social-problem", "for-profit", "democratic-governance", law=new)
    draft = OrganizationTypeFactory(
        slug="draft-type", country=country, name="Draft type", publication_status=PublicationStatus.DRAFT
    )
    give_evidence(draft, "democratic-governance", law=old)
    StatisticFactory(slug="fr-coops-2020", country=country, org_type=org_type, value="123.5", source=source)
    return {
        "country": country,
        "old": old,
        "new": new,
        "org_type": org_type,
        "draft": draft,
        "source": source,
    }


def make_user(username, *groups, superuser=False):
    user = User.objects.create_user(
        username, password="correct horse battery", is_staff=True, is_superuser=superuser
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def analyst(db):
    return make_user("anna", "Analyst")


@pytest.fixture
def analyst2(db):
    return make_user("arun", "Analyst")


@pytest.fixture
def editor(db):
    return make_user("eddie", "Editor")


@pytest.fixture
def editor2(db):
    return make_user("emma", "Editor")
