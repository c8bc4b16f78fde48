"""
The review and publication workflow and the triage of the public's suggestions, as atomic service functions.

A publishable record (country, law, organization type, statistic) moves
draft -> in review -> published -> archived. Analysts edit drafts and submit
them; editors (``publish_<model>`` permission) publish, send back or archive.
A published record is never edited in place by the admin: the edit becomes a
pending *change* ``Revision`` holding the proposed values, and reaches the
public only when an editor approves it. With ``SSE_MAP_TWO_PERSON_REVIEW`` on
(the default) nobody publishes or approves what they submitted themselves.

Every function is keyword-only, takes the acting ``user``, runs in one
transaction and writes its own history row (with a change reason) so the
record's history says who did what and why.
"""

from __future__ import annotations

import difflib
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.html import escape
from django_fsm import can_proceed, has_transition_perm

from core.api.filters import normalise
from core.choices import PublicationStatus
from core.exceptions import WorkflowError
from countries.models import Revision, RevisionKind, RevisionStatus
from curation import notify, quality
from curation.models import Comment, CountryScope
from orgs.choices import SuggestionStatus
from orgs.citations import cross_country_errors
from orgs.models import Suggestion

Status = PublicationStatus


REASON_MAX = 100  # simple-history's change reason column


def short_reason(text: str) -> str:
    """A change reason that fits the history column."""
    text = " ".join(str(text).split())
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def two_person_review() -> bool:
    return getattr(settings, "SSE_MAP_TWO_PERSON_REVIEW", True)


def can_publish(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def can_edit(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def pending_revision(record) -> Revision | None:
    return (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            status=RevisionStatus.PENDING,
        )
        .select_related("submitted_by")
        .first()
    )


# Per-country roles --------------------------------------------------------------------


def country_of(record):
    """The country a record (or a row, through its parent) belongs to; None for sources and the method."""
    if record is None:
        return None
    if record._meta.label_lower == "countries.country":
        return record
    if getattr(record, "country_id", None) is not None:
        return record.country
    return country_of(parent_of(record))


def scope_of(user):
    """The pks of the countries ``user`` is limited to, or None: not limited (no scope, an empty one, a superuser)."""
    if user is None or user.is_superuser or not user.is_authenticated:
        return None
    cache = getattr(user, "_country_scope_cache", "unset")
    if cache == "unset":
        pks = list(CountryScope.objects.filter(user=user).values_list("countries", flat=True))
        cache = frozenset(pk for pk in pks if pk is not None) or None
        user._country_scope_cache = cache
    return cache


def in_scope(user, record) -> bool:
    scope = scope_of(user)
    if scope is None:
        return True
    country = country_of(record)
    return country is None or country.pk in scope


def require_scope(user, record):
    """Refuse ``user`` a record of a country outside their scope (``CountryScope``): every write path calls it."""
    if not in_scope(user, record):
        raise PermissionDenied(
            f"You work on the records of other countries: '{record}' belongs to {country_of(record)}, "
            "which is outside your country scope."
        )


def country_lookup(model):
    """The ORM path from ``model`` to its country's pk; None for what belongs to no country (sources, the method)."""
    label = model._meta.label_lower
    if label == "countries.country":
        return "pk"
    if label in ROW_PARENTS:
        return "__".join(ROW_PARENTS[label]) + "__country"
    if any(field.name == "country" for field in model._meta.concrete_fields):
        return "country"
    return None


def scoped(queryset, user):
    """``queryset`` limited to ``user``'s countries (unchanged for an unlimited user or a country-less model)."""
    scope = scope_of(user)
    lookup = country_lookup(queryset.model)
    if scope is None or lookup is None:
        return queryset
    return queryset.filter(**{f"{lookup}__in": scope})


def scoped_requests(queryset, user):
    """
    Review requests (``Revision``) limited to those about ``user``'s countries' records (and about
    sources and the method, which belong to no country): one subquery per kind of record.
    """
    scope = scope_of(user)
    if scope is None:
        return queryset
    allowed = Q(pk__in=[])
    for content_type in ContentType.objects.filter(pk__in=queryset.values("content_type")):
        model = content_type.model_class()
        lookup = country_lookup(model) if model is not None else None
        if lookup is None:
            allowed |= Q(content_type=content_type)
        else:
            pks = model._default_manager.filter(**{f"{lookup}__in": scope}).values("pk")
            allowed |= Q(content_type=content_type, object_id__in=pks)
    return queryset.filter(allowed)


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _locked(record):
    """The record re-read under a row lock, so two reviewers cannot act on it at once."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def _transition(record, name, *, user, reason, **kwargs):
    """
    Run the record's state-machine transition ``name`` (``core.models.PublishableModel``) if
    ``user`` holds its permission and the record is in a state it starts from, then save
    with a history row. The only way a publication status changes.
    """
    method = getattr(record, name)
    require_scope(user, record)
    if not can_proceed(method):
        raise WorkflowError(
            f"This {record._meta.verbose_name} is {record.get_publication_status_display()}: "
            f"it cannot be {name.replace('_', ' ')}ed from there."
        )
    if not has_transition_perm(method, user):
        raise PermissionDenied(f"You may not {name.replace('_', ' ')} this {record._meta.verbose_name}.")
    method(**kwargs)
    record._change_reason = short_reason(reason)
    record._history_user = user
    record.save()


def load_state(record, status):
    """Set a loaded record's state outright: the dataset loader and command imports only (no user)."""
    method = record.load_state
    if not has_transition_perm(method, None):  # pragma: no cover - the permission is the server's
        raise PermissionDenied("Only the server sets a state outright.")
    if record.publication_status != status:
        method(status)


def _check_two_person(revision, user, verb):
    if two_person_review() and revision.submitted_by_id == user.pk:
        raise WorkflowError(f"Two-person review is on: you submitted this yourself, so another editor must {verb} it.")


def record_submit_for_review(*, record, user, reason="Submitted for review") -> Revision:
    """An analyst asks for a draft to be published as it stands."""
    _require(can_edit(user, type(record)), "You may not edit these records.")
    require_scope(user, record)
    with transaction.atomic():
        record = _locked(record)
        if record.publication_status != Status.DRAFT:
            raise WorkflowError(
                f"Only a draft can be submitted; this record is {record.get_publication_status_display()}."
            )
        revision = Revision.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            kind=RevisionKind.PUBLICATION,
            reason=reason,
            submitted_by=user,
        )
        _transition(record, "submit", user=user, reason=f"Submitted for review: {reason}")
        _notify_submitted(revision, record)
    return revision


