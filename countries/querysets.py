"""
Querysets shared by the public pages, the API and the admin.

``models.py`` imports this module, so the models are reached through the app
registry (``apps.get_model``), never imported here. Organization types belong
to ``orgs``, which sits above this app: they are counted through Country's
reverse relation ``org_types``.
"""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from caching.querysets import DataVersionQuerySet
from core.choices import PublicationStatus
from core.querysets import NaturalKeyQuerySet, PublishableQuerySet

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
        ``n_types``, ``n_sseoe``, ``n_pho``, ``n_outside`` and ``n_laws``.
        """
        def count(queryset, **filters):
            rows = (
                queryset.filter(country=OuterRef("pk"), **filters)
                .order_by()
                .values("country")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

        types = self.org_type_model().objects.published()
        by_classification = {f"n_{choice}": count(types, classification=choice) for choice in self.classifications()}
        return self.annotate(n_types=count(types), **by_classification, n_laws=count(model("Law").objects.published()))


class SourceQuerySet(NaturalKeyQuerySet):
    def for_api(self, *, public=True):
        return self

    def cited_publicly(self):
        """Sources cited by at least one record the public can see."""
        published = PublicationStatus.PUBLISHED
        return self.filter(
            Q(country_narratives__publication_status=published)
            | Q(laws__publication_status=published, laws__country__publication_status=published)
            | Q(
                law_events__law__publication_status=published,
                law_events__law__country__publication_status=published,
            )
            | Q(
                evidence__org_type__publication_status=published,
                evidence__org_type__country__publication_status=published,
            )
            | Q(statistics__publication_status=published, statistics__country__publication_status=published)
        ).distinct()


class LawQuerySet(PublishableQuerySet):
    def public(self):
        """Published laws of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

    def for_api(self, *, public=True):
        """Laws with what the API shows of them, in a fixed number of queries."""
        Law, LawEvent = model("Law"), model("LawEvent")
        related = Law.objects.public() if public else Law.objects.all()
        return self.select_related("country", "source").prefetch_related(
            models.Prefetch("amends", queryset=related.order_by("pk")),
            models.Prefetch("replaces", queryset=related.order_by("pk")),
            models.Prefetch("events", queryset=LawEvent.objects.select_related("source", "related_law__country")),
        )

    def in_force_on(self, day: datetime.date):
        """
        Laws in force on ``day``.

        A law's force is decided by its dated events: the last event on or
        before ``day`` that starts or ends force (see ``LawEventKind``) must be
        a starting one. Bills and laws with no such event are never in force.
        """
        last_kind = (
            model("LawEvent").objects.filter(
                law=OuterRef("pk"),
                date__lte=day,
                kind__in=LAW_EVENTS_STARTING_FORCE | LAW_EVENTS_ENDING_FORCE,
            )
            .order_by("-date", "-pk")
            .values("kind")[:1]
        )
        return self.annotate(_force_kind_as_of=Subquery(last_kind)).filter(
            _force_kind_as_of__in=LAW_EVENTS_STARTING_FORCE
        )

    def with_timeline(self):
        """Laws with their source and dated events (and each event's cause and source)."""
        return self.select_related("country", "source").prefetch_related(
            Prefetch("events", queryset=model("LawEvent").objects.select_related("related_law__country", "source"))
        )


class LawEventQuerySet(DataVersionQuerySet):
    def get_by_natural_key(self, law_slug, kind, date):
        return self.get(law__slug=law_slug, kind=kind, date=date)


class StatisticQuerySet(PublishableQuerySet):
    def public(self):
        """Published statistics of published countries (and types, when set)."""
        return self.published().filter(
            Q(org_type__isnull=True) | Q(org_type__publication_status=PublicationStatus.PUBLISHED),
            country__publication_status=PublicationStatus.PUBLISHED,
        )

    def for_api(self, *, public=True):
        return self.select_related("country", "org_type", "source")
