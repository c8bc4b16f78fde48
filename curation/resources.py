"""
Spreadsheet import/export (django-import-export) of the curated records.

Files name related records by their natural keys (ISO code, slugs,
sub-condition codes), never by database ids, so a file moves between
databases. ``CuratedResource`` gives every resource the same behaviour:

* re-importing an unchanged row changes nothing (``skip_unchanged``);
* a file with one bad row writes nothing (the whole import is one
  transaction, rolled back on any error or validation error);
* errors name the column and say what is wrong in plain words;
* every row written gets a history row whose reason names the file;
* someone without the ``publish_<model>`` permission cannot publish,
  archive or overwrite a published record through a file: published
  records change only through review (``curation.services``).
"""

from __future__ import annotations

import copy
from contextvars import ContextVar
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import (
    CheckConstraint,
    DateField,
    DateTimeField,
    ForeignKey,
    ManyToManyField,
    Model,
    Q,
    QuerySet,
    TextField,
    UniqueConstraint,
)
from import_export import fields, instance_loaders, resources, widgets

from core.choices import PublicationStatus
from core.models import MAX_YEAR, MIN_YEAR
from countries.lineage import cycle_message, find_cycle, stored_links
from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs.models import Assessment, Claim, LegalBasis, OrganizationType, Reference
from orgs.signals import reclassify_at_end

from . import services
from .services import short_reason

# The column that identifies a record of each model in a file.
NATURAL_KEY_FIELDS = {
    "countries.Country": ("code", "country", "ISO code"),
    "countries.Source": ("slug", "source", "source slug"),
    "countries.Law": ("slug", "law", "law slug"),
    "orgs.OrganizationType": ("slug", "organization type", "organization type slug"),
    "orgs.Family": ("slug", "family", "family slug"),
    "orgs.SubCondition": ("code", "sub-condition", "sub-condition code"),
    "orgs.Feature": ("code", "feature", "feature code"),
}


# Related records found by natural key during one import (per thread/request), so a file
# naming the same country or source on every row looks each up once.
_lookups: ContextVar[dict | None] = ContextVar("natural_key_lookups", default=None)


def _key_of(model):
    return NATURAL_KEY_FIELDS[model._meta.label]


