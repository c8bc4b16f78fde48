"""A stored status says "in force" (``STATUSES_IN_FORCE``) exactly when the events put the law in force that day."""

import datetime
import itertools

from countries import force
from countries.choices import LawEventKind, LawKind

DAYS = [datetime.date(2000, 1, 1), datetime.date(2010, 1, 1)]


def test_the_statuses_in_force_are_those_of_a_law_in_force_for_every_history_of_up_to_three_events():
    checked = 0
    for length in range(4):
        for kinds in itertools.product(list(LawEventKind), repeat=length):
            for dates in itertools.product(DAYS, repeat=length):
                pairs = enumerate(zip(dates, kinds, strict=True))
                events = [force.Event(date, kind, order) for order, (date, kind) in pairs]
                for law_kind in (LawKind.ACT, LawKind.BILL):
                    for day in (datetime.date(1999, 1, 1), *DAYS, datetime.date(2020, 1, 1)):
                        status = force.status_on(law_kind, events, day)
                        assert (status in force.STATUSES_IN_FORCE) == force.in_force(events, day), (events, day)
                        checked += 1
    assert checked > 10_000
