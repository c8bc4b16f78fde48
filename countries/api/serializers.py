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
    PrefetchedListSerializer,
    link,
)
from core.models import MAX_YEAR, MIN_YEAR
from core.querysets import can_see_drafts, is_public
from countries.lineage import cycle_message, find_cycle, stored_links
from countries.models import Country, Law, LawEvent, Source, Statistic


def law_visibility(request):
    """
    The serializer context that says whether draft laws may be named to this reader;
    records that reference a law (events, evidence) mask a draft one for the others.
    """
    return {"drafts_of_laws_visible": request is not None and can_see_drafts(request.user, Law)}


def law_shown(context, law):
    """Whether a referenced law may be named to this reader (see ``law_visibility``)."""
    return law is not None and (context.get("drafts_of_laws_visible") or is_public(law))


def law_link(context, law):
    """A referenced law as ``{key, url}``, or None when the reader may not be told of it."""
    if not law_shown(context, law):
        return None
    return link(context.get("request"), "api:law-detail", "slug", law.slug)


LEGAL_FORCE = {
    "in_force": "https://schema.org/InForce",
    "amended": "https://schema.org/InForce",
    "reinstated": "https://schema.org/InForce",
}


class SourceSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:source-detail", lookup_field="slug")
    key = KeyField(source="slug")
    document_url = serializers.URLField(source="url", max_length=600, required=False, allow_blank=True)

    class Meta:
        model = Source
        fields = [
            "url", "key", "slug", "title", "publisher", "year", "document_url", "locator", "kind",
            "accessed_on", "note", "created_at", "updated_at",
        ]  # fmt: skip


