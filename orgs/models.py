from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.choices import Verification
from core.models import PublishableModel, TimeStampedModel

from . import classification as rule
from .choices import ClassificationChoice, SuggestionStatus
from .querysets import (
    EvidenceQuerySet,
    FamilyQuerySet,
    FeatureQuerySet,
    LegalBasisQuerySet,
    OrganizationTypeQuerySet,
    SubConditionQuerySet,
)


class Feature(TimeStampedModel):
    """One of the research's three dimensions: social, economic, democratic."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = FeatureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]

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

    history = HistoricalRecords()
    objects = SubConditionQuerySet.as_manager()

    class Meta:
        ordering = ["feature__order", "order", "code"]

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

    history = HistoricalRecords()
    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("orgs:family-detail", kwargs={"slug": self.slug})


class OrganizationType(PublishableModel):
    """
    A legal (or nationally operating) form of organization in one country.

    ``classification`` and ``features_met`` are derived from the evidence rows
    by ``orgs.classification.classify`` and kept in step by ``orgs.signals``;
    nobody types them.
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
    laws = models.ManyToManyField("countries.Law", through="LegalBasis", related_name="org_types", blank=True)
    sub_conditions = models.ManyToManyField(
        SubCondition, through="Evidence", related_name="org_types", blank=True
    )
    classification = models.CharField(
        max_length=8,
        choices=ClassificationChoice.choices,
        default=ClassificationChoice.OUTSIDE,
        editable=False,
        db_index=True,
    )
    features_met = models.PositiveSmallIntegerField(
        default=0, editable=False, validators=[MaxValueValidator(3)]
    )

    history = HistoricalRecords()
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
            models.CheckConstraint(condition=Q(features_met__lte=3), name="org_type_features_met_0_3"),
        ]
        indexes = [
            # The lists' filters and counts read only these columns: on PostgreSQL an
            # index-only scan instead of reading every (wide) row (docs/performance.md).
            models.Index(
                fields=["publication_status", "classification"],
                include=["country", "family", "legally_institutionalized", "features_met"],
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

    # Classification -------------------------------------------------------

    def compute_classification(self, evidence=None) -> rule.Classification:
        """Apply the rule to ``evidence`` (default: this type's stored evidence rows)."""
        if evidence is None:
            evidence = self.evidence.select_related("sub_condition__feature")
        features = Feature.objects.values_list("code", flat=True)
        return rule.classify((row.sub_condition.feature.code for row in evidence), features)

    def refresh_classification(self, save=True) -> rule.Classification:
        """Recompute the stored classification; write it only when it changed."""
        result = self.compute_classification()
        changed = (self.classification, self.features_met) != (
            result.classification,
            result.features_met,
        )
        self.classification = result.classification
        self.features_met = result.features_met
        if save and changed and self.pk:
            # update() skips save(): no history row for a derived field, no signal loop.
            type(self).objects.filter(pk=self.pk).update(
                classification=result.classification, features_met=result.features_met
            )
        return result

    def explain_classification(self, evidence=None):
        """The classification and a list of sentences that justify it."""
        if evidence is None:
            evidence = self.evidence.select_related("sub_condition__feature", "law")
        features = {f.code: f.name for f in Feature.objects.all()}
        return rule.explain(
            (
                (
                    row.sub_condition.feature.code,
                    row.sub_condition.name,
                    " ".join(p for p in (row.law.short_title or row.law.citation, row.provision) if p),
                )
                for row in evidence
            ),
            features,
        )


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
        if self.org_type_id and self.law_id and self.org_type.country_id != self.law.country_id:
            raise ValidationError({"law": "The law must belong to the type's country."})


class Evidence(TimeStampedModel):
    """A sub-condition a type meets, and the provision that stipulates it."""

    org_type = models.ForeignKey(OrganizationType, on_delete=models.CASCADE, related_name="evidence")
    # CASCADE on both: evidence means nothing without its sub-condition or law,
    # and the signals recompute the type's classification when they go.
    sub_condition = models.ForeignKey(SubCondition, on_delete=models.CASCADE, related_name="evidence")
    law = models.ForeignKey("countries.Law", on_delete=models.CASCADE, related_name="evidence")
    provision = models.CharField(max_length=200, blank=True, help_text="E.g. 'Art. 3(2)'.")
    note = models.TextField(
        blank=True, help_text="Why the provision meets the sub-condition, in our own words."
    )
    source = models.ForeignKey(
        "countries.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    verification = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["org_type", "sub_condition__feature__order", "sub_condition__order", "pk"]
        permissions = [
            ("import_evidence", "Can import evidence rows from a spreadsheet"),
        ]
        verbose_name = "sub-condition evidence"
        verbose_name_plural = "sub-condition evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["org_type", "sub_condition", "law"], name="evidence_unique_per_law"
            ),
        ]

    def __str__(self):
        return f"{self.sub_condition.short_code} via {self.law} {self.provision}".strip()

    def natural_key(self):
        return (self.org_type.slug, self.sub_condition.code, self.law.slug)

    natural_key.dependencies = ["orgs.organizationtype", "orgs.subcondition", "countries.law"]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Lets the signals reclassify the old type when a row moves to another.
        instance._loaded_org_type_id = instance.org_type_id
        return instance

    def clean(self):
        if self.org_type_id and self.law_id and self.org_type.country_id != self.law.country_id:
            raise ValidationError({"law": "The law must belong to the type's country."})


class Suggestion(models.Model):
    """A correction suggested by a visitor, waiting for an analyst's review."""

    org_type = models.ForeignKey(
        OrganizationType, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    law = models.ForeignKey(
        "countries.Law", on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    message = models.TextField(help_text="What is wrong, in the visitor's words.")
    evidence_url = models.URLField(max_length=600, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