# Gates -----------------------------------------------------------------------------
# Each rule is one function here; the write path (create, update, propose, approve, publish) and
# the file import call them, so the admin, the API, imports, commands and revert all obey them.


def fold(text) -> str:
    """A title or name as compared for near-duplicates: normalised as search is (NFKC, case-folded), one space."""
    return " ".join(normalise(str(text or "")).split())


def fold_number(text) -> str:
    """A law number as compared: its letters and digits only ('Act No. 8217' is 'actno8217')."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


# model label -> the fields whose change asks for a new duplicate check
DUPLICATE_FIELDS = {
    "countries.law": ("country", "kind", "title", "citation"),
    "orgs.organizationtype": ("country", "name"),
}


def near_duplicates(record) -> dict[str, list[str]]:
    """
    {field: [message]} naming the records ``record`` nearly duplicates: a law of the same
    country and kind with the same title, or of the same country with the same law number
    (citation); a type of the same country with the same name (each after case and space
    folding). Empty when there is none.
    """
    label = record._meta.label_lower
    if label not in DUPLICATE_FIELDS or not getattr(record, "country_id", None):
        return {}
    model = type(record)
    others = model._default_manager.filter(country_id=record.country_id).exclude(pk=record.pk)
    errors: dict[str, list[str]] = {}
    if label == "countries.law":
        title, number = fold(record.title), fold_number(record.citation)
        for slug, other_title, kind, citation in others.values_list("slug", "title", "kind", "citation"):
            if title and kind == record.kind and fold(other_title) == title:
                errors.setdefault("title", []).append(
                    f"A law of this country and kind ({record.get_kind_display().lower()}) already has this title: "
                    f"'{other_title}' ({slug})."
                )
            if number and fold_number(citation) == number:
                errors.setdefault("citation", []).append(
                    f"A law of this country already has this number: '{citation}' ({slug})."
                )
    else:
        name = fold(record.name)
        for slug, other_name in others.values_list("slug", "name"):
            if name and fold(other_name) == name:
                errors.setdefault("name", []).append(
                    f"A type of this country already has this name: '{other_name}' ({slug})."
                )
    return errors


def _duplicate_check_needed(record, stored):
    fields = DUPLICATE_FIELDS.get(record._meta.label_lower)
    if not fields:
        return False
    if stored is None:
        return True
    return any(
        getattr(record, record._meta.get_field(n).attname) != getattr(stored, stored._meta.get_field(n).attname)
        for n in fields
    )


def gate_errors(record, *, duplicate_override="", stored=None) -> dict[str, list[str]]:
    """
    The gates a record must pass to be saved or proposed: no cross-country citation, and no
    near-duplicate unless ``duplicate_override`` gives a reason. ``stored``: the record as
    stored (an update re-checks duplicates only when the fields they compare changed).
    """
    errors = cross_country_errors(record)
    if not str(duplicate_override or "").strip() and _duplicate_check_needed(record, stored):
        for field, messages in near_duplicates(record).items():
            errors.setdefault(field, []).extend(
                f"{m} If it is a different record, say why in the duplicate override reason." for m in messages
            )
    return errors


def check_gates(record, *, duplicate_override="", stored=None):
    """Raise ``ValidationError`` ({field: messages}) unless ``record`` passes ``gate_errors``."""
    errors = gate_errors(record, duplicate_override=duplicate_override, stored=stored)
    if errors:
        raise ValidationError(errors)


def override_used(record, stored, duplicate_override) -> bool:
    """Whether ``duplicate_override`` let ``record`` through: a reason given, and a near-duplicate it accepted."""
    return bool(duplicate_override) and _duplicate_check_needed(record, stored) and bool(near_duplicates(record))


def with_override(reason, duplicate_override):
    """The history reason of a step that accepted a near-duplicate: the override's reason first."""
    override = " ".join(str(duplicate_override or "").split())
    return f"Duplicate accepted ({override}): {reason}" if override else reason


def records_of(record):
    """(model label, pk) of ``record`` and of every row that belongs to it (cells, references, bases, events)."""
    found = {(record._meta.label, record.pk)}
    for label, path in ROW_PARENTS.items():
        if parent_model_of(label) is not type(record):
            continue
        model = _row_model(label)
        pks = model._default_manager.filter(**{"__".join(path): record}).values_list("pk", flat=True)
        found |= {(model._meta.label, pk) for pk in pks}
    return found


def quality_gate(record):
    """
    Raise ``ValidationError`` listing the ``check_data`` errors (``curation.quality``) of
    ``record`` and its rows as they stand now: approving a change set or publishing calls it
    after applying, inside its transaction, so a refusal leaves nothing changed.
    """
    mine = records_of(record)
    # The checks read only these records: an approval costs what it touches, not the database.
    found = quality.find_problems(within=mine)
    problems = [p for p in found if p.severity == quality.ERROR and (p.model, p.pk) in mine]
    if problems:
        listed = "; ".join(f"{p.record}: {p.message}" for p in problems)
        raise ValidationError(
            f"Not approved: '{record}' would have {len(problems)} data-quality error(s) (check_data): {listed}. "
            "Fix them (propose the missing values), then approve."
        )


