"""
Data-quality checks over the curated records.

``find_problems()`` is the one place that knows what a problem is; the
``check_data`` command prints its result and the admin dashboard links it
to the records. Each check is a function yielding ``Problem``s; add a check
by writing one and listing it in ``CHECKS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from core.choices import PublicationStatus, Verification
from countries.choices import LAW_EVENTS_STARTING_FORCE, LawStatus
from countries.models import Country, Law, LawEvent, Statistic
from orgs.models import Evidence, OrganizationType

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    model: str  # model label, e.g. "orgs.OrganizationType"
    pk: int
    record: str  # the record as a person reads it
    message: str

    def __str__(self):
        return f"{self.severity.upper()} {self.model} #{self.pk} {self.record}: {self.message}"


def _problem(severity, obj, message):
    return Problem(severity, obj._meta.label, obj.pk, str(obj), message)


def published_types_without_law():
    qs = OrganizationType.objects.published().filter(legal_bases__isnull=True, legally_institutionalized=True)
    for org_type in qs.select_related("country"):
        yield _problem(ERROR, org_type, "published type has no governing law (legal basis)")


def published_types_without_evidence():
    for org_type in OrganizationType.objects.published().filter(evidence__isnull=True).select_related("country"):
        yield _problem(ERROR, org_type, "published type has no sub-condition evidence")


def evidence_without_provision_or_source():
    rows = Evidence.objects.filter(Q(provision="") | Q(source__isnull=True)).select_related(
        "org_type__country", "sub_condition", "law"
    )
    for row in rows:
        missing = [name for name, empty in (("provision", not row.provision), ("source", not row.source_id)) if empty]
        yield _problem(ERROR, row, f"evidence has no {' and no '.join(missing)}")


def laws_without_source_url():
    for law in Law.objects.filter(Q(url="") & (Q(source__isnull=True) | Q(source__url=""))):
        yield _problem(ERROR, law, "law has no source URL (neither its text URL nor its source's)")


def statistics_without_year_or_source():
    for stat in Statistic.objects.filter(Q(year__isnull=True) | Q(source__isnull=True)).select_related("country"):
        missing = [name for name, empty in (("year", stat.year is None), ("source", not stat.source_id)) if empty]
        yield _problem(ERROR, stat, f"statistic has no {' and no '.join(missing)}")


def published_countries_without_narrative():
    for country in Country.objects.published().filter(narrative=""):
        yield _problem(ERROR, country, "published country has no landscape narrative")


def unverified_without_note():
    """An unverified fact on a published record must say what is unverified."""
    qs = Law.objects.published().filter(verification=Verification.UNVERIFIED, verification_note="")
    for law in qs:
        yield _problem(ERROR, law, "unverified law on a published record has no verification note")


def unverified_facts_without_note():
    """Unverified evidence, law events and statistics on published records must say what is unverified."""
    published = PublicationStatus.PUBLISHED
    unverified = Verification.UNVERIFIED
    for row in Evidence.objects.filter(
        verification=unverified, note="", org_type__publication_status=published
    ).select_related("org_type__country", "sub_condition", "law"):
        yield _problem(ERROR, row, "unverified evidence on a published type has no note saying what is unverified")
    for event in LawEvent.objects.filter(
        verification=unverified, note="", law__publication_status=published
    ).select_related("law"):
        yield _problem(ERROR, event, "unverified event of a published law has no note saying what is unverified")
    for stat in Statistic.objects.filter(verification=unverified, note="", publication_status=published).select_related(
        "country"
    ):
        yield _problem(ERROR, stat, "unverified statistic has no note saying what is unverified")


def published_laws_without_source():
    for law in Law.objects.published().filter(source__isnull=True):
        yield _problem(ERROR, law, "published law has no source")


def laws_in_force_without_event():
    """A law said to be in force must have a dated event that starts its force."""
    current = [LawStatus.IN_FORCE, LawStatus.AMENDED, LawStatus.REINSTATED]
    qs = Law.objects.published().filter(status__in=current).exclude(events__kind__in=LAW_EVENTS_STARTING_FORCE)
    for law in qs:
        yield _problem(WARNING, law, "law said to be in force has no 'in force' or 'reinstated' event")


def unverified_evidence_on_published_types():
    rows = Evidence.objects.filter(
        verification=Verification.UNVERIFIED,
        org_type__publication_status=PublicationStatus.PUBLISHED,
    ).select_related("org_type__country", "sub_condition", "law")
    for row in rows:
        yield _problem(WARNING, row, "unverified evidence on a published type (shown flagged to the public)")


CHECKS = [
    published_types_without_law,
    published_types_without_evidence,
    evidence_without_provision_or_source,
    laws_without_source_url,
    statistics_without_year_or_source,
    published_countries_without_narrative,
    unverified_without_note,
    unverified_facts_without_note,
    published_laws_without_source,
    laws_in_force_without_event,
    unverified_evidence_on_published_types,
]


def find_problems() -> list[Problem]:
    """Every problem in the database, errors first."""
    problems = [problem for check in CHECKS for problem in check()]
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.model, p.record))
