"""
The public pages: home and map, countries, laws, organization types, families,
the method, search, compare, downloads, sources, and the correction form. The
querysets they share with the API live on the managers (``querysets.py`` of
``countries`` and ``orgs``).
"""

import datetime
import difflib
import re
from collections import defaultdict
from types import SimpleNamespace
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.edit import FormView
from django_ratelimit.decorators import ratelimit

from caching.version import data_version
from core.choices import PublicationStatus
from core.search import fold
from countries.choices import ResearchPhase
from countries.models import Country, Law, Source, Statistic
from countries.timeline import law_entries, timeline
from orgs import claims as claims_rule
from orgs.choices import ClassificationChoice, Finding
from orgs.explanation import sentences
from orgs.models import Claim, Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition
from orgs.querysets import landscape_of
from releases import downloads as releases_downloads

from . import challenges, charts
from . import citation as cite
from .forms import SuggestionForm

# The indicators the map can colour countries by: (key, legend title, unit). Shares compare
# countries fairly (a raw count of types measures how much was coded as much as the landscape);
# the counts stay for reference. The first is the default.
MAP_INDICATORS = [
    ("share_sseoe", gettext_lazy("Share of the types that are SSEOEs"), "%"),
    ("share_pho", gettext_lazy("Share of the types that are PHOs"), "%"),
    ("share_provisional", gettext_lazy("Share of the types still provisional"), "%"),
    ("share_assessed", gettext_lazy("Share of the cells assessed"), "%"),
    ("n_types", gettext_lazy("Organization types mapped (count)"), ""),
    ("n_laws", gettext_lazy("Laws and instruments (count)"), ""),
]
MAP_INDICATOR_KEYS = [key for key, _title, _unit in MAP_INDICATORS]


def share(part, whole):
    """A percentage rounded to a whole number; None when there is nothing to divide (no data, not zero)."""
    return round(100 * part / whole) if whole else None


def chosen_indicator(request):
    """The map's indicator from ``?indicator=`` (the map's state is in its URL); the first by default."""
    wanted = request.GET.get("indicator")
    return wanted if wanted in MAP_INDICATOR_KEYS else MAP_INDICATOR_KEYS[0]


def indicator_values(country):
    """The map's indicator values of a country annotated ``with_landscape_counts``."""
    return {
        "share_sseoe": share(country.n_sseoe, country.n_types),
        "share_pho": share(country.n_pho, country.n_types),
        "share_provisional": share(country.n_provisional, country.n_types),
        "share_assessed": share(country.n_cells_assessed, country.n_cells),
        "n_types": country.n_types,
        "n_laws": country.n_laws,
        "n_sseoe": country.n_sseoe,
        "n_pho": country.n_pho,
        "n_provisional": country.n_provisional,
    }


def classification_bar(country, width=300):
    """Stacked-bar geometry of a country's SSEOE / PHO / outside counts."""
    return charts.stacked_bar(
        [
            (ClassificationChoice.SSEOE, "SSEOE", country.n_sseoe),
            (ClassificationChoice.PHO, "PHO", country.n_pho),
            (ClassificationChoice.OUTSIDE, _("Outside"), country.n_outside),
        ],
        width=width,
    )


def family_matrix(families, countries, org_types):
    """Rows of (family, [types of each country]) for the families that have a type."""
    cells = defaultdict(list)
    by_pk = {country.pk: country for country in countries}
    for org_type in org_types:
        if org_type.country_id in by_pk:
            org_type.country = by_pk[org_type.country_id]  # already loaded: no query per cell
        cells[(org_type.family_id, org_type.country_id)].append(org_type)
    rows = []
    for family in families:
        row = [cells[(family.pk, country.pk)] for country in countries]
        if any(row):
            rows.append((family, row))
    return rows


# The home page's family matrix names at most this many types per cell.
HOME_CELL_TYPES = 3


def home_cell_types(limit):
    """
    The first ``limit`` public types of each (family, country) cell as the home page names
    them (name, link, badge, the cell's size), as plain values: the matrix holds thousands of
    them at scale, and a model instance and a ``reverse()`` each would cost more than the rest
    of the page.
    """
    # Every type's URL is this one with its slug in place of the placeholder (slugs are URL-safe).
    placeholder = "slug-placeholder"
    pattern = reverse("orgs:org-type-detail", kwargs={"slug": placeholder})
    rows = (
        OrganizationType.objects.public()
        .first_of_each_cell(limit)
        .order_by("name")
        .values("slug", "name", "classification", "settled", "family_id", "country_id", "cell_size")
    )
    return [SimpleNamespace(**row, url=pattern.replace(placeholder, row["slug"])) for row in rows]


