"""The public pages about countries and laws; shared querysets live in querysets.py."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from orgs.choices import ClassificationChoice
from orgs.models import Evidence, Family, Feature, LegalBasis, OrganizationType

from . import charts
from .models import Country, Law, Source, Statistic
from .timeline import law_entries, timeline

# The indicators the map can colour countries by: (key, legend title).
MAP_INDICATORS = [
    ("n_types", "Organization types mapped"),
    ("n_sseoe", "SSEOE types"),
    ("n_pho", "PHO types"),
    ("n_laws", "Laws and instruments"),
]


def classification_bar(country, width=300):
    """Stacked-bar geometry of a country's SSEOE / PHO / outside counts."""
    return charts.stacked_bar(
        [
            (ClassificationChoice.SSEOE, "SSEOE", country.n_sseoe),
            (ClassificationChoice.PHO, "PHO", country.n_pho),
            (ClassificationChoice.OUTSIDE, "Outside", country.n_outside),
        ],
        width=width,
    )


def family_matrix(families, countries, org_types):
    """Rows of (family, [types of each country]) for the families that have a type."""
    cells = defaultdict(list)
    for org_type in org_types:
        cells[(org_type.family_id, org_type.country_id)].append(org_type)
    rows = []
    for family in families:
        row = [cells[(family.pk, country.pk)] for country in countries]
        if any(row):
            rows.append((family, row))
    return rows


class HomeView(TemplateView):
    template_name = "countries/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = list(Country.objects.published().with_landscape_counts())
        org_types = OrganizationType.objects.public().select_related("family").order_by("name")
        for country in countries:
            country.bar = classification_bar(country)
        context.update(
            countries=countries,
            matrix=family_matrix(Family.objects.all(), countries, org_types),
            figures={
                "countries": len(countries),
                "laws": sum(c.n_laws for c in countries),
                "types": sum(c.n_types for c in countries),
                "sseoe": sum(c.n_sseoe for c in countries),
                "pho": sum(c.n_pho for c in countries),
            },
            indicators=MAP_INDICATORS,
        )
        return context


class MapDataView(ListView):
    """The published countries' shapes and map indicators, as a GeoJSON FeatureCollection."""

    def get_queryset(self):
        return Country.objects.published().with_landscape_counts().filter(boundary__isnull=False)

    def render_to_response(self, context, **response_kwargs):
        features = [
            {
                "type": "Feature",
                "id": country.code,
                "geometry": country.boundary,
                "properties": {
                    "name": country.name,
                    "local_name": country.local_name,
                    "url": country.get_absolute_url(),
                    **{key: getattr(country, key) for key, _ in MAP_INDICATORS},
                },
            }
            for country in context["object_list"]
        ]
        data = {
            "type": "FeatureCollection",
            "indicators": [{"key": key, "title": title} for key, title in MAP_INDICATORS],
            "attribution": "Boundaries: Natural Earth (public domain)",
            "features": features,
        }
        return JsonResponse(data, content_type="application/geo+json")


def statistic_series(statistics):
    """Group statistics into series (same indicator, label and unit), each with a column chart."""
    groups = defaultdict(list)
    for stat in statistics:
        groups[(stat.get_indicator_display(), stat.label, stat.unit)].append(stat)
    series = []
    for (indicator, label, unit), rows in groups.items():
        rows.sort(key=lambda s: s.year or 0)
        dated = [(str(s.year), float(s.value)) for s in rows if s.year]
        series.append(
            {
                "indicator": indicator,
                "label": label,
                "unit": unit,
                "rows": rows,
                "bars": charts.column_chart(dated) if len(dated) >= 2 else [],
            }
        )
    return series


class CountryDetailView(DetailView):
    template_name = "countries/country_detail.html"

    def get_queryset(self):
        return Country.objects.published().with_landscape_counts().prefetch_related("narrative_sources")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        laws = list(Law.objects.public().filter(country=country).with_timeline())
        org_types = list(OrganizationType.objects.public().filter(country=country).for_listing())
        statistics = list(Statistic.objects.public().filter(country=country).select_related("source", "org_type"))
        sources = {s.pk: s for s in country.narrative_sources.all()}
        for law in laws:
            if law.source:
                sources[law.source.pk] = law.source
            for event in law.events.all():
                if event.source:
                    sources[event.source.pk] = event.source
        for org_type in org_types:
            for row in org_type.evidence.all():
                if row.source:
                    sources[row.source.pk] = row.source
        for stat in statistics:
            if stat.source:
                sources[stat.source.pk] = stat.source
        context.update(
            laws=laws,
            timeline=timeline(laws),
            org_types=org_types,
            features=list(Feature.objects.all()),
            statistics=statistics,
            series=statistic_series(statistics),
            sources=sorted(sources.values(), key=lambda s: (s.title, s.pk)),
            bar=classification_bar(country),
        )
        return context


