"""
Data-quality checks over the curated records.

``find_problems()`` is the one place that knows what a problem is; the
``check_data`` command prints its result and the admin dashboard links it
to the records. Each check is a function yielding ``Problem``s; add a check
by writing one and listing it in ``CHECKS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from core.choices import PublicationStatus, Verification
from countries.choices import LAW_EVENTS_STARTING_FORCE, LawKind
from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs import claims as claims_rule
from orgs.choices import Finding
from orgs.models import Assessment, Claim, LegalBasis, OrganizationType, Reference

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


def _in(queryset, within):
    """``queryset``, or only its records in ``within`` ({model label: pks}, from find_problems; None: all)."""
    if within is None:
        return queryset
    return queryset.filter(pk__in=within.get(queryset.model._meta.label, ()))


def _problem(severity, obj, message):
    return Problem(severity, obj._meta.label, obj.pk, str(obj), message)


def published_types_without_law(within=None):
    qs = OrganizationType.objects.published().filter(legal_bases__isnull=True, legally_institutionalized=True)
    for org_type in _in(qs, within).select_related("country"):
        yield _problem(ERROR, org_type, "published type has no governing law (legal basis)")


def published_types_with_nothing_assessed(within=None):
    """A published type with a legal form has at least one cell read from its law; one without may have none."""
    assessed = Assessment.objects.exclude(finding=Finding.NOT_ASSESSED).values("org_type")
    published = _in(OrganizationType.objects.published(), within)
    for org_type in published.exclude(pk__in=assessed).select_related("country"):
        if org_type.legally_institutionalized:
            message = "published type has no assessed cell: every sub-condition is not yet assessed"
            yield _problem(ERROR, org_type, message)
        else:
            message = "published type without a legal form: no cell is assessed (no law to read)"
            yield _problem(WARNING, org_type, message)


def cells_not_assessed_without_a_note(within=None):
    """A cell not yet assessed on a published type must say what could not be read, and why."""
    cells = (
        _in(Assessment.objects, within)
        .filter(finding=Finding.NOT_ASSESSED, note="", org_type__publication_status=PublicationStatus.PUBLISHED)
        .select_related("org_type__country", "sub_condition")
    )
    for cell in cells:
        yield _problem(
            WARNING, cell, "cell not yet assessed on a published type has no note saying what could not be read"
        )


def references_without_provision_or_source(within=None):
    rows = (
        _in(Reference.objects, within)
        .filter(Q(provision="") | Q(source__isnull=True))
        .select_related("assessment__org_type__country", "assessment__sub_condition", "law")
    )
    for row in rows:
        missing = [name for name, empty in (("provision", not row.provision), ("source", not row.source_id)) if empty]
        yield _problem(ERROR, row, f"reference has no {' and no '.join(missing)}")


def references_that_overclaim(within=None):
    """``statute`` and ``official`` mean the article's text was read: its wording must be quoted."""
    levels = [Verification.STATUTE, Verification.OFFICIAL]
    rows = (
        _in(Reference.objects, within)
        .filter(verification__in=levels, quote="")
        .select_related("assessment__org_type__country", "assessment__sub_condition", "law")
    )
    for row in rows:
        yield _problem(
            ERROR,
            row,
            f"reference labelled '{row.verification}' quotes no wording: the level claims more than was read",
        )
    # The same for every fact that names its source and level.
    shared = Source.objects.document_sharing()
    for queryset in (
        Reference.objects.select_related("assessment__org_type__country", "assessment__sub_condition", "law"),
        Law.objects.select_related("country"),
        LawEvent.objects.select_related("law"),
        Statistic.objects.select_related("country"),
    ):
        for row in _in(queryset, within).filter(verification__in=levels, source__in=shared).select_related("source"):
            yield _problem(
                ERROR,
                row,
                f"labelled '{row.verification}' on a document-sharing copy ({row.source.url}): "
                "a copy of unknown origin is 'secondary' at best",
            )


