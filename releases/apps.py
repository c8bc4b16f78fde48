from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    """Citable releases: the published dataset frozen under a version, read back through the same API."""

    name = "releases"
    verbose_name = "Releases"

    def ready(self):
        # The schema lists the versions ?release= reads (core.api.schema, a layer below: it cannot import us).
        from core.api.schema import RELEASE_VERSIONS

        from .models import Release

        RELEASE_VERSIONS["of"] = lambda: Release.objects.newest_first().values_list("version", flat=True)
