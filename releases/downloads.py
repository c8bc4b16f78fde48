"""
The whole-dataset files the downloads page links, each complete, with its size: the data package
zip and the XLSX of every release (the bytes cut) and of the current data. The current files are
built on request (seconds); the page never builds them: each build notes its size for the data
version it was built from, and the page shows it once known.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from caching.version import data_version

from .models import Release


@dataclass
class File:
    label: str
    url: str
    bytes: int | None
    format: str


@dataclass
class Edition:
    title: str
    version: str | None
    cut_at: object
    files: list
    citation: str
    summary: dict


def _size_key(kind, request):
    return f"sse_map:download-size:{data_version()}:{request.get_host()}:{kind}"


def remember_size(request, kind, size):
    """Called by each build of the current files (``zip``, ``xlsx``) outside a release."""
    if data_version():
        cache.set(_size_key(kind, request), size, None)


def current_sizes(request):
    """The sizes of the current data's zip and XLSX as last built for this data version, or None."""
    if not data_version():
        return {"zip": None, "xlsx": None}
    keys = {kind: _size_key(kind, request) for kind in ("zip", "xlsx")}
    found = cache.get_many(keys.values())
    return {kind: found.get(key) for kind, key in keys.items()}


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
