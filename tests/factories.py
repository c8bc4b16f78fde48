"""Factories for test data; the method (features, sub-conditions) comes from the real fixture."""

import datetime

import factory
from factory.django import DjangoModelFactory

from core.choices import PublicationStatus, Verification
from countries.choices import LawEventKind
from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs.models import Assessment, Family, LegalBasis, OrganizationType, Reference, SubCondition


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source document {n}")
    publisher = "Test publisher"
    year = 2020
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")


# Assigned ISO codes, handed out in turn so factories never make an invalid country.
_ISO_CODES = ["FR", "DE", "IT", "ES", "PT", "NL", "BE", "SE", "NO", "FI", "DK", "PL", "CZ", "AT", "CH", "IE"]


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: _ISO_CODES[n % len(_ISO_CODES)])
    name = factory.LazyAttribute(lambda o: f"Country {o.code}")
    slug = factory.LazyAttribute(lambda o: f"country-{o.code.lower()}")
    region = "east_asia"
    phase = 1
    publication_status = PublicationStatus.PUBLISHED


class LawFactory(DjangoModelFactory):
    class Meta:
        model = Law
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"law-{n}")
    country = factory.SubFactory(CountryFactory)
    title = factory.Sequence(lambda n: f"Cooperatives Act {n}")
    citation = factory.Sequence(lambda n: f"Act No. {n}")
    enacted_on = datetime.date(2000, 1, 1)
    source = factory.SubFactory(SourceFactory)
    verification = Verification.OFFICIAL
    publication_status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def in_force(obj, create, extracted, **kwargs):
        """Laws enter into force on enactment unless told ``in_force=False``."""
        if create and extracted is not False and obj.enacted_on:
            LawEvent.objects.create(
                law=obj, kind=LawEventKind.IN_FORCE, date=obj.enacted_on, note="As enacted (not checked)."
            )


class LawEventFactory(DjangoModelFactory):
    class Meta:
        model = LawEvent

    law = factory.SubFactory(LawFactory)
    kind = LawEventKind.AMENDED
    date = datetime.date(2010, 1, 1)


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"family-{n}")
    name = factory.Sequence(lambda n: f"Family {n}")


class OrganizationTypeFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationType

    slug = factory.Sequence(lambda n: f"org-type-{n}")
    country = factory.SubFactory(CountryFactory)
    family = factory.SubFactory(FamilyFactory)
    name = factory.Sequence(lambda n: f"Organization type {n}")
    publication_status = PublicationStatus.PUBLISHED


class LegalBasisFactory(DjangoModelFactory):
    class Meta:
        model = LegalBasis

    org_type = factory.SubFactory(OrganizationTypeFactory)
    law = factory.SubFactory(LawFactory, country=factory.SelfAttribute("..org_type.country"))
    provision = "Art. 1"


def cell(org_type, code):
    """The type's cell (assessment) for the sub-condition with this code."""
    return Assessment.objects.get(org_type=org_type, sub_condition__code=code)


class ReferenceFactory(DjangoModelFactory):
    """A reference of a type's cell: ``ReferenceFactory(org_type=t, sub_condition=s)`` finds the cell."""

    class Meta:
        model = Reference
        exclude = ["org_type", "sub_condition"]

    org_type = factory.SubFactory(OrganizationTypeFactory)
    sub_condition = factory.LazyFunction(lambda: SubCondition.objects.get(code="democratic-governance"))
    assessment = factory.LazyAttribute(
        lambda o: Assessment.objects.get(org_type=o.org_type, sub_condition=o.sub_condition)
    )
    finding = "met"
    law = factory.SubFactory(LawFactory, country=factory.SelfAttribute("..org_type.country"))
    provision = factory.Sequence(lambda n: f"Art. {n}")
    quote = "The provision's wording."
    quote_language = "en"
    note = "Stipulated by the law."
    source = factory.SubFactory(SourceFactory)
    verification = Verification.STATUTE


class StatisticFactory(DjangoModelFactory):
    class Meta:
        model = Statistic

    slug = factory.Sequence(lambda n: f"statistic-{n}")
    country = factory.SubFactory(CountryFactory)
    indicator = "organizations"
    label = "Registered cooperatives"
    value = 100
    unit = "organizations"
    year = 2020
    source = factory.SubFactory(SourceFactory)
    publication_status = PublicationStatus.PUBLISHED


def give_evidence(org_type, *codes, law=None, finding="met"):
    """Give each of ``org_type``'s cells with these codes a reference of ``finding`` on ``law``; return them."""
    law = law or LawFactory(country=org_type.country)
    kind = "" if finding == "met" else "silent"
    return [
        ReferenceFactory(
            org_type=org_type, law=law, sub_condition=SubCondition.objects.get(code=code),
            finding=finding, not_stipulated_kind=kind,
        )
        for code in codes
    ]  # fmt: skip


def not_stipulated(org_type, *codes, law=None, kind="silent"):
    """References that find these sub-conditions not stipulated (the law read, and silent or contrary)."""
    refs = give_evidence(org_type, *codes, law=law, finding="not_stipulated")
    if kind != "silent":
        Reference.objects.filter(pk__in=[r.pk for r in refs]).update(not_stipulated_kind=kind)
    return refs


def cooperative_law_history(country=None):
    """
    A cooperative law replaced by a new law that a court later annulled,
    reinstating the old one (the pattern of Indonesia's Law 25/1992 and Law
    17/2012). Returns ``(old_law, new_law)``; the dates are the test's own.
    """
    country = country or CountryFactory()
    old = LawFactory(country=country, title="Old cooperatives law", enacted_on=datetime.date(1992, 10, 21))
    new = LawFactory(country=country, title="New cooperatives law", enacted_on=datetime.date(2012, 10, 30))
    LawEvent.objects.create(law=old, kind=LawEventKind.REPEALED, date=datetime.date(2012, 10, 30), related_law=new)
    LawEvent.objects.create(law=new, kind=LawEventKind.ANNULLED, date=datetime.date(2014, 5, 28))
    LawEvent.objects.create(law=old, kind=LawEventKind.REINSTATED, date=datetime.date(2014, 5, 28))
    return old, new