def record_publish(*, record, user, note="") -> Revision:
    """An editor publishes a record that is in review."""
    _require(can_publish(user, type(record)), "Only an editor may publish.")
    with transaction.atomic():
        record = _locked(record)
        revision = pending_revision(record)
        if record.publication_status != Status.IN_REVIEW or revision is None:
            raise WorkflowError("Only a record submitted for review can be published.")
        _check_two_person(revision, user, "publish")
        check_gates(record, stored=record)
        _decide(revision, user, RevisionStatus.APPROVED, note)
        _transition(record, "publish", user=user, reason=f"Published (approved by {user})")
        quality_gate(record)  # raises inside the transaction: nothing is published
    return revision


def record_send_back(*, record, user, note) -> Revision:
    """An editor returns a record in review to draft, saying what to fix."""
    _require(can_publish(user, type(record)), "Only an editor may send a record back.")
    if not note.strip():
        raise ValidationError("Say what needs fixing before sending the record back.")
    with transaction.atomic():
        record = _locked(record)
        revision = pending_revision(record)
        if record.publication_status != Status.IN_REVIEW or revision is None:
            raise WorkflowError("Only a record in review can be sent back.")
        _decide(revision, user, RevisionStatus.REJECTED, note)
        _transition(record, "send_back", user=user, reason=f"Sent back to draft: {note}")
    return revision


def record_archive(*, record, user, reason) -> None:
    """An editor withdraws a published record from the public."""
    _require(can_publish(user, type(record)), "Only an editor may archive.")
    if not reason.strip():
        raise ValidationError("Give a reason for archiving.")
    with transaction.atomic():
        record = _locked(record)
        if record.publication_status != Status.PUBLISHED:
            raise WorkflowError("Only a published record can be archived.")
        revision = pending_revision(record)
        if revision is not None:
            _decide(revision, user, RevisionStatus.REJECTED, "Record archived")
        _transition(record, "archive", user=user, reason=f"Archived: {reason}")


def record_reopen(*, record, user, reason) -> None:
    """An editor turns an archived record back into a draft to work on."""
    _require(can_publish(user, type(record)), "Only an editor may reopen an archived record.")
    with transaction.atomic():
        record = _locked(record)
        if record.publication_status != Status.ARCHIVED:
            raise WorkflowError("Only an archived record can be reopened.")
        _transition(record, "reopen", user=user, reason=f"Reopened as draft: {reason}")


# The one write path ------------------------------------------------------------------
# Every entry point (admin form, inline, list action, history revert, imports, API, commands)
# creates, changes and deletes curated records through these functions; none saves on its own.
#   draft      -> edited in place by whoever may change the model;
#   in review  -> frozen: nobody edits it (an editor publishes it or sends it back first);
#   published  -> an edit becomes a pending change (revision_propose), applied on approval;
#   archived   -> frozen until an editor reopens it.
# A row (a cell, a reference, a legal basis, a law event) follows its publishable parent.

# model label -> the path from a row to the publishable record it belongs to
ROW_PARENTS = {
    "orgs.assessment": ("org_type",),
    "orgs.reference": ("assessment", "org_type"),
    "orgs.legalbasis": ("org_type",),
    "countries.lawevent": ("law",),
}


def parent_of(row):
    """The publishable record ``row`` belongs to (or None: the row is not a child row)."""
    path = ROW_PARENTS.get(row._meta.label_lower)
    if path is None:
        return None
    target = row
    for attr in path:
        if getattr(target, f"{attr}_id", None) is None:
            return None
        target = getattr(target, attr)
    return target


def is_publishable(model) -> bool:
    return any(f.name == "publication_status" for f in model._meta.concrete_fields)


# Sources and the method (features, sub-conditions, families) have no publication state: the
# public reads them from the moment they exist. So a user never writes them in place: a new one,
# a change and a removal are each a request for review that another editor approves
# (``publish_<model>``); only the server (no user: the dataset loader, the method fixture) writes
# them directly.
LIVE_MODELS = frozenset({"countries.source", "orgs.feature", "orgs.subcondition", "orgs.family"})


def is_live(model) -> bool:
    """A source or method record: public as soon as it exists, so every user's change is reviewed."""
    return model._meta.label_lower in LIVE_MODELS


def is_public(record) -> bool:
    """Whether the stored ``record`` is what the public reads: published, or a source or method record."""
    if record.pk is None:
        return False
    if is_live(type(record)):
        return type(record)._default_manager.filter(pk=record.pk).exists()
    return is_publishable(type(record)) and stored_status(record) == Status.PUBLISHED


def stored_status(record):
    if record.pk is None:
        return None
    return type(record)._default_manager.filter(pk=record.pk).values_list("publication_status", flat=True).first()


def require_editable_state(record, *, what="it"):
    """Refuse to change a record (or, ``what``, one of its rows) unless it is a draft."""
    status = stored_status(record)
    if status in (None, Status.DRAFT):
        return
    name = f"{record._meta.verbose_name} '{record}'"
    if status == Status.IN_REVIEW:
        raise WorkflowError(
            f"The {name} is in review, so {what} is frozen: an editor publishes it or sends it back to draft first."
        )
    if status == Status.ARCHIVED:
        raise WorkflowError(f"The {name} is archived, so {what} is frozen: an editor reopens it first.")
    raise WorkflowError(f"The {name} is published: {what} changes only through a change proposed for review.")


