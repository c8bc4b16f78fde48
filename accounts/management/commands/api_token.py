"""
Manage partners' API tokens.

    manage.py api_token create USERNAME [--replace]   prints the new key, once
    manage.py api_token revoke USERNAME               the key stops working at once
    manage.py api_token list                          users with a token (keys masked)
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
        create.add_argument("--replace", action="store_true", help="Revoke the user's current token first.")
        revoke = sub.add_parser("revoke", help="Delete the user's token.")
        revoke.add_argument("username")
        sub.add_parser("list", help="Users with a token, keys masked.")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for token in ApiToken.objects.select_related("user").order_by("user__username"):
                self.stdout.write(f"{token.user}\t{masked(token.key)}\t{token.created:%Y-%m-%d %H:%M}")
            return
        user = self.get_user(options["username"])
        if action == "create":
            try:
                token = create_token(user, replace=options["replace"])
            except TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(token.key)
            self.stderr.write("Copy this key now: it will not be shown again.")
        elif action == "revoke":
            if not revoke_token(user):
                raise CommandError(f"{user} has no API token.")
            self.stdout.write(f"Revoked the API token of {user}.")

    def get_user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