def references_on_another_countrys_law(within=None):
    rows = (
        _in(Reference.objects, within)
        .exclude(law__country=F("assessment__org_type__country"))
        .select_related("assessment__org_type__country", "assessment__sub_condition", "law__country")
    )
    for row in rows:
        yield _problem(
            ERROR, row, f"reference cites a law of {row.law.country} for a type of {row.assessment.org_type.country}"
        )


def laws_without_source_url(within=None):
    for law in _in(Law.objects, within).filter(Q(url="") & (Q(source__isnull=True) | Q(source__url=""))):
        yield _problem(ERROR, law, "law has no source URL (neither its text URL nor its source's)")


def statistics_without_year_or_source(within=None):
    stats = _in(Statistic.objects, within)
    for stat in stats.filter(Q(year__isnull=True) | Q(source__isnull=True)).select_related("country"):
        missing = [name for name, empty in (("year", stat.year is None), ("source", not stat.source_id)) if empty]
        yield _problem(ERROR, stat, f"statistic has no {' and no '.join(missing)}")


def published_countries_without_narrative(within=None):
    for country in _in(Country.objects.published(), within).filter(narrative=""):
        yield _problem(ERROR, country, "published country has no landscape narrative")


def unverified_without_note(within=None):
    """An unverified fact on a published record must say what is unverified."""
    qs = _in(Law.objects.published(), within).filter(verification=Verification.UNVERIFIED, verification_note="")
    for law in qs:
        yield _problem(ERROR, law, "unverified law on a published record has no verification note")


def unverified_facts_without_note(within=None):
    """Unverified references, law events and statistics on published records must say what is unverified."""
    published = PublicationStatus.PUBLISHED
    unverified = Verification.UNVERIFIED
    for row in (
        _in(Reference.objects, within)
        .filter(verification=unverified, note="", assessment__org_type__publication_status=published)
        .select_related("assessment__org_type__country", "assessment__sub_condition", "law")
    ):
        yield _problem(ERROR, row, "unverified reference on a published type has no note saying what is unverified")
    for event in (
        _in(LawEvent.objects, within)
        .filter(verification=unverified, note="", law__publication_status=published)
        .select_related("law")
    ):
        yield _problem(ERROR, event, "unverified event of a published law has no note saying what is unverified")
    for stat in (
        _in(Statistic.objects, within)
        .filter(verification=unverified, note="", publication_status=published)
        .select_related("country")
    ):
        yield _problem(ERROR, stat, "unverified statistic has no note saying what is unverified")


def published_laws_without_source(within=None):
    for law in _in(Law.objects.published(), within).filter(source__isnull=True):
        yield _problem(ERROR, law, "published law has no source")


def laws_without_events(within=None):
    """A law's status and force come from its dated events: one without any is reported."""
    for law in _in(Law.objects, within).filter(events__isnull=True).select_related("country"):
        severity = ERROR if law.is_published else WARNING
        yield _problem(severity, law, "law has no dated event: its status and when it is in force cannot be derived")


def laws_never_in_force_that_types_rest_on(within=None):
    """A law types rest on, with events but none that starts its force, counts for nothing (a bill excepted)."""
    started = LawEvent.objects.filter(kind__in=LAW_EVENTS_STARTING_FORCE).values("law")
    rested_on = Q(pk__in=Reference.objects.values("law")) | Q(pk__in=LegalBasis.objects.values("law"))
    qs = (
        _in(Law.objects.published(), within)
        .filter(rested_on, events__isnull=False)
        .exclude(pk__in=started)
        .exclude(kind=LawKind.BILL)
    )
    for law in qs.distinct():
        yield _problem(
            WARNING, law, "types rest on this law, but none of its events puts it in force: its references never count"
        )


def unverified_references_on_published_types(within=None):
    rows = (
        _in(Reference.objects, within)
        .filter(
            verification=Verification.UNVERIFIED,
            assessment__org_type__publication_status=PublicationStatus.PUBLISHED,
        )
        .select_related("assessment__org_type__country", "assessment__sub_condition", "law")
    )
    for row in rows:
        yield _problem(WARNING, row, "unverified reference on a published type (shown flagged to the public)")