def _perm(user, model, action):
    opts = model._meta
    return user is None or user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def _stamp(record, user, reason):
    record._change_reason = short_reason(reason)
    if user is not None:
        record._history_user = user


def record_create(*, record, user, reason="Created", m2m=None, duplicate_override=""):
    """
    Create a curated record (a row of a draft too): as a draft whatever was asked
    (only the server, with no user, loads a stored state), after the model's checks and
    the gates (``check_gates``: cross-country citations, near-duplicates unless
    ``duplicate_override`` gives a reason, kept in the history row).
    """
    model = type(record)
    _require(_perm(user, model, "add"), f"You may not add {model._meta.verbose_name_plural}.")
    require_scope(user, record)
    if record.pk is not None and model._default_manager.filter(pk=record.pk).exists():
        raise WorkflowError("This record exists already.")
    if is_publishable(model) and user is not None and record.publication_status != Status.DRAFT:
        raise WorkflowError(
            "A new record starts as a draft; it is published through review, never by setting its status."
        )
    if is_live(model) and user is not None:
        return _propose_creation(record, user, reason, m2m, duplicate_override=duplicate_override)
    _save_in_place(record, user, reason, m2m, duplicate_override=duplicate_override, stored=None)
    return record


def _propose_creation(record, user, reason, m2m, *, duplicate_override=""):
    """A new source or method record, held as a request until another editor approves it."""
    if not str(reason or "").strip():
        raise ValidationError("Give a reason for the new record.")
    fields = editable_fields(type(record))
    with transaction.atomic():
        record.full_clean(exclude=list(m2m or ()))
        check_gates(record, duplicate_override=duplicate_override)
        changes = {name: _serialize(record, field) for name, field in fields.items() if not field.many_to_many}
        for name, values in (m2m or {}).items():
            changes[name] = sorted(getattr(v, "pk", v) for v in values)
        override = override_used(record, None, duplicate_override)
        content_type = ContentType.objects.get_for_model(record)
        for name, field in fields.items():
            if field.unique and not field.many_to_many and changes.get(name) not in (None, ""):
                waiting = Revision.objects.filter(
                    content_type=content_type, kind=RevisionKind.CREATION, status=RevisionStatus.PENDING
                ).filter(**{f"changes__{name}": changes[name]})
                if waiting.exists():
                    raise WorkflowError(
                        f"A new {record._meta.verbose_name} with the {field.verbose_name} {changes[name]!r} "
                        "is already waiting for review; it must be decided first."
                    )
        revision = Revision.objects.create(
            content_type=content_type,
            object_id=None,
            kind=RevisionKind.CREATION,
            changes=changes,
            old_values={},
            reason=reason,
            duplicate_override=" ".join(str(duplicate_override or "").split()) if override else "",
            submitted_by=user,
        )
        _notify_submitted(revision, record)
        return revision


def _save_in_place(record, user, reason, m2m, *, duplicate_override="", stored=None):
    """Validate and save ``record`` with its many-to-many values, if its parent may change."""
    parent = parent_of(record)
    if parent is not None and user is not None:
        require_editable_state(parent, what=f"its {type(record)._meta.verbose_name_plural}")
    with transaction.atomic():
        record.full_clean(exclude=list(m2m or ()))
        check_gates(record, duplicate_override=duplicate_override, stored=stored)
        if override_used(record, stored, duplicate_override):
            reason = with_override(reason, duplicate_override)
        _stamp(record, user, reason)
        record.save()
        for name, values in (m2m or {}).items():
            getattr(record, name).set(values)


def record_update(*, record, user, reason, m2m=None, values=None, rows=(), duplicate_override=""):
    """
    Save ``record`` (an instance holding the edited values) if it may change in
    place; for a published record, hold ``values`` (field -> new value) as a change
    for review instead and return the pending ``Revision``. Returns None when saved.
    """
    model = type(record)
    _require(_perm(user, model, "change"), f"You may not change {model._meta.verbose_name_plural}.")
    stored = model._default_manager.filter(pk=record.pk).first() if record.pk is not None else None
    require_scope(user, record)  # the record as edited (a move to another country) ...
    if stored is not None:
        require_scope(user, stored)  # ... and as stored
    if not reason or not str(reason).strip():
        raise ValidationError("Give a reason for the change.")
    status = stored.publication_status if stored is not None and is_publishable(model) else None
    if stored is not None and is_live(model) and user is not None and values is None:
        values = _edited_values(record, stored, m2m)
    if (status == Status.PUBLISHED or (stored is not None and is_live(model))) and user is not None:
        return revision_propose(
            record=stored,
            user=user,
            values=values or {},
            reason=reason,
            rows=rows,
            duplicate_override=duplicate_override,
        )
    if is_publishable(model) and user is not None:
        require_editable_state(record)
    _save_in_place(record, user, reason, m2m, duplicate_override=duplicate_override, stored=stored)
    return None


def _edited_values(record, stored, m2m):
    """Field -> value of ``record`` (an edited copy of ``stored``) where it differs from ``stored``."""
    values = {
        name: getattr(record, field.attname)
        for name, field in editable_fields(type(record)).items()
        if not field.many_to_many and getattr(record, field.attname) != getattr(stored, field.attname)
    }
    values.update(m2m or {})
    return values


