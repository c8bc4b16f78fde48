"""
Manage partners' API tokens (hashed at rest, named, with an expiry; several per user).

    manage.py api_token create USERNAME --name NAME [--days N]   prints the new key, once
    manage.py api_token revoke USERNAME (--name NAME | --all)     the key stops working at once
    manage.py api_token list                                      tokens (keys masked), expiry
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, masked
from accounts.tokens import TokenError, create_token, revoke_token


class Command(BaseCommand):
    help = "Create (key shown once), revoke or list API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token; its key is printed once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for (unique per user).")
        create.add_argument("--days", type=int, help="Days until it expires (default API_TOKEN_DAYS; 0: never).")
        revoke = sub.add_parser("revoke", help="Delete a user's token (by name) or all of them.")
        revoke.add_argument("username")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("--name")
        which.add_argument("--all", action="store_true")
        sub.add_parser("list", help="Tokens, keys masked.")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for token in ApiToken.objects.select_related("user"):
                expiry = f"{token.expiry:%Y-%m-%d %H:%M}" if token.expiry else "never"
                self.stdout.write(
                    f"{token.user}\t{token.name}\t{masked(token.token_key)}\t"
                    f"created {token.created:%Y-%m-%d %H:%M}\texpires {expiry}"
                )
            return
        user = self.get_user(options["username"])
        if action == "create":
            try:
                _, key = create_token(user, options["name"], options["days"])
            except TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(key)
            self.stderr.write("Copy this key now: it will not be shown again.")
        elif action == "revoke":
            name = None if options["all"] else options["name"]
            count = revoke_token(user, name)
            if not count:
                raise CommandError(f"{user} has no API token" + (f" named {name!r}." if name else "."))
            self.stdout.write(f"Revoked {count} API token(s) of {user}.")

    def get_user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
