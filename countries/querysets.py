"""
Querysets shared by the public pages, the API and the admin.

``models.py`` imports this module, so the models are reached through the app
registry (``apps.get_model``), never imported here. Organization types belong
to ``orgs``, which sits above this app: they are counted through Country's
reverse relation ``org_types``.
"""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone

from caching.querysets import DataVersionQuerySet
from core.choices import PublicationStatus
from core.querysets import NaturalKeyQuerySet, PublishableQuerySet, prefetched_as

from . import force
from .choices import LAW_EVENTS_ENDING_FORCE, LAW_EVENTS_STARTING_FORCE


def model(name):
    """A model of this app, from the app registry (see the module docstring)."""
    return apps.get_model("countries", name)


class CountryQuerySet(PublishableQuerySet):
    natural_key_field = "code"

    def get_by_natural_key(self, code):
        return self.get(code=code.upper())

    def for_api(self, *, public=True, with_boundary=False):
        """
        Countries with their count of types per classification (published types
        only when ``public``); the boundary geometry only when asked for.
        """
        visible = Q(org_types__publication_status=PublicationStatus.PUBLISHED) if public else Q()
        counts = {
            f"count_{choice}": models.Count("org_types", filter=visible & Q(org_types__classification=choice))
            for choice in self.classifications()
        }
        queryset = self.annotate(count_types=models.Count("org_types", filter=visible), **counts)
        return queryset if with_boundary else queryset.defer("boundary")

    def org_type_model(self):
        """The organization type model, behind Country's reverse relation ``org_types``."""
        return self.model._meta.get_field("org_types").related_model

    def classifications(self):
        """The classification values an organization type can carry, in their order."""
        return [value for value, _ in self.org_type_model()._meta.get_field("classification").choices]

    def with_landscape_counts(self):
        """
        Annotate the public counts the home page, the map and the compare page show:
        ``n_types``, ``n_sseoe``, ``n_pho``, ``n_outside`` (by what the met findings establish
        today), ``n_provisional`` (types whose cells not yet assessed could still change
        that), ``n_cells`` and ``n_cells_assessed`` (their cells, and those assessed), ``n_laws``.
        """

        def count(queryset, field="country", **filters):
            rows = (
                queryset.filter(**{field: OuterRef("pk")}, **filters)
                .order_by()
                .values(field)
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

        types = self.org_type_model().objects.published()
        cells = (
            self.org_type_model()
            ._meta.get_field("assessments")
            .related_model.objects.filter(org_type__publication_status=PublicationStatus.PUBLISHED)
        )
        by_classification = {f"n_{choice}": count(types, classification=choice) for choice in self.classifications()}
        return self.annotate(
            n_types=count(types),
            **by_classification,
            n_provisional=count(types, settled=False),
            n_cells=count(cells, "org_type__country"),
            n_cells_assessed=count(cells.exclude(finding="not_assessed"), "org_type__country"),
            n_laws=count(model("Law").objects.published()),
        )


# Document-sharing sites: anyone may upload anything there, so a copy found there is of
# unknown origin, and what is read in it is ``secondary`` at best.
DOCUMENT_SHARING_HOSTS = (
    "scribd.com",
    "slideshare.net",
    "studocu.com",
    "coursehero.com",
    "dokumen.tips",
    "vdocuments.mx",
    "vdocuments.net",
    "pdfcoffee.com",
    "documents.pub",
    "issuu.com",
)


class SourceQuerySet(NaturalKeyQuerySet):
    def for_api(self, *, public=True):
        return self

    def document_sharing(self):
        """Sources whose address is on a document-sharing site (any language subdomain)."""
        pattern = r"^https?://([^/]*\.)?(" + "|".join(h.replace(".", r"\.") for h in DOCUMENT_SHARING_HOSTS) + r")(/|$)"
        return self.filter(url__iregex=pattern)

    def cited_publicly(self):
        """
        Sources cited by at least one record the public can see: one ``EXISTS`` per kind of
        citation, each an index lookup per source. OR-ing the five joins in one query multiplied
        their rows (every reference by every law of the source): 4.5 s at scale 100, 43 s at
        scale 1000, against 0.07 s and 0.7 s now.
        """
        published = PublicationStatus.PUBLISHED
        rows = self.model._base_manager

        def cited(**lookups):
            return Exists(rows.filter(pk=OuterRef("pk"), **lookups))

        return self.filter(
            cited(country_narratives__publication_status=published)
            | cited(laws__publication_status=published, laws__country__publication_status=published)
            | cited(
                law_events__law__publication_status=published,
                law_events__law__country__publication_status=published,
            )
            | cited(
                references__assessment__org_type__publication_status=published,
                references__assessment__org_type__country__publication_status=published,
            )
            | cited(statistics__publication_status=published, statistics__country__publication_status=published)
        )


class LawQuerySet(PublishableQuerySet):
    def public(self):
        """Published laws of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

    def for_api(self, *, public=True):
        """Laws with what the API shows of them, in a fixed number of queries."""
        Law, LawEvent = model("Law"), model("LawEvent")
        related = Law.objects.public() if public else Law.objects.all()
        events = LawEvent.objects.select_related("source", "related_law__country")
        return self.select_related("country", "source").prefetch_related(
            models.Prefetch("amends", queryset=related.order_by("pk"), to_attr=prefetched_as("amends")),
            models.Prefetch("replaces", queryset=related.order_by("pk"), to_attr=prefetched_as("replaces")),
            models.Prefetch("events", queryset=events, to_attr=prefetched_as("events")),
        )

    def with_force_on(self, day: datetime.date):
        """
        Annotate ``force_kind``: the kind of each law's last event on or before ``day``
        that started or ended its force (None if there is none), as ``countries.force``
        decides it.
        """
        last_kind = (
            model("LawEvent")
            .objects.filter(
                law=OuterRef("pk"),
                date__lte=day,
                kind__in=LAW_EVENTS_STARTING_FORCE | LAW_EVENTS_ENDING_FORCE,
            )
            .order_by("-date", "-pk")
            .values("kind")[:1]
        )
        return self.annotate(force_kind=Subquery(last_kind))

    def in_force_on(self, day: datetime.date):
        """
        Laws in force on ``day``.

        A law's force is decided by its dated events: the last event on or
        before ``day`` that starts or ends force (see ``LawEventKind``) must be
        a starting one. Bills and laws with no such event are never in force.
        Today's is the stored status (``in_force_today``); any other day's is
        read from the events.
        """
        if day == timezone.localdate():
            return self.in_force_today()
        return self.with_force_on(day).filter(force_kind__in=LAW_EVENTS_STARTING_FORCE)

    def in_force_today(self):
        """
        Laws in force today, from their stored status: the same rule as ``in_force_on``,
        applied by every write of an event and each morning (``orgs.landscape``), so a
        filter on a column instead of a subquery over each law's events.
        """
        return self.filter(status__in=force.STATUSES_IN_FORCE)

    def statuses_on(self, day: datetime.date):
        """``{law id: status}`` on ``day``, from the laws' dated events (``countries.force.status_on``)."""
        events = defaultdict(list)
        rows = model("LawEvent").objects.filter(law__in=self.values("pk")).order_by()
        for law_id, date, kind, pk in rows.values_list("law_id", "date", "kind", "pk"):
            events[law_id].append(force.Event(date, kind, pk))
        return {pk: force.status_on(kind, events[pk], day) for pk, kind in self.order_by().values_list("pk", "kind")}

    def refresh_status(self, day: datetime.date | None = None):
        """
        Store each law's status today (or on ``day``) where it changed, stamping
        ``updated_at`` so that the change feed carries it. Returns the ids changed.
        """
        day = day or timezone.localdate()
        statuses = self.statuses_on(day)
        changed = [
            law
            for law in self.model.objects.filter(pk__in=list(statuses)).only("pk", "status")
            if law.status != statuses[law.pk]
        ]
        now = timezone.now()
        for law in changed:
            law.status, law.updated_at = statuses[law.pk], now
        # bulk_update skips save(): no history row for a derived field, no signal loop.
        self.model.objects.bulk_update(changed, ["status", "updated_at"], batch_size=500)
        return {law.pk for law in changed}

    def with_timeline(self):
        """Laws with their source and dated events (and each event's cause and source)."""
        return self.select_related("country", "source").prefetch_related(
            Prefetch("events", queryset=model("LawEvent").objects.select_related("related_law__country", "source"))
        )


def law_in_force(day: datetime.date, through: str = "law"):
    """
    A filter for rows that point to a law (by the foreign key ``through``) whose law is in
    force on ``day``: today's from the stored status (a join), another day's from the events
    (a correlated subquery, ``LawQuerySet.in_force_on``).
    """
    if day == timezone.localdate():
        return Q(**{f"{through}__status__in": force.STATUSES_IN_FORCE})
    return Exists(model("Law").objects.in_force_on(day).filter(pk=OuterRef(f"{through}_id")))


# Sent with ``law_ids`` (a set) after the dated events of these laws changed: their force
# on some day, and so whatever rests on them, may have changed. ``orgs`` listens (it
# reclassifies the types whose references rest on these laws).
laws_changed = Signal()


# The laws whose events changed inside ``refresh_laws_at_end()``, or None outside it.
_pending_laws: ContextVar[set | None] = ContextVar("pending_law_refresh", default=None)


@contextmanager
def refresh_laws_at_end():
    """
    Within this block, changed events note their laws instead of refreshing each law at
    once; the noted laws are refreshed together, and announced once, when the block ends
    without an error (a dataset load of a thousand events: one refresh, not a thousand).
    """
    if _pending_laws.get() is not None:
        yield
        return
    pending = set()
    token = _pending_laws.set(pending)
    try:
        yield
    finally:
        _pending_laws.reset(token)
    law_events_changed(pending)


def law_events_changed(law_ids):
    """Refresh the stored status of these laws and announce the change (``laws_changed``)."""
    law_ids = {pk for pk in law_ids if pk is not None}
    pending = _pending_laws.get()
    if pending is not None:
        pending.update(law_ids)
        return
    if law_ids:
        model("Law").objects.filter(pk__in=law_ids).refresh_status()
        laws_changed.send(sender=model("Law"), law_ids=law_ids)


class LawEventQuerySet(DataVersionQuerySet):
    """Bulk writes of events, which send no model signals, refresh their laws too (``law_events_changed``)."""

    def get_by_natural_key(self, law_slug, kind, date):
        return self.get(law__slug=law_slug, kind=kind, date=date)

    def law_ids(self):
        return set(self.order_by().values_list("law_id", flat=True))

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        law_events_changed({obj.law_id for obj in objs})
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        before = self.filter(pk__in=[o.pk for o in objs]).law_ids()
        result = super().bulk_update(objs, fields, *args, **kwargs)
        law_events_changed(before | {obj.law_id for obj in objs})
        return result

    def update(self, **kwargs):
        before = self.law_ids()
        result = super().update(**kwargs)
        target = kwargs.get("law_id", kwargs.get("law"))
        law_events_changed(before | ({getattr(target, "pk", target)} if target is not None else set()))
        return result

    update.alters_data = True

    def delete(self):
        before = self.law_ids()
        result = super().delete()
        law_events_changed(before)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class StatisticQuerySet(PublishableQuerySet):
    def public(self):
        """Published statistics of published countries (and types, when set)."""
        return self.published().filter(
            Q(org_type__isnull=True) | Q(org_type__publication_status=PublicationStatus.PUBLISHED),
            country__publication_status=PublicationStatus.PUBLISHED,
        )

    def for_api(self, *, public=True):
        return self.select_related("country", "org_type", "source")
