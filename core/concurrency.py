"""
Optimistic concurrency for curated records (issue 8): two analysts editing the
same record cannot silently overwrite each other.

A record's *version* is its ``updated_at`` (every curated model has it, set on
each save). The admin form carries the version it was opened with in a hidden
field and refuses to save when the stored record has moved on since; the API
does the same with ``If-Match`` and the ETag of the record's JSON (see
``core.api.concurrency``). The check locks the row (``select_for_update``)
so that two saves arriving together are serialised on PostgreSQL.
"""

from django import forms
from django.core.exceptions import ValidationError

VERSION_FIELD = "loaded_version"


def version_of(value):
    """The version string of an ``updated_at`` value (microsecond precision)."""
    return value.isoformat() if value is not None else ""


def stored_version(instance, lock=True):
    """The version of ``instance`` as stored now (row locked until the transaction ends), or None."""
    queryset = type(instance)._base_manager.filter(pk=instance.pk)
    if lock:
        queryset = queryset.select_for_update()
    value = queryset.values_list("updated_at", flat=True).first()
    return version_of(value) if value is not None else None


def last_editor(instance):
    """Who saved the record last, from its history when it has one ("someone else" otherwise)."""
    history = getattr(instance, "history", None)
    record = history.order_by("-history_date").select_related("history_user").first() if history else None
    user = getattr(record, "history_user", None)
    return str(user) if user else "someone else"


def conflict_message(instance):
    return (
        f"{instance._meta.verbose_name.capitalize()} “{instance}” was changed by {last_editor(instance)} "
        "after you opened it, so your changes were NOT saved (they would have overwritten theirs). "
        "Open the record again to see the current version, then re-apply your changes."
    )


class VersionCheckedForm(forms.ModelForm):
    """A model form that refuses to save over a newer version of its record."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored version, not the instance's: a history "revert" form holds an old copy.
            self.fields[VERSION_FIELD].initial = stored_version(self.instance, lock=False)

    def clean(self):
        cleaned = super().clean()
        loaded = (self.cleaned_data.get(VERSION_FIELD) or "").strip()
        if self.instance.pk is not None and loaded:
            current = stored_version(self.instance)
            if current is not None and current != loaded:
                raise ValidationError(conflict_message(self.instance), code="edit_conflict")
        return cleaned
