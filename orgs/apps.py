from django.apps import AppConfig


class OrgsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgs"
    verbose_name = "Organization types"

    def ready(self):
        # The app registry: receivers connect once every model is loaded.
        from . import signals  # noqa: F401