def stored_landscape_drift(within=None):
    """
    The stored cells, classifications and law statuses equal what the rule gives
    today; ``manage.py reclassify`` repairs them.
    """
    day = timezone.localdate()
    for org_type, stored, computed in _in(OrganizationType.objects.all(), within).drift(day):
        changes = ", ".join(f"{n} {stored[n]!r} (rule: {computed[n]!r})" for n in stored if stored[n] != computed[n])
        yield _problem(ERROR, org_type, f"stored classification drifted from the rule: {changes}")
    cells = _in(Assessment.objects, within)
    types = OrganizationType.objects.all()
    if within is not None:  # the cells' types, and those asked for
        types = types.filter(
            Q(pk__in=within.get(OrganizationType._meta.label, ())) | Q(pk__in=cells.values("org_type"))
        )
    landscapes = types.landscape_on(day)
    seen = set(Assessment.objects.filter(org_type__in=types.values("pk")).values_list("org_type", "sub_condition"))
    for cell in cells.select_related("org_type__country", "sub_condition"):
        computed = landscapes[cell.org_type_id].cells.get(cell.sub_condition_id)
        stored = (cell.finding, cell.not_stipulated_kind)
        if computed is not None and stored != (computed.finding, computed.not_stipulated_kind):
            yield _problem(ERROR, cell, f"stored finding {cell.finding!r} drifted from the rule ({computed.finding!r})")
    missing = sum(1 for t, landscape in landscapes.items() for sub_id in landscape.cells if (t, sub_id) not in seen)
    if missing:
        message = f"{missing} cell(s) missing: every type has one per sub-condition"
        yield Problem(ERROR, "orgs.Assessment", 0, "cells", message)
    statuses = _in(Law.objects.all(), within).statuses_on(day)
    for law in Law.objects.filter(pk__in=list(statuses)).order_by("pk"):
        if law.status != statuses[law.pk]:
            yield _problem(ERROR, law, f"stored status {law.status!r} drifted from its events ({statuses[law.pk]!r})")


def claims_in_conflict(within=None):
    """Where our coding disagrees with the research, the disagreement is listed, and explained."""
    for claim, status, about in _in(Claim.objects.published(), within).evaluated():
        label = claim.get_expects_display()
        expects = f"the research expects {label[0].lower()}{label[1:]}"
        names = ", ".join(t.name for t in about) or "no type coded"
        if status == claims_rule.CONFLICT and claim.explanation.strip():
            yield _problem(WARNING, claim, f"{expects}; our coding differs ({names}); explained on the type page")
        elif status == claims_rule.CONFLICT:
            yield _problem(ERROR, claim, f"{expects}; our coding differs ({names}) and no explanation says why")
        elif status == claims_rule.OPEN:
            yield _problem(WARNING, claim, f"{expects}; cells not yet assessed decide it ({names})")


CHECKS = [
    published_types_without_law,
    published_types_with_nothing_assessed,
    cells_not_assessed_without_a_note,
    references_without_provision_or_source,
    references_that_overclaim,
    references_on_another_countrys_law,
    laws_without_source_url,
    statistics_without_year_or_source,
    published_countries_without_narrative,
    unverified_without_note,
    unverified_facts_without_note,
    published_laws_without_source,
    laws_without_events,
    laws_never_in_force_that_types_rest_on,
    unverified_references_on_published_types,
    stored_landscape_drift,
    claims_in_conflict,
]


def find_problems(within=None) -> list[Problem]:
    """
    Every problem in the database, errors first; with ``within`` ((model label, pk) pairs, as
    ``curation.services.records_of`` gives them), only the problems of those records, each check
    reading only them (what approving a change set asks).
    """
    if within is not None:
        by_label = {}
        for label, pk in within:
            by_label.setdefault(label, set()).add(pk)
        within = by_label
    problems = [problem for check in CHECKS for problem in check(within=within)]
    return sorted(problems, key=lambda p: (p.severity != ERROR, p.model, p.record))
