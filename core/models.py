"""Abstract models every curated record builds on, and the year bounds they share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.encoding import iri_to_uri
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from .choices import PublicationStatus
from .search import with_search_text

Status = PublicationStatus

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

    def save(self, *args, update_fields=None, **kwargs):
        # A save of some fields that include a searched one saves the search text too (core.search).
        update_fields, _ = with_search_text(type(self), update_fields)
        super().save(*args, update_fields=update_fields, **kwargs)


def _may(action):
    """A transition's permission: the model's ``<action>_<model>`` permission (``change`` or ``publish``)."""

    def check(instance, user):
        opts = instance._meta
        return user is not None and user.is_active and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    check.__name__ = f"may_{action}"
    return check


def _server_only(instance, user):
    """Only the server itself (a management command, no user) may set a state outright."""
    return user is None


class PublishableModel(FSMModelMixin, TimeStampedModel):
    """
    A curated record that the public sees only once it is published.

    ``publication_status`` is a protected state machine (django-fsm-2): assigning it
    raises ``AttributeError``; it moves only through the transitions below, each
    carrying its permission (``has_transition_perm``). ``curation.services`` calls
    them; nothing else does.
    """

    publication_status = FSMField(
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        protected=True,
        help_text="Only published records reach the public site and the anonymous API.",
    )
    last_verified = models.DateField(
        null=True,
        blank=True,
        help_text="When an analyst last checked this record against its sources.",
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # ``clean_fields`` re-assigns every field it cleans; the state is set by transitions only,
        # which keep it to its choices, so it is not cleaned (nor re-assigned) here.
        super().clean_fields(exclude={*(exclude or ()), "publication_status"})

    @transition(field=publication_status, source=Status.DRAFT, target=Status.IN_REVIEW, permission=_may("change"))
    def submit(self):
        """An analyst asks for the draft to be published."""

    @transition(field=publication_status, source=Status.IN_REVIEW, target=Status.PUBLISHED, permission=_may("publish"))
    def publish(self):
        """An editor (not the submitter, with two-person review) publishes it."""

    @transition(field=publication_status, source=Status.IN_REVIEW, target=Status.DRAFT, permission=_may("publish"))
    def send_back(self):
        """An editor returns it to draft."""

    @transition(field=publication_status, source=Status.PUBLISHED, target=Status.ARCHIVED, permission=_may("publish"))
    def archive(self):
        """An editor withdraws it from the public."""

    @transition(field=publication_status, source=Status.ARCHIVED, target=Status.DRAFT, permission=_may("publish"))
    def reopen(self):
        """An editor turns an archived record back into a draft."""

    @transition(
        field=publication_status,
        source="*",
        target=RETURN_VALUE(*PublicationStatus.values),
        permission=_server_only,
    )
    def load_state(self, status):
        """The dataset loader and command imports (no user) restore a stored state."""
        return status

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED


def year_constraint(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": MIN_YEAR, f"{field}__lte": MAX_YEAR}),
        name=name,
    )


year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
