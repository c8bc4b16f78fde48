"""
The API's reads of countries, laws, statistics and sources. Writes are added in
``curation.api.views``, which is what the router serves: every write goes through
the analysts' workflow.
"""

from django.http import HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from core.api.exceptions import problem_response
from core.api.renderers import CSVRenderer, GeoJSONRenderer, JSONLDRenderer
from core.api.viewsets import ReadOnlyViewSet, include_parameter
from countries import filtersets
from countries.models import Country, Law, Source, Statistic

from . import serializers


class LawVisibilityMixin:
    """Draft laws referenced from visible records are masked for readers who may not see them."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **serializers.law_visibility(getattr(self, "request", None))}


class CountryViewSet(ReadOnlyViewSet):
    """Countries, looked up by ISO 3166-1 alpha-2 code (case-insensitive). ``?format=geojson`` for a map."""

    queryset = Country.objects.all()
    serializer_class = serializers.CountrySerializer
    detail_serializer_class = serializers.CountryDetailSerializer
    filterset_class = filtersets.CountryFilterSet
    ordering_fields = ["code", "name", "region", "phase", "updated_at"]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, GeoJSONRenderer]

    def get_queryset(self):
        geo = self.requested_format() == "geojson"
        return Country.objects.visible_to(self.request.user).for_api(
            public=not self.can_see_drafts(), with_boundary=geo
        )

    def get_serializer_class(self):
        if self.requested_format() == "geojson":
            return serializers.CountryGeoSerializer if self.action == "list" else serializers.CountryGeoDetailSerializer
        return super().get_serializer_class()

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


@extend_schema_view(
    list=extend_schema(parameters=[include_parameter(["legal_bases", "references"])]),
    retrieve=extend_schema(parameters=[include_parameter(["legal_bases", "references"])]),
)
class LawViewSet(LawVisibilityMixin, ReadOnlyViewSet):
    """Laws and other instruments; ``as_of=YYYY-MM-DD`` keeps those in force that day."""

    queryset = Law.objects.all()
    serializer_class = serializers.LawSerializer
    detail_serializer_class = serializers.LawDetailSerializer
    filterset_class = filtersets.LawFilterSet
    lookup_field = "slug"
    ordering_fields = ["slug", "title", "enacted_on", "country", "kind", "status", "updated_at"]
    ordering_sources = {"country": ("country__code",)}
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONLDRenderer]

    def get_queryset(self):
        queryset = super().get_queryset()
        included = self.included() if self.request.method in ("GET", "HEAD") else set()
        # Through the reverse relations: this app never imports the organization types' app.
        if "legal_bases" in included:
            queryset = queryset.prefetch_related("legal_bases__org_type__country")
        if "references" in included:
            queryset = queryset.prefetch_related(
                "references__assessment__org_type__country", "references__assessment__sub_condition"
            )
        return queryset


class StatisticViewSet(ReadOnlyViewSet):
    queryset = Statistic.objects.all()
    serializer_class = serializers.StatisticSerializer
    detail_serializer_class = serializers.StatisticDetailSerializer
    filterset_class = filtersets.StatisticFilterSet
    ordering_fields = ["slug", "year", "value", "indicator", "country", "updated_at"]
    ordering_sources = {"country": ("country__code",)}
    lookup_field = "slug"


class SourceViewSet(ReadOnlyViewSet):
    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    detail_serializer_class = serializers.SourceDetailSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ["slug", "title", "year", "updated_at"]
    lookup_field = "slug"


class PermanentRedirect308(HttpResponseRedirect):
    status_code = 308


def law_by_id(request, pk, rest=""):
    """
    The first edition's law URLs (``laws/<id>/``): a permanent redirect to the law's
    URL by slug (301 for reads, 308 for writes, so the method and body are kept),
    the query string kept. Only laws the reader may see are found.
    """
    user = getattr(request, "user", None)
    laws = Law.objects.visible_to(user) if user is not None else Law.objects.public()
    slug = laws.filter(pk=pk).values_list("slug", flat=True).first()
    if slug is None:
        return problem_response(404, f"No law with the former id {pk}; laws are looked up by slug now.")
    location = reverse("api:law-detail", kwargs={"slug": slug})
    if request.META.get("QUERY_STRING"):
        location += "?" + request.META["QUERY_STRING"]
    redirect = HttpResponseRedirect if request.method in ("GET", "HEAD") else PermanentRedirect308
    response = redirect(location)
    if redirect is HttpResponseRedirect:
        response.status_code = 301
    return response
