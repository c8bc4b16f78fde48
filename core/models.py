"""Abstract models every curated record builds on, and the year bounds they share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .choices import PublicationStatus

# Years a source, a statistic or a law can sensibly carry.
MIN_YEAR = 1800
MAX_YEAR = 2100


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
