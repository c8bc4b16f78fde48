"""
The API's reads of countries, laws, statistics and sources. Writes are added in
``curation.api.views``, which is what the router serves: every write goes through
the analysts' workflow.
"""

from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from core.api.renderers import CSVRenderer, GeoJSONRenderer, JSONLDRenderer
from core.api.viewsets import ReadOnlyViewSet
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
            return serializers.CountryGeoSerializer
        return super().get_serializer_class()

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class LawViewSet(LawVisibilityMixin, ReadOnlyViewSet):
    """Laws and other instruments; ``as_of=YYYY-MM-DD`` keeps those in force that day."""

    queryset = Law.objects.all()
    serializer_class = serializers.LawSerializer
    detail_serializer_class = serializers.LawDetailSerializer
    filterset_class = filtersets.LawFilterSet
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["id", "title", "enacted_on", "country__code", "kind", "status", "updated_at"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, JSONLDRenderer]


class StatisticViewSet(ReadOnlyViewSet):
    queryset = Statistic.objects.all()
    serializer_class = serializers.StatisticSerializer
    detail_serializer_class = serializers.StatisticDetailSerializer
    filterset_class = filtersets.StatisticFilterSet
    ordering_fields = ["year", "value", "indicator", "country__code", "updated_at"]
    lookup_field = "slug"


class SourceViewSet(ReadOnlyViewSet):
    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    detail_serializer_class = serializers.SourceDetailSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ["title", "year", "updated_at"]
    lookup_field = "slug"
