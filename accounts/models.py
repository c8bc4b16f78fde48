"""
API tokens (django-rest-knox): stored as a SHA-512 digest, never the key; each has a name,
an expiry, and a user may hold several. The key is shown once, when the token is made
(``accounts.tokens.create_token``); what is kept in clear is its first characters
(``token_key``), enough to tell tokens apart, never enough to use one.
"""

from django.db import models
from knox.models import AbstractAuthToken


def masked(token_key):
    """The first characters of a key, enough to tell tokens apart, never enough to use one."""
    return f"{token_key[:8]}…" if token_key else ""


class ApiToken(AbstractAuthToken):
    """knox's token (``KNOX_TOKEN_MODEL``), with the name its holder knows it by."""

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'ILO dashboard sync'.")

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["user__username", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique_per_user")]

    def __str__(self):
        return f"API token '{self.name}' of {self.user} ({masked(self.token_key)})"
