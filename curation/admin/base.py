"""
Admin building blocks for the curated records: spreadsheet import/export,
history with a required change reason, and the review workflow.

``CuratedAdmin`` is the base of every curated model's admin. On each edit the
form asks *why* (the reason is stored on the history row). The publication
status is never typed: it moves through the actions (submit, publish,
archive) and the review queue, which call ``curation.services``. Saving an
edit to a *published* record does not change it: the edit is held as a
pending change (a review request) and the public keeps seeing the approved
version until an editor approves it.
"""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from core.choices import PublicationStatus
from core.concurrency import VersionCheckedForm
from core.safe_cells import SafeCSV, SafeXLSX
from countries.models import Revision
from curation import formats, services

WORKFLOW_HELP = (
    "Drafts are edited freely and reach the public only once published. Use the list's actions to "
    "submit a draft for review; an editor publishes it from the review queue"
    "{two_person}. Saving changes to a published record does not change what the public sees: the "
    "changes are held as a review request and applied when an editor approves them. A record in review "
    "or archived is frozen; its cells and their references, legal bases and events change in place only "
    "while it is a draft."
)


def workflow_help():
    two_person = (
        " (two-person review is on: nobody publishes or approves what they submitted themselves)"
        if services.two_person_review()
        else ""
    )
    return WORKFLOW_HELP.format(two_person=two_person)


class ChangeReasonForm(VersionCheckedForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=services.REASON_MAX,
        help_text="Required on every edit; kept in the record's history (e.g. 'Corrected date from the gazette').",
        widget=forms.TextInput(attrs={"size": 80}),
    )

    duplicate_override = forms.BooleanField(
        label="It is not a duplicate",
        required=False,
        help_text="Only if this record is refused as a near-duplicate of another (same country, same title, "
        "name or law number) and is a different record: tick this and say why below.",
    )
    duplicate_override_reason = forms.CharField(
        label="Why it is not a duplicate",
        required=False,
        max_length=400,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Kept in the record's history.",
    )

    new_comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Optional: a remark on this record for the other curators (shown here and in the review queue).",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("duplicate_override") and not (cleaned.get("duplicate_override_reason") or "").strip():
            self.add_error("duplicate_override_reason", "Say why this record is not a duplicate of the other one.")
        # A record in review or archived is frozen (curation.services says so; this only says it early).
        instance = self.instance
        if instance.pk is not None and services.is_publishable(type(instance)):
            status = services.stored_status(instance)
            if status in (PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED):
                try:
                    services.require_editable_state(instance)
                except services.WorkflowError as exc:
                    raise ValidationError(str(exc)) from exc
        return cleaned

    def override_reason(self):
        """The duplicate override's reason, if the box is ticked."""
        data = getattr(self, "cleaned_data", {})
        return (data.get("duplicate_override_reason") or "").strip() if data.get("duplicate_override") else ""

    def _post_clean(self):
        super()._post_clean()
        # The gates (curation.services.gate_errors), said on the form before anything is saved; the
        # write path checks them again when it saves.
        if self.errors:
            return
        instance = self.instance
        stored = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
        for field, problems in services.gate_errors(
            instance, duplicate_override=self.override_reason(), stored=stored
        ).items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)


def is_published(obj):
    return obj is not None and getattr(obj, "publication_status", None) == PublicationStatus.PUBLISHED


def may_publish(request, model):
    return services.can_publish(request.user, model)


