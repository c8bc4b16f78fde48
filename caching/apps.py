from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "caching"
    verbose_name = "Response cache"

    def ready(self):
        from . import signals  # noqa: F401
