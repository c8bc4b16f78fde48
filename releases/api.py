"""``releases/``: every release with its citation, downloads and changelog; the files as cut."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.exceptions import problem_response
from core.api.serializers import absolute_url
from core.api.viewsets import ReadOnlyViewSet

from .datapackage import XLSX_TYPE
from .models import Release


def _file(request, release, name):
    kind = {"datapackage.zip": "datapackage", "dataset.xlsx": "xlsx"}[name]
    return {
        "url": absolute_url(request, reverse(f"api:release-{kind}", kwargs={"version": release.version})),
        "bytes": getattr(release, f"{kind}_size"),
        "sha256": getattr(release, f"{kind}_sha256"),
    }


class ReleaseSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="version", read_only=True)
    url = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField(help_text="The API root read as this release (?release=).")
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["key", "url", "version", "cut_at", "notes", "previous", "citation", "data", "downloads", "counts"]

    def _url(self, version):
        return absolute_url(self.context.get("request"), reverse("api:release-detail", kwargs={"version": version}))

    def get_url(self, obj) -> str:
        return self._url(obj.version)

    def get_previous(self, obj) -> dict | None:
        version = obj.changelog.get("against")
        return {"key": version, "url": self._url(version)} if version else None

    def get_citation(self, obj) -> str:
        return obj.citation(self._url(obj.version))

    def get_data(self, obj) -> str:
        return absolute_url(self.context.get("request"), reverse("api:api-root")) + f"?release={obj.version}"

    def get_downloads(self, obj) -> dict:
        request = self.context.get("request")
        return {name: _file(request, obj, name) for name in ("datapackage.zip", "dataset.xlsx")}


class ReleaseDetailSerializer(ReleaseSerializer):
    class Meta(ReleaseSerializer.Meta):
        fields = [*ReleaseSerializer.Meta.fields, "changelog"]


class ReleaseViewSet(ReadOnlyViewSet):
    """
    The releases, newest first. A release freezes the published dataset under a version: read it
    with ``?release=<version>`` on any endpoint, download its files as cut, cite it.
    """

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    detail_serializer_class = ReleaseDetailSerializer
    lookup_field = "version"
    lookup_value_regex = r"[0-9]{4}\.[0-9]+"
    release_readable = False
    ordering = ["-cut_at"]
    ordering_fields = ["version", "cut_at"]

    def get_queryset(self):
        return Release.objects.for_api().newest_first()

    def can_see_drafts(self):
        return False

    @extend_schema(responses=ReleaseDetailSerializer)
    @action(detail=False)
    def latest(self, request):
        """The latest release: the one the current data extends (404 before the first)."""
        release = self.get_queryset().first()
        if release is None:
            raise Http404("No release has been cut yet.")
        self.kwargs["version"] = release.version
        return Response(ReleaseDetailSerializer(release, context=self.get_serializer_context()).data)


@require_safe
def release_file(request, version, kind):
    """A release's data package zip or XLSX, the bytes cut (its ETag their SHA-256)."""
    release = Release.objects.filter(version=version).only("version", kind, f"{kind}_sha256").first()
    if release is None:
        return problem_response(404, f"No release {version!r} (see releases/).")
    content = bytes(getattr(release, kind))
    name, media = {"datapackage": ("datapackage.zip", "application/zip"), "xlsx": ("dataset.xlsx", XLSX_TYPE)}[kind]
    etag = f'"{getattr(release, f"{kind}_sha256")}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type=media)
        response["Content-Disposition"] = f'attachment; filename="sse-map-{version}-{name}"'
    response["ETag"] = etag
    response["X-Release"] = version
    return response
