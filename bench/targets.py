"""
The benchmark's targets: (name, how to find the URL in the loaded database).

A resolver returns a path, or None when what it needs is not in the
database. A target whose URL answers 404 is reported "n/a (not built)".
Issue 19 lists them: every public page, every API list and detail, search,
``as_of`` with and without derived filters, the downloads (CSV), the change feed.
``tests/project/test_query_budgets.py`` locks the query count of each one.
"""

import datetime
import os


def _first(model_path, **filters):
    from django.apps import apps  # bench/run.py imports this module before it sets Django up

    model = apps.get_model(model_path)
    return model.objects.public().filter(slug__startswith="syn-", **filters).order_by("slug").first()


def _country():
    from countries.models import Country  # bench/run.py imports this module before it sets Django up

    return Country.objects.published().filter(slug__startswith="syn-").order_by("slug").first()


def _url(obj):
    return obj.get_absolute_url() if obj else None


def _family():
    from orgs.models import Family  # bench/run.py imports this module before it sets Django up

    return Family.objects.order_by("order", "slug").first()


def _compare():
    from countries.models import Country  # bench/run.py imports this module before it sets Django up

    slugs = Country.objects.published().filter(slug__startswith="syn-").order_by("slug").values_list("slug", flat=True)
    return "/compare/?" + "&".join(f"countries={slug}" for slug in slugs[:3])


def _deep_page():
    """A page of 100 types near the end of the list (OFFSET paging reads every row before it)."""
    from orgs.models import OrganizationType  # bench/run.py imports this module before it sets Django up

    return f"/api/v1/org-types/?page_size=100&page={max(1, OrganizationType.objects.public().count() // 100 - 1)}"


def _deep_cursor():
    """The same deep page as ``_deep_page``, by keyset paging: the cursor of the row before it."""
    from django.test import Client  # bench/run.py imports this module before it sets Django up

    deep = _deep_page()
    page = int(deep.rsplit("=", 1)[1])
    if page < 2:
        return deep.replace(f"page={page}", "cursor=")
    previous = Client().get(deep.replace(f"page={page}", f"page={page - 1}")).json()
    return _cursor_after(previous["results"][-1]["slug"])


def _cursor_after(slug):
    from core.api.pagination import PageNumberPagination  # bench/run.py imports this module before Django is set up
    from orgs.models import OrganizationType  # bench/run.py imports this module before it sets Django up

    row = OrganizationType.objects.filter(slug=slug).values_list("country__name", "family__order", "name", "pk").get()
    return f"/api/v1/org-types/?page_size=100&cursor={PageNumberPagination().encode(list(row))}"


def _cell():
    """The first cell of the first synthetic type, by its key (the type's slug and the short code)."""
    from orgs.models import Assessment  # bench/run.py imports this module before it sets Django up

    cell = (
        Assessment.objects.filter(org_type__slug__startswith="syn-", org_type__publication_status="published")
        .select_related("org_type", "sub_condition")
        .order_by("org_type__slug", "sub_condition__short_code")
        .first()
    )
    return f"/api/v1/assessments/{cell.org_type.slug}.{cell.sub_condition.short_code}/" if cell else None


def _source():
    from countries.models import Source  # bench/run.py imports this module before it sets Django up

    return Source.objects.filter(slug__startswith="syn-").order_by("slug").first()


def _method_record(model_path):
    from django.apps import apps  # bench/run.py imports this module before it sets Django up

    return apps.get_model(model_path).objects.order_by("code").first()


def _api(path, obj, key):
    return f"/api/v1/{path}/{getattr(obj, key)}/" if obj else None


AS_OF = datetime.date(2015, 1, 1).isoformat()
SINCE = "2000-01-01T00:00:00Z"
TYPE_LIST = "/api/v1/org-types/?page_size=100&classification=sseoe&legally_institutionalized=true"

TARGETS = [
    # Public pages
    ("home page", lambda: "/"),
    ("country page", lambda: _url(_country())),
    ("law page", lambda: _url(_first("countries.Law"))),
    ("org-type page", lambda: _url(_first("orgs.OrganizationType"))),
    ("family page", lambda: _url(_family())),
    ("families page", lambda: "/families/"),
    ("methodology page", lambda: "/methodology/"),
    ("sources page", lambda: "/sources/"),
    ("downloads page", lambda: "/downloads/"),
    ("compare page", _compare),
    ("site search page", lambda: "/search/?q=cooperative"),
    ("countries GeoJSON (map)", lambda: "/map/countries.geojson"),
    # API lists
    ("api org-types (100 rows, filtered)", lambda: TYPE_LIST),
    ("api org-types ?country=", lambda: f"/api/v1/org-types/?country={_country().code}" if _country() else None),
    ("api org-types deep page", _deep_page),
    ("api org-types deep page (cursor)", _deep_cursor),
    ("api org-types ?search=", lambda: "/api/v1/org-types/?search=cooperative"),
    ("api org-types ?as_of=", lambda: f"/api/v1/org-types/?page_size=100&as_of={AS_OF}"),
    ("api org-types ?as_of= derived", lambda: f"/api/v1/org-types/?page_size=100&as_of={AS_OF}&classification=sseoe"),
    ("api laws", lambda: "/api/v1/laws/?page_size=100"),
    ("api laws ?as_of=", lambda: f"/api/v1/laws/?as_of={AS_OF}"),
    ("api laws ?search=", lambda: "/api/v1/laws/?search=act"),
    ("api countries", lambda: "/api/v1/countries/"),
    ("countries GeoJSON (API)", lambda: "/api/v1/countries/?format=geojson"),
    ("api statistics", lambda: "/api/v1/statistics/?page_size=100"),
    ("api sources", lambda: "/api/v1/sources/?page_size=100"),
    ("api families", lambda: "/api/v1/families/"),
    ("api features", lambda: "/api/v1/features/"),
    ("api sub-conditions", lambda: "/api/v1/sub-conditions/"),
    ("api classification", lambda: "/api/v1/classification/"),
    ("api assessments (100 cells)", lambda: "/api/v1/assessments/?page_size=100"),
    # API details (one record by key)
    ("api org-type detail", lambda: _api("org-types", _first("orgs.OrganizationType"), "slug")),
    ("api country detail", lambda: _api("countries", _country(), "code")),
    ("api law detail", lambda: _api("laws", _first("countries.Law"), "slug")),
    ("api statistic detail", lambda: _api("statistics", _first("countries.Statistic"), "slug")),
    ("api family detail", lambda: _api("families", _family(), "slug")),
    ("api source detail", lambda: _api("sources", _source(), "slug")),
    ("api feature detail", lambda: _api("features", _method_record("orgs.Feature"), "code")),
    ("api sub-condition detail", lambda: _api("sub-conditions", _method_record("orgs.SubCondition"), "code")),
    ("api assessment detail", _cell),
    # The change feed
    ("change feed org-types", lambda: f"/api/v1/org-types/?updated_since={SINCE}&page_size=100"),
    ("change feed deletions", lambda: f"/api/v1/deletions/?updated_since={SINCE}"),
    # Downloads
    ("CSV laws (one page)", lambda: "/api/v1/laws/?format=csv&page_size=100"),
    ("CSV export (types + evidence)", lambda: "/api/v1/org-types/?format=csv&all=true"),
]

# The one target whose memory is measured while it streams.
CSV_EXPORT = "CSV export (types + evidence)"


def selected():
    """The targets to measure: all, or those whose name contains one of BENCH_ONLY's comma-separated words."""
    words = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
    return [target for target in TARGETS if not words or any(word in target[0] for word in words)]