class SizedImportForm(ImportForm):
    """The admin's import form, refusing a file over ``SSE_MAP_IMPORT_MAX_BYTES`` (as the commands do)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.SSE_MAP_IMPORT_MAX_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size:,} bytes, over the {limit:,}-byte limit for an import "
                "(SSE_MAP_IMPORT_MAX_BYTES); split it into smaller files."
            )
        if upload is not None and upload.name.lower().endswith(".xlsx"):
            # The command's refusal, word for word (curation.formats.reject_formulas).
            data = upload.read()
            upload.seek(0)
            try:
                formats.reject_formulas(upload.name, data)
            except formats.ImportFileError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


class CuratedAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Import/export + history with a change reason + the review workflow (see the module docstring)."""

    form = ChangeReasonForm
    import_form_class = SizedImportForm
    # A link typed without a scheme is read as https:// (Django 6's default, and what sources use).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Spreadsheet-safe CSV/XLSX (issue 8): a cell never runs as a formula (core/safe_cells.py).
    formats = [SafeCSV, SafeXLSX, base_formats.JSON]
    workflow_fields = ("publication_status", "last_verified", "review_state", "comments")

    import_template_name = "admin/curation/import.html"

    def import_action(self, request, **kwargs):
        """The preview; a file with problems lists them as the command does (curation.formats.row_lines)."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None and formats.has_problems(result):
            name = next(
                (n for n, r in formats.RESOURCES.items() if r._meta.model is self.model),
                self.model._meta.verbose_name_plural,
            )
            context["problems"] = formats.problems_text(name, formats.row_lines(result))
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        # Issue 8: say what was wrong with the file in plain words (not just the exception's name).
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                f"The file is not UTF-8 text (byte 0x{e.object[e.start]:02x} at position {e.start}; probably "
                'saved as Latin-1/Windows-1252). Save it as UTF-8 (in Excel: "CSV UTF-8") and upload it again.',
            )
        else:
            form.add_error("import_file", f"The file cannot be read as the chosen format ({type(e).__name__}: {e}).")

    @property
    def publishable(self):
        return hasattr(self.model, "publication_status")

    def get_queryset(self, request):
        """A curator limited to some countries lists, opens and looks up only their records."""
        return services.scoped(super().get_queryset(request), request.user)

    # Forms --------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = copy.deepcopy(form.base_fields["change_reason"])
        field.required = obj is not None
        if obj is None:
            field.help_text = "Optional when creating; 'Created in the admin' by default."
        form.base_fields["change_reason"] = field
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.publishable:
            fields += ["publication_status", "review_state", "comments"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = copy.deepcopy(super().get_fieldsets(request, obj))
        moved = {
            "change_reason",
            "loaded_version",
            "new_comment",
            "duplicate_override",
            "duplicate_override_reason",
            *(self.workflow_fields if self.publishable else ()),
        }
        for _, options in fieldsets:
            options["fields"] = [f for f in options["fields"] if f not in moved]
        fieldsets = [fs for fs in fieldsets if fs[1]["fields"]]
        if self.publishable:
            fieldsets.append(
                (
                    "Publication and review",
                    {"fields": list(self.workflow_fields), "description": workflow_help()},
                )
            )
        # loaded_version: the hidden version check (core.concurrency), rendered whatever the fieldsets.
        fieldsets.append(("Reason for this change", {"fields": ["change_reason", "loaded_version", "new_comment"]}))
        if self.model._meta.label_lower in services.DUPLICATE_FIELDS:
            fieldsets.append(
                (
                    "Near-duplicate override",
                    {"fields": ["duplicate_override", "duplicate_override_reason"], "classes": ["collapse"]},
                )
            )
        return fieldsets

    @admin.display(description="Review")
    def review_state(self, obj):
        if obj is None or obj.pk is None:
            return "New records start as drafts."
        revision = services.pending_revision(obj)
        if revision is None:
            return "Nothing waiting for review."
        url = reverse("admin-review-queue")
        return format_html(
            '{} by {} on {}: "{}". <a href="{}">Open the review queue</a>.',
            revision.get_kind_display(),
            revision.submitted_by or "—",
            f"{revision.submitted_at:%Y-%m-%d}",
            revision.reason,
            url,
        )

    @admin.display(description="Comments")
    def comments(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        shown = [
            format_html(
                "<p><strong>{}</strong>, {}{}: {}</p>",
                comment.author or "—",
                f"{comment.created_at:%Y-%m-%d %H:%M}",
                f" (on change #{comment.revision_id})" if comment.revision_id else "",
                comment.body,
            )
            for comment in services.comments_on(obj)
        ]
        add = format_html('<a href="{}">Comment in the review queue</a>', reverse("admin-review-queue"))
        return format_html("{}{}", mark_safe("".join(shown)), add) if shown else "No comments."  # noqa: S308 - each piece escaped by format_html

    # Saving -------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Through the one write path (``curation.services``): a draft is saved, a published record's edit held."""
        self._save_model(request, obj, form, change)
        comment = (form.cleaned_data.get("new_comment") or "").strip()
        if comment:
            services.comment_add(user=request.user, body=comment, record=type(obj)._default_manager.get(pk=obj.pk))

    def _save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ("" if change else "Created in the admin")
        override = form.override_reason() if hasattr(form, "override_reason") else ""
        if not change:
            m2m = {}
            if services.is_live(type(obj)):  # saved with the record once approved (save_related skips it)
                m2m = {f.name: form.cleaned_data[f.name] for f in obj._meta.many_to_many if f.name in form.cleaned_data}
            created = services.record_create(
                record=obj, user=request.user, reason=reason, m2m=m2m, duplicate_override=override
            )
            if isinstance(created, Revision):  # a source or method record: a request for review
                request._held_for_review = True
                request._held_new = created
            return
        if services.is_live(type(obj)):
            self._propose(request, type(obj)._default_manager.get(pk=obj.pk), form, reason)
            return
        if self.publishable and services.is_publishable(type(obj)):
            stored = type(obj)._default_manager.get(pk=obj.pk)
            if stored.publication_status == PublicationStatus.PUBLISHED:
                self._propose(request, stored, form, reason)
                return
            # The edited values onto the stored record: its state stays the stored one (a history
            # revert's form holds an old copy, whose state must not come back with it).
            for field in services.editable_fields(type(obj)).values():
                if not field.many_to_many:
                    setattr(stored, field.attname, getattr(obj, field.attname))
            obj = stored
            form.instance = stored
        services.record_update(record=obj, user=request.user, reason=reason, duplicate_override=override)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting a published record proposes it (fields and rows as they were) as a change set for review."""
        if request.method == "POST":
            stored = self.get_object(request, object_id)
            if stored is not None and services.is_public(stored):
                reason = request.POST.get("change_reason", "").strip() or f"Revert to version {version_id}"
                try:
                    services.changeset_revert(record=stored, user=request.user, history_id=version_id, reason=reason)
                except (services.WorkflowError, ValidationError, PermissionDenied) as exc:
                    self.message_user(request, f"Not reverted: {_message(exc)}", messages.ERROR)
                    return HttpResponseRedirect(request.path)
                self.message_user(
                    request,
                    "This record is published, so the revert was not applied yet: it waits in the review queue "
                    "as one change set (the record's fields and its rows as they were) for an editor's approval.",
                    messages.WARNING,
                )
                opts = self.model._meta
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[stored.pk])
                )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _propose(self, request, stored, form, reason):
        """A published record: its field changes and its inline rows' become one change set (save_related)."""
        fields = services.editable_fields(type(stored))
        request._held_for_review = True
        request._held = {
            "record": stored,
            "values": {name: form.cleaned_data[name] for name in form.changed_data if name in fields},
            "rows": [],
            "reason": reason,
            "duplicate_override": form.override_reason() if hasattr(form, "override_reason") else "",
        }

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_held_new", None) is not None:
            return  # the new record's values (its many-to-many ones too) wait in the request
        held = getattr(request, "_held", None)
        if held is None:
            super().save_related(request, form, formsets, change)
            return
        # The proposed many-to-many values travel in the change set; so do the inline rows.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if not held["values"] and not held["rows"]:
            self.message_user(request, "Nothing changed.", messages.INFO)
            return
        try:
            services.record_update(
                record=held["record"],
                user=request.user,
                values=held["values"],
                rows=held["rows"],
                reason=held["reason"],
                duplicate_override=held["duplicate_override"],
            )
        except (services.WorkflowError, ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"Not saved: {_message(exc)}", messages.ERROR)
            return
        self.message_user(
            request,
            "This record is published, so your change was not applied yet: it waits in the review queue "
            "for an editor's approval.",
            messages.WARNING,
        )

    def save_formset(self, request, form, formset, change):
        """Each inline row through the one write path; a published record's rows join its change set."""
        reason = services.short_reason(form.cleaned_data.get("change_reason") or f"Edited with {form.instance}")
        instances = formset.save(commit=False)
        held = getattr(request, "_held", None)
        if held is not None:
            for obj in formset.deleted_objects:
                held["rows"].append(services.row_op(obj, "delete"))
            for instance in instances:
                op = "create" if instance._state.adding else "update"
                held["rows"].append(services.row_op(instance, op))
            return
        for obj in formset.deleted_objects:
            services.record_delete(record=obj, user=request.user, reason=reason)
        for instance in instances:
            if instance.pk is None or instance._state.adding:
                services.record_create(record=instance, user=request.user, reason=reason, m2m={})
            else:
                services.record_update(record=instance, user=request.user, reason=reason)
        formset.save_m2m()

    def delete_model(self, request, obj):
        held = services.record_delete(record=obj, user=request.user, reason="Deleted in the admin")
        if isinstance(held, Revision):  # a source or method record: its removal waits for review
            request._held_for_review = True

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(record=obj, user=request.user, reason="Deleted in the admin")

    def log_addition(self, request, obj, message):
        if getattr(request, "_held_new", None) is None:  # nothing was added yet
            return super().log_addition(request, obj, message)
        return None

    def log_deletions(self, request, queryset):
        if not getattr(request, "_held_for_review", False):  # nothing was deleted yet
            return super().log_deletions(request, queryset)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_held_new", None) is not None:
            # Not "added successfully": the record exists once another editor approves it.
            self.message_user(
                request,
                f"The new {obj._meta.verbose_name} '{obj}' is public as soon as it exists, so it was not added yet: "
                "it waits in the review queue for another editor's approval.",
                messages.WARNING,
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def response_delete(self, request, obj_display, obj_id):
        if getattr(request, "_held_for_review", False):
            self.message_user(
                request,
                f"'{obj_display}' is public, so it was not removed yet: the removal waits in the review queue "
                "for another editor's approval.",
                messages.WARNING,
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj_id]))
        return super().response_delete(request, obj_display, obj_id)

    def response_change(self, request, obj):
        if getattr(request, "_held_for_review", False):
            # Not "changed successfully": the record is unchanged until the change is approved.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_held_for_review", False):
            return [{"changed": {"fields": ["(held for review)"]}}]
        return super().construct_change_message(request, form, formsets, add)

    # Workflow actions ---------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if services.is_live(self.model):
            actions.pop("delete_selected", None)  # each removal is a request for review, from the record's page
        if not self.publishable:
            for name in ("submit_for_review", "publish", "archive"):
                actions.pop(name, None)
        elif not may_publish(request, self.model):
            for name in ("publish", "archive"):
                actions.pop(name, None)
        return actions

    def _run(self, request, queryset, step, done):
        run_on_each(self, request, queryset, step, done)

    @admin.action(description="Submit selected drafts for review")
    def submit_for_review(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda obj: services.record_submit_for_review(
                record=obj, user=request.user, reason="Submitted from the admin list"
            ),
            "submitted for review",
        )

    @admin.action(description="Publish selected records (in review)")
    def publish(self, request, queryset):
        self._run(request, queryset, lambda obj: services.record_publish(record=obj, user=request.user), "published")

    @admin.action(description="Archive selected records (withdraw from the public)")
    def archive(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda obj: services.record_archive(record=obj, user=request.user, reason="Archived from the admin list"),
            "archived",
        )

    @admin.action(description="Bulk edit: set one field on the selected records")
    def bulk_edit(self, request, queryset):
        """A form (field, value, reason), then ``services.bulk_update``: drafts in place, the rest one change."""
        choices = [(name, f.verbose_name) for name, f in services.bulk_fields(self.model).items()]
        form = BulkEditForm(request.POST if "apply" in request.POST else None, choices=choices)
        if form.is_bound and form.is_valid():
            try:
                batch = services.bulk_update(
                    records=queryset,
                    user=request.user,
                    field=form.cleaned_data["field"],
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                )
            except (services.WorkflowError, ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"Nothing changed: {_message(exc)}", messages.ERROR)
                return None
            if batch is None:
                self.message_user(request, f"Set on {queryset.count()} selected drafts.", messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    "The published records among them change only once an editor approves: the edit waits in "
                    "the review queue as one change set.",
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Bulk edit {queryset.count()} {self.model._meta.verbose_name_plural}",
            "form": form,
            "records": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/curation/bulk_edit.html", context)

    actions = ["submit_for_review", "publish", "archive", "bulk_edit"]


class BulkEditForm(forms.Form):
    field = forms.ChoiceField(label="Field to set")
    value = forms.CharField(label="New value", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    reason = forms.CharField(label="Reason for this change", max_length=services.REASON_MAX - 11)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = choices


def _parent_locked(request, parent):
    """Rows of a record that is not a draft change only through review (``curation.services``)."""
    if parent is not None and not services.is_publishable(type(parent)):
        parent = services.parent_of(parent)  # a nested inline's obj is a row (a cell): its type decides
    return parent is not None and parent.pk is not None and parent.publication_status != PublicationStatus.DRAFT


def _rows_frozen(parent):
    """Inline rows of a record in review or archived are frozen; a published record's join its change set."""
    if parent is not None and not services.is_publishable(type(parent)):
        parent = services.parent_of(parent)  # a nested inline's obj is a row (a cell): its type decides
    return (
        parent is not None
        and parent.pk is not None
        and parent.publication_status
        in (
            PublicationStatus.IN_REVIEW,
            PublicationStatus.ARCHIVED,
        )
    )


class LockedWhenParentPublishedInline:
    """
    An inline (a cell and its references, a legal basis, a law event): edited in place while
    its record is a draft, proposed with the record's change set while it is published,
    frozen while it is in review or archived. Each row carries its version (``updated_at``),
    so a stale row is refused (no lost update between two editors).
    """

    form = VersionCheckedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "loaded_version" in fields else [*fields, "loaded_version"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _rows_frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _rows_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _rows_frozen(obj)


class LockedWhenParentPublishedAdmin:
    """The standalone admin of such rows: same rule, on the row's ``parent_attr``."""

    parent_attr = None

    def locking_parent(self, parent):
        """The publishable record whose lock applies, given the row's ``parent_attr`` value."""
        return parent

    def _parent(self, obj):
        return self.locking_parent(getattr(obj, self.parent_attr, None)) if obj is not None else None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _parent_locked(request, self._parent(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _parent_locked(request, self._parent(obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        parent_attr, locking_parent = self.parent_attr, self.locking_parent

        class ParentCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                parent = locking_parent(cleaned.get(parent_attr)) if cleaned.get(parent_attr) is not None else None
                if _parent_locked(request, parent):
                    raise ValidationError(
                        f"'{parent}' is {parent.get_publication_status_display().lower()}: its rows change "
                        "in place only while it is a draft."
                    )
                return cleaned

        return ParentCheckedForm


def run_on_each(model_admin, request, queryset, step, done):
    """Run a workflow ``step`` on each selected object; report refusals one by one and the successes."""
    ok = 0
    for obj in queryset:
        try:
            step(obj)
            ok += 1
        except (services.WorkflowError, ValidationError, PermissionDenied) as exc:
            model_admin.message_user(request, f"{obj}: {_message(exc)}", messages.ERROR)
    if ok:
        model_admin.message_user(request, f"{done.capitalize()}: {ok} selected.", messages.SUCCESS)


def _message(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