def record_delete(*, record, user, reason="Deleted"):
    """
    Delete a draft (or a row of a draft); published records are archived, never deleted. A user's
    removal of a source or method record is a request for review (returned), applied on approval.
    """
    model = type(record)
    _require(_perm(user, model, "delete"), f"You may not delete {model._meta.verbose_name_plural}.")
    require_scope(user, record)
    if is_live(model) and user is not None:
        return _propose_deletion(record, user, reason)
    if user is not None:
        if is_publishable(model):
            status = stored_status(record)
            if status == Status.PUBLISHED:
                raise WorkflowError(f"The {model._meta.verbose_name} '{record}' is published: archive it instead.")
            require_editable_state(record)
        parent = parent_of(record)
        if parent is not None:
            require_editable_state(parent, what=f"its {model._meta.verbose_name_plural}")
    with transaction.atomic():
        _stamp(record, user, reason)
        record.delete()


def _propose_deletion(record, user, reason):
    with transaction.atomic():
        record = _locked(record)
        if pending_revision(record) is not None:
            raise WorkflowError("A change to this record is already waiting for review; it must be decided first.")
        fields = editable_fields(type(record))
        revision = Revision.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            kind=RevisionKind.DELETION,
            old_values={name: _serialize(record, field) for name, field in fields.items()},
            reason=reason,
            submitted_by=user,
        )
        _notify_submitted(revision, record)
        return revision


def check_row_editable(*, row, user):
    """Raise unless ``user`` may change ``row`` in place (its parent is a draft)."""
    parent = parent_of(row)
    if parent is not None and user is not None:
        require_editable_state(parent, what=f"its {row._meta.verbose_name_plural}")


# Proposed changes to published records -------------------------------------------


def editable_fields(model):
    """Fields a change revision may carry: what the admin form edits."""
    return {
        f.name: f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.editable and not f.primary_key and f.name not in {"publication_status", "created_at", "updated_at"}
    }


def _serialize(record, field):
    if field.many_to_many:
        return sorted(obj.pk for obj in field.value_from_object(record))
    value = getattr(record, field.attname)
    return field.value_to_string(record) if value is not None and not isinstance(value, (int, bool, str)) else value


def _row_model(label):
    return apps.get_model(label)


def row_op(row, op, *, version=None):
    """
    One row of a change set: ``op`` is create, update or delete; an update carries only the
    fields that differ from the stored row; every op keeps the stored (old) values and the
    row's version (``updated_at``) it was read at, so a stale proposal is refused.
    """
    model = type(row)
    fields = {n: f for n, f in editable_fields(model).items() if not f.many_to_many}
    stored = model._default_manager.filter(pk=row.pk).first() if row.pk is not None and op != "create" else None
    if op != "create" and stored is None:
        raise WorkflowError(f"The {model._meta.verbose_name} '{row}' no longer exists.")
    old = {n: _serialize(stored, f) for n, f in fields.items()} if stored is not None else {}
    values = {}
    if op != "delete":
        values = {n: _serialize(row, f) for n, f in fields.items()}
        if op == "update":
            values = {n: v for n, v in values.items() if old.get(n) != v}
    return {
        "model": model._meta.label_lower,
        "op": op,
        "pk": stored.pk if stored is not None else None,
        "label": str(stored or row),
        "values": values,
        "old": old,
        "version": version or (stored.updated_at.isoformat() if stored is not None else None),
    }


def _check_row(record, op):
    """A proposed row belongs to ``record``, is unchanged since it was read, and passes the model's checks."""
    model = _row_model(op["model"])
    if op["model"] not in ROW_PARENTS:
        raise ValidationError(f"{model._meta.verbose_name_plural} are not rows of a change set.")
    if op["op"] in ("update", "delete"):
        stored = model._default_manager.filter(pk=op["pk"]).first()
        if stored is None:
            raise WorkflowError(f"The {model._meta.verbose_name} '{op['label']}' no longer exists.")
        if op.get("version") and stored.updated_at.isoformat() != op["version"]:
            raise WorkflowError(
                f"The {model._meta.verbose_name} '{op['label']}' was changed by someone else after you opened it: "
                "your change to it was NOT kept. Open the record again and re-apply it."
            )
        row = stored
    else:
        row = model()
    if op["op"] != "delete":
        _set_values(row, op["values"])
    owner = parent_of(row)
    if owner is None or (type(owner), owner.pk) != (type(record), record.pk):
        raise ValidationError(f"The {model._meta.verbose_name} '{op['label']}' does not belong to '{record}'.")
    if op["op"] != "delete":
        row.full_clean()
        check_gates(row)
    return row


def _set_values(row, values):
    fields = editable_fields(type(row))
    for name, value in values.items():
        field = fields[name]
        setattr(row, field.attname, value if field.is_relation else field.to_python(value))


def revision_propose(*, record, user, values, reason, rows=(), duplicate_override="", batch=None) -> Revision:
    """
    Hold a change set for a published record: ``values`` (field name -> new value, model
    values or pks) and ``rows`` (``row_op`` dicts: its cells' references, legal bases, law
    events); the record and its rows are not touched until an editor approves.
    """
    _require(can_edit(user, type(record)), "You may not edit these records.")
    require_scope(user, record)
    if not reason.strip():
        raise ValidationError("Give a reason for the change.")
    fields = editable_fields(type(record))
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        record = _locked(record)
        if not is_public(record):
            raise WorkflowError("Only published records take proposed changes; edit drafts directly.")
        if pending_revision(record) is not None:
            raise WorkflowError("A change to this record is already waiting for review; it must be decided first.")
        changes, old_values = {}, {}
        for name, value in values.items():
            field = fields[name]
            if field.many_to_many:
                changes[name] = sorted(getattr(v, "pk", v) for v in value)
            elif field.is_relation:
                changes[name] = getattr(value, "pk", value)
            else:
                copy = type(record)(**{field.attname: value})
                changes[name] = _serialize(copy, field)
            old_values[name] = _serialize(record, field)
            if old_values[name] == changes[name]:
                del changes[name], old_values[name]
        rows = [op for op in rows if op["op"] != "update" or op["values"]]
        for op in rows:
            _check_row(record, op)
        if not changes and not rows:
            raise WorkflowError("Nothing to propose: the values are those already published.")
        proposed = _locked(record)
        _apply(proposed, {n: v for n, v in changes.items() if not fields[n].many_to_many})
        check_gates(proposed, duplicate_override=duplicate_override, stored=record)
        if not override_used(proposed, record, duplicate_override):
            duplicate_override = ""
        revision = Revision.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            kind=RevisionKind.CHANGE,
            changes=changes,
            old_values=old_values,
            rows=list(rows),
            reason=reason,
            duplicate_override=" ".join(str(duplicate_override or "").split()),
            batch=batch,
            submitted_by=user,
        )
        _notify_submitted(revision, record)
        return revision


