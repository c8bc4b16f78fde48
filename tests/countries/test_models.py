import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from countries.choices import LawEventKind, LawKind, LawStatus
from countries.models import Country, Law
from tests.factories import CountryFactory, LawEventFactory, LawFactory, SourceFactory, StatisticFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["XX", "kr", "KOR", "K1", ""])
def test_country_code_must_be_an_assigned_iso_alpha2(code):
    country = Country(code=code, name="Nowhere", slug="nowhere", region="east_asia")
    with pytest.raises(ValidationError) as excinfo:
        country.full_clean()
    assert "code" in excinfo.value.message_dict


def test_country_code_is_stored_upper_case_and_unique():
    CountryFactory(code="FR")
    country = Country(code="fr", name="France again", slug="france-again", region="east_asia")
    with pytest.raises(IntegrityError), transaction.atomic():
        country.save()


def test_database_rejects_a_malformed_code_even_without_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.filter(pk=CountryFactory().pk).update(code="1X")


@pytest.mark.parametrize("year", [1799, 2101])
def test_out_of_range_years_are_rejected_by_the_database(year):
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(year=year)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatisticFactory(year=year)


@pytest.mark.parametrize("day", [datetime.date(1799, 12, 31), datetime.date(2101, 1, 1)])
def test_an_enactment_date_out_of_range_is_rejected_by_the_database(day):
    law = LawFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Law.objects.filter(pk=law.pk).update(enacted_on=day)
    law.enacted_on = day
    with pytest.raises(ValidationError) as excinfo:
        law.full_clean()
    assert "between 1800 and 2100" in str(excinfo.value)


def test_out_of_range_years_are_rejected_by_validation():
    with pytest.raises(ValidationError):
        StatisticFactory.build(year=1500, country=CountryFactory(), source=SourceFactory()).full_clean()


def test_law_cannot_amend_itself():
    law = LawFactory()
    law.amends.add(law)
    with pytest.raises(ValidationError) as excinfo:
        law.full_clean()
    assert "amends" in excinfo.value.message_dict


def test_a_bill_has_no_enactment_date():
    law = LawFactory.build(
        country=CountryFactory(),
        source=SourceFactory(),
        kind=LawKind.BILL,
        status=LawStatus.BILL,
        enacted_on=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        law.full_clean()
    assert "enacted_on" in excinfo.value.message_dict


def test_law_events_are_unique_per_law_kind_and_date():
    event = LawEventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LawEventFactory(law=event.law, kind=event.kind, date=event.date)


def test_in_force_on_follows_annulment_and_reinstatement():
    """Indonesia's pattern: the 1992 law replaced in 2012, the 2012 law annulled in 2014."""
    country = CountryFactory()
    old = LawFactory(country=country, enacted_on=datetime.date(1992, 10, 21))
    new = LawFactory(country=country, enacted_on=datetime.date(2012, 10, 30))
    LawEventFactory(law=old, kind=LawEventKind.REPEALED, date=datetime.date(2012, 10, 30))
    LawEventFactory(law=new, kind=LawEventKind.ANNULLED, date=datetime.date(2014, 5, 28))
    LawEventFactory(law=old, kind=LawEventKind.REINSTATED, date=datetime.date(2014, 5, 28))
    bill = LawFactory(country=country, kind=LawKind.BILL, status=LawStatus.BILL, enacted_on=None)

    def in_force(year, month=6, day=1):
        return set(Law.objects.in_force_on(datetime.date(year, month, day)))

    assert in_force(1990) == set()
    assert in_force(2000) == {old}
    assert in_force(2013) == {new}
    assert in_force(2015) == {old}
    assert bill not in in_force(2025)


def test_published_and_public_querysets_hide_drafts():
    published = CountryFactory(publication_status="published")
    draft_country = CountryFactory(publication_status="draft")
    visible = LawFactory(country=published)
    LawFactory(country=published, publication_status="draft")
    LawFactory(country=draft_country)
    assert list(Law.objects.public()) == [visible]
