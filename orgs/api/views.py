"""
The API's reads of organization types, the method (features, sub-conditions,
families) and the classification matrix. Writes are added in
``curation.api.views``, which is what the router serves.
"""

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from core.api.renderers import CSVRenderer, JSONLDRenderer
from core.api.viewsets import ListViewSet, ReadOnlyViewSet, include_parameter
from countries.api.views import LawVisibilityMixin
from countries.models import Country
from orgs import filtersets
from orgs.models import Assessment, Family, Feature, OrganizationType, Reference, SubCondition

from . import serializers


def as_of(request):
    """The ``as_of`` date of the request, or None; a bad one is a 400 naming the parameter."""
    raw = request.query_params.get("as_of")
    if not raw:
        return None
    try:
        return forms.DateField().clean(raw)
    except forms.ValidationError as exc:
        raise ValidationError({"as_of": exc.messages}) from exc


@extend_schema_view(
    list=extend_schema(parameters=[include_parameter(["assessments", "legal_bases"])]),
    retrieve=extend_schema(parameters=[include_parameter(["legal_bases"])]),
)
class OrganizationTypeViewSet(LawVisibilityMixin, ReadOnlyViewSet):
    """
    Organization types with their findings and classification today; ``as_of=YYYY-MM-DD``
    shows those of that day (the same computation on another day). Only the types that
    exist on the day are listed: those resting on a law then in force, or on no law.
    """

    queryset = OrganizationType.objects.all()
    serializer_class = serializers.OrganizationTypeSerializer
    detail_serializer_class = serializers.OrganizationTypeDetailSerializer
    filterset_class = filtersets.OrganizationTypeFilterSet
    ordering_fields = [
        "name", "slug", "country", "family", "classification", "settled", "features_met", "updated_at",
    ]  # fmt: skip
    ordering_sources = {"country": ("country__code",), "family": ("family__order", "family__slug")}
    lookup_field = "slug"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONLDRenderer]

    def get_queryset(self):
        if self.action == "list" and not self.included():
            # Lists read the cells and laws for the whole page as plain values
            # (``OrganizationTypeListSerializer``), so the rows carry no prefetch.
            queryset = OrganizationType.objects.visible_to(self.request.user).for_api_list()
        else:
            queryset = super().get_queryset()
        if self.request.method in ("GET", "HEAD"):
            return queryset.existing_on(as_of(self.request) or timezone.localdate())
        return queryset

    def get_serializer_context(self):
        # ``public``: legal bases on unpublished laws are left out (as ``for_api`` does).
        return {**super().get_serializer_context(), "as_of": as_of(self.request), "public": not self.can_see_drafts()}


class FamilyViewSet(ReadOnlyViewSet):
    queryset = Family.objects.all()
    serializer_class = serializers.FamilySerializer
    filterset_class = filtersets.FamilyFilterSet
    ordering_fields = ["order", "name", "slug", "updated_at"]
    lookup_field = "slug"


class FeatureViewSet(ReadOnlyViewSet):
    """The three features, each with its sub-conditions."""

    queryset = Feature.objects.all()
    serializer_class = serializers.FeatureSerializer
    filterset_class = filtersets.FeatureFilterSet
    ordering_fields = ["order", "code", "updated_at"]
    lookup_field = "code"


class SubConditionViewSet(ReadOnlyViewSet):
    queryset = SubCondition.objects.all()
    serializer_class = serializers.SubConditionSerializer
    filterset_class = filtersets.SubConditionFilterSet
    ordering_fields = ["order", "code", "short_code", "updated_at"]
    lookup_field = "code"


class ClassificationViewSet(ListViewSet):
    """
    The comparison matrix as data: per country, how many types are SSEOE, PHO
    or outside, also broken down by family. Drafts are never counted for
    readers who cannot see them.
    """

    queryset = Country.objects.all()
    serializer_class = serializers.ClassificationSerializer
    filterset_class = filtersets.ClassificationFilterSet
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return Country.objects.visible_to(self.request.user)

    def get_serializer_context(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no request, no data
            return super().get_serializer_context()
        matrix = OrganizationType.objects.visible_to(self.request.user).classification_matrix(as_of(self.request))
        return {**super().get_serializer_context(), "matrix": matrix}


class AssessmentViewSet(LawVisibilityMixin, ReadOnlyViewSet):
    """
    The evidence: one row per cell (an organization type x a sub-condition) with its
    finding on the day asked (met, not stipulated, not yet assessed) and the references
    it rests on (law, provision, quoted wording, verification level). A cell is looked up
    by its type's slug and the sub-condition's short code: ``assessments/ph-cooperative.D2/``.
    """

    queryset = Assessment.objects.all()
    serializer_class = serializers.CellSerializer
    filterset_class = filtersets.AssessmentFilterSet
    lookup_field = "key"
    lookup_value_regex = r"[-\w]+\.[A-Za-z0-9]+"
    ordering = ["org_type__country__code", "org_type__slug", "sub_condition__feature__order", "sub_condition__order"]
    ordering_fields = ["country", "org_type", "family", "sub_condition", "finding", "updated_at"]
    ordering_sources = {
        "country": ("org_type__country__code",),
        "org_type": ("org_type__slug",),
        "family": ("org_type__family__order", "org_type__family__slug"),
        "sub_condition": ("sub_condition__feature__order", "sub_condition__order"),
    }
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def get_queryset(self):
        types = OrganizationType.objects.visible_to(self.request.user)
        types = types.existing_on(as_of(self.request) or timezone.localdate())
        references = Reference.objects.select_related("law__country", "source", "assessment")
        return (
            Assessment.objects.filter(org_type__in=types.values("pk"))
            .select_related("org_type__country", "org_type__family", "sub_condition__feature")
            .defer("curator_note", "org_type__description", "org_type__curator_note")
            .prefetch_related(Prefetch("references", queryset=references))
        )

    def get_object(self):
        slug, _, short_code = self.kwargs[self.lookup_field].rpartition(".")
        queryset = self.filter_queryset(self.get_queryset())
        cell = get_object_or_404(queryset, org_type__slug=slug, sub_condition__short_code__iexact=short_code)
        self.check_object_permissions(self.request, cell)
        return cell

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": as_of(self.request)}