def marked_diff(old, new):
    """(old html, new html): both full values, the words removed marked <del>, those added <ins>."""
    a, b = str(old if old is not None else "").split(" "), str(new if new is not None else "").split(" ")
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_words, new_words = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if tag == "equal":
            left.append(old_words)
            right.append(new_words)
        else:
            if old_words:
                left.append(f"<del>{old_words}</del>")
            if new_words:
                right.append(f"<ins>{new_words}</ins>")
    return " ".join(left), " ".join(right)


def _shown(field, value):
    if value in (None, "", []):
        return ""
    if field.many_to_many:
        return ", ".join(str(o) for o in field.related_model._default_manager.filter(pk__in=value))
    if field.is_relation:
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    return value


def revision_model(revision):
    """The model a request is about (known even while a new record does not exist yet)."""
    return revision.content_type.model_class()


def revision_subject(revision):
    """
    The record a request is about: the stored record, or for a pending request to create one,
    the proposed record (unsaved, for its name and checks). None once the record is gone.
    """
    if revision.kind == RevisionKind.CREATION and revision.object_id is None:
        model = revision_model(revision)
        fields = editable_fields(model)
        record = model()
        _set_values(record, {n: v for n, v in revision.changes.items() if n in fields and not fields[n].many_to_many})
        return record
    return revision.record


def revision_diff(revision):
    """
    [(what, old, new, old marked, new marked)] for a change set: the record's fields, then each
    row (created, changed, deleted). The old value is the one stored when the change was
    proposed, so the diff reads the same after the decision. A new record shows its values
    (nothing before), a removal the values it had (nothing after).
    """
    fields = editable_fields(revision_model(revision))
    rows = []
    if revision.kind == RevisionKind.DELETION:
        for name, value in (revision.old_values or {}).items():
            field = fields.get(name)
            old = _shown(field, value) if field is not None else ""
            if old != "":
                rows.append((field.verbose_name, old, "", *marked_diff(old, "")))
        return rows
    record = revision_subject(revision)
    for name, proposed in revision.changes.items():
        field = fields.get(name)
        if field is None:
            continue
        if name in (revision.old_values or {}) or revision.kind == RevisionKind.CREATION:
            current = (revision.old_values or {}).get(name)
        else:
            current = _serialize(record, field)
        old, new = _shown(field, current), _shown(field, proposed)
        rows.append((field.verbose_name, old, new, *marked_diff(old, new)))
    for op in revision.rows or ():
        model = _row_model(op["model"])
        row_fields = editable_fields(model)
        verb = {"create": "new", "update": "changed", "delete": "deleted"}[op["op"]]
        names = op["values"] if op["op"] != "delete" else op["old"]
        for name in names:
            field = row_fields.get(name)
            if field is None:
                continue
            old = _shown(field, op["old"].get(name)) if op["op"] != "create" else ""
            new = _shown(field, op["values"].get(name)) if op["op"] != "delete" else ""
            if op["op"] == "delete" and old == "":
                continue
            what = f"{model._meta.verbose_name} '{op['label']}' ({verb}): {field.verbose_name}"
            rows.append((what, old, new, *marked_diff(old, new)))
    return rows


def _apply(record, changes):
    fields = editable_fields(type(record))
    m2m = {}
    for name, value in changes.items():
        field = fields[name]
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(record, field.attname, field.to_python(value) if not field.is_relation else value)
    record.full_clean(exclude=list(m2m))
    return m2m


def _decide(revision, user, status, note, *, record=None):
    revision.status = status
    revision.decided_by = user
    revision.decided_at = timezone.now()
    revision.decision_note = note
    revision.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notify.decided(revision, record or revision_subject(revision))  # sent once the decision commits


def _notify_submitted(revision, record):
    """The editors who may decide ``revision`` (the model's publish permission, ``record``'s country) hear of it."""
    notify.submitted(
        revision,
        record,
        notify.editors_of(
            record,
            may_decide=lambda u: can_publish(u, type(record)) and in_scope(u, record),
            exclude=[revision.submitted_by_id],
        ),
    )


def _apply_rows(record, revision, user):
    reason = short_reason(f"Approved change #{revision.pk} by {user}: {revision.reason}")
    for op in revision.rows or ():
        row = _check_row(record, op)  # refuses a row changed since it was proposed
        row._change_reason = reason
        row._history_user = revision.submitted_by or user
        if op["op"] == "delete":
            row.delete()
        else:
            row.save()


def batch_of(revision):
    """The pending requests decided with ``revision``: its bulk edit's (``batch``), or itself alone."""
    if revision.batch is None:
        return [revision]
    return list(Revision.objects.filter(batch=revision.batch, status=RevisionStatus.PENDING).order_by("pk"))