class LawDetailView(DetailView):
    template_name = "countries/law_detail.html"

    def get_queryset(self):
        public_laws = Law.objects.public().select_related("country")
        return (
            Law.objects.public()
            .with_timeline()
            .prefetch_related(
                Prefetch("amends", queryset=public_laws),
                Prefetch("replaces", queryset=public_laws),
                Prefetch("amended_by", queryset=public_laws),
                Prefetch("replaced_by", queryset=public_laws),
                Prefetch(
                    "legal_bases",
                    queryset=LegalBasis.objects.filter(org_type__in=OrganizationType.objects.public()).select_related(
                        "org_type"
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        law = self.object
        context["entries"] = law_entries(law)
        context["legal_bases"] = law.legal_bases.all()
        return context


class SourceListView(ListView):
    template_name = "countries/source_list.html"

    def get_queryset(self):
        return Source.objects.cited_publicly().order_by("title", "pk")


class CompareView(TemplateView):
    """Two or more countries side by side: ``/compare/?countries=<slug>&countries=<slug>``."""

    template_name = "countries/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_countries = list(Country.objects.published().with_landscape_counts())
        wanted = set(self.request.GET.getlist("countries"))
        selected = [c for c in all_countries if c.slug in wanted]
        context.update(all_countries=all_countries, selected=selected, wanted=wanted)
        if len(selected) >= 2:
            org_types = (
                OrganizationType.objects.public()
                .filter(country__in=[c.pk for c in selected])
                .for_listing()
                .order_by("name")
            )
            for country in selected:
                country.bar = classification_bar(country, width=200)
            context["matrix"] = family_matrix(Family.objects.all(), selected, org_types)
            context["features"] = list(Feature.objects.all())
        elif len(selected) == 1:
            context["hint"] = f"Choose one or more countries to compare with {selected[0].name}."
        elif wanted:
            context["error"] = "Choose at least two countries to compare."
        return context


class SearchView(TemplateView):
    """Countries, laws and organization types whose names or texts contain the words searched."""

    template_name = "countries/search.html"
    min_length = 2
    limit = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        context["query"] = query
        if len(query) < self.min_length:
            if query:
                context["error"] = f"Type at least {self.min_length} characters."
            return context
        countries = Country.objects.published().filter(
            Q(name__icontains=query) | Q(local_name__icontains=query) | Q(code__iexact=query)
        )
        laws = (
            Law.objects.public()
            .filter(
                Q(title__icontains=query)
                | Q(local_title__icontains=query)
                | Q(short_title__icontains=query)
                | Q(citation__icontains=query)
                | Q(summary__icontains=query)
            )
            .select_related("country")
        )
        org_types = (
            OrganizationType.objects.public()
            .filter(Q(name__icontains=query) | Q(local_name__icontains=query) | Q(description__icontains=query))
            .select_related("country", "family")
        )
        context.update(
            countries=list(countries[: self.limit]),
            laws=list(laws[: self.limit]),
            org_types=list(org_types[: self.limit]),
        )
        context["total"] = len(context["countries"]) + len(context["laws"]) + len(context["org_types"])
        return context


# The API's documented download URLs (the API lives under /api/v1/).
DOWNLOADS = [
    ("Organization types", "org-types", ["csv", "json"]),
    ("Laws and instruments", "laws", ["csv", "json"]),
    ("Countries", "countries", ["csv", "json", "geojson"]),
    ("Statistics", "statistics", ["csv", "json"]),
    ("Features and sub-conditions", "features", ["json"]),
]


class DownloadsView(TemplateView):
    template_name = "countries/downloads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["downloads"] = [
            (title, [(fmt.upper(), f"/api/v1/{endpoint}/?format={fmt}") for fmt in formats])
            for title, endpoint, formats in DOWNLOADS
        ]
        context["license_name"] = settings.DATA_LICENSE_NAME
        context["license_url"] = settings.DATA_LICENSE_URL
        context["page_url"] = self.request.build_absolute_uri(reverse("countries:home"))
        context["evidence_count"] = Evidence.objects.filter(org_type__in=OrganizationType.objects.public()).count()
        return context