class DayWidget(widgets.DateWidget):
    """A date cell: YYYY-MM-DD (or a spreadsheet's date); a bad one is refused showing it and the format."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError:
            raise ValueError(
                f"{str(value).strip()!r} is not a date: write it as YYYY-MM-DD (e.g. 2014-07-31)."
            ) from None


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's natural key, with a plain error when it is unknown."""

    def __init__(self, model, **kwargs):
        self.field_name, self.noun, self.key_label = _key_of(model)
        super().__init__(model, field=self.field_name, **kwargs)

    def normalise(self, value):
        """The key as it is looked up: stripped (and upper-cased for ISO codes); None when empty."""
        if value is None or str(value).strip() == "":
            return None
        value = str(value).strip()
        return value.upper() if self.model is Country else value

    def warm(self, values, chunk=500):
        """Look up every key in ``values`` at once (a query per ``chunk`` keys) for this import's cache."""
        cache = _lookups.get()
        if cache is None:
            return
        known = {key for model, key in cache if model is self.model}
        wanted = sorted({key for key in map(self.normalise, values) if key is not None} - known)
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            for found in self.get_queryset(None, None).filter(**{f"{self.field}__in": part}):
                cache[(self.model, getattr(found, self.field))] = found

    def clean(self, value, row=None, **kwargs):
        value = self.normalise(value)
        if value is None:
            return None
        cache = _lookups.get()
        key = (self.model, value)
        if cache is not None and key in cache:
            return cache[key]
        try:
            found = self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                f"There is no {self.noun} with {self.key_label} '{value}' "
                "(check the spelling, or import that record first)."
            ) from None
        if cache is not None:
            cache[key] = found
        return found


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """A many-to-many written as natural keys separated by '|', sorted; unknown keys are an error."""

    def __init__(self, model, **kwargs):
        self.field_name, self.noun, self.key_label = _key_of(model)
        super().__init__(model, separator="|", field=self.field_name, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return self.model.objects.none()
        keys = {k.strip() for k in str(value).split(self.separator) if k.strip()}
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = keys - {getattr(obj, self.field) for obj in found}
        if missing:
            raise ValueError(
                f"There is no {self.noun} with {self.key_label} "
                f"{', '.join(repr(k) for k in sorted(missing))} (keys are separated by '|')."
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # order_by(): no join for the model's default ordering; the keys are sorted here.
        return self.separator.join(sorted(str(k) for k in value.order_by().values_list(self.field, flat=True)))


class SingleKeyLoader(instance_loaders.CachedInstanceLoader):
    """Loads every record a file names by its one key column in one query (slug or ISO code)."""


class NaturalKeysLoader(instance_loaders.ModelInstanceLoader):
    """
    Loads every stored record a file names by its key columns (e.g. type, sub-condition
    and law for evidence) with a query per 500 rows, instead of a query per row. A
    row whose key names an unknown record is left to ``get_instance``, which reports it.
    """

    chunk = 500

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.fields = resource.key_fields
        opts = resource._meta.model._meta
        # Compared by their stored values: a related record by its id.
        self.columns = [opts.get_field(field.attribute).attname for field in self.fields]
        self.stored = {}
        rows = dataset.dict if dataset is not None and dataset.headers else []
        if not rows or any(field.column_name not in dataset.headers for field in self.fields):
            return
        keys = []
        for row in rows:
            try:
                keys.append(self.key(row))
            except (ValueError, ValidationError):
                continue
        for start in range(0, len(keys), self.chunk):
            part = keys[start : start + self.chunk]
            lookups = {f"{column}__in": {key[i] for key in part} for i, column in enumerate(self.columns)}
            for found in self.get_queryset().filter(**lookups):
                self.stored[tuple(getattr(found, column) for column in self.columns)] = found

    def key(self, row):
        values = (field.clean(row) for field in self.fields)
        return tuple(value.pk if isinstance(value, Model) else value for value in values)

    def get_instance(self, row):
        return self.stored.get(self.key(row))


def _readable_constraint(constraint, instance, exc):
    """Django's default 'Constraint “name” is violated.' names the constraint: say which columns instead."""
    if constraint.name not in " ".join(exc.messages):
        return exc
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        names = list(constraint.fields)
        text = f"Another {instance._meta.verbose_name} already has these values of {', '.join(names)}."
    else:
        names = (
            sorted(Q(constraint.condition).referenced_base_fields) if isinstance(constraint, CheckConstraint) else []
        )
        text = f"The value of {', '.join(names)} is not allowed for a {instance._meta.verbose_name}" + (
            f": {CONSTRAINT_HINTS[constraint.name]}" if constraint.name in CONSTRAINT_HINTS else "."
        )
    return ValidationError({names[0] if len(names) == 1 else NON_FIELD_ERRORS: [text]})


# What a check constraint without its own message asks for, said to whoever imports a file.
CONSTRAINT_HINTS = {
    "country_code_two_upper_letters": "an ISO code is two capital letters (e.g. FR).",
}


# The column a row may carry to accept a near-duplicate of another record, saying why (kept in history).
OVERRIDE_COLUMN = "duplicate_override_reason"


def _override_of(row):
    value = (row or {}).get(OVERRIDE_COLUMN)
    return "" if value is None else " ".join(str(value).split())


class CuratedResource(resources.ModelResource):
    """Shared behaviour of every curated model's resource (see the module docstring)."""

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = NaturalKeysLoader

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        if isinstance(django_field, ForeignKey):
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=NaturalKeyWidget(django_field.related_model),
                readonly=readonly,
            )
        if isinstance(django_field, ManyToManyField):
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=NaturalKeysWidget(django_field.related_model),
                readonly=readonly,
            )
        if isinstance(django_field, DateField) and not isinstance(django_field, DateTimeField):
            return fields.Field(attribute=field_name, column_name=field_name, widget=DayWidget(), readonly=readonly)
        if isinstance(django_field, TextField) and django_field.blank:
            # An empty spreadsheet cell is an empty text, as for CharFields.
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=widgets.CharWidget(coerce_to_string=True, allow_blank=True),
                readonly=readonly,
            )
        return super().field_from_django_field(field_name, django_field, readonly)

    def get_queryset(self):
        # Related records come with the row: the preview's diff renders their natural keys.
        model = self._meta.model
        related = [f.name for f in model._meta.fields if isinstance(f, ForeignKey) and f.name in self.fields]
        return model.objects.select_related(*related)

    # Rows are exported in natural-key order, so two databases holding the same data export the same file.
    export_order_by = ()

    def filter_export(self, queryset, **kwargs):
        if isinstance(queryset, QuerySet) and self.export_order_by:
            queryset = queryset.order_by(*self.export_order_by)
        return queryset

    # Columns a file may carry that are derived, never read (e.g. a type's classification).
    ignored_columns = frozenset()

    def before_import(self, dataset, **kwargs):
        """
        Refuse, naming them, columns the model does not have (a typo would be ignored
        silently), a missing key column, and the same key on two rows (the later row
        would silently win).
        """
        super().before_import(dataset, **kwargs)
        if not len(dataset) or not dataset.headers:
            return
        headers = [str(h).strip() if h is not None else "" for h in dataset.headers]
        expected = [field.column_name for field in self.get_import_fields()]
        unknown = [h for h in headers if h not in expected and h not in self.ignored_columns and h != OVERRIDE_COLUMN]
        if unknown:
            raise ValueError(
                f"Unknown column(s) {', '.join(repr(h) for h in unknown)}; this file's columns are: "
                f"{', '.join(expected)}."
            )
        keys = [field.column_name for field in self.key_fields]
        missing = [key for key in keys if key not in headers]
        if missing:
            raise ValueError(f"Missing key column(s) {', '.join(repr(k) for k in missing)}; every row needs it.")
        rows = dataset.dict
        # Every related record the file names by natural key, looked up at once, not row by row.
        for field in self.get_import_fields():
            if isinstance(field.widget, NaturalKeyWidget) and field.column_name in headers:
                field.widget.warm(row.get(field.column_name) for row in rows)
        # The same record twice: compared as the rows will be read (" KR" is "KR", "2020-1-1" is
        # "2020-01-01"), so that no two rows can write one record.
        seen = {}
        for number, row in enumerate(rows, start=2):  # as the spreadsheet numbers them: the header is row 1
            shown_key = tuple(str(row.get(k) or "").strip() for k in keys)
            try:
                key = tuple(field.clean(row) for field in self.key_fields)
            except (ValueError, ValidationError):
                key = shown_key  # an unreadable key: its row reports the problem
            if key in seen:
                shown = ", ".join(f"{k}={v!r}" for k, v in zip(keys, shown_key, strict=True))
                raise ValueError(f"Rows {seen[key]} and {number} have the same key ({shown}); keep one row per record.")
            seen[key] = number

    @cached_property
    def key_fields(self):
        """The fields that identify a record in a file (``import_id_fields``)."""
        return [self.fields[name] for name in self.get_import_id_fields()]

    @cached_property
    def key_attributes(self):
        return frozenset(field.attribute for field in self.key_fields)

    def import_data(self, dataset, *args, **kwargs):
        # One bad row (error or validation error) rolls the whole file back.
        kwargs["rollback_on_validation_errors"] = True
        token = _lookups.set({})
        try:
            return super().import_data(dataset, *args, **kwargs)
        finally:
            _lookups.reset(token)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as exc:
            # An unknown natural key in an identifying column: report it on that column.
            for field in self.key_fields:
                try:
                    field.clean(row)
                except ValueError as field_exc:
                    raise ValidationError({field.attribute: str(field_exc)}) from exc
            raise

    # Fields the application derives (never read from a file): not validated row by row.
    derived_fields = ()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """
        ``full_clean`` without its per-row queries that prove nothing: a foreign
        key holding a record was found by ``NaturalKeyWidget`` (or loaded with
        the stored row) in this import's transaction, so its existence is not
        queried again; derived fields are not validated (they are recomputed
        from the evidence). Unique fields and constraints are still checked
        row by row, so each row's error names what is wrong.
        """
        errors = dict(import_validation_errors or {})
        if not self._meta.clean_model_instances:
            if errors:
                raise ValidationError(errors)
            return
        exclude = set(errors) | set(self.derived_fields)
        found = {
            f.name
            for f in instance._meta.fields
            if isinstance(f, ForeignKey) and getattr(instance, f.attname) is not None
        }
        # The record's key columns were looked up (NaturalKeysLoader) and no two rows of the file
        # share a key (before_import): uniqueness on exactly those columns cannot fail, so it is not
        # queried again row by row. Every other unique field and constraint still is.
        key = self.key_attributes
        unique_key = {name for name in key if len(key) == 1 and instance._meta.get_field(name).unique}
        checks = [lambda: instance.clean_fields(exclude=exclude | found), instance.clean]
        if validate_unique:
            checks.append(lambda: instance.validate_unique(exclude=exclude | set(errors) | unique_key))
        checks.append(lambda: self.validate_constraints(instance, exclude | set(errors), skip_unique_on=key))
        for check in checks:
            try:
                check()
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # Check constraints the model's ``clean()`` already says in Python: not queried again per row.
    checked_in_clean = frozenset()

    def validate_constraints(self, instance, exclude, skip_unique_on):
        """``Model.validate_constraints``, without the unique constraints on exactly ``skip_unique_on``."""
        using = router.db_for_write(type(instance), instance=instance)
        errors = {}
        for model_class, constraints in instance.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, UniqueConstraint) and frozenset(constraint.fields) == skip_unique_on:
                    if constraint.condition is None and not constraint.expressions:
                        continue
                if isinstance(constraint, CheckConstraint) and Q(constraint.condition).referenced_base_fields & exclude:
                    continue  # what Django concludes too, after building a query (FieldError: not checked)
                if constraint.name in self.checked_in_clean:
                    continue
                try:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
                except ValidationError as exc:
                    exc = _readable_constraint(constraint, instance, exc)
                    if getattr(exc, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(exc)
                    else:
                        errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._status_before_import = None if new else getattr(instance, "publication_status", None)
        instance._status_in_file = None
        if not new:
            # The stored values, to tell what a row changes on a published record (held for review).
            instance._stored_copy = copy.copy(instance)  # loaded, not yet imported into: no query

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # The publication state is a protected state machine: a file never assigns it. Its column is
        # read and compared (see _publication_errors); only the server (no user) restores a state.
        if field.attribute == "publication_status":
            if field.column_name in row:
                value = field.clean(row, **kwargs)
                instance._status_in_file = str(value).strip() if value not in (None, "") else None
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        instance._import_row = row
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many columns are saved after the row; check their keys now so the row fails as a whole.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        self.check_row(instance, row, errors)
        user = kwargs.get("user")
        stored = getattr(instance, "_stored_copy", None)
        for record in (instance, stored):
            if record is not None and user is not None and not services.in_scope(user, record):
                try:
                    services.require_scope(user, record)
                except PermissionDenied as exc:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(str(exc))
                    break
        errors.update(self._publication_errors(instance, user))
        if not errors:
            # The write path's gates (cross-country citations, near-duplicates unless the row's
            # duplicate_override_reason says why): curation.services decides, on every path.
            stored = getattr(instance, "_stored_copy", None)
            for field, problems in services.gate_errors(
                instance, duplicate_override=_override_of(row), stored=stored
            ).items():
                errors.setdefault(field, []).extend(problems)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors):
        """A model's own checks of one row: add messages to ``errors`` ({column: [messages]})."""

    # For child rows (cells, references, legal bases, law events): the attribute naming the
    # publishable parent, or ``parent_of`` for a parent further up.
    parent_attr = None

    def parent_of(self, instance):
        """The publishable record this row belongs to, or None."""
        if not self.parent_attr or not getattr(instance, f"{self.parent_attr}_id"):
            return None
        return getattr(instance, self.parent_attr, None)

    def _publication_errors(self, instance, user):
        """
        The workflow, for a file (``curation.services`` decides): rows of a record that is not a
        draft are refused; a published record's changes are held for review (``save_instance``);
        a record in review or archived is frozen; the status column is never written by a user's
        file (new rows are drafts), and only the server (a command) restores a stored state.
        """
        if self.parent_attr:
            parent = self.parent_of(instance)
            if parent is None or user is None:
                return {}
            if getattr(instance, "_stored_copy", None) is not None and not self._changed_values(instance):
                return {}  # an unchanged row of a published record: simply unchanged
            try:
                services.require_editable_state(parent, what=f"its {instance._meta.verbose_name_plural}")
            except services.WorkflowError as exc:
                return {self.parent_attr: [f"{exc} Propose the change in the admin instead of by file."]}
            return {}
        if services.is_live(type(instance)):
            # A source is public as soon as it exists: a user's new or changed row is a request for review.
            if user is not None:
                if getattr(instance, "_stored_copy", None) is None:
                    instance._hold_new = True
                elif self._changed_values(instance):
                    instance._hold_for_review = True
            return {}
        if not hasattr(instance, "publication_status"):
            return {}
        before, wanted = instance._status_before_import, instance._status_in_file
        if wanted is not None and wanted not in PublicationStatus.values:
            return {
                "publication_status": [
                    f"{wanted!r} is not a publication status; expected one of {', '.join(PublicationStatus.values)}."
                ]
            }
        if user is None:
            if wanted is not None:
                services.load_state(instance, wanted)  # the server's authority (commands)
            return {}
        if before is None:
            if wanted not in (None, PublicationStatus.DRAFT):
                return {
                    "publication_status": [
                        f"A new row is imported as a draft, not {wanted!r}: it is published through review. "
                        "Import it as 'draft' (or leave the cell empty) and submit it for review."
                    ]
                }
            return {}
        if wanted is not None and wanted != before:
            return {
                "publication_status": [
                    f"Stored as {before!r}, the file says {wanted!r}: a file never changes a publication status; "
                    "use the workflow actions in the admin."
                ]
            }
        if before in (PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED):
            if self._changed_values(instance):
                try:
                    services.require_editable_state(instance._stored_copy)
                except services.WorkflowError as exc:
                    return {"publication_status": [str(exc)]}
        if before == PublicationStatus.PUBLISHED and self._changed_values(instance):
            instance._hold_for_review = True
        return {}

    def _changed_values(self, instance):
        stored = getattr(instance, "_stored_copy", None)
        if stored is None:
            return {}
        editable = services.editable_fields(type(instance))
        changed = {
            name: getattr(instance, field.name)
            for name, field in editable.items()
            if not field.many_to_many and getattr(instance, field.attname) != getattr(stored, field.attname)
        }
        # Many-to-many columns (a law's amends, a country's sources) count too: held, never written live.
        row = getattr(instance, "_import_row", None) or {}
        for field in self.get_import_fields():
            model_field = editable.get(field.attribute)
            if model_field is None or not model_field.many_to_many or field.column_name not in row:
                continue
            try:
                wanted = sorted(obj.pk for obj in field.clean(row))
            except ValueError:
                continue  # reported on its column by import_instance
            if wanted != sorted(getattr(stored, model_field.name).values_list("pk", flat=True)):
                changed[model_field.name] = wanted
        return changed

    def save_instance(self, instance, is_create, row, **kwargs):
        if getattr(instance, "_hold_new", False):
            file_name = kwargs.get("file_name") or "a file"
            try:
                services.record_create(
                    record=instance,
                    user=kwargs.get("user"),
                    reason=f"Imported from {file_name}",
                    duplicate_override=_override_of(row),
                )
            except (services.WorkflowError, PermissionDenied) as exc:
                raise ValidationError({"__all__": [str(exc)]}) from exc
            return
        if getattr(instance, "_hold_for_review", False):
            # A published record: the row's changes become a change for review; the record is untouched.
            file_name = kwargs.get("file_name") or "a file"
            try:
                services.revision_propose(
                    record=instance._stored_copy,
                    user=kwargs.get("user"),
                    values=self._changed_values(instance),
                    reason=f"Imported from {file_name}",
                    duplicate_override=_override_of(row),
                )
            except (services.WorkflowError, PermissionDenied) as exc:
                raise ValidationError({"publication_status": [str(exc)]}) from exc
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if getattr(instance, "_hold_for_review", False) or getattr(instance, "_hold_new", False):
            return
        super().save_m2m(instance, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        file_name = kwargs.get("file_name") or "a file"
        reason = f"Imported from {file_name}"
        override = _override_of(row)
        if override and services.near_duplicates(instance):
            reason = services.with_override(reason, override)
        instance._change_reason = short_reason(reason)
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]