class HomeView(TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = list(Country.objects.published().with_landscape_counts())
        # A cell lists its types up to HOME_CELL_TYPES; beyond, it links to the country with the count.
        org_types = home_cell_types(HOME_CELL_TYPES + 1)
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
                "provisional": sum(c.n_provisional for c in countries),
                "cells": sum(c.n_cells for c in countries),
                "cells_assessed": sum(c.n_cells_assessed for c in countries),
            },
            indicators=MAP_INDICATORS,
            indicator=chosen_indicator(self.request),
            cell_types=HOME_CELL_TYPES,
            phase_two=Country.objects.filter(phase=ResearchPhase.TWO).exclude(
                publication_status=PublicationStatus.PUBLISHED
            ),
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
                    **indicator_values(country),
                },
            }
            for country in context["object_list"]
        ]
        data = {
            "type": "FeatureCollection",
            "indicators": [{"key": key, "title": title, "unit": unit} for key, title, unit in MAP_INDICATORS],
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
                "chart": charts.column_chart_with_axis(dated) if len(dated) >= 2 else None,
            }
        )
    return series


def parse_day(raw):
    """(a date, '') from YYYY-MM-DD, (None, a message naming what was wrong) otherwise; (None, '') when empty."""
    if not raw:
        return None, ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return None, _("“%(value)s” is not a date: use YYYY-MM-DD, e.g. 2015-06-30.") % {"value": raw[:20]}


def as_they_stood(org_types, day):
    """The types with their cells' findings and classification as they stood on ``day`` (in memory only)."""
    landscapes = org_types.landscape_on(day)
    listed = list(org_types.for_listing())
    for org_type in listed:
        landscape = landscapes[org_type.pk]
        org_type.classification = landscape.result.classification
        org_type.settled = landscape.result.settled
        for cell in org_type.assessments.all():
            cell.finding = landscape.cells[cell.sub_condition_id].finding
    return listed


def counted(country, org_types):
    """The country with its classification counts taken from ``org_types`` (for a day other than today)."""
    for choice in ClassificationChoice:
        setattr(country, f"n_{choice.value}", sum(1 for t in org_types if t.classification == choice.value))
    return country


class CountryDetailView(DetailView):
    """
    A country today, or on the day of ``?as_of=YYYY-MM-DD`` (its types and their classification
    as they stood then). A phase-two country, whose research is not published yet, answers
    with a 'research in progress' page instead of a bare 404.
    """

    template_name = "public/country_detail.html"

    def get_queryset(self):
        return Country.objects.published().with_landscape_counts().prefetch_related("narrative_sources")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            planned = Country.objects.filter(slug=kwargs["slug"], phase=ResearchPhase.TWO).first()
            if planned is None:
                raise
            return render(request, "public/research_in_progress.html",
                          {"country": planned, "published": Country.objects.published()})  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        laws = list(Law.objects.public().filter(country=country).with_timeline())
        org_types = OrganizationType.objects.public().filter(country=country)
        as_of, as_of_error = parse_day(self.request.GET.get("as_of", ""))
        if as_of:
            org_types = as_they_stood(org_types.existing_on(as_of), as_of)
        else:
            # Today's marks from the stored findings (one query): no cell or reference instances.
            org_types = org_types.for_marks().with_feature_states()
        statistics = list(Statistic.objects.public().filter(country=country).select_related("source", "org_type"))
        sources = {s.pk: s for s in country.narrative_sources.all()}
        for law in laws:
            if law.source:
                sources[law.source.pk] = law.source
            for event in law.events.all():
                if event.source:
                    sources[event.source.pk] = event.source
        # The sources of the listed types' references, whichever day they count on.
        cited = Reference.objects.filter(assessment__org_type__in=[t.pk for t in org_types], source__isnull=False)
        for source in Source.objects.filter(pk__in=cited.values("source_id")):
            sources[source.pk] = source
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
            bar=classification_bar(counted(country, org_types) if as_of else country),
            as_of=as_of,
            as_of_error=as_of_error,
            today=datetime.date.today(),
            challenges=challenges.concerning(country.code),
            data_links=[
                (_("Organization types"), download_url("org-types", "csv", country=country.code)),
                (_("Laws and instruments"), download_url("laws", "csv", country=country.code)),
                (_("Statistics"), download_url("statistics", "csv", country=country.code)),
                (_("The country (JSON)"), f"/api/v1/countries/{country.code}/?format=json"),
            ],
            citation=citation(self.request, country.name),
        )
        return context


