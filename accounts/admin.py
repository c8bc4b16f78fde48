"""API tokens in the admin: the key is shown once, in the message after creation; revoking is deleting."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from .models import ApiToken, masked
from .tokens import TokenError, create_token, default_days

# DRF's plain-text tokens are not used (knox's hashed ones are); its admin is not shown.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


class ApiTokenForm(forms.ModelForm):
    days = forms.IntegerField(min_value=0, required=False, help_text="Days until it expires; 0: never.")

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = default_days()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "user", "key_start", "created", "expiry")
    list_filter = ("user",)
    search_fields = ("name", "user__username")
    autocomplete_fields = ("user",)

    @admin.display(description="Key")
    def key_start(self, obj):
        return masked(obj.token_key)

    def get_fields(self, request, obj=None):
        return ["user", "name", "days"] if obj is None else ["user", "name", "key_start", "created", "expiry"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "name", "key_start", "created", "expiry"]

    def has_change_permission(self, request, obj=None):
        # A token is created or revoked, never edited (the view page stays readable).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            token, key = create_token(form.cleaned_data["user"], form.cleaned_data["name"], form.cleaned_data["days"])
        except TokenError as exc:
            raise forms.ValidationError(str(exc)) from exc
        obj.__dict__.update({field.attname: getattr(token, field.attname) for field in ApiToken._meta.concrete_fields})
        obj._state.adding = False
        request._new_api_key = key

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"API token '{obj.name}' created for {obj.user}: {request._new_api_key} — copy it now: it will not "
            "be shown again. Send it as 'Authorization: Token <key>'. To revoke it, delete it here.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))
