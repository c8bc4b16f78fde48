"""
``?release=<version>`` on any API read: the request is answered from that release's frozen
rows (``releases.routing``), as an anonymous reader saw them, with ``X-Release: <version>``.
An unknown version is a 400 problem naming the releases there are; a write is a 405.
"""

from django.core.exceptions import TooManyFieldsSent
from django.urls import reverse

from core.api.exceptions import problem_response
from core.api.serializers import READ_RELEASE
from core.api.viewsets import READ_AS_PUBLIC

from .models import VERSION, Release
from .routing import reading, within

SAFE = ("GET", "HEAD", "OPTIONS")


class ReleaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            asked = "release" in request.GET
        except TooManyFieldsSent:
            # Too many parameters to parse: the API's own answer names the limit (core.api.viewsets).
            return self.get_response(request)
        if not asked or not request.path.startswith("/api/"):
            return self.get_response(request)
        version = request.GET.get("release", "")
        if request.path.startswith((reverse("api:release-list"), reverse("api:schema"))):
            return problem_response(
                400, "release= reads the data of a release; it does not apply here.",
                errors={"release": ["Not a parameter of this endpoint."]},
            )  # fmt: skip
        if request.method not in SAFE:
            response = problem_response(405, f"Release {version} is frozen: it is read, never written.")
            response["Allow"] = ", ".join(SAFE)
            return response
        # Only a well-formed version reaches the database (a NUL or an odd string never does).
        well_formed = VERSION.fullmatch(version) is not None
        release = Release.objects.defer(*Release.BLOBS).filter(version=version).first() if well_formed else None
        if release is None:
            known = ", ".join(Release.objects.newest_first().values_list("version", flat=True)) or "none yet"
            return problem_response(
                400, f"No release {version!r}; the releases: {known} (see releases/).",
                errors={"release": [f"No release {version!r}."]},
            )  # fmt: skip
        setattr(request, READ_AS_PUBLIC, True)
        setattr(request, READ_RELEASE, release.version)  # the answer's record URLs carry the release
        with reading(release) as alias:
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = within(alias, response.streaming_content)
        response["X-Release"] = release.version
        return response