def revision_approve(*, revision, user, note="") -> Revision:
    """
    An editor approves a pending change set; a bulk edit's (``batch``) is approved as a whole,
    every record or none (each passing its gates).
    """
    if revision.batch is None:
        return _approve_one(revision=revision, user=user, note=note)
    with transaction.atomic():
        for member in batch_of(revision):
            _approve_one(revision=member, user=user, note=note)
    return Revision.objects.get(pk=revision.pk)


def _approve_one(*, revision, user, note="") -> Revision:
    """
    An editor approves a pending change set: its values and rows are written to the record
    (history: the author as the user, the reviewer and reason in the change reason).
    """
    record = revision_subject(revision)
    if record is None:
        raise WorkflowError("The record of this request no longer exists.")
    _require(can_publish(user, revision_model(revision)), "Only an editor may approve.")
    require_scope(user, record)
    if revision.kind == RevisionKind.PUBLICATION:
        return record_publish(record=record, user=user, note=note)
    if revision.kind == RevisionKind.CREATION:
        return _approve_creation(revision=revision, user=user, note=note)
    if revision.kind == RevisionKind.DELETION:
        return _approve_deletion(revision=revision, user=user, note=note)
    with transaction.atomic():
        revision = _approvable(revision, user)
        record = _locked(record)
        stored = _locked(record)
        _apply_rows(record, revision, user)
        m2m = _apply(record, revision.changes)
        check_gates(record, duplicate_override=revision.duplicate_override, stored=stored)
        # Saved after its rows, so the record's history row is the version with this change set's rows
        # (a revert to it restores them), naming the author (user), the reviewer and the reason.
        _stamp_approved(record, revision, user, f"Approved change #{revision.pk} by {user}: {revision.reason}")
        record.save()
        for name, pks in m2m.items():
            getattr(record, name).set(pks)
        quality_gate(record)  # raises inside the transaction: nothing of the change set is applied
        _decide(revision, user, RevisionStatus.APPROVED, note)
    return revision


def _pending(revision):
    """The request re-read under a row lock, if it is still waiting (two editors cannot decide it at once)."""
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise WorkflowError("This request has already been decided.")
    return revision


def _approvable(revision, user):
    revision = _pending(revision)
    _check_two_person(revision, user, "approve")
    return revision


def _stamp_approved(record, revision, user, reason):
    """An approved request's history row: the author as its user, the reviewer and the reason in its words."""
    _stamp(record, revision.submitted_by or user, with_override(reason, revision.duplicate_override))


def _approve_creation(*, revision, user, note):
    """A new source or method record, created as proposed (history: the author, the reviewer, the reason)."""
    with transaction.atomic():
        revision = _approvable(revision, user)
        record = revision_subject(revision)
        fields = editable_fields(type(record))
        m2m = {n: v for n, v in revision.changes.items() if n in fields and fields[n].many_to_many}
        record.full_clean(exclude=list(m2m))  # e.g. its key taken by another record since it was proposed
        check_gates(record, duplicate_override=revision.duplicate_override)
        _stamp_approved(record, revision, user, f"Approved new record #{revision.pk} by {user}: {revision.reason}")
        record.save()
        for name, pks in m2m.items():
            getattr(record, name).set(pks)
        revision.object_id = record.pk
        revision.save(update_fields=["object_id"])
        # The request's comments are the new record's now.
        Comment.objects.filter(revision=revision).update(object_id=record.pk)
        _decide(revision, user, RevisionStatus.APPROVED, note, record=record)
    return revision


def _approve_deletion(*, revision, user, note):
    """A source or method record removed, unless something still cites it."""
    with transaction.atomic():
        revision = _approvable(revision, user)
        record = _locked(revision.record)
        name = f"{record._meta.verbose_name} '{record}'"
        _stamp_approved(record, revision, user, f"Removal #{revision.pk} approved by {user}: {revision.reason}")
        try:
            record.delete()
        except (ProtectedError, RestrictedError) as exc:
            found = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            users = sorted({f"{obj._meta.verbose_name} '{obj}'" for obj in found})
            shown = "; ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
            raise WorkflowError(f"The {name} cannot be removed: it is still used by {shown}.") from exc
        _decide(revision, user, RevisionStatus.APPROVED, note, record=record)
    return revision


