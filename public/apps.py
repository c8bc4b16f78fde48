from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public pages: home, countries, laws, types, families, methodology, search, downloads."""

    name = "public"
    verbose_name = "Public site"
