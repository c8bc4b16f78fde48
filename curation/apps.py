from django.apps import AppConfig


class CurationConfig(AppConfig):
    """The analysts' workflow: review, history, spreadsheets, data quality, the admin."""

    name = "curation"
    verbose_name = "Curation"