class LawDetailView(DetailView):
    template_name = "public/law_detail.html"

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
        context["axis"] = charts.time_axis(context["entries"])
        context["data_links"] = [
            (_("This law (JSON)"), f"/api/v1/laws/{law.pk}/?format=json"),
            (_("The types resting on it (CSV)"), download_url("org-types", "csv", law=law.slug)),
        ]
        context["citation"] = citation(self.request, law.title)
        return context


class SourceListView(ListView):
    template_name = "public/source_list.html"

    def get_queryset(self):
        return Source.objects.cited_publicly().order_by("title", "pk")


class CompareView(TemplateView):
    """Two or more countries side by side: ``/compare/?countries=<slug>&countries=<slug>``."""

    template_name = "public/compare.html"

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
                .for_marks()
                .order_by("name")
                .with_feature_states()
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

    template_name = "public/search.html"
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
        # Laws and types: the whole query in one of their searched fields, read from the stored
        # text the API's search reads (one line per field, each folded by ``core.search.fold``).
        # The planner has statistics on that column; on UPPER(field) LIKE it guessed 3 matches
        # of 8,700 and joined them by nested loops (1 s of SQL at scale 100).
        folded = fold(query)
        laws = Law.objects.public().filter(search_text__contains=folded).select_related("country")
        org_types = (
            OrganizationType.objects.public().filter(search_text__contains=folded).select_related("country", "family")
        )
        context.update(
            countries=list(countries[: self.limit]),
            laws=list(laws[: self.limit]),
            org_types=list(org_types[: self.limit]),
        )
        context["total"] = len(context["countries"]) + len(context["laws"]) + len(context["org_types"])
        if not context["total"]:
            context["suggestion"] = suggest(query)
        return context


WORD = re.compile(r"\w+", re.UNICODE)


def vocabulary():
    """The words of the public names and titles (what a visitor types), lower-cased."""
    names = [
        *Country.objects.published().values_list("name", flat=True),
        *Law.objects.public().values_list("title", flat=True),
        *OrganizationType.objects.public().values_list("name", flat=True),
        *Family.objects.values_list("name", flat=True),
    ]
    return {word.lower() for name in names for word in WORD.findall(name) if len(word) > 2}


def suggest(query):
    """'Did you mean': the query with each unknown word replaced by the closest known one (difflib), or ''."""
    words = vocabulary()
    fixed, changed = [], False
    for word in WORD.findall(query.lower()):
        if word in words:
            fixed.append(word)
            continue
        close = difflib.get_close_matches(word, words, n=1, cutoff=0.75)
        if close:
            fixed.append(close[0])
            changed = True
        else:
            fixed.append(word)
    return " ".join(fixed) if changed else ""


# The API's documented download URLs (the API lives under /api/v1/). Each link is the whole
# table: CSV streamed with ``all=true``, JSON as one page of the largest size (a table larger
# than that says how many pages it has).
# Only complete files: a JSON list is one page, so the tables are linked as CSV (every row).
DOWNLOADS = [
    (gettext_lazy("Organization types"), "org-types", ["csv"]),
    (gettext_lazy("Laws and instruments"), "laws", ["csv"]),
    (gettext_lazy("Countries"), "countries", ["csv"]),
    (gettext_lazy("Statistics"), "statistics", ["csv"]),
    (gettext_lazy("Features and sub-conditions"), "features", ["csv"]),
]


def download_url(endpoint, fmt, **filters):
    """The API URL of a whole table (or of its rows matching ``filters``) in ``fmt``."""
    query = {"format": fmt, **filters}
    if fmt == "csv":
        query["all"] = "true"
    else:
        query["page_size"] = settings.API_MAX_PAGE_SIZE
    return f"/api/v1/{endpoint}/?{urlencode(query)}"


class DownloadsView(TemplateView):
    template_name = "public/downloads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["downloads"] = [
            (title, [(fmt.upper(), download_url(endpoint, fmt)) for fmt in formats])
            for title, endpoint, formats in DOWNLOADS
        ]
        # The whole dataset: the current data's files and every release's, with their sizes.
        context["editions"] = releases_downloads.editions(self.request)
        context["license_name"] = settings.DATA_LICENSE_NAME
        context["license_url"] = settings.DATA_LICENSE_URL
        context["citation"] = citation(self.request, _("SSE Map: the social and solidarity economy in Asia"),
                                       reverse("countries:home"))  # fmt: skip
        context["reference_count"] = Reference.objects.filter(
            assessment__org_type__in=OrganizationType.objects.public()
        ).count()
        return context


def citation(request, title, path=None):
    """The citation box of a page: release, date, URL, as text, BibTeX and RIS (public/citation.py)."""
    return cite.Citation(
        title=str(title),
        url=request.build_absolute_uri(path or request.path),
        release=data_version()[:8],
        accessed=datetime.date.today(),
        license=settings.DATA_LICENSE_NAME,
    )


