"""Abstract models every curated record builds on, and the year bounds they share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.encoding import iri_to_uri

from .choices import PublicationStatus

# Years a source, a statistic or a law can sensibly carry.
MIN_YEAR = 1800
MAX_YEAR = 2100


class URIField(models.URLField):
    """
    A URL stored as a URI (RFC 3986): an address pasted with Chinese or Korean path
    segments is percent-encoded on every write (save, bulk_create, update), so what the
    API serves is always ``format: uri``. The column is a plain URLField's; migrations
    record it as one, so switching a field to this class needs none.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return iri_to_uri(value) if value else value

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class PublishableModel(TimeStampedModel):
    """A curated record that the public sees only once it is published."""

    publication_status = models.CharField(
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        help_text="Only published records reach the public site and the anonymous API.",
    )
    last_verified = models.DateField(
        null=True,
        blank=True,
        help_text="When an analyst last checked this record against its sources.",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED


def year_constraint(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": MIN_YEAR, f"{field}__lte": MAX_YEAR}),
        name=name,
    )


year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
