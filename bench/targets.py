"""
The benchmark's targets: (name, how to find the URL in the loaded database).

A resolver returns a path, or None when what it needs is not in the
database. A target whose URL answers 404 is reported "n/a (not built)".
"""

import datetime
import os


def _country():
    from countries.models import Country  # bench/run.py imports this module before it sets Django up

    return Country.objects.published().filter(slug__startswith="syn-").order_by("slug").first()


def _org_type():
    from orgs.models import OrganizationType  # bench/run.py imports this module before it sets Django up

    return OrganizationType.objects.public().filter(slug__startswith="syn-").order_by("slug").first()


def _url(obj):
    return obj.get_absolute_url() if obj else None


AS_OF = datetime.date(2015, 1, 1).isoformat()

TARGETS = [
    ("home page", lambda: "/"),
    ("country page", lambda: _url(_country())),
    ("org-type page", lambda: _url(_org_type())),
    (
        "api org-types (100 rows, filtered)",
        lambda: "/api/v1/org-types/?page_size=100&classification=sseoe&legally_institutionalized=true",
    ),
    ("api org-types ?search=", lambda: "/api/v1/org-types/?search=cooperative"),
    ("api laws ?as_of=", lambda: f"/api/v1/laws/?as_of={AS_OF}"),
    ("countries GeoJSON (API)", lambda: "/api/v1/countries/?format=geojson"),
    ("countries GeoJSON (map)", lambda: "/map/countries.geojson"),
    ("CSV export (types + evidence)", lambda: "/api/v1/org-types/?format=csv&all=true"),
]

# The one target whose memory is measured while it streams.
CSV_EXPORT = "CSV export (types + evidence)"


def selected():
    """The targets to measure: all, or those whose name contains one of BENCH_ONLY's comma-separated words."""
    words = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
    return [target for target in TARGETS if not words or any(word in target[0] for word in words)]
