"""
The method (features, sub-conditions, families), organization types and what their
classification rests on: each type's legal bases, its six cells (``Assessment``) and
the references each cell's finding rests on (``Reference``); the research's own
statements (``Claim``); the public's suggested corrections.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.choices import Verification
from core.models import PublishableModel, TimeStampedModel, URIField
from core.search import SearchTextField

from . import citations
from . import classification as rule
from .choices import (
    ClaimExpectation,
    ClaimScope,
    ClassificationChoice,
    Finding,
    NotStipulatedKind,
    ReferenceFinding,
    SuggestionStatus,
)
from .querysets import (
    AssessmentQuerySet,
    ClaimQuerySet,
    FamilyQuerySet,
    FeatureQuerySet,
    LegalBasisQuerySet,
    OrganizationTypeQuerySet,
    ReferenceQuerySet,
    SubConditionQuerySet,
)

CURATOR_NOTE_HELP = "Internal: for the analysts only, never shown to the public."


class Feature(TimeStampedModel):
    """One of the research's three dimensions: social, economic, democratic."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    search_text = SearchTextField(sources=("name", "description"))

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = FeatureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        permissions = [("publish_feature", "Can approve new feature records and changes to them")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class SubCondition(TimeStampedModel):
    """A condition under a feature that a law can stipulate for a type."""

    code = models.SlugField(
        max_length=40, unique=True, help_text="Stable code partners filter on, e.g. 'democratic-governance'."
    )
    short_code = models.CharField(max_length=4, unique=True, help_text="E.g. 'D2'.")
    # PROTECT: features are the frame of the method, not data to prune.
    feature = models.ForeignKey(Feature, on_delete=models.PROTECT, related_name="sub_conditions")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    search_text = SearchTextField(sources=("name", "description"))

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SubConditionQuerySet.as_manager()

    class Meta:
        ordering = ["feature__order", "order", "code"]
        permissions = [("publish_subcondition", "Can approve new sub-condition records and changes to them")]

    def __str__(self):
        return f"{self.short_code} {self.name}"

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["orgs.feature"]


class Family(TimeStampedModel):
    """A kind of organization that can be compared across countries (e.g. cooperatives)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    search_text = SearchTextField(sources=("name", "description"))

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "families"
        permissions = [("publish_family", "Can approve new family records and changes to them")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("orgs:family-detail", kwargs={"slug": self.slug})


class OrganizationType(PublishableModel):
    """
    A legal (or nationally operating) form of organization in one country.

    Its cells (``assessments``, one per sub-condition) hold the findings; the stored
    classification is derived from them, for today, by the pure rule
    (``orgs.classification``), and kept in step by ``orgs.signals`` and
    ``OrganizationTypeQuerySet.reclassify``; nobody types it. ``classification`` is what
    the met findings establish so far, ``classification_max`` the highest the cells not
    yet assessed could still make it; ``settled`` when the two agree.
    """

    slug = models.SlugField(max_length=150, unique=True)
    # PROTECT: types are reference data and must not vanish with a country or family.
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="org_types")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="org_types")
    name = models.CharField(max_length=200)
    local_name = models.CharField(
        max_length=200, blank=True, help_text="The name in the country's own language and script."
    )
    description = models.TextField(blank=True, help_text="In our own words (Markdown).")
    legally_institutionalized = models.BooleanField(
        default=True,
        help_text="False for types that operate nationally without a legal form of their own.",
    )
    curator_note = models.TextField(blank=True, help_text=CURATOR_NOTE_HELP)
    laws = models.ManyToManyField("countries.Law", through="LegalBasis", related_name="org_types", blank=True)
    sub_conditions = models.ManyToManyField(SubCondition, through="Assessment", related_name="org_types", blank=True)
    classification = models.CharField(
        max_length=8,
        choices=ClassificationChoice.choices,
        default=ClassificationChoice.OUTSIDE,
        editable=False,
        db_index=True,
        help_text="What the met findings establish today: the lowest classification still reachable.",
    )
    classification_max = models.CharField(
        max_length=8,
        choices=ClassificationChoice.choices,
        default=ClassificationChoice.SSEOE,
        editable=False,
        help_text="The highest classification the cells not yet assessed could still make it.",
    )
    settled = models.BooleanField(
        default=False, editable=False, help_text="Whether no cell not yet assessed could change the classification."
    )
    features_met = models.PositiveSmallIntegerField(default=0, editable=False)
    search_text = SearchTextField(sources=("name", "local_name", "description"))

    # The derived fields stay out of the history: a revert must never write an old classification back.
    history = HistoricalRecords(
        excluded_fields=["classification", "classification_max", "settled", "features_met", "search_text"]
    )
    objects = OrganizationTypeQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "family__order", "name"]
        permissions = [
            ("publish_organizationtype", "Can publish, archive and approve changes to organizationtype records"),
            ("import_organizationtype", "Can import organizationtype rows from a spreadsheet"),
        ]
        verbose_name = "organization type"
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="org_type_unique_name_per_country"),
        ]
        indexes = [
            # The lists' filters and counts read only these columns: on PostgreSQL an
            # index-only scan instead of reading every (wide) row (docs/performance.md).
            models.Index(
                fields=["publication_status", "classification"],
                include=["country", "family", "legally_institutionalized", "features_met", "settled"],
                name="orgtype_list_filters",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country_id and self.country.code})"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["countries.country", "orgs.family"]

    def get_absolute_url(self):
        return reverse("orgs:org-type-detail", kwargs={"slug": self.slug})

    @property
    def classification_range(self):
        """The classifications still reachable, lowest first (one when settled)."""
        low, high = rule.ORDER.index(self.classification), rule.ORDER.index(self.classification_max)
        return list(rule.ORDER[low : high + 1])


class LegalBasis(TimeStampedModel):
    """The law (and provision) under which a type is constituted."""

    org_type = models.ForeignKey(OrganizationType, on_delete=models.CASCADE, related_name="legal_bases")
    law = models.ForeignKey("countries.Law", on_delete=models.CASCADE, related_name="legal_bases")
    provision = models.CharField(max_length=200, blank=True, help_text="E.g. 'Art. 2'.")
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()
    objects = LegalBasisQuerySet.as_manager()

    class Meta:
        ordering = ["org_type", "law__enacted_on", "pk"]
        permissions = [
            ("import_legalbasis", "Can import legalbasis rows from a spreadsheet"),
        ]
        verbose_name = "legal basis"
        verbose_name_plural = "legal bases"
        constraints = [
            models.UniqueConstraint(fields=["org_type", "law"], name="legal_basis_unique"),
        ]

    def __str__(self):
        return f"{self.law} {self.provision}".strip()

    def natural_key(self):
        return (self.org_type.slug, self.law.slug)

    natural_key.dependencies = ["orgs.organizationtype", "countries.law"]

    def clean(self):
        errors = citations.cross_country_errors(self)
        if errors:
            raise ValidationError(errors)


class Assessment(TimeStampedModel):
    """
    One cell: what the type's governing law says of one sub-condition.

    Its ``finding`` is derived from its references in force (``orgs.classification.
    cell_finding``): stored for today, recomputed on every write and when a dated law
    event passes. A cell without a reference in force is *not yet assessed*; its
    ``note`` then says what could not be read, and why. Every type has one cell per
    sub-condition, created with the type (and with a new sub-condition).
    """

    org_type = models.ForeignKey(OrganizationType, on_delete=models.CASCADE, related_name="assessments")
    # CASCADE: a cell means nothing without its sub-condition; the type is reclassified when it goes.
    sub_condition = models.ForeignKey(SubCondition, on_delete=models.CASCADE, related_name="assessments")
    finding = models.CharField(
        max_length=16, choices=Finding.choices, default=Finding.NOT_ASSESSED, editable=False, db_index=True,
        help_text="Derived from the references in force today.",
    )  # fmt: skip
    not_stipulated_kind = models.CharField(
        max_length=10, choices=NotStipulatedKind.choices, blank=True, editable=False,
        help_text="For a cell not stipulated: whether the law is silent or stipulates the opposite.",
    )  # fmt: skip
    note = models.TextField(
        blank=True, help_text="Public: context, or why the cell is not assessed (what could not be read, and why)."
    )
    curator_note = models.TextField(blank=True, help_text=CURATOR_NOTE_HELP)

    history = HistoricalRecords(excluded_fields=["finding", "not_stipulated_kind"])
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["org_type", "sub_condition__feature__order", "sub_condition__order", "pk"]
        permissions = [("import_assessment", "Can import assessment rows from a spreadsheet")]
        constraints = [
            models.UniqueConstraint(fields=["org_type", "sub_condition"], name="assessment_one_per_cell"),
        ]

    def __str__(self):
        return f"{self.org_type}: {self.sub_condition.short_code} {self.get_finding_display().lower()}"

    def natural_key(self):
        return (self.org_type.slug, self.sub_condition.code)

    natural_key.dependencies = ["orgs.organizationtype", "orgs.subcondition"]


class Reference(TimeStampedModel):
    """
    A provision a cell's finding rests on: the law and article, its wording quoted in
    the original language (and our English rendering), the period it applies to, its
    source and how far it was verified. ``finding`` says what the provision shows: the
    sub-condition is met, or not stipulated (the law is silent, or stipulates the
    opposite). The reference counts on a day when its law is in force that day (the law's
    dated events decide) and the day falls in its own ``valid_from`` / ``valid_until``
    when an amendment changed the article.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="references")
    finding = models.CharField(max_length=16, choices=ReferenceFinding.choices, default=ReferenceFinding.MET)
    not_stipulated_kind = models.CharField(
        max_length=10, choices=NotStipulatedKind.choices, blank=True,
        help_text="For a not-stipulated reference: silent (the law does not provide for it) or contrary.",
    )  # fmt: skip
    # CASCADE: a reference means nothing without its law; the cell is recomputed when it goes.
    law = models.ForeignKey("countries.Law", on_delete=models.CASCADE, related_name="references")
    provision = models.CharField(max_length=200, blank=True, help_text="E.g. 'Art. 3(2)'.")
    quote = models.TextField(blank=True, help_text="The provision's wording, verbatim, in the original language.")
    quote_language = models.CharField(
        max_length=12, blank=True, help_text="BCP 47 tag of the quote's language, e.g. ko, ja, zh-Hans, id."
    )
    translation = models.TextField(blank=True, help_text="Our English rendering of the quote.")
    note = models.TextField(
        blank=True, help_text="Why the provision meets (or does not meet) the sub-condition, in our own words."
    )
    curator_note = models.TextField(blank=True, help_text=CURATOR_NOTE_HELP)
    valid_from = models.DateField(
        null=True, blank=True,
        help_text="Only when an amendment changed this article: the day the quoted wording took effect.",
    )  # fmt: skip
    valid_until = models.DateField(
        null=True, blank=True,
        help_text="Only when an amendment changed this article: the first day the quoted wording no longer applied.",
    )  # fmt: skip
    source = models.ForeignKey(
        "countries.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="references"
    )
    verification = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "law__enacted_on", "valid_from", "pk"]
        permissions = [("import_reference", "Can import reference rows from a spreadsheet")]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "law", "provision"], name="reference_unique_provision"),
            models.CheckConstraint(
                condition=(Q(finding="met") & Q(not_stipulated_kind=""))
                | (Q(finding="not_stipulated") & Q(not_stipulated_kind__in=["silent", "contrary"])),
                name="reference_not_stipulated_kind_matches_finding",
                violation_error_message="A not-stipulated reference says whether the law is silent or "
                "stipulates the opposite; a met reference says neither.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="reference_period_in_order",
                violation_error_message="The period's end must come after its start.",
            ),
        ]

    def __str__(self):
        return f"{self.assessment.sub_condition.short_code} via {self.law} {self.provision}".strip()

    def natural_key(self):
        return (*self.assessment.natural_key(), self.law.slug, self.provision)

    natural_key.dependencies = ["orgs.assessment", "countries.law"]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Lets the signals reclassify the old type when a reference moves to another cell.
        instance._loaded_assessment_id = instance.__dict__.get("assessment_id")
        return instance

    def clean(self):
        # The cross-country rule (orgs.citations) and the two check constraints, said in Python
        # too: an import validates thousands of rows without a query per row and constraint
        # (curation.resources), with the same messages.
        errors = citations.cross_country_errors(self)
        if self.finding == ReferenceFinding.MET and self.not_stipulated_kind:
            errors["not_stipulated_kind"] = "A met reference says neither silent nor contrary; leave it empty."
        if self.finding == ReferenceFinding.NOT_STIPULATED and self.not_stipulated_kind not in NotStipulatedKind.values:
            errors["not_stipulated_kind"] = "Say whether the law is silent on it or stipulates the opposite."
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "The period's end must come after its start."
        if errors:
            raise ValidationError(errors)