class SourceResource(CuratedResource):
    export_order_by = ("slug",)

    class Meta(CuratedResource.Meta):
        model = Source
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = ["slug", "title", "publisher", "year", "url", "locator", "kind", "accessed_on", "note"]


class CountryResource(CuratedResource):
    export_order_by = ("code",)

    class Meta(CuratedResource.Meta):
        model = Country
        import_id_fields = ["code"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "code",
            "name",
            "local_name",
            "slug",
            "region",
            "phase",
            "narrative",
            "narrative_sources",
            "publication_status",
            "last_verified",
        ]


class LawResource(CuratedResource):
    """Laws; a law's ``amends``/``replaces`` must name laws earlier in the file or already stored."""

    class Meta(CuratedResource.Meta):
        model = Law
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "slug",
            "country",
            "title",
            "local_title",
            "short_title",
            "citation",
            "kind",
            "enacted_on",
            "enacted_precision",
            "summary",
            "url",
            "source",
            "verification",
            "verification_note",
            "curator_note",
            "amends",
            "replaces",
            "publication_status",
            "last_verified",
        ]

    export_order_by = ("slug",)
    # A law's status is derived from its dated events: a file may carry it, it is never read.
    derived_fields = ("status",)
    ignored_columns = frozenset(derived_fields)

    def check_row(self, instance, row, errors):
        # A date out of range, or a law that amends or replaces itself or closes a loop, is refused by name.
        if instance.enacted_on and not MIN_YEAR <= instance.enacted_on.year <= MAX_YEAR:
            # Named on its column, in place of the database constraint's generic message.
            rest = [m for m in errors.pop("__all__", []) if "law_enacted_on_in_range" not in str(m)]
            if rest:
                errors["__all__"] = rest
            errors["enacted_on"] = [f"Must be a date from {MIN_YEAR} to {MAX_YEAR}."]
        slug = str(row.get("slug") or "").strip()
        links = None
        for field in ("amends", "replaces"):
            keys = {k.strip() for k in str(row.get(field) or "").split("|") if k.strip()}
            if not slug or not keys or field in errors:
                continue
            links = stored_links() if links is None else links
            path = find_cycle(slug, sorted(keys), links)
            if path:
                errors[field] = [cycle_message(path)]

    def export(self, queryset=None, **kwargs):
        # Laws another law amends or replaces come first, so the file imports in one pass.
        queryset = self.get_queryset() if queryset is None else queryset
        queryset = list(queryset.select_related("country", "source").prefetch_related("amends", "replaces"))
        by_pk = {law.pk: law for law in queryset}
        ordered, seen = [], set()

        def visit(law, trail=()):
            if law.pk in seen or law.pk in trail:
                return
            for other in [*law.amends.all(), *law.replaces.all()]:
                if other.pk in by_pk:
                    visit(by_pk[other.pk], (*trail, law.pk))
            seen.add(law.pk)
            ordered.append(law)

        for law in sorted(queryset, key=lambda law: law.slug):
            visit(law)
        return super().export(queryset=ordered, **kwargs)


