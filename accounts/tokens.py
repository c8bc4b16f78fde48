"""
Creating and revoking API tokens: the one place the admin and the ``api_token`` command go
through. A token has a name (unique per user), an expiry (``API_TOKEN_DAYS`` by default;
0 for none) and is stored hashed (django-rest-knox); a user may hold several.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken


class TokenError(Exception):
    pass


def default_days():
    return settings.API_TOKEN_DAYS


@transaction.atomic
def create_token(user, name, days=None):
    """A new token for ``user``: returns ``(token, key)``; the key is shown once, here, and kept nowhere."""
    name = (name or "").strip()
    if not name:
        raise TokenError("A token needs a name saying what it is for.")
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise TokenError(f"{user} already has an API token named {name!r}; revoke it first or pick another name.")
    days = default_days() if days is None else days
    if days < 0:
        raise TokenError("The number of days a token lasts cannot be negative.")
    expiry = timedelta(days=days) if days else None
    return ApiToken.objects.create(user=user, expiry=expiry, name=name)


def revoke_token(user, name=None):
    """Deletes ``user``'s token named ``name`` (all of them without a name): they stop working at once."""
    tokens = ApiToken.objects.filter(user=user)
    if name is not None:
        tokens = tokens.filter(name=name)
    deleted, _ = tokens.delete()
    return deleted


def active_tokens():
    return ApiToken.objects.select_related("user").exclude(expiry__lt=timezone.now())