class ChallengeListView(TemplateView):
    """The brief's key policy challenges and ways forward, each with its headline figure."""

    template_name = "public/challenge_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org_types = list(OrganizationType.objects.public().for_listing())
        context["challenges"] = [(c, challenges.figures(c, org_types)) for c in challenges.CHALLENGES]
        context["brief"] = Source.objects.filter(slug=challenges.BRIEF_SOURCE).first()
        return context


class ChallengeDetailView(TemplateView):
    """One challenge: in our words, the countries it concerns with the brief's examples, live figures."""

    template_name = "public/challenge_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        challenge = challenges.BY_SLUG.get(kwargs["slug"])
        if challenge is None:
            raise Http404("No such challenge.")
        org_types = list(OrganizationType.objects.public().for_listing())
        countries = {c.code: c for c in Country.objects.published()}
        figures = challenges.figures(challenge, org_types)
        for figure in figures:
            for row in figure["rows"]:
                row["country_obj"] = countries.get(row["country"])
        context.update(
            challenge=challenge,
            figures=figures,
            examples=[(countries.get(code), code, text) for code, text in challenge.examples.items()],
            others=[c for c in challenges.CHALLENGES if c.slug != challenge.slug],
            brief=Source.objects.filter(slug=challenges.BRIEF_SOURCE).first(),
            citation=citation(self.request, challenge.title),
        )
        return context


# Organization types, families, the method; the correction form -----------------------


class OrganizationTypeDetailView(DetailView):
    """
    A type today: its six cells (met, not stipulated, not yet assessed) with the provisions
    they rest on, its classification (settled, or provisional and what it could still be),
    its legal basis, what the research says of it and how our reading compares.
    """

    template_name = "public/organizationtype_detail.html"
    context_object_name = "org_type"

    def get_queryset(self):
        return OrganizationType.objects.public().with_assessments()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org_type = self.object
        features = list(Feature.objects.all())
        landscape = landscape_of(org_type, [f.code for f in features])
        cells = sorted(org_type.assessments.all(), key=lambda c: (c.sub_condition.feature.order, c.sub_condition.order))
        references = {ref.pk: ref for cell in cells for ref in cell.references.all()}
        classification, explanation = sentences(
            landscape,
            references,
            {f.code: f.name for f in features},
            {cell.sub_condition_id: cell.sub_condition for cell in cells},
            lambda law: law.is_published,
        )
        grid = []
        for feature in features:
            rows = []
            for cell in (c for c in cells if c.sub_condition.feature_id == feature.pk):
                today = landscape.cells[cell.sub_condition_id]
                counting = [references[pk] for pk in today.references]
                others = [ref for ref in cell.references.all() if ref.pk not in today.references]
                rows.append({"cell": cell, "finding": today.finding, "kind": today.not_stipulated_kind,
                             "references": counting, "earlier": others})  # fmt: skip
            grid.append({"feature": feature, "rows": rows, "met": feature.code in classification.met_features,
                         "open": feature.code in classification.open_features})  # fmt: skip
        claims = (
            Claim.objects.public()
            .filter(country=org_type.country_id)
            .filter(Q(org_type=org_type) | Q(org_type__isnull=True, family=org_type.family_id))
        )
        # What the statements are about: the published types of this country (one query, always).
        about = OrganizationType.objects.published().filter(country=org_type.country_id)
        context.update(
            classification=classification,
            explanation=explanation,
            grid=grid,
            legal_bases=[b for b in org_type.legal_bases.all() if b.law.is_published],
            claims=[(claim, status, claims_rule.LABELS[status]) for claim, status, _ in claims.evaluated(about)],
            statistics=list(
                Statistic.objects.public().filter(org_type=org_type).select_related("source").order_by("year")
            ),
            challenges=challenges.concerning_type(org_type),
            data_links=[
                (_("This type with its cells and references (JSON)"), f"/api/v1/org-types/{org_type.slug}/?format=json")
            ],  # fmt: skip
            citation=citation(self.request, f"{org_type.name} ({org_type.country.name})"),
        )
        return context


class FamilyListView(ListView):
    template_name = "public/family_list.html"

    def get_queryset(self):
        public = Q(
            org_types__publication_status=PublicationStatus.PUBLISHED,
            org_types__country__publication_status=PublicationStatus.PUBLISHED,
        )
        return Family.objects.annotate(
            n_types=Count("org_types", filter=public, distinct=True),
            n_countries=Count("org_types__country", filter=public, distinct=True),
        )


