"""
Today's landscape read from what is stored (``stored_landscape``: the cells' findings, the
laws' statuses) equals the one computed from every reference (``landscape_on``), type by
type and field by field: on the shipped dataset, on the synthetic one (every kind of law
history: amended, repealed, replaced, annulled and reinstated, bills, references with their
own periods), and after each kind of write that changes a law's force or a cell.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from countries.choices import LawEventKind
from countries.force import STATUSES_IN_FORCE
from countries.models import Law, LawEvent
from orgs.models import OrganizationType, Reference
from orgs.querysets import Method, landscapes_on, reference_counts, stored_landscape
from tests.factories import LawFactory, LegalBasisFactory, OrganizationTypeFactory, give_evidence, not_stipulated

pytestmark = pytest.mark.django_db


def as_values(landscapes):
    return {
        pk: (
            {sub: (c.finding, c.not_stipulated_kind, sorted(c.references)) for sub, c in land.cells.items()},
            land.result,
            land.laws,
            land.law_ids_shown,
            land.law_keys,
        )
        for pk, land in landscapes.items()
    }


def assert_same_everywhere():
    ids = list(OrganizationType.objects.values_list("pk", flat=True))
    assert ids
    method = Method.read()
    computed = as_values(OrganizationType.objects.filter(pk__in=ids).landscape_on(None, method))
    stored = as_values(stored_landscape(ids, method))
    assert stored.keys() == computed.keys()
    for pk in ids:
        assert stored[pk] == computed[pk], pk
    return computed


def test_the_shipped_dataset():
    call_command("load_dataset", verbosity=0)
    computed = assert_same_everywhere()
    findings = {c[0] for land in computed.values() for c in land[0].values()}
    assert findings == {"met", "not_stipulated", "not_assessed"}
    assert any(land[2] for land in computed.values())


def test_the_synthetic_dataset_with_every_kind_of_law_history():
    call_command("generate_synthetic", scale=1, seed=3, verbosity=0)
    computed = assert_same_everywhere()
    statuses = set(Law.objects.values_list("status", flat=True))
    assert {"repealed", "bill"} <= statuses and statuses & STATUSES_IN_FORCE
    assert any(land[2] for land in computed.values())


def test_after_writes_that_change_a_law_s_force_or_a_cell():
    org_type = OrganizationTypeFactory()
    law, other = LawFactory(country=org_type.country), LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "democratic-governance", law=law)
    not_stipulated(org_type, "for-profit", law=other, kind="contrary")
    LegalBasisFactory(org_type=org_type, law=other)
    assert_same_everywhere()
    LawEvent.objects.create(law=law, kind=LawEventKind.REPEALED, date=timezone.localdate() - datetime.timedelta(days=1))
    assert law.__class__.objects.get(pk=law.pk).status == "repealed"
    assert_same_everywhere()
    LawEvent.objects.create(law=law, kind=LawEventKind.REINSTATED, date=timezone.localdate())
    assert_same_everywhere()
    # A reference whose own period has ended no longer counts, on either path.
    ref = give_evidence(org_type, "free-establishment", law=other)[0]
    ref.valid_until = timezone.localdate()
    ref.save()
    assert_same_everywhere()


def test_another_day_is_computed_not_read(django_assert_num_queries):
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest")
    method = Method.read()
    day = timezone.localdate() - datetime.timedelta(days=3650)
    expected = OrganizationType.objects.filter(pk=org_type.pk).landscape_on(day, method)
    assert as_values(landscapes_on([org_type.pk], day, method)) == as_values(expected)
    with django_assert_num_queries(3):
        stored_landscape([org_type.pk], method)


DAYS = [datetime.date(1995, 6, 1), datetime.date(2013, 1, 1), datetime.date(2015, 1, 1), None]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_references_counting_on_a_day_are_those_the_rule_counts(day):
    """``counting_on`` (the database's filter) against ``reference_counts`` (the rule), reference by reference."""

    call_command("generate_synthetic", scale=1, seed=5, verbosity=0)
    day = day or timezone.localdate()
    in_force = set(Law.objects.in_force_on(day).values_list("pk", flat=True))
    expected = {
        pk
        for pk, law_id, start, end in Reference.objects.values_list("pk", "law_id", "valid_from", "valid_until")
        if reference_counts(law_id in in_force, start, end, day)
    }
    assert set(Reference.objects.counting_on(day).values_list("pk", flat=True)) == expected
    # Before the synthetic laws came into force fewer references count; afterwards some do.
    assert len(expected) < Reference.objects.count() if day.year < 2000 else expected


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_findings_on_a_day_are_those_of_the_landscape(day, django_assert_num_queries):
    call_command("generate_synthetic", scale=1, seed=6, verbosity=0)
    types = OrganizationType.objects.all()
    method = Method.read()
    landscapes = types.landscape_on(day, method)
    with django_assert_num_queries(2):
        findings = types.findings_on(day or timezone.localdate(), method)
    assert findings.keys() == landscapes.keys()
    for pk, (result, cells) in findings.items():
        assert result == landscapes[pk].result
        assert cells == {sub: cell.finding for sub, cell in landscapes[pk].cells.items()}
    assert len({result.classification for result, _ in findings.values()}) > 1
