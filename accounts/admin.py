"""API tokens in the admin: the key is shown once, in the message after creation; revoking is deleting."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .models import ApiToken, masked

# DRF's own token admin lists every key in full; ours replaces it.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(TokenAdmin):
    """DRF's token admin (pages addressed by user id), with the key masked everywhere but once."""

    list_display = ("key_start", "user", "created")

    @admin.display(description="Key")
    def key_start(self, obj):
        return masked(obj.key)

    def has_change_permission(self, request, obj=None):
        # A token is created or revoked, never edited.
        return False

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"API token created for {obj.user}: {obj.key} — copy it now: it will not be shown again. "
            "Send it as 'Authorization: Token <key>'. To revoke it, delete it here.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))
