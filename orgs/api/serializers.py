"""
The API's organization types: each with its cells' findings on a day (today, or
``as_of``), its settled or provisional classification and the range it could still
reach, the laws it rests on; the detail adds the six cells with their references and
the explanation. Everything a type shows on a day comes from one computation
(``OrganizationTypeQuerySet.landscape_on``), for the whole page of a list at once.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.jsonld import license_iri
from core.api.serializers import (
    LINK_SCHEMA,
    CiteAsField,
    FullCleanMixin,
    KeyField,
    LinkField,
    ObjectURLField,
    PlannedListSerializer,
    link,
)
from countries.api.serializers import law_link, law_shown
from countries.models import Country
from orgs import classification as rule
from orgs.choices import ClassificationChoice, Finding, NotStipulatedKind
from orgs.explanation import sentences
from orgs.models import Assessment, Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition
from orgs.querysets import Method, landscape_of, landscapes_on


class FamilySerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:family-detail", lookup_field="slug")
    key = KeyField(source="slug")

    class Meta:
        model = Family
        fields = ["url", "key", "slug", "name", "description", "order", "created_at", "updated_at"]


class SubConditionSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:sub-condition-detail", lookup_field="code")
    key = KeyField(source="code")
    feature = LinkField("api:feature-detail", "code", queryset=Feature.objects.all())

    class Meta:
        model = SubCondition
        fields = [
            "url",
            "key",
            "code",
            "short_code",
            "feature",
            "name",
            "description",
            "order",
            "created_at",
            "updated_at",
        ]


class FeatureSubConditionSerializer(serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:sub-condition-detail", lookup_field="code")
    key = KeyField(source="code")

    class Meta:
        model = SubCondition
        fields = ["url", "key", "code", "short_code", "name"]


class FeatureSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:feature-detail", lookup_field="code")
    key = KeyField(source="code")
    sub_conditions = FeatureSubConditionSerializer(many=True, read_only=True)

    class Meta:
        model = Feature
        fields = ["url", "key", "code", "name", "description", "order", "sub_conditions", "created_at", "updated_at"]


class ReferenceSerializer(serializers.ModelSerializer):
    """One provision a cell rests on; a law the reader may not see (a draft) is given as null."""

    law = serializers.SerializerMethodField()
    law_title = serializers.SerializerMethodField()
    source = LinkField("api:source-detail", "slug", read_only=True)
    counts = serializers.SerializerMethodField(help_text="Whether it counts on the day asked (its law in force then).")

    class Meta:
        model = Reference
        fields = [
            "finding", "not_stipulated_kind", "law", "law_title", "provision", "quote", "quote_language",
            "translation", "note", "valid_from", "valid_until", "verification", "source", "counts", "updated_at",
        ]  # fmt: skip

    @extend_schema_field({**LINK_SCHEMA, "nullable": True})
    def get_law(self, row):
        return law_link(self.context, row.law)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_law_title(self, row):
        return row.law.title if law_shown(self.context, row.law) else None

    @extend_schema_field(serializers.BooleanField())
    def get_counts(self, row):
        return row.pk in self.context.get("_counting_references", ())


class AssessmentSerializer(serializers.ModelSerializer):
    """One cell on the day asked: its finding (from the references that count that day), its note, its references."""

    sub_condition = LinkField("api:sub-condition-detail", "code", read_only=True)
    short_code = serializers.CharField(source="sub_condition.short_code", read_only=True)
    feature = LinkField("api:feature-detail", "code", source="sub_condition.feature", read_only=True)
    finding = serializers.SerializerMethodField()
    not_stipulated_kind = serializers.SerializerMethodField()
    # Declared, not built per cell: its fields are bound once for the whole list of cells.
    references = ReferenceSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "sub_condition", "short_code", "feature", "finding", "not_stipulated_kind", "note", "references",
            "updated_at",
        ]  # fmt: skip

    def _cell(self, cell):
        return self.context["_landscape"].cells[cell.sub_condition_id]

    @extend_schema_field(serializers.ChoiceField(choices=Finding.choices))
    def get_finding(self, cell):
        return self._cell(cell).finding

    @extend_schema_field(serializers.ChoiceField(choices=NotStipulatedKind.choices, allow_blank=True))
    def get_not_stipulated_kind(self, cell):
        return self._cell(cell).not_stipulated_kind


class LegalBasisSerializer(serializers.ModelSerializer):
    law = LinkField("api:law-detail", "slug", read_only=True)
    law_title = serializers.CharField(source="law.title", read_only=True)

    class Meta:
        model = LegalBasis
        fields = ["law", "law_title", "provision", "note"]


class OrganizationTypeListSerializer(PlannedListSerializer):
    """
    Serializes a page of types with their landscape read for the whole page at once as
    plain values (``landscape_on``), instead of prefetched model instances per row.
    """

    def before_rows(self, items):
        self.child.summarize_page(items)


class OrganizationTypeSerializer(FullCleanMixin, serializers.ModelSerializer):
    """
    ``classification`` (what the met findings establish so far), ``settled``,
    ``classification_range``, ``features_met``, ``findings``, ``sub_conditions`` (those
    met) and ``laws`` are derived from the cells and never written; they are those of the
    day asked (``as_of``), today without it.
    """

    url = ObjectURLField(view_name="api:org-type-detail", lookup_field="slug")
    key = KeyField(source="slug")
    country = LinkField("api:country-detail", "code", queryset=Country.objects.all())
    family = LinkField("api:family-detail", "slug", queryset=Family.objects.all())
    classification = serializers.SerializerMethodField()
    settled = serializers.SerializerMethodField()
    classification_range = serializers.SerializerMethodField()
    features_met = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    sub_conditions = serializers.SerializerMethodField()
    laws = serializers.SerializerMethodField()
    assessments = serializers.SerializerMethodField()
    legal_bases = serializers.SerializerMethodField()

    class Meta:
        model = OrganizationType
        list_serializer_class = OrganizationTypeListSerializer
        read_only_fields = ["publication_status"]
        fields = [
            "url", "key", "slug", "name", "local_name", "country", "family", "legally_institutionalized",
            "classification", "settled", "classification_range", "features_met", "findings", "sub_conditions",
            "laws", "publication_status", "last_verified", "created_at", "updated_at", "assessments", "legal_bases",
        ]  # fmt: skip
        # Embedded only when asked for: ``?include=assessments,legal_bases``.
        optional_fields = ["assessments", "legal_bases"]
        # What a list row carries of its country and family (``for_api_list``, ``PlannedListSerializer``).
        list_sources = {"country": "country_code", "family": "family_slug"}

    # The landscape, computed once per page (or per object) --------------------

    def method(self):
        if "_method" not in self.context:
            self.context["_method"] = Method.read()
        return self.context["_method"]

    def summarize_page(self, items):
        """Give every type of a page its landscape on the day asked, read for the whole page at once."""
        if not items:
            return
        landscapes = landscapes_on([obj.pk for obj in items], self.context.get("as_of"), self.method())
        for obj in items:
            obj._api_landscape = landscapes[obj.pk]

    def landscape(self, obj):
        if getattr(obj, "_api_landscape", None) is None:
            if "assessments" in getattr(obj, "_prefetched_objects_cache", {}):
                # One type with its cells prefetched (the detail): the same computation, one query.
                obj._api_landscape = landscape_of(obj, self.method().features, self.context.get("as_of"))
            else:
                self.summarize_page([obj])
        return obj._api_landscape

    @extend_schema_field(serializers.ChoiceField(choices=ClassificationChoice.choices))
    def get_classification(self, obj):
        return self.landscape(obj).result.classification

    @extend_schema_field(serializers.BooleanField())
    def get_settled(self, obj):
        return self.landscape(obj).result.settled

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ClassificationChoice.choices)))
    def get_classification_range(self, obj):
        """The classifications the type can still reach, lowest first: one when settled."""
        return list(self.landscape(obj).result.reachable)

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_features_met(self, obj):
        return self.landscape(obj).result.features_met

    @extend_schema_field(serializers.DictField(child=serializers.ChoiceField(choices=Finding.choices)))
    def get_findings(self, obj):
        """Each sub-condition's finding, by code, in the method's order."""
        return self.landscape(obj).findings(self.method())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sub_conditions(self, obj):
        """Codes of the sub-conditions met, in the method's order."""
        return self.landscape(obj).met_codes(self.method())

    @extend_schema_field({"type": "array", "items": LINK_SCHEMA})
    def get_laws(self, obj):
        """The laws the type rests on that day: its legal bases and its references' laws in force, by key."""
        landscape = self.landscape(obj)
        ids = landscape.laws if self.context.get("drafts_of_laws_visible") else landscape.law_ids_shown
        keys = landscape.law_keys
        request = self.context.get("request")
        return [link(request, "api:law-detail", "slug", slug) for slug in sorted(keys[pk] for pk in ids)]

    def cell_context(self, obj):
        landscape = self.landscape(obj)
        counting = {pk for cell in landscape.cells.values() for pk in cell.references}
        return {**self.context, "_landscape": landscape, "_counting_references": counting}

    @extend_schema_field(AssessmentSerializer(many=True))
    def get_assessments(self, obj):
        """The six cells, in the method's order, each with its references (``counts``: whether it counts that day)."""
        cells = sorted(obj.assessments.all(), key=lambda c: (c.sub_condition.feature.order, c.sub_condition.order))
        return AssessmentSerializer(cells, many=True, context=self.cell_context(obj)).data

    @extend_schema_field(LegalBasisSerializer(many=True))
    def get_legal_bases(self, obj):
        """The laws (and provisions) the type is constituted under; a law the reader may not see is left out."""
        bases = [basis for basis in obj.legal_bases.all() if law_shown(self.context, basis.law)]
        return LegalBasisSerializer(bases, many=True, context=self.context).data

    @staticmethod
    def jsonld(item):
        """
        A schema.org ``DefinedTerm`` for one serialized type (a legal form is a term of its country's
        law, not an organization), in its country's ``DefinedTermSet`` (whose spatial coverage is the
        country), the subject of the laws it rests on; its API record is the ``WebPage`` that carries
        the licence (``license`` is a CreativeWork's). The classification and what it rests on are our
        own terms (core/api/jsonld.py).
        """
        license = license_iri()
        country = item["country"]
        node = {
            "@type": "DefinedTerm",
            "@id": item["url"] + "#term",
            "termCode": item["slug"],
            "identifier": item["slug"],
            "name": item["name"],
            "alternateName": item["local_name"] or None,
            "description": item.get("description") or None,
            "inDefinedTermSet": {
                "@id": country["url"] + "#org-types",
                "@type": "DefinedTermSet",
                "name": f"Organization types of {country['key']}",
                "spatialCoverage": country["url"],
                "license": license,
            },
            "subjectOf": [{"@id": law["url"], "@type": "Legislation", "license": license} for law in item["laws"]],
            "mainEntityOfPage": {
                "@id": item["url"],
                "@type": "WebPage",
                "dateModified": item["updated_at"],
                "license": license,
            },
            "family": item["family"]["url"],
            "classification": item["classification"],
            "settled": item["settled"],
            "classificationRange": item["classification_range"],
            "featuresMet": item["features_met"],
            "subConditionsMet": item["sub_conditions"],
            "legallyInstitutionalized": item["legally_institutionalized"],
        }
        return {key: value for key, value in node.items() if value is not None}


