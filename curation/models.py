"""
What the workflow keeps beside the curated records: who may work on which countries, and the
curators' comments on records and change sets.

``CountryScope`` limits an analyst or an editor to some countries; the write path
(``curation.services.require_scope``) refuses them any other country's records, on every
entry point. A user without a scope (or with an empty one) is not limited.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone


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


class Comment(models.Model):
    """
    A curator's remark on a record (``content_type``/``object_id``) or on one of its change sets
    (``revision``): written through ``curation.services.comment_add``, shown in the review queue
    and on the record's admin page.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    # Empty for a comment on a request to create a record (it does not exist yet).
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    revision = models.ForeignKey(
        "countries.Revision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The change set the comment is about, if it is about one.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.author or '—'} on {self.created_at:%Y-%m-%d}: {self.body[:60]}"
