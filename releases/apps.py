from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    """Citable releases: the published dataset frozen under a version, read back through the same API."""

    name = "releases"
    verbose_name = "Releases"
