from django.apps import AppConfig
from django.db.models.signals import post_save

from .search import store_search_text_of_raw_rows


class CoreConfig(AppConfig):
    """What every domain app stands on: abstract models, base querysets, the API plumbing."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        post_save.connect(store_search_text_of_raw_rows, dispatch_uid="core.search.raw_rows")
