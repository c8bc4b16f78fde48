"""API tokens as the admin and the management command show them: the key never appears after creation."""

from rest_framework.authtoken.models import TokenProxy


def masked(key):
    """The first characters of a key, enough to tell tokens apart, never enough to use one."""
    return f"{key[:4]}…" if key else ""


class ApiToken(TokenProxy):
    """
    DRF's token under a name that never prints the key (object names land in logs and
    admin history); like DRF's ``TokenProxy`` its admin URLs use the user's id, not the key.
    """

    class Meta:
        proxy = True
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self):
        return f"API token of {self.user} ({masked(self.key)})"
