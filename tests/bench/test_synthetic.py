"""The synthetic dataset generator: shape, scaling, determinism, correct classifications, refusal."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.synthetic import UNIT_LAWS, UNIT_STATISTICS, UNIT_TYPES, UNITS_PER_SCALE
from core.choices import Verification
from countries.choices import LawEventKind, LawStatus
from countries.models import Country, Law, LawEvent, Source, Statistic
from curation.dataset import default_paths
from orgs import classification as rule
from orgs.models import Assessment, Feature, LegalBasis, OrganizationType, Reference

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_synthetic", verbosity=0, **options)


def counts():
    return {
        "countries": Country.objects.filter(slug__startswith="syn-").count(),
        "laws": Law.objects.filter(slug__startswith="syn-").count(),
        "types": OrganizationType.objects.filter(slug__startswith="syn-").count(),
        "evidence": Reference.objects.filter(assessment__org_type__slug__startswith="syn-").count(),
        "statistics": Statistic.objects.filter(slug__startswith="syn-").count(),
    }


def fingerprint():
    """Everything the generator decides, without ids or timestamps."""
    return (
        sorted(Country.objects.filter(slug__startswith="syn-").values_list("code", "name", "region", "phase")),
        sorted(
            Law.objects.filter(slug__startswith="syn-").values_list("slug", "country__code", "status", "enacted_on")
        ),
        sorted(LawEvent.objects.filter(law__slug__startswith="syn-").values_list("law__slug", "kind", "date")),
        sorted(
            OrganizationType.objects.filter(slug__startswith="syn-").values_list(
                "slug", "country__code", "family__slug", "classification", "description"
            )
        ),
        sorted(
            Reference.objects.filter(assessment__org_type__slug__startswith="syn-").values_list(
                "assessment__org_type__slug", "assessment__sub_condition__code", "finding", "law__slug", "provision"
            )
        ),
        sorted(Statistic.objects.filter(slug__startswith="syn-").values_list("slug", "value", "year")),
    )


def test_scale_multiplies_every_count():
    """Scale 2 holds exactly twice the laws, types and statistics of scale 1, and about twice the evidence."""
    generate(scale=1)
    one = counts()
    generate(scale=2, replace=True)
    two = counts()
    assert one["laws"] == UNITS_PER_SCALE * UNIT_LAWS and two["laws"] == 2 * one["laws"]
    assert one["types"] == UNITS_PER_SCALE * UNIT_TYPES and two["types"] == 2 * one["types"]
    assert two["statistics"] == 2 * one["statistics"] == 2 * UNITS_PER_SCALE * UNIT_STATISTICS
    assert two["countries"] == 2 * one["countries"]
    # At least five evidence rows per type on average, as scale 100 needs 50,000 for 10,000 types.
    assert one["evidence"] >= 5 * one["types"] and two["evidence"] >= 5 * two["types"]
    assert 1.6 < two["evidence"] / one["evidence"] < 2.4


def test_same_seed_same_data_and_other_seed_other_data():
    """The seed decides everything: regenerating with it gives the same rows, another seed does not."""
    generate(scale=1, seed=7)
    first = fingerprint()
    generate(scale=1, seed=7, replace=True)
    assert fingerprint() == first
    generate(scale=1, seed=8, replace=True)
    assert fingerprint() != first


def test_stored_classifications_follow_the_rule():
    """Bulk-written references leave every type classified exactly as the rule says of its stored cells."""
    generate(scale=1, seed=3)
    types = OrganizationType.objects.filter(slug__startswith="syn-")
    features = list(Feature.objects.values_list("code", flat=True))
    cells = {}
    for type_id, feature, finding in Assessment.objects.filter(org_type__in=types).values_list(
        "org_type_id", "sub_condition__feature__code", "finding"
    ):
        cells.setdefault(type_id, []).append((feature, finding))
    seen = set()
    for org_type in types:
        expected = rule.classify(cells[org_type.pk], features)
        assert (org_type.classification, org_type.classification_max, org_type.features_met) == (
            expected.classification, expected.highest, expected.features_met,
        ), org_type.slug  # fmt: skip
        seen.add(org_type.classification)
    # The data exercises more than one outcome of the rule, and the stored cells agree with the references.
    assert {"sseoe", "pho"} <= seen
    assert types.drift() == []


def test_laws_have_amendment_chains_and_events_that_decide_force():
    """Amended, repealed-and-replaced, annulled-and-reinstated and bill laws carry matching events."""
    generate(scale=1)
    amended = Law.objects.filter(slug__startswith="syn-", status=LawStatus.AMENDED).first()
    assert amended.amended_by.count() == 2
    assert amended.events.filter(kind=LawEventKind.AMENDED, related_law__in=amended.amended_by.all()).count() == 2
    repealed = Law.objects.filter(slug__startswith="syn-", status=LawStatus.REPEALED).first()
    assert repealed.replaced_by.count() == 1
    today = repealed.replaced_by.get().enacted_on.replace(year=2099)
    in_force = set(Law.objects.filter(slug__startswith="syn-").in_force_on(today).values_list("status", flat=True))
    assert LawStatus.REPEALED not in in_force and LawStatus.BILL not in in_force
    assert {LawStatus.IN_FORCE, LawStatus.AMENDED, LawStatus.REINSTATED} <= in_force


def test_every_synthetic_record_is_marked_and_unverified():
    """Synthetic records cannot pass for research: slugs, names and verification say so."""
    generate(scale=1)
    assert not Law.objects.filter(slug__startswith="syn-").exclude(verification=Verification.UNVERIFIED).exists()
    assert (
        not Reference.objects.filter(assessment__org_type__slug__startswith="syn-")
        .exclude(verification=Verification.UNVERIFIED)
        .exists()
    )
    assert all(
        "(synthetic)" in name for name in Country.objects.filter(slug__startswith="syn-").values_list("name", flat=True)
    )
    assert Source.objects.filter(slug__startswith="syn-").count() > 0
    assert LegalBasis.objects.filter(org_type__slug__startswith="syn-").count() >= counts()["types"]


def test_refuses_when_synthetic_data_exists_and_writes_nothing():
    """A second run without --replace stops with a clear message and changes nothing."""
    generate(scale=1)
    before = counts()
    with pytest.raises(CommandError, match="already present.*--replace"):
        generate(scale=1, seed=5)
    assert counts() == before


def test_delete_removes_only_synthetic_records():
    """--delete removes all synthetic rows and leaves other records alone."""
    call_command("load_dataset", verbosity=0)
    real = Country.objects.count()
    generate(scale=1)
    generate(delete=True)
    assert counts() == dict.fromkeys(counts(), 0)
    assert Country.objects.count() == real


def test_scale_must_be_positive():
    """A scale below 1 is refused with a message naming the scale."""
    with pytest.raises(CommandError, match="scale"):
        generate(scale=0)


@pytest.mark.django_db(transaction=True)
def test_bulk_loads_leave_the_planner_statistics_fresh():
    """After generate_synthetic commits, its tables are analyzed: the planner knows how many rows they hold."""

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    # A transactional test runs on a database an earlier one may have flushed: the method first.
    call_command("load_dataset", str(default_paths()[0]), verbosity=0)
    generate(scale=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL, n_mod_since_analyze "
            "FROM pg_stat_user_tables WHERE relname IN ('orgs_organizationtype', 'orgs_reference', 'countries_law')"
        )
        rows = cursor.fetchall()
    assert len(rows) == 3
    assert all(analyzed and modified == 0 for _, analyzed, modified in rows), rows
