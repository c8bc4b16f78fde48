"""A country's or a law's dated steps, merged into one chronological list (``public`` renders it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.choices import Verification

from .choices import LawEventKind


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    precision: str
    kind: str
    label: str
    law: object
    related_law: object = None
    note: str = ""
    reference: str = ""
    verification: str = Verification.UNVERIFIED
    source: object = None

    @property
    def unverified(self):
        return self.verification == Verification.UNVERIFIED


def law_entries(law) -> list[TimelineEntry]:
    """
    The law's enactment (from ``enacted_on``) and its events, oldest first.

    An ``enacted`` event on the enactment date replaces the entry built from
    ``enacted_on``. An event's cause is shown only when that law is public.
    """
    events = list(law.events.all())
    entries = []
    enacted_dates = {e.date for e in events if e.kind == LawEventKind.ENACTED}
    if law.enacted_on and law.enacted_on not in enacted_dates:
        entries.append(
            TimelineEntry(
                law.enacted_on,
                law.enacted_precision,
                LawEventKind.ENACTED,
                LawEventKind.ENACTED.label,
                law,
                verification=law.verification,
                source=law.source,
            )
        )
    for event in events:
        related = event.related_law
        if related is not None and not (related.is_published and related.country.is_published):
            related = None
        entries.append(
            TimelineEntry(
                event.date,
                event.date_precision,
                event.kind,
                event.get_kind_display(),
                law,
                related,
                event.note,
                event.reference,
                event.verification,
                event.source,
            )
        )
    return entries


def timeline(laws) -> list[TimelineEntry]:
    entries = [entry for law in laws for entry in law_entries(law)]
    return sorted(entries, key=lambda e: (e.date, e.law.title, e.kind))
