import copy
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import NamedTuple

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import CiteAsField, FullCleanMixin, ObjectURLField, PlannedListSerializer
from countries.api.serializers import law_shown
from countries.models import Country, Law
from orgs import classification as rule
from orgs.choices import ClassificationChoice
from orgs.models import Evidence, Family, Feature, OrganizationType, SubCondition


class FamilySerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:family-detail", lookup_field="slug")

    class Meta:
        model = Family
        fields = ["url", "slug", "name", "description", "order", "created_at", "updated_at"]


class SubConditionSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:sub-condition-detail", lookup_field="code")
    feature = serializers.SlugRelatedField(slug_field="code", queryset=Feature.objects.all())

    class Meta:
        model = SubCondition
        fields = ["url", "code", "short_code", "feature", "name", "description", "order", "created_at", "updated_at"]


class FeatureSubConditionSerializer(serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:sub-condition-detail", lookup_field="code")

    class Meta:
        model = SubCondition
        fields = ["url", "code", "short_code", "name"]


class FeatureSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:feature-detail", lookup_field="code")
    sub_conditions = FeatureSubConditionSerializer(many=True, read_only=True)

    class Meta:
        model = Feature
        fields = ["url", "code", "name", "description", "order", "sub_conditions", "created_at", "updated_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    """One evidence row; a law the reader may not see (a draft) is given as null."""

    sub_condition = serializers.SlugRelatedField(slug_field="code", read_only=True)
    short_code = serializers.CharField(source="sub_condition.short_code", read_only=True)
    feature = serializers.CharField(source="sub_condition.feature.code", read_only=True)
    law = serializers.SerializerMethodField()
    law_title = serializers.SerializerMethodField()
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "sub_condition", "short_code", "feature", "law", "law_title", "provision", "note",
            "verification", "source", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_law(self, row):
        return row.law_id if law_shown(self.context, row.law) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_law_title(self, row):
        return row.law.title if law_shown(self.context, row.law) else None


class EvidenceFact(NamedTuple):
    """What a type's summary needs of one evidence row."""

    sub_condition: str  # its code
    order: tuple  # (feature order, sub-condition order): the method's order
    feature: str  # the feature's code
    law_id: int
    law_shown: bool  # whether this reader may be told which law it is


@dataclass
class Landscape:
    """
    What a type shows: all its visible rows, or only those whose law was in
    force on ``as_of``. ``evidence`` holds the model instances the detail
    shows; lists, which show no evidence rows, leave it empty.
    """

    classification: str
    features_met: int
    sub_conditions: list
    laws: list
    evidence: list = dataclass_field(default_factory=list)


def summarize(facts, basis_law_ids, stored, in_force=None, feature_codes=()):
    """
    A type's ``Landscape`` from its evidence facts and the laws of its legal
    bases (already narrowed to those shown). ``stored`` is its stored
    ``(classification, features_met)``; with ``in_force`` (a set of law ids)
    only the rows on those laws count and the pure rule classifies them.
    """
    if in_force is None:
        classification, features_met = stored
    else:
        facts = [fact for fact in facts if fact.law_id in in_force]
        basis_law_ids = [law_id for law_id in basis_law_ids if law_id in in_force]
        result = rule.classify((fact.feature for fact in facts), feature_codes)
        classification, features_met = result.classification, result.features_met
    order = {}
    for fact in facts:
        order.setdefault(fact.sub_condition, fact.order)
    laws = set(basis_law_ids) | {fact.law_id for fact in facts if fact.law_shown}
    return Landscape(classification, features_met, sorted(order, key=order.__getitem__), sorted(laws))


class OrganizationTypeListSerializer(PlannedListSerializer):
    """
    Serializes a page of types with their evidence and legal bases read for the
    whole page at once as plain values (``summary_rows``), instead of
    prefetched model instances per row: the same output, a fraction of the work.
    """

    def before_rows(self, items):
        self.child.summarize_page(items)


class OrganizationTypeSerializer(FullCleanMixin, serializers.ModelSerializer):
    """
    ``classification``, ``features_met``, ``sub_conditions`` and ``laws`` are
    derived from the evidence and never written. With ``as_of`` in the
    context, they are computed from the evidence whose law was in force that day.
    """

    url = ObjectURLField(view_name="api:org-type-detail", lookup_field="slug")
    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    family = serializers.SlugRelatedField(slug_field="slug", queryset=Family.objects.all())
    classification = serializers.SerializerMethodField()
    features_met = serializers.SerializerMethodField()
    sub_conditions = serializers.SerializerMethodField()
    laws = serializers.SerializerMethodField()

    class Meta:
        model = OrganizationType
        list_serializer_class = OrganizationTypeListSerializer
        read_only_fields = ["publication_status"]
        fields = [
            "url", "slug", "name", "local_name", "country", "family", "legally_institutionalized",
            "classification", "features_met", "sub_conditions", "laws", "publication_status",
            "last_verified", "created_at", "updated_at",
        ]  # fmt: skip

    # The landscape, computed once per object -----------------------------

    def _in_force_law_ids(self):
        day = self.context.get("as_of")
        if day is None:
            return None
        if "_in_force_law_ids" not in self.context:
            self.context["_in_force_law_ids"] = set(Law.objects.in_force_on(day).values_list("pk", flat=True))
            self.context["_feature_codes"] = list(Feature.objects.values_list("code", flat=True))
        return self.context["_in_force_law_ids"]

    def _summarize(self, obj, facts, basis_law_ids):
        in_force = self._in_force_law_ids()
        return summarize(
            facts,
            basis_law_ids,
            (obj.classification, obj.features_met),
            in_force,
            self.context.get("_feature_codes", ()),
        )

    def summarize_page(self, items):
        """Give every type of a list its ``Landscape``, read for the whole page at once."""
        if not items:
            return
        evidence, legal_bases, laws, sub_conditions = OrganizationType.objects.filter(
            pk__in=[obj.pk for obj in items]
        ).summary_rows()
        drafts_visible = self.context.get("drafts_of_laws_visible", False)
        public = self.context.get("public", True)
        for obj in items:
            facts = [
                EvidenceFact(*sub_conditions[sub_condition_id], law_id, drafts_visible or laws[law_id][1])
                for sub_condition_id, law_id in evidence[obj.pk]
            ]
            # As ``LegalBasis.objects.on_shown_laws``: none on an unpublished law for public readers.
            bases = [law_id for law_id in legal_bases[obj.pk] if not public or laws[law_id][0]]
            obj._api_landscape = self._summarize(obj, facts, bases)

    def landscape(self, obj):
        cached = getattr(obj, "_api_landscape", None)
        if cached is not None:
            return cached
        # One type (the detail): its prefetched rows, whose instances the detail shows.
        evidence, legal_bases = list(obj.evidence.all()), list(obj.legal_bases.all())
        facts = [
            EvidenceFact(
                row.sub_condition.code,
                (row.sub_condition.feature.order, row.sub_condition.order),
                row.sub_condition.feature.code,
                row.law_id,
                law_shown(self.context, row.law),
            )
            for row in evidence
        ]
        cached = self._summarize(obj, facts, [row.law_id for row in legal_bases])
        in_force = self._in_force_law_ids()
        cached.evidence = evidence if in_force is None else [row for row in evidence if row.law_id in in_force]
        obj._api_landscape = cached
        return cached

    @extend_schema_field(serializers.ChoiceField(choices=ClassificationChoice.choices))
    def get_classification(self, obj):
        return self.landscape(obj).classification

    @extend_schema_field(serializers.IntegerField(min_value=0, max_value=3))
    def get_features_met(self, obj):
        return self.landscape(obj).features_met

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sub_conditions(self, obj):
        """Codes of the sub-conditions met, in the method's order."""
        return self.landscape(obj).sub_conditions

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_laws(self, obj):
        """Ids of the laws the type rests on: its legal bases and the laws cited as evidence."""
        return self.landscape(obj).laws

    @staticmethod
    def jsonld(item):
        """A schema.org ``Organization`` node for one serialized type (a legal form of organization)."""

        def prop(name, value):
            return {"@type": "PropertyValue", "name": name, "value": value}

        node = {
            "@type": "Organization",
            "@id": item["url"],
            "identifier": item["slug"],
            "name": item["name"],
            "alternateName": item["local_name"] or None,
            "description": item.get("description") or None,
            "areaServed": {"@type": "Country", "identifier": item["country"]},
            "additionalProperty": [
                prop("family", item["family"]),
                prop("classification", item["classification"]),
                prop("features_met", item["features_met"]),
                prop("sub_conditions", item["sub_conditions"]),
                prop("legally_institutionalized", item["legally_institutionalized"]),
            ],
            "dateModified": item["updated_at"],
        }
        return {key: value for key, value in node.items() if value is not None}


class OrganizationTypeDetailSerializer(OrganizationTypeSerializer):
    evidence = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    cite_as = CiteAsField()

    class Meta(OrganizationTypeSerializer.Meta):
        fields = [*OrganizationTypeSerializer.Meta.fields, "description", "evidence", "explanation", "cite_as"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj):
        return EvidenceSerializer(self.landscape(obj).evidence, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, obj):
        """Sentences justifying the classification from the evidence shown (masked laws unnamed)."""
        rows = self.landscape(obj).evidence
        if not all(law_shown(self.context, row.law) for row in rows):
            rows = [copy.copy(row) for row in rows]
            for row in rows:
                if not law_shown(self.context, row.law):
                    row.law = Law(title="", short_title="", citation="")
                    row.provision = ""
        _, sentences = obj.explain_classification(evidence=rows)
        return sentences


class FamilyCountsSerializer(serializers.Serializer):
    family = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    sseoe = serializers.IntegerField()
    pho = serializers.IntegerField()
    outside = serializers.IntegerField()


class ClassificationSerializer(serializers.ModelSerializer):
    """One country's row of the comparison matrix, read from ``context['matrix']``."""

    country = serializers.CharField(source="code", read_only=True)
    url = ObjectURLField(view_name="api:country-detail", lookup_field="code")
    total = serializers.SerializerMethodField()
    sseoe = serializers.SerializerMethodField()
    pho = serializers.SerializerMethodField()
    outside = serializers.SerializerMethodField()
    families = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = ["country", "name", "url", "total", "sseoe", "pho", "outside", "families", "updated_at"]

    def _row(self, country):
        return self.context["matrix"].get(country.pk, {"total": 0, "families": []})

    @extend_schema_field(OpenApiTypes.INT)
    def get_total(self, country):
        return self._row(country)["total"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_sseoe(self, country):
        return self._row(country).get(rule.SSEOE, 0)

    @extend_schema_field(OpenApiTypes.INT)
    def get_pho(self, country):
        return self._row(country).get(rule.PHO, 0)

    @extend_schema_field(OpenApiTypes.INT)
    def get_outside(self, country):
        return self._row(country).get(rule.OUTSIDE, 0)

    @extend_schema_field(FamilyCountsSerializer(many=True))
    def get_families(self, country):
        return self._row(country)["families"]