class LawEventResource(CuratedResource):
    parent_attr = "law"

    class Meta(CuratedResource.Meta):
        model = LawEvent
        import_id_fields = ["law", "kind", "date"]
        fields = [
            "law",
            "kind",
            "date",
            "date_precision",
            "related_law",
            "reference",
            "note",
            "source",
            "verification",
        ]

    export_order_by = ("law__slug", "date", "kind")


class StatisticResource(CuratedResource):
    class Meta(CuratedResource.Meta):
        model = Statistic
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "slug",
            "country",
            "org_type",
            "indicator",
            "label",
            "value",
            "unit",
            "year",
            "source",
            "verification",
            "note",
            "publication_status",
            "last_verified",
        ]

    export_order_by = ("slug",)


# Organization types, their legal bases, their cells (assessments), the references the
# cells' findings rest on, and the research's claims. A type's classification and a cell's
# finding are never read from a file: they are derived from the references by
# ``orgs.signals`` (and ``ReferenceQuerySet`` on bulk writes) whenever references are imported.


class OrganizationTypeResource(CuratedResource):
    export_order_by = ("slug",)
    derived_fields = ("classification", "classification_max", "settled", "features_met")
    ignored_columns = frozenset(derived_fields)

    class Meta(CuratedResource.Meta):
        model = OrganizationType
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "slug",
            "country",
            "family",
            "name",
            "local_name",
            "description",
            "legally_institutionalized",
            "curator_note",
            "publication_status",
            "last_verified",
        ]


