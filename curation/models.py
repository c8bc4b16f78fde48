"""
What the workflow keeps beside the curated records: who may work on which countries.

``CountryScope`` limits an analyst or an editor to some countries; the write path
(``curation.services.require_scope``) refuses them any other country's records, on every
entry point. A user without a scope (or with an empty one) is not limited.
"""

from django.conf import settings
from django.db import models


class CountryScope(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="country_scope")
    countries = models.ManyToManyField(
        "countries.Country",
        related_name="+",
        help_text="The countries this person may change, propose, approve or reject records of. Leave empty: all.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why (e.g. 'country lead for the Philippines').")

    class Meta:
        verbose_name = "country scope"

    def __str__(self):
        return f"{self.user}: {', '.join(c.code for c in self.countries.all()) or 'all countries'}"
