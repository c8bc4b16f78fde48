from django.apps import AppConfig


class OrgsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orgs"
    verbose_name = "Organization types"

    def ready(self):
        from . import signals  # noqa: F401  (registers the receivers)
