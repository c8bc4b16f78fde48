"""
The whole-dataset files the downloads page links, each complete, with its size: the data package
zip and the XLSX of the current data (built on request; their sizes computed once per data
version) and of every release (the bytes cut).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from caching.version import data_version

from .datapackage import build_tables, xlsx_bytes, zip_bytes
from .models import Release


@dataclass
class File:
    label: str
    url: str
    bytes: int
    format: str


@dataclass
class Edition:
    title: str
    version: str | None
    cut_at: object
    files: list
    citation: str
    summary: dict


def current_sizes(request):
    """The sizes of the current data's zip and XLSX, as this host serves them (cached per data version)."""
    version = data_version()
    key = f"sse_map:download-sizes:{version}:{request.get_host()}"
    sizes = cache.get(key) if version else None
    if sizes is None:
        tables = build_tables(request)
        sizes = {"zip": len(zip_bytes(request, tables)), "xlsx": len(xlsx_bytes(request, tables))}
        if version:
            cache.set(key, sizes, None)
    return sizes


def editions(request):
    """The current data, then every release, newest first, each with its complete files."""
    sizes = current_sizes(request)
    releases = list(Release.objects.for_api().newest_first())
    current = Edition(
        title="current",
        version=None,
        cut_at=None,
        files=[
            File("Data Package (zip)", reverse("api:datapackage-zip"), sizes["zip"], "zip"),
            File("XLSX", reverse("api:dataset-xlsx"), sizes["xlsx"], "xlsx"),
        ],
        citation="",
        summary={},
    )
    out = [current]
    for release in releases:
        detail = request.build_absolute_uri(reverse("api:release-detail", kwargs={"version": release.version}))
        out.append(
            Edition(
                title=release.version,
                version=release.version,
                cut_at=release.cut_at,
                files=[
                    File(
                        "Data Package (zip)",
                        reverse("api:release-datapackage", kwargs={"version": release.version}),
                        release.datapackage_size,
                        "zip",
                    ),
                    File(
                        "XLSX",
                        reverse("api:release-xlsx", kwargs={"version": release.version}),
                        release.xlsx_size,
                        "xlsx",
                    ),
                ],
                citation=release.citation(detail),
                summary=release.changelog.get("summary", {}),
            )
        )
    return out
