"""
When a law is in force, and its status on a day, from its dated events alone: a
law's status is never typed beside its events. Pure functions; the querysets and
the stored ``Law.status`` (today's) use them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from .choices import LAW_EVENTS_ENDING_FORCE, LAW_EVENTS_STARTING_FORCE, LawEventKind, LawKind, LawStatus

# What a law's status is after the last event that started or ended its force.
STATUS_AFTER = {
    LawEventKind.IN_FORCE: LawStatus.IN_FORCE,
    LawEventKind.REINSTATED: LawStatus.REINSTATED,
    LawEventKind.REPEALED: LawStatus.REPEALED,
    LawEventKind.ANNULLED: LawStatus.ANNULLED,
    LawEventKind.EXPIRED: LawStatus.EXPIRED,
}

# The statuses of a law in force: after an event that started its force (``amended`` when an
# amendment has passed since). ``status_on`` gives one of these exactly when ``in_force`` is true.
STATUSES_IN_FORCE = frozenset({STATUS_AFTER[kind] for kind in LAW_EVENTS_STARTING_FORCE} | {LawStatus.AMENDED})


class Event(NamedTuple):
    """What deciding a law's force needs of one event (its order among same-day events: its pk)."""

    date: datetime.date
    kind: str
    order: int = 0


def last_force_event(events: Iterable[Event], day: datetime.date) -> Event | None:
    """The last event on or before ``day`` that started or ended the law's force."""
    relevant = [e for e in events if e.date <= day and e.kind in LAW_EVENTS_STARTING_FORCE | LAW_EVENTS_ENDING_FORCE]
    return max(relevant, key=lambda e: (e.date, e.order), default=None)


def in_force(events: Iterable[Event], day: datetime.date) -> bool:
    """Whether a law with these events is in force on ``day``: its last force event started force."""
    last = last_force_event(events, day)
    return last is not None and last.kind in LAW_EVENTS_STARTING_FORCE


def status_on(kind: str, events: Iterable[Event], day: datetime.date) -> str:
    """
    The law's status on ``day``: after its last force event, in force (``amended`` when
    an amendment has passed since), reinstated, repealed, annulled or expired; before
    any, a bill (a bill, or a law only introduced), enacted but not yet in force, or
    unknown (no dated event at all, which ``check_data`` reports).
    """
    events = list(events)
    last = last_force_event(events, day)
    if last is not None:
        status = STATUS_AFTER[last.kind]
        amended_since = any(e.kind == LawEventKind.AMENDED and last.date <= e.date <= day for e in events)
        return LawStatus.AMENDED if status == LawStatus.IN_FORCE and amended_since else status
    past = [e for e in events if e.date <= day]
    if kind == LawKind.BILL or any(e.kind == LawEventKind.INTRODUCED for e in past):
        return LawStatus.BILL
    if past or events:
        return LawStatus.ENACTED
    return LawStatus.UNKNOWN