class OrganizationTypeDetailSerializer(OrganizationTypeSerializer):
    explanation = serializers.SerializerMethodField()
    cite_as = CiteAsField()

    class Meta(OrganizationTypeSerializer.Meta):
        fields = [*OrganizationTypeSerializer.Meta.fields, "description", "explanation", "cite_as"]
        optional_fields = ["legal_bases"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, obj):
        """Sentences justifying the classification from the findings that day (masked laws unnamed)."""
        cells = list(obj.assessments.all())
        references = {ref.pk: ref for cell in cells for ref in cell.references.all()}
        subs = {cell.sub_condition_id: cell.sub_condition for cell in cells}
        features = {code: code for code in self.method().features}
        names = {sub.feature.code: sub.feature.name for sub in subs.values()}
        features = {code: names.get(code, code.capitalize()) for code in features}
        _, out = sentences(self.landscape(obj), references, features, subs, lambda law: law_shown(self.context, law))
        return out


class FamilyCountsSerializer(serializers.Serializer):
    family = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    sseoe = serializers.IntegerField()
    pho = serializers.IntegerField()
    outside = serializers.IntegerField()
    provisional = serializers.IntegerField(help_text="How many of them cells not yet assessed could still change.")


class ClassificationSerializer(serializers.ModelSerializer):
    """One country's row of the comparison matrix, read from ``context['matrix']``."""

    country = serializers.CharField(source="code", read_only=True)
    url = ObjectURLField(view_name="api:country-detail", lookup_field="code")
    total = serializers.SerializerMethodField()
    sseoe = serializers.SerializerMethodField()
    pho = serializers.SerializerMethodField()
    outside = serializers.SerializerMethodField()
    provisional = serializers.SerializerMethodField()
    families = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = ["country", "name", "url", "total", "sseoe", "pho", "outside", "provisional", "families", "updated_at"]

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

    @extend_schema_field(OpenApiTypes.INT)
    def get_provisional(self, country):
        """How many of the types are provisional: cells not yet assessed could still change their classification."""
        return self._row(country).get("provisional", 0)

    @extend_schema_field(FamilyCountsSerializer(many=True))
    def get_families(self, country):
        return self._row(country)["families"]


