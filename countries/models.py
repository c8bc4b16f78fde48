from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.choices import Verification
from core.models import (
    MAX_YEAR,
    MIN_YEAR,
    PublishableModel,
    TimeStampedModel,
    URIField,
    year_constraint,
    year_validators,
)
from core.search import SearchTextField

from .choices import (
    DatePrecision,
    Indicator,
    LawEventKind,
    LawKind,
    LawStatus,
    Region,
    ResearchPhase,
    SourceKind,
)
from .querysets import (
    CountryQuerySet,
    LawEventQuerySet,
    LawQuerySet,
    SourceQuerySet,
    StatisticQuerySet,
)
from .validators import validate_iso_alpha2


class Source(TimeStampedModel):
    """A citable document; every fact in the database points to one."""

    slug = models.SlugField(max_length=120, unique=True, help_text="Stable key used in spreadsheets and URLs.")
    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)
    url = URIField(max_length=600, blank=True, help_text="Where the document can be read.")
    locator = models.CharField(max_length=200, blank=True, help_text="Page, section or article cited, if one.")
    kind = models.CharField(max_length=12, choices=SourceKind.choices, default=SourceKind.OTHER)
    accessed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    search_text = SearchTextField(sources=("title", "publisher", "locator", "note"))

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        permissions = [
            ("import_source", "Can import source rows from a spreadsheet"),
            ("publish_source", "Can approve new sources and changes to sources"),
        ]
        constraints = [year_constraint("year", "source_year_in_range")]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self):
        return reverse("countries:source-list") + f"#source-{self.slug}"

    def natural_key(self):
        return (self.slug,)


class Country(PublishableModel):
    code = models.CharField(
        "ISO code",
        max_length=2,
        unique=True,
        validators=[validate_iso_alpha2],
        help_text="ISO 3166-1 alpha-2 code, e.g. KR.",
    )
    name = models.CharField(max_length=100, unique=True)
    local_name = models.CharField(max_length=100, blank=True, help_text="The country's name in its own script.")
    slug = models.SlugField(max_length=100, unique=True)
    region = models.CharField(max_length=20, choices=Region.choices)
    phase = models.PositiveSmallIntegerField(choices=ResearchPhase.choices, default=ResearchPhase.ONE)
    narrative = models.TextField(blank=True, help_text="The SSE landscape in our own words (Markdown).")
    narrative_sources = models.ManyToManyField(Source, blank=True, related_name="country_narratives")
    boundary = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="GeoJSON geometry imported from a boundary dataset.",
    )

    search_text = SearchTextField(sources=("name", "local_name", "narrative"))

    history = HistoricalRecords(excluded_fields=["boundary", "search_text"], m2m_fields=[narrative_sources])
    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("publish_country", "Can publish, archive and approve changes to country records"),
            ("import_country", "Can import country rows from a spreadsheet"),
        ]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_two_upper_letters"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = (self.code or "").upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("countries:country-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.code,)


