"""Querysets shared by the public pages, the API and the admin."""

import datetime

from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from caching.querysets import DataVersionQuerySet

from .choices import (
    LAW_EVENTS_ENDING_FORCE,
    LAW_EVENTS_STARTING_FORCE,
    PublicationStatus,
)


class NaturalKeyQuerySet(DataVersionQuerySet):
    """``get_by_natural_key`` for models whose natural key is one field."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})

    def visible_to(self, user):
        """Records ``user`` may read; only publishable models hide anything."""
        return self


def can_see_drafts(user, model):
    """
    Whether ``user`` may read ``model``'s unpublished records: the view
    permission, or the change permission (which implies it, as in the admin).
    """
    label = f"{model._meta.app_label}.%s_{model._meta.model_name}"
    return user.has_perm(label % "view") or user.has_perm(label % "change")


def is_public(record):
    """Whether anonymous readers may see ``record``: published, and of a published country."""
    if record.publication_status != PublicationStatus.PUBLISHED:
        return False
    country = getattr(record, "country", None)
    return country is None or country.publication_status == PublicationStatus.PUBLISHED


class PublishableQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def public(self):
        """What anonymous visitors see; models that hang off a country narrow this further."""
        return self.published()

    def visible_to(self, user):
        """Everything for holders of the model's view permission, otherwise ``public()`` only."""
        return self if can_see_drafts(user, self.model) else self.public()


class CountryQuerySet(PublishableQuerySet):
    natural_key_field = "code"

    def get_by_natural_key(self, code):
        return self.get(code=code.upper())

    def for_api(self, *, public=True, with_boundary=False):
        """
        Countries with their count of types per classification (published types
        only when ``public``); the boundary geometry only when asked for.
        """
        from orgs.choices import ClassificationChoice

        visible = Q(org_types__publication_status=PublicationStatus.PUBLISHED) if public else Q()
        counts = {
            f"count_{choice}": models.Count("org_types", filter=visible & Q(org_types__classification=choice))
            for choice in ClassificationChoice.values
        }
        queryset = self.annotate(count_types=models.Count("org_types", filter=visible), **counts)
        return queryset if with_boundary else queryset.defer("boundary")

    def with_landscape_counts(self):
        """
        Annotate the public counts the home page, the map and the compare page show:
        ``n_types``, ``n_sseoe``, ``n_pho``, ``n_outside`` and ``n_laws``.
        """
        from orgs.models import OrganizationType

        from .models import Law

        def count(queryset, **filters):
            rows = (
                queryset.filter(country=OuterRef("pk"), **filters)
                .order_by()
                .values("country")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

        types = OrganizationType.objects.published()
        return self.annotate(
            n_types=count(types),
            n_sseoe=count(types, classification="sseoe"),
            n_pho=count(types, classification="pho"),
            n_outside=count(types, classification="outside"),
            n_laws=count(Law.objects.published()),
        )


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
        from .models import Law, LawEvent

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
        from .models import LawEvent

        last_kind = (
            LawEvent.objects.filter(
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
        from .models import LawEvent

        return self.select_related("country", "source").prefetch_related(
            Prefetch("events", queryset=LawEvent.objects.select_related("related_law__country", "source"))
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