def changeset_revert(*, record, user, history_id, reason) -> Revision:
    """
    Propose a published record back to an earlier version: its fields as they were and its
    rows (cells' references, legal bases, law events) as they stood then, as one change set
    for review (nothing changes until another editor approves).
    """
    historic = record.history.get(history_id=history_id)
    then = historic.history_date
    old = historic.instance
    values = {
        name: getattr(old, name)
        for name, field in editable_fields(type(record)).items()
        if not field.many_to_many and getattr(old, field.attname) != getattr(record, field.attname)
    }
    ops = []
    for label, path in ROW_PARENTS.items():
        model = _row_model(label)
        lookup = "__".join(path)
        if parent_model_of(label) is not type(record):
            continue
        now = {r.pk: r for r in model._default_manager.filter(**{lookup: record})}
        # The rows as they stood then (simple-history's as_of: one historical row per record, as model instances).
        historic_rows = [getattr(h, "instance", h) for h in model.history.as_of(then)]
        past = {
            r.pk: r
            for r in historic_rows
            if (len(path) == 1 and getattr(r, f"{path[0]}_id") == record.pk)
            or (len(path) == 2 and _belongs_then(r, path, record, then))
        }
        fixed = label == "orgs.assessment"  # a type's six cells are never added or removed, only edited
        for pk, row in now.items():
            if pk not in past and not fixed:
                ops.append(row_op(row, "delete"))
        for pk, row in past.items():
            if pk in now:
                stored = now[pk]
                for field in editable_fields(model).values():
                    if not field.many_to_many:
                        setattr(stored, field.attname, getattr(row, field.attname))
                op = row_op(stored, "update")
                if op["values"]:
                    ops.append(op)
            elif not fixed:
                fresh = model(
                    **{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
                )
                ops.append(row_op(fresh, "create"))
    return revision_propose(record=record, user=user, values=values, reason=reason, rows=ops)


def parent_model_of(label):
    model = _row_model(label)
    for attr in ROW_PARENTS[label]:
        model = model._meta.get_field(attr).related_model
    return model


def _belongs_then(row, path, record, then):
    # A reference belongs to a cell (assessment); cells are never moved between types.
    parent_model = type(row)._meta.get_field(path[0]).related_model
    parent = parent_model._default_manager.filter(pk=getattr(row, f"{path[0]}_id")).first()
    return parent is not None and getattr(parent, f"{path[1]}_id") == record.pk


def revision_reject(*, revision, user, note) -> Revision:
    """An editor rejects a pending revision (a bulk edit's as a whole); a publication request sends the record back."""
    if revision.batch is not None:
        with transaction.atomic():
            for member in batch_of(revision):
                _reject_one(revision=member, user=user, note=note)
        return Revision.objects.get(pk=revision.pk)
    return _reject_one(revision=revision, user=user, note=note)


def _reject_one(*, revision, user, note) -> Revision:
    record = revision_subject(revision)
    _require(can_publish(user, revision_model(revision)), "Only an editor may reject.")
    if record is not None:
        require_scope(user, record)
    if revision.kind == RevisionKind.PUBLICATION:
        return record_send_back(record=record, user=user, note=note)
    if not note.strip():
        raise ValidationError("Say why the change is rejected.")
    with transaction.atomic():
        revision = _pending(revision)
        _decide(revision, user, RevisionStatus.REJECTED, note)
    return revision


# Bulk edit ----------------------------------------------------------------------------


def bulk_fields(model):
    """The fields a bulk edit may set: the record's own plain values (no relation, no key)."""
    return {
        name: field
        for name, field in editable_fields(model).items()
        if not field.is_relation and not field.unique and name not in {"slug", "code"}
    }


def bulk_update(*, records, user, field, value, reason):
    """
    Set ``field`` to ``value`` on ``records`` (one model) as ONE change: drafts in place, the
    published records' changes as one change set (a ``batch`` of requests decided together);
    a record in review or archived, or one refused, refuses the whole edit. Returns the batch
    id (None when every record was a draft).
    """
    records = list(records)
    if not records:
        raise ValidationError("Select the records to edit.")
    model = type(records[0])
    if any(type(r) is not model for r in records):
        raise ValidationError("A bulk edit changes records of one kind.")
    fields = bulk_fields(model)
    if field not in fields:
        raise ValidationError(f"'{field}' cannot be set in bulk; choose one of: {', '.join(sorted(fields))}.")
    try:
        value = fields[field].to_python(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    if not str(reason or "").strip():
        raise ValidationError("Give a reason for the change.")
    batch = uuid.uuid4()
    proposed = False
    with transaction.atomic():
        for record in records:
            stored = model._default_manager.get(pk=record.pk)
            if getattr(stored, fields[field].attname) == value:
                continue
            setattr(stored, fields[field].attname, value)
            if is_public(stored):  # published, or a source or method record: a request in the batch
                fresh = model._default_manager.get(pk=record.pk)
                revision_propose(
                    record=fresh, user=user, values={field: value}, reason=f"Bulk edit: {reason}", batch=batch
                )
                proposed = True
            else:
                record_update(record=stored, user=user, reason=f"Bulk edit: {reason}")
    return batch if proposed else None


# Comments ---------------------------------------------------------------------------


def comment_add(*, user, body, record=None, revision=None) -> Comment:
    """A curator's comment on ``record`` or on a change set (``revision``, whose record it is also on)."""
    if revision is not None:
        record = revision_subject(revision)
    if record is None:
        raise ValidationError("Say what the comment is about: a record or a change set.")
    _require(
        user is not None and (can_edit(user, type(record)) or can_publish(user, type(record))),
        "You may not comment on these records.",
    )
    require_scope(user, record)
    body = str(body or "").strip()
    if not body:
        raise ValidationError("Write the comment first.")
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        revision=revision,
        author=user,
        body=body,
    )


def comments_on(record):
    """The comments on ``record`` and on its change sets, oldest first (a record not created yet has none)."""
    if record.pk is None:
        return Comment.objects.none()
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).select_related("author", "revision")


# The public's suggested corrections ------------------------------------------------
# A suggestion is triaged by an analyst or editor: accepted (the correction is then made
# through the normal edit/review path) or rejected, with a note either way.


def _decide_suggestion(suggestion, user, status, note):
    if not user.has_perm("orgs.change_suggestion"):
        raise PermissionDenied("You may not review suggestions.")
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SuggestionStatus.NEW:
            raise WorkflowError("This suggestion has already been reviewed.")
        suggestion.status = status
        suggestion.reviewed_by = user
        suggestion.reviewed_at = timezone.now()
        suggestion.review_note = note
        suggestion.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return suggestion


def suggestion_accept(*, suggestion, user, note=""):
    """Mark a suggestion accepted: the correction is worth making."""
    return _decide_suggestion(suggestion, user, SuggestionStatus.ACCEPTED, note)


def suggestion_reject(*, suggestion, user, note):
    """Mark a suggestion rejected, saying why."""
    if not note.strip():
        raise ValidationError("Say why the suggestion is rejected.")
    return _decide_suggestion(suggestion, user, SuggestionStatus.REJECTED, note)
