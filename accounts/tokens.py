"""Creating and revoking API tokens (used by the admin and the ``api_token`` command)."""

from django.db import transaction

from .models import ApiToken


class TokenError(Exception):
    pass


@transaction.atomic
def create_token(user, replace=False):
    """A new token for ``user``; its key is returned once, here, and shown nowhere else."""
    existing = ApiToken.objects.filter(user=user)
    if existing.exists():
        if not replace:
            raise TokenError(f"{user} already has an API token; revoke it first or replace it.")
        existing.delete()
    return ApiToken.objects.create(user=user)


def revoke_token(user):
    """Deletes ``user``'s token: requests with it are refused from now on. True if there was one."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)