class Law(PublishableModel):
    """A legal or policy instrument: constitution, act, decree, guideline, plan or bill."""

    slug = models.SlugField(max_length=150, unique=True)
    # PROTECT: a country's laws are reference data, never removed with it.
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="laws")
    title = models.CharField("English title", max_length=400)
    local_title = models.CharField(
        "local-language title",
        max_length=400,
        blank=True,
        help_text="The title in the country's own script, where known.",
    )
    short_title = models.CharField(max_length=120, blank=True)
    citation = models.CharField(max_length=200, blank=True, help_text="Number or citation, e.g. 'Act No. 8217'.")
    kind = models.CharField(max_length=12, choices=LawKind.choices, default=LawKind.ACT)
    status = models.CharField(
        "legal status",
        max_length=12,
        choices=LawStatus.choices,
        default=LawStatus.UNKNOWN,
        editable=False,
        help_text="Today's, derived from the dated events (countries.force); never typed.",
    )
    enacted_on = models.DateField(null=True, blank=True, help_text="Enactment or promulgation date; empty for bills.")
    enacted_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    summary = models.TextField(blank=True, help_text="What it governs, in our own words (Markdown).")
    url = URIField("text URL", max_length=600, blank=True, help_text="Where its text can be read.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="laws")
    verification = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)
    verification_note = models.CharField(
        max_length=400, blank=True, help_text="Public: what could not be verified, and why."
    )
    curator_note = models.TextField(blank=True, help_text="Internal: for the analysts only, never shown to the public.")
    amends = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="amended_by")
    replaces = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="replaced_by")

    # The derived status stays out of the history: a revert must never write an old status back.
    search_text = SearchTextField(sources=("title", "local_title", "short_title", "citation", "summary"))

    history = HistoricalRecords(m2m_fields=[amends, replaces], excluded_fields=["status", "search_text"])
    objects = LawQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "enacted_on", "title"]
        permissions = [
            ("publish_law", "Can publish, archive and approve changes to law records"),
            ("import_law", "Can import law rows from a spreadsheet"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(enacted_on__isnull=True)
                | (Q(enacted_on__year__gte=MIN_YEAR) & Q(enacted_on__year__lte=MAX_YEAR)),
                name="law_enacted_on_in_range",
                violation_error_message=f"The enactment date must fall between {MIN_YEAR} and {MAX_YEAR}.",
            ),
        ]
        indexes = [models.Index(fields=["country", "kind", "status"])]

    def __str__(self):
        return f"{self.title} ({self.citation})" if self.citation else self.title

    def get_absolute_url(self):
        return reverse("countries:law-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["countries.country", "countries.source"]

    def clean(self):
        errors = {}
        if self.kind == LawKind.BILL and self.enacted_on:
            errors["enacted_on"] = "A bill has no enactment date; once enacted, it is an act (or another kind)."
        if self.pk:
            for field in ("amends", "replaces"):
                if getattr(self, field).filter(pk=self.pk).exists():
                    errors[field] = "A law cannot amend or replace itself."
        if errors:
            raise ValidationError(errors)


class LawEvent(TimeStampedModel):
    """A dated step in a law's life; the events decide when it is in force."""

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=LawEventKind.choices)
    date = models.DateField()
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    related_law = models.ForeignKey(
        Law,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caused_events",
        help_text="The instrument that made this happen, e.g. the amending act.",
    )
    reference = models.CharField(max_length=200, blank=True, help_text="E.g. a court decision number.")
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="law_events")
    verification = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)

    history = HistoricalRecords()
    objects = LawEventQuerySet.as_manager()

    class Meta:
        ordering = ["law", "date", "pk"]
        permissions = [
            ("import_lawevent", "Can import lawevent rows from a spreadsheet"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["law", "kind", "date"], name="law_event_unique"),
            models.CheckConstraint(
                condition=Q(date__year__gte=MIN_YEAR) & Q(date__year__lte=MAX_YEAR),
                name="law_event_date_in_range",
            ),
        ]
        indexes = [
            # A law's force on a day (``LawQuerySet.with_force_on``): its last starting or ending
            # event on or before the day, found by a backward scan of this index, kind included.
            models.Index(fields=["law", "-date", "-id"], include=["kind"], name="lawevent_force_lookup"),
        ]

    def __str__(self):
        return f"{self.law}: {self.get_kind_display()} {self.date}"

    def natural_key(self):
        return (self.law.slug, self.kind, self.date.isoformat())

    natural_key.dependencies = ["countries.law"]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Lets the signals refresh the old law too when an event moves to another.
        instance._loaded_law_id = instance.__dict__.get("law_id")
        return instance

    def clean(self):
        if self.related_law_id and self.related_law_id == self.law_id:
            raise ValidationError({"related_law": "An event's cause cannot be the law itself."})


class Statistic(PublishableModel):
    slug = models.SlugField(max_length=150, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="statistics")
    org_type = models.ForeignKey(
        "orgs.OrganizationType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics",
        help_text="The organization type counted, if the figure is about one.",
    )
    indicator = models.CharField(max_length=20, choices=Indicator.choices)
    label = models.CharField(
        max_length=300, help_text="What exactly is counted, e.g. 'Cooperatives under the Framework Act'."
    )
    value = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=40, help_text="E.g. 'organizations', 'persons', '%'.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="statistics")
    verification = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)
    note = models.CharField(max_length=500, blank=True)
    search_text = SearchTextField(sources=("label", "note"))

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = StatisticQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "indicator", "label", "year"]
        permissions = [
            ("publish_statistic", "Can publish, archive and approve changes to statistic records"),
            ("import_statistic", "Can import statistic rows from a spreadsheet"),
        ]
        constraints = [year_constraint("year", "statistic_year_in_range")]

    def __str__(self):
        return f"{self.country_id and self.country.code} {self.label} {self.year}: {self.value} {self.unit}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["countries.country", "countries.source", "orgs.organizationtype"]


class RevisionKind(models.TextChoices):
    PUBLICATION = "publication", "Publication of a draft"
    CHANGE = "change", "Change to a published record"
    # Sources and the method have no publication state: public from the moment they exist, so a
    # new one or a removal waits for review as a request of its own (curation.services.LIVE_MODELS).
    CREATION = "creation", "A new source or method record"
    DELETION = "deletion", "Removal of a source or method record"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Revision(models.Model):
    """
    A request for review of a publishable record, waiting for an editor.

    Two kinds: a *publication* asks to publish a draft as it stands; a
    *change* holds the field values proposed for a record that is already
    published (``changes``: field name -> proposed value), so the public keeps
    seeing the approved version until an editor approves the change, which
    then writes the values onto the record. Written only by
    ``curation.services``.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    # Empty only for a pending *creation* (the record does not exist yet); set when it is approved.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=12, choices=RevisionKind.choices)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder, help_text="Proposed field values.")
    rows = models.JSONField(
        default=list,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="The change set's rows (cells, references, legal bases, law events): "
        "[{model, op: create|update|delete, pk, values, old, version}].",
    )
    old_values = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="The record's values when the change was proposed.",
    )
    reason = models.CharField(max_length=400, help_text="Why the change is made, in the submitter's words.")
    batch = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text="A bulk edit's change set: its requests (one per published record) are decided together.",
    )
    duplicate_override = models.CharField(
        max_length=400,
        blank=True,
        help_text="Why a near-duplicate of another record is accepted (the submitter's words), if it is one.",
    )
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = "review request"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="revision_one_pending_per_record",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.record} ({self.get_status_display()})"
