from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every domain app stands on: abstract models, base querysets, the API plumbing."""

    name = "core"
    verbose_name = "Core"