class SourceDetailSerializer(SourceSerializer):
    cite_as = CiteAsField()

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "cite_as"]


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            **{choice: {"type": "integer"} for choice in Country.objects.classifications()},
        },
        "nullable": True,
    }
)
class TypeCountsField(serializers.Field):
    """How many (visible) organization types the country has, per classification."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, country):
        if not hasattr(country, "count_types"):
            return None
        counts = {"total": country.count_types}
        counts.update({choice: getattr(country, f"count_{choice}") for choice in Country.objects.classifications()})
        return counts


class CountrySerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:country-detail", lookup_field="code")
    key = KeyField(source="code")
    org_type_counts = TypeCountsField()

    class Meta:
        model = Country
        read_only_fields = ["publication_status"]
        fields = [
            "url", "key", "code", "name", "local_name", "slug", "region", "phase", "publication_status",
            "last_verified", "org_type_counts", "created_at", "updated_at",
        ]  # fmt: skip


class CountryDetailSerializer(CountrySerializer):
    narrative_sources = LinkField("api:source-detail", "slug", many=True, queryset=Source.objects.all(), required=False)
    cite_as = CiteAsField()

    class Meta(CountrySerializer.Meta):
        fields = [*CountrySerializer.Meta.fields, "narrative", "narrative_sources", "cite_as"]


class CountryGeoSerializer(CountrySerializer):
    """The list fields plus the boundary, for GeoJSON (``geometry`` is null until imported)."""

    geometry = serializers.JSONField(source="boundary", read_only=True)

    class Meta(CountrySerializer.Meta):
        fields = [*CountrySerializer.Meta.fields, "geometry"]


class CountryGeoDetailSerializer(CountryDetailSerializer):
    """The detail fields plus the boundary: a GeoJSON Feature takes the same ``fields=`` as the JSON detail."""

    geometry = serializers.JSONField(source="boundary", read_only=True)

    class Meta(CountryDetailSerializer.Meta):
        fields = [*CountryDetailSerializer.Meta.fields, "geometry"]


class LawEventSerializer(serializers.ModelSerializer):
    source = LinkField("api:source-detail", "slug", read_only=True)
    related_law = serializers.SerializerMethodField(help_text="The instrument that caused the event.")

    class Meta:
        model = LawEvent
        list_serializer_class = PrefetchedListSerializer
        fields = ["kind", "date", "date_precision", "related_law", "reference", "note", "source", "verification"]

    @extend_schema_field({**LINK_SCHEMA, "nullable": True})
    def get_related_law(self, event):
        return law_link(self.context, event.related_law)


class LawSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:law-detail", lookup_field="slug")
    key = KeyField(source="slug")
    country = LinkField("api:country-detail", "code", queryset=Country.objects.all())
    source = LinkField("api:source-detail", "slug", queryset=Source.objects.all(), required=False, allow_null=True)
    text_url = serializers.URLField(source="url", max_length=600, required=False, allow_blank=True)
    amends = LinkField("api:law-detail", "slug", many=True, queryset=Law.objects.all(), required=False)
    replaces = LinkField("api:law-detail", "slug", many=True, queryset=Law.objects.all(), required=False)
    events = LawEventSerializer(many=True, read_only=True)
    legal_bases = serializers.SerializerMethodField()
    references = serializers.SerializerMethodField()

    class Meta:
        model = Law
        read_only_fields = ["publication_status"]
        fields = [
            "url", "key", "slug", "title", "local_title", "short_title", "citation", "country", "kind",
            "status", "enacted_on", "enacted_precision", "text_url", "source", "verification",
            "verification_note", "amends", "replaces", "events", "publication_status", "last_verified",
            "created_at", "updated_at", "legal_bases", "references",
        ]  # fmt: skip
        # Embedded only when asked for: ``?include=legal_bases,references``.
        optional_fields = ["legal_bases", "references"]

    def type_shown(self, org_type):
        """Whether an organization type resting on the law may be named to this reader."""
        request = self.context.get("request")
        if is_public(org_type):
            return True
        return request is not None and can_see_drafts(request.user, type(org_type))

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "object", "properties": {"org_type": LINK_SCHEMA, "provision": {"type": "string"}}},
        }
    )
    def get_legal_bases(self, law):
        """The organization types constituted under this law, with the provision."""
        request = self.context.get("request")
        return [
            {
                "org_type": link(request, "api:org-type-detail", "slug", basis.org_type.slug),
                "provision": basis.provision,
            }
            for basis in law.legal_bases.all()
            if self.type_shown(basis.org_type)
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "assessment": LINK_SCHEMA, "org_type": LINK_SCHEMA, "short_code": {"type": "string"},
                    "finding": {"type": "string"}, "provision": {"type": "string"}, "quote": {"type": "string"},
                    "verification": {"type": "string"},
                },
            },
        }
    )  # fmt: skip
    def get_references(self, law):
        """The provisions of this law the evidence quotes: each with its cell (type x sub-condition)."""
        request = self.context.get("request")
        out = []
        for ref in law.references.all():
            cell = ref.assessment
            if not self.type_shown(cell.org_type):
                continue
            key = f"{cell.org_type.slug}.{cell.sub_condition.short_code}"
            out.append(
                {
                    "assessment": link(request, "api:assessment-detail", "key", key),
                    "org_type": link(request, "api:org-type-detail", "slug", cell.org_type.slug),
                    "short_code": cell.sub_condition.short_code,
                    "finding": ref.finding,
                    "provision": ref.provision,
                    "quote": ref.quote,
                    "verification": ref.verification,
                }
            )
        return out

    def validate(self, attrs):
        enacted_on = attrs.get("enacted_on")
        if enacted_on and not MIN_YEAR <= enacted_on.year <= MAX_YEAR:
            raise serializers.ValidationError({"enacted_on": f"Must be a date from {MIN_YEAR} to {MAX_YEAR}."})
        if self.instance is not None:
            for field in ("amends", "replaces"):
                if self.instance in attrs.get(field, ()):
                    raise serializers.ValidationError({field: "A law cannot amend or replace itself."})
            # Nor close a loop through other laws (A amends B, B amends A).
            links = None
            for field in ("amends", "replaces"):
                targets = [law.pk for law in attrs.get(field, ())]
                if targets:
                    links = stored_links("pk") if links is None else links
                    path = find_cycle(self.instance.pk, targets, links)
                    if path:
                        slugs = dict(Law.objects.filter(pk__in=path).values_list("pk", "slug"))
                        raise serializers.ValidationError(
                            {field: cycle_message([slugs.get(pk, pk) for pk in path]) + " (law keys)"}
                        )
        return super().validate(attrs)

    @staticmethod
    def jsonld(item):
        """A schema.org ``Legislation`` node for one serialized law (terms: core/api/jsonld.py)."""
        node = {
            "@type": "Legislation",
            "@id": item["url"],
            "identifier": item["key"],
            "name": item["title"],
            "alternateName": item["local_title"] or None,
            "legislationIdentifier": item["citation"] or None,
            "legislationDate": item["enacted_on"],
            "legislationType": item["kind"],
            # The jurisdiction is the country, by its API URL.
            "legislationJurisdiction": (item["country"] or {}).get("url"),
            "legislationLegalForce": LEGAL_FORCE.get(item["status"], "https://schema.org/NotInForce"),
            "sameAs": item["text_url"] or None,
            "dateModified": item["updated_at"],
            "license": license_iri(),
        }
        return {key: value for key, value in node.items() if value is not None}


class LawDetailSerializer(LawSerializer):
    cite_as = CiteAsField()

    class Meta(LawSerializer.Meta):
        fields = [*LawSerializer.Meta.fields, "summary", "cite_as"]


class StatisticSerializer(FullCleanMixin, serializers.ModelSerializer):
    url = ObjectURLField(view_name="api:statistic-detail", lookup_field="slug")
    key = KeyField(source="slug")
    country = LinkField("api:country-detail", "code", queryset=Country.objects.all())
    org_type = LinkField(
        "api:org-type-detail", "slug", queryset=Statistic._meta.get_field("org_type").related_model.objects.all(),
        required=False, allow_null=True,
    )  # fmt: skip
    source = LinkField("api:source-detail", "slug", queryset=Source.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Statistic
        read_only_fields = ["publication_status"]
        fields = [
            "url", "key", "slug", "country", "org_type", "indicator", "label", "value", "unit", "year", "source",
            "verification", "note", "publication_status", "last_verified", "created_at", "updated_at",
        ]  # fmt: skip


class StatisticDetailSerializer(StatisticSerializer):
    cite_as = CiteAsField()

    class Meta(StatisticSerializer.Meta):
        fields = [*StatisticSerializer.Meta.fields, "cite_as"]