class LegalBasisResource(CuratedResource):
    parent_attr = "org_type"
    export_order_by = ("org_type__slug", "law__slug")

    class Meta(CuratedResource.Meta):
        model = LegalBasis
        import_id_fields = ["org_type", "law"]
        fields = ["org_type", "law", "provision", "note"]


class AssessmentResource(CuratedResource):
    """A cell's notes; its finding is derived from its references (a file may carry it, it is never read)."""

    parent_attr = "org_type"
    export_order_by = ("org_type__slug", "sub_condition__code")
    derived_fields = ("finding", "not_stipulated_kind")
    ignored_columns = frozenset(derived_fields)

    class Meta(CuratedResource.Meta):
        model = Assessment
        import_id_fields = ["org_type", "sub_condition"]
        fields = ["org_type", "sub_condition", "note", "curator_note"]


class CellWidget(widgets.ForeignKeyWidget):
    """A reference's cell, written in a file as its type's slug and its sub-condition's code."""

    def __init__(self):
        super().__init__(Assessment)

    @staticmethod
    def split(value):
        type_slug, _, code = str(value or "").partition("|")
        return type_slug.strip(), code.strip()

    def warm(self, values):
        """Look up every cell ``values`` name at once (a query per 500 types) for this import's cache."""
        cache = _lookups.get()
        if cache is None:
            return
        wanted = {self.split(v) for v in values if str(v or "").strip("| ")}
        slugs = sorted({slug for slug, _ in wanted})
        for start in range(0, len(slugs), 500):
            cells = Assessment.objects.filter(org_type__slug__in=slugs[start : start + 500])
            for found in cells.select_related("org_type", "sub_condition"):
                cache[(Assessment, (found.org_type.slug, found.sub_condition.code))] = found

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() in ("", "|"):
            return None
        type_slug, code = self.split(value)
        cache = _lookups.get()
        key = (Assessment, (type_slug, code))
        if cache is not None and key in cache:
            return cache[key]
        try:
            found = Assessment.objects.select_related("org_type", "sub_condition").get(
                org_type__slug=type_slug, sub_condition__code=code
            )
        except Assessment.DoesNotExist:
            if not OrganizationType.objects.filter(slug=type_slug).exists():
                problem = f"There is no organization type with organization type slug '{type_slug}'"
            else:
                problem = f"There is no sub-condition with sub-condition code '{code}'"
            raise ValueError(f"{problem} (check the spelling, or import that record first).") from None
        if cache is not None:
            cache[key] = found
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value.org_type.slug}|{value.sub_condition.code}"


