"""Querysets shared by the public pages, the API and the admin."""

import datetime

from django.db.models import OuterRef, Q, Subquery

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


class PublishableQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)


class CountryQuerySet(PublishableQuerySet):
    natural_key_field = "code"

    def get_by_natural_key(self, code):
        return self.get(code=code.upper())


class SourceQuerySet(NaturalKeyQuerySet):
    pass


class LawQuerySet(PublishableQuerySet):
    def public(self):
        """Published laws of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

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