class Claim(PublishableModel):
    """
    A statement of the research itself (the ILO brief) about a country, a family of types
    there, or one type, in our words, with what it implies for the classification. Where
    our reading of the law disagrees, ``check_data`` lists the conflict and the type page
    shows both, with ``explanation`` saying why they differ.
    """

    slug = models.SlugField(max_length=150, unique=True)
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="claims")
    org_type = models.ForeignKey(
        OrganizationType, on_delete=models.PROTECT, null=True, blank=True, related_name="claims",
        help_text="The type the statement is about, if one.",
    )  # fmt: skip
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="claims",
        help_text="The family of types the statement is about, in the country, if one.",
    )  # fmt: skip
    statement = models.TextField(help_text="What the research says, in our words.")
    source = models.ForeignKey("countries.Source", on_delete=models.PROTECT, related_name="claims")
    locator = models.CharField(max_length=200, blank=True, help_text="Page or section of the source.")
    quote = models.TextField(blank=True, help_text="The source's own words.")
    expects = models.CharField(
        max_length=10, choices=ClaimExpectation.choices, default=ClaimExpectation.NONE,
        help_text="What the statement implies for the classification of the type (or of the family's types).",
    )  # fmt: skip
    scope = models.CharField(
        max_length=6, choices=ClaimScope.choices, default=ClaimScope.ANY,
        help_text="For a family: whether at least one of its types, or every one, is expected to qualify.",
    )  # fmt: skip
    explanation = models.TextField(
        blank=True, help_text="Where our reading of the law disagrees with the statement: why (shown on the type page)."
    )

    history = HistoricalRecords()
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "slug"]
        permissions = [
            ("publish_claim", "Can publish, archive and approve changes to claim records"),
            ("import_claim", "Can import claim rows from a spreadsheet"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_type__isnull=True) | Q(family__isnull=True),
                name="claim_about_a_type_or_a_family",
                violation_error_message="A statement is about one type or about a family, not both.",
            ),
        ]

    def __str__(self):
        return f"{self.country_id and self.country.code}: {self.statement[:80]}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["countries.country", "countries.source", "orgs.organizationtype", "orgs.family"]

    def clean(self):
        if self.org_type_id and self.country_id and self.org_type.country_id != self.country_id:
            raise ValidationError({"org_type": "The type must belong to the statement's country."})


class LandscapeDay(models.Model):
    """
    The day the stored findings, classifications and law statuses were computed for:
    one row. When the date passes, ``orgs.landscape.ensure_current`` recomputes them, so
    that a scheduled entry into force or repeal takes effect without anyone saving a record.
    """

    computed_for = models.DateField(null=True)

    class Meta:
        verbose_name = "landscape day"

    def __str__(self):
        return f"Landscape computed for {self.computed_for}"


class Suggestion(models.Model):
    """A correction suggested by a visitor, waiting for an analyst's review."""

    org_type = models.ForeignKey(
        OrganizationType, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    law = models.ForeignKey(
        "countries.Law", on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    message = models.TextField(help_text="What is wrong, in the visitor's words.")
    evidence_url = URIField(max_length=600, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_type__isnull=False) | Q(law__isnull=False),
                name="suggestion_has_target",
            ),
        ]

    def __str__(self):
        return f"Suggestion on {self.org_type or self.law} ({self.get_status_display()})"