class CellReferenceSerializer(ReferenceSerializer):
    """A reference as the ``assessments/`` endpoint shows it (``counts`` on the day asked)."""

    @extend_schema_field(serializers.BooleanField())
    def get_counts(self, row):
        landscape = self.context.get("_landscapes", {}).get(row.assessment.org_type_id)
        if landscape is None:
            return False
        return row.pk in landscape.cells[row.assessment.sub_condition_id].references


class CellListSerializer(serializers.ListSerializer):
    """Reads the landscape of every type on the page at once (``landscape_on``), then the rows."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        # A list's own landscapes only: the chunks of a streamed export share one context.
        self.context.pop("_landscapes", None)
        self.child.read_landscapes(items)
        return super().to_representation(items)


class CellSerializer(serializers.ModelSerializer):
    """
    One cell of the evidence (a type x a sub-condition) on the day asked: its finding
    (met, not stipulated, not yet assessed), the type, country and family it belongs to,
    and the references (law, provision, quoted wording) it rests on.
    """

    url = serializers.SerializerMethodField()
    key = serializers.SerializerMethodField()
    org_type = LinkField("api:org-type-detail", "slug", read_only=True)
    org_type_name = serializers.CharField(source="org_type.name", read_only=True)
    country = LinkField("api:country-detail", "code", source="org_type.country", read_only=True)
    family = LinkField("api:family-detail", "slug", source="org_type.family", read_only=True)
    sub_condition = LinkField("api:sub-condition-detail", "code", read_only=True)
    short_code = serializers.CharField(source="sub_condition.short_code", read_only=True)
    feature = LinkField("api:feature-detail", "code", source="sub_condition.feature", read_only=True)
    finding = serializers.SerializerMethodField()
    not_stipulated_kind = serializers.SerializerMethodField()
    # Declared, not built per cell: its fields are bound once for the whole page.
    references = CellReferenceSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        list_serializer_class = CellListSerializer
        fields = [
            "url", "key", "org_type", "org_type_name", "country", "family", "sub_condition", "short_code", "feature",
            "finding", "not_stipulated_kind", "note", "references", "updated_at",
        ]  # fmt: skip

    def read_landscapes(self, cells):
        """The landscape on the day asked of the cells' types not read yet (three queries)."""
        known = self.context.setdefault("_landscapes", {})
        wanted = {cell.org_type_id for cell in cells} - set(known)
        if wanted:
            if "_method" not in self.context:
                self.context["_method"] = Method.read()
            known.update(landscapes_on(list(wanted), self.context.get("as_of"), self.context["_method"]))

    def to_representation(self, instance):
        self.read_landscapes([instance])
        return super().to_representation(instance)

    @staticmethod
    def cell_key(cell):
        return f"{cell.org_type.slug}.{cell.sub_condition.short_code}"

    @extend_schema_field(serializers.CharField())
    def get_key(self, cell):
        """The type's slug and the sub-condition's short code: ``ph-cooperative.D2``."""
        return self.cell_key(cell)

    @extend_schema_field(serializers.URLField())
    def get_url(self, cell):
        request = self.context.get("request")
        return link(request, "api:assessment-detail", "key", self.cell_key(cell))["url"]

    def _cell(self, cell):
        return self.context["_landscapes"][cell.org_type_id].cells[cell.sub_condition_id]

    @extend_schema_field(serializers.ChoiceField(choices=Finding.choices))
    def get_finding(self, cell):
        return self._cell(cell).finding

    @extend_schema_field(serializers.ChoiceField(choices=NotStipulatedKind.choices, allow_blank=True))
    def get_not_stipulated_kind(self, cell):
        return self._cell(cell).not_stipulated_kind
