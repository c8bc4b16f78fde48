"""
The stored landscape is today's: each cell's finding, each type's classification and
each law's status are stored for one day (``LandscapeDay``). When the date passes, a
scheduled entry into force or repeal may have changed them, so the first request of a
new day in each process (``CurrentLandscapeMiddleware``) and ``manage.py reclassify``
bring them up to date, without anyone saving a record.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from caching.version import bump_on_commit
from countries.models import Law

from .models import LandscapeDay, OrganizationType
from .querysets import reclassify_types

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refresh:
    day: datetime.date
    laws: set[int]  # laws whose status changed
    types: set[int]  # types whose classification changed
    ran: bool  # False when the landscape was already current


def refresh_all(day: datetime.date | None = None) -> Refresh:
    """Recompute every law's status and every type's cells and classification for ``day`` (today)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        laws = Law.objects.all().refresh_status(day)
        types = reclassify_types(OrganizationType.objects.values_list("pk", flat=True), day=day)
        state, _ = LandscapeDay.objects.get_or_create(pk=1)
        state.computed_for = day
        state.save(update_fields=["computed_for"])
    if laws or types:
        bump_on_commit()
    return Refresh(day, laws, types, True)


def ensure_current(day: datetime.date | None = None) -> Refresh:
    """
    Refresh the landscape unless it was already computed for ``day`` (today). The row
    is locked while it is refreshed, so two processes crossing midnight together do the
    work once.
    """
    day = day or timezone.localdate()
    if LandscapeDay.objects.filter(pk=1, computed_for=day).exists():
        return Refresh(day, set(), set(), False)
    with transaction.atomic():
        state, _ = LandscapeDay.objects.select_for_update().get_or_create(pk=1)
        if state.computed_for == day:
            return Refresh(day, set(), set(), False)
        result = refresh_all(day)
    logger.info(
        "Landscape refreshed for %s: %d law statuses and %d classifications changed.",
        day, len(result.laws), len(result.types),
    )  # fmt: skip
    return result


# The day this process last made sure of it (``CurrentLandscapeMiddleware``).
checked = {"on": None}


class CurrentLandscapeMiddleware:
    """
    Before the response cache: the first request of each day in this process makes sure
    the stored landscape is today's (one query when it already is; see ``ensure_current``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        day = timezone.localdate()
        if checked["on"] != day:
            ensure_current(day)
            checked["on"] = day
        return self.get_response(request)