class FamilyDetailView(DetailView):
    """One family across all countries, each country's types side by side."""

    template_name = "public/family_detail.html"
    queryset = Family.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org_types = self.object.org_types.public().for_marks().order_by("country__name", "name").with_feature_states()
        by_country = {}
        for org_type in org_types:
            by_country.setdefault(org_type.country, []).append(org_type)
        context["by_country"] = list(by_country.items())
        context["features"] = list(Feature.objects.all())
        context["others"] = Country.objects.published().exclude(pk__in=[c.pk for c in by_country])
        types_csv = download_url("org-types", "csv", family=self.object.slug)
        context["data_links"] = [(_("The family's types (CSV)"), types_csv)]
        context["citation"] = citation(self.request, self.object.name)
        return context


class MethodologyView(TemplateView):
    """The features, sub-conditions and rule, with live counts of public types."""

    template_name = "public/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Q(
            assessments__org_type__publication_status=PublicationStatus.PUBLISHED,
            assessments__org_type__country__publication_status=PublicationStatus.PUBLISHED,
        )
        sub_conditions = SubCondition.objects.annotate(
            n_types=Count("assessments", filter=public & Q(assessments__finding=Finding.MET), distinct=True),
            n_not_stipulated=Count(
                "assessments", filter=public & Q(assessments__finding=Finding.NOT_STIPULATED), distinct=True
            ),
            n_not_assessed=Count(
                "assessments", filter=public & Q(assessments__finding=Finding.NOT_ASSESSED), distinct=True
            ),
        )
        context["features"] = list(
            Feature.objects.prefetch_related(Prefetch("sub_conditions", queryset=sub_conditions))
        )
        counts = dict(
            OrganizationType.objects.public().order_by().values_list("classification").annotate(n=Count("pk"))
        )
        context["counts"] = [
            (choice.value, choice.label, counts.get(choice.value, 0)) for choice in ClassificationChoice
        ]
        context["total"] = sum(counts.values())
        context["provisional"] = OrganizationType.objects.public().filter(settled=False).count()
        context["phase_two"] = Country.objects.filter(phase=ResearchPhase.TWO).exclude(
            publication_status=PublicationStatus.PUBLISHED
        )
        return context


@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=False), name="post")
class SuggestionView(FormView):
    """
    'Suggest a correction' on a type or a law: stored for the analysts' review queue
    (status 'new'), never published. A filled honeypot is thanked and dropped.
    """

    form_class = SuggestionForm
    template_name = "public/suggestion_form.html"
    target_model = None

    def dispatch(self, request, *args, **kwargs):
        queryset = self.target_model.objects.public()
        self.target = get_object_or_404(queryset, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return render(
                request,
                "public/suggestion_limited.html",
                {"target": self.target},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        context["target_name"] = getattr(self.target, "name", None) or self.target.title
        return context

    def form_valid(self, form):
        if not form.is_bot():
            suggestion = form.save(commit=False)
            if isinstance(self.target, Law):
                suggestion.law = self.target
            else:
                suggestion.org_type = self.target
            suggestion.save()
        return redirect(reverse("orgs:suggestion-thanks") + f"?from={self.target.get_absolute_url()}")


class OrganizationTypeSuggestionView(SuggestionView):
    target_model = OrganizationType


class LawSuggestionView(SuggestionView):
    target_model = Law


class SuggestionThanksView(TemplateView):
    template_name = "public/suggestion_thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        back = self.request.GET.get("from", "")
        # Only a link to this site (Django's own check: refuses //host, /\\host, other schemes).
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        context["back"] = back if safe else ""
        return context


# Embeds: the only pages another site may show in a frame -----------------------------

FRAMEABLE = csp_replace({"frame-ancestors": ["*"]})


@method_decorator([xframe_options_exempt, FRAMEABLE], name="dispatch")
class EmbedMapView(TemplateView):
    """The map alone, coloured by ``?indicator=``, with its legend, table and a link back."""

    template_name = "public/embed_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = list(Country.objects.published().with_landscape_counts())
        context.update(countries=countries, indicators=MAP_INDICATORS, indicator=chosen_indicator(self.request))
        return context


@method_decorator([xframe_options_exempt, FRAMEABLE], name="dispatch")
class EmbedCountryChartsView(DetailView):
    """A country's charts alone (its classification bar and statistics series), for a frame."""

    template_name = "public/embed_country.html"

    def get_queryset(self):
        return Country.objects.published().with_landscape_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statistics = Statistic.objects.public().filter(country=self.object).select_related("source", "org_type")
        context.update(bar=classification_bar(self.object), series=statistic_series(list(statistics)))
        return context