class ReferenceResource(CuratedResource):
    """
    The references of the cells. A file names a reference's cell by two columns,
    ``org_type`` (slug) and ``sub_condition`` (code); they are read together as the cell.
    """

    parent_attr = "assessment"
    export_order_by = ("assessment__org_type__slug", "assessment__sub_condition__code", "law__slug", "provision")
    checked_in_clean = frozenset({"reference_not_stipulated_kind_matches_finding", "reference_period_in_order"})
    cell_columns = ("org_type", "sub_condition")

    org_type = fields.Field(column_name="org_type", readonly=True)
    sub_condition = fields.Field(column_name="sub_condition", readonly=True)
    assessment = fields.Field(attribute="assessment", column_name="assessment", widget=CellWidget())

    class Meta(CuratedResource.Meta):
        model = Reference
        import_id_fields = ["assessment", "law", "provision"]
        fields = [
            "org_type", "sub_condition", "assessment", "finding", "not_stipulated_kind", "law", "provision",
            "quote", "quote_language", "translation", "note", "curator_note", "valid_from", "valid_until",
            "source", "verification",
        ]  # fmt: skip

    def parent_of(self, instance):
        return instance.assessment.org_type if instance.assessment_id else None

    def get_export_fields(self, selected_fields=None):
        return [field for field in super().get_export_fields(selected_fields) if field.column_name != "assessment"]

    def dehydrate_org_type(self, reference):
        return reference.assessment.org_type.slug

    def dehydrate_sub_condition(self, reference):
        return reference.assessment.sub_condition.code

    def get_queryset(self):
        return Reference.objects.select_related("assessment__org_type", "assessment__sub_condition", "law", "source")

    def before_import(self, dataset, **kwargs):
        # The two cell columns become the one the model knows, before the key columns are read.
        headers = [str(h).strip() if h is not None else "" for h in dataset.headers or []]
        if len(dataset) and "assessment" not in headers and not all(c in headers for c in self.cell_columns):
            missing = [c for c in self.cell_columns if c not in headers]
            raise ValueError(f"Missing key column(s) {', '.join(repr(c) for c in missing)}; every row needs it.")
        if all(column in headers for column in self.cell_columns) and "assessment" not in headers:
            type_at, sub_at = headers.index("org_type"), headers.index("sub_condition")
            values = [f"{str(row[type_at] or '').strip()}|{str(row[sub_at] or '').strip()}" for row in dataset]
            for column in self.cell_columns:
                del dataset[dataset.headers[[str(h).strip() for h in dataset.headers].index(column)]]
            dataset.append_col(values, header="assessment")
        if "assessment" in (dataset.headers or []):
            # Every cell the file names, looked up at once (before the keys are compared row by row).
            self.fields["assessment"].widget.warm(row.get("assessment") for row in dataset.dict)
        super().before_import(dataset, **kwargs)

    @staticmethod
    def on_cell_columns(exc):
        """A problem with the cell, reported on the column the file has: ``org_type`` or ``sub_condition``."""
        errors = exc.update_error_dict({})
        for message in errors.pop("assessment", []):
            text = " ".join(message.messages) if isinstance(message, ValidationError) else str(message)
            column = "org_type" if "organization type" in text else "sub_condition"
            errors.setdefault(column, []).append(text)
        return ValidationError(errors)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValidationError as exc:
            raise self.on_cell_columns(exc) from exc

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            raise self.on_cell_columns(exc) from exc

    def import_data(self, dataset, *args, **kwargs):
        # The types touched by the file are reclassified once, at its end and in its
        # transaction, rather than once per reference row (orgs.signals).
        with transaction.atomic(), reclassify_at_end():
            return super().import_data(dataset, *args, **kwargs)


class ClaimResource(CuratedResource):
    export_order_by = ("slug",)

    class Meta(CuratedResource.Meta):
        model = Claim
        import_id_fields = ["slug"]
        instance_loader_class = SingleKeyLoader
        fields = [
            "slug", "country", "org_type", "family", "statement", "source", "locator", "quote", "expects",
            "scope", "explanation", "publication_status", "last_verified",
        ]  # fmt: skip
