"""
The load test's URLs: public pages and API reads over the loaded database, each
checked to answer 200 in-process first. Prints one path per line.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sse_map.settings")
os.environ.pop("REDIS_URL", None)  # a private local-memory cache: this must not touch the server's

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from countries.models import Country, Law  # noqa: E402
from orgs.models import Family, OrganizationType  # noqa: E402

PER_KIND = 5  # detail pages of each kind, spread over the table


def spread(queryset):
    items = list(queryset.order_by("pk"))
    step = max(1, len(items) // PER_KIND)
    return items[::step][:PER_KIND]


def urls():
    countries = spread(Country.objects.published())
    laws = spread(Law.objects.public())
    types = spread(OrganizationType.objects.public())
    families = spread(Family.objects.all())
    compare = "&".join(f"countries={c.slug}" for c in countries[:3])
    pages = [
        "/",
        "/families/",
        "/methodology/",
        "/sources/",
        "/downloads/",
        "/search/?q=cooperative",
        f"/compare/?{compare}",
        "/map/countries.geojson",
        *[obj.get_absolute_url() for obj in [*countries, *laws, *types, *families]],
    ]
    api = [
        "/api/v1/",
        "/api/v1/countries/",
        "/api/v1/laws/",
        "/api/v1/org-types/",
        "/api/v1/org-types/?classification=sseoe&page_size=100",
        "/api/v1/org-types/?search=cooperative",
        "/api/v1/statistics/",
        "/api/v1/sources/",
        "/api/v1/families/",
        "/api/v1/features/",
        "/api/v1/sub-conditions/",
        "/api/v1/countries/?format=geojson",
        "/api/v1/laws/?format=csv",
        *[f"/api/v1/countries/{c.code}/" for c in countries],
        *[f"/api/v1/org-types/{t.slug}/" for t in types],
        *[f"/api/v1/laws/{law.pk}/" for law in laws],
    ]
    return pages + api


def main():
    client = Client()
    paths = urls()
    bad = [(path, status) for path in paths if (status := client.get(path).status_code) != 200]
    if bad:
        raise SystemExit(f"These load-test URLs do not answer 200: {bad}")
    print("\n".join(paths))


if __name__ == "__main__":
    main()
