"""Releases in the admin: cut one (editors), read every one; a release is never edited or deleted."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from .models import Release
from .services import PERMISSION, release_cut, release_cut_checks


class CutReleaseForm(forms.ModelForm):
    class Meta:
        model = Release
        fields = ["version", "notes"]

    def clean(self):
        cleaned = super().clean()
        if "version" in cleaned:
            try:
                release_cut_checks(user=self.user, version=cleaned["version"])
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from exc
        return cleaned


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "cut_at", "cut_by", "summary", "files"]
    readonly_fields = ["version", "cut_at", "cut_by", "notes", "counts", "changelog", "files"]
    exclude = ["dataset", "datapackage", "xlsx"]

    def summary(self, obj):
        return ", ".join(f"{n} {what}" for what, n in obj.changelog.get("summary", {}).items())

    def files(self, obj):
        return format_html(
            '<a href="{}">datapackage.zip</a> · <a href="{}">dataset.xlsx</a>',
            reverse("api:release-datapackage", kwargs={"version": obj.version}),
            reverse("api:release-xlsx", kwargs={"version": obj.version}),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*Release.BLOBS)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form = type("BoundCutReleaseForm", (CutReleaseForm,), {"user": request.user})
        return form

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["version", "notes"] if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        release = release_cut(
            user=request.user, version=form.cleaned_data["version"], notes=form.cleaned_data["notes"], request=request
        )
        obj.pk, obj.cut_at = release.pk, release.cut_at
        messages.info(request, f"Release {release.version}: {self.summary(release)}.")
