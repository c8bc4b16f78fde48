from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "caching"
    verbose_name = "Response cache"

    def ready(self):
        # The app registry: receivers connect once every model is loaded.
        from . import signals  # noqa: F401
