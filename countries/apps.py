from django.apps import AppConfig


class CountriesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "countries"
    verbose_name = "Countries and laws"

    def ready(self):
        # The app registry: receivers connect once every model is loaded.
        from . import signals  # noqa: F401
