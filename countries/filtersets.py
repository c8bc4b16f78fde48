"""API filters for countries, laws, statistics and sources (see docs/api.md)."""

import django_filters
from django.db.models import Q

from core.api.filters import APIFilterSet, ChoiceListFilter, CodeListFilter, UTCDateTimeFilter
from core.models import MAX_YEAR, MIN_YEAR

from .choices import Indicator, LawKind, LawStatus, Region, ResearchPhase, SourceKind
from .models import Country, Law, LawEvent, Source, Statistic


def visible_countries(request):
    return Country.objects.visible_to(request.user) if request is not None else Country.objects.public()


def country_filter(field_name="country__code"):
    return CodeListFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=visible_countries,
        transform=str.upper,
        case_insensitive=True,
        help_text="One or several ISO 3166-1 alpha-2 codes, case-insensitive: `PH` or `PH,KR`.",
    )


def year_filter(lookup_expr, help_text):
    return django_filters.NumberFilter(
        field_name="year",
        lookup_expr=lookup_expr,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        decimal_places=0,
        help_text=help_text,
    )


class CountryFilterSet(APIFilterSet):
    search_fields = ("name", "local_name", "narrative")

    code = CodeListFilter(
        field_name="code",
        to_field_name="code",
        queryset=visible_countries,
        transform=str.upper,
        case_insensitive=True,
        help_text="One or several ISO 3166-1 alpha-2 codes.",
    )
    region = ChoiceListFilter(choices=Region.choices)
    phase = ChoiceListFilter(choices=ResearchPhase.choices, help_text="The research phase(s): 1 or 2.")

    class Meta:
        model = Country
        fields = ["code", "region", "phase"]


class LawFilterSet(APIFilterSet):
    search_fields = ("title", "local_title", "short_title", "citation", "summary")

    country = country_filter()
    kind = ChoiceListFilter(choices=LawKind.choices)
    status = ChoiceListFilter(choices=LawStatus.choices, help_text="The legal status today.")
    enacted_after = django_filters.DateFilter(
        field_name="enacted_on", lookup_expr="gte", help_text="Enacted on or after this date (YYYY-MM-DD)."
    )
    enacted_before = django_filters.DateFilter(
        field_name="enacted_on", lookup_expr="lte", help_text="Enacted on or before this date (YYYY-MM-DD)."
    )
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        help_text="Time travel: only the laws in force on this date (YYYY-MM-DD), as their dated events decide.",
    )
    updated_since = UTCDateTimeFilter(
        method="filter_updated_since",
        help_text="Laws changed at or after this ISO 8601 datetime, including changes and deletions of their "
        "dated events (the change feed); no limit on age.",
    )

    class Meta:
        model = Law
        fields = ["country", "kind", "status", "enacted_after", "enacted_before", "as_of"]

    def filter_as_of(self, queryset, name, value):
        return queryset.in_force_on(value)

    def filter_updated_since(self, queryset, name, value):
        events = LawEvent.objects.filter(updated_at__gte=value).values("law")
        removed = LawEvent.history.filter(history_type="-", history_date__gte=value).values("law_id")
        return queryset.filter(Q(updated_at__gte=value) | Q(pk__in=events) | Q(pk__in=removed))


class StatisticFilterSet(APIFilterSet):
    search_fields = ("label", "note")

    country = country_filter()
    org_type = CodeListFilter(
        field_name="org_type__slug",
        to_field_name="slug",
        queryset=lambda request: visible_org_types(request),
        help_text="One or several organization type slugs.",
    )
    indicator = ChoiceListFilter(choices=Indicator.choices)
    year = year_filter("exact", "Year of the figure.")
    year_min = year_filter("gte", "Year from (inclusive).")
    year_max = year_filter("lte", "Year to (inclusive).")

    class Meta:
        model = Statistic
        fields = ["country", "org_type", "indicator", "year", "year_min", "year_max"]


def visible_org_types(request):
    """The organization types a reader may filter statistics by (the model is ``orgs``', above this app)."""
    OrganizationType = Statistic._meta.get_field("org_type").related_model
    if request is None:
        return OrganizationType.objects.public()
    return OrganizationType.objects.visible_to(request.user)


class SourceFilterSet(APIFilterSet):
    search_fields = ("title", "publisher", "locator", "note")

    year = year_filter("exact", "Year of publication.")
    kind = ChoiceListFilter(choices=SourceKind.choices, help_text="One or several kinds of document.")

    class Meta:
        model = Source
        fields = ["kind", "year", "publisher"]
