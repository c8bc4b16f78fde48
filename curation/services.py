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

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.choices import PublicationStatus
from core.exceptions import WorkflowError
from countries.models import Revision, RevisionKind, RevisionStatus
from orgs.choices import SuggestionStatus
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


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _locked(record):
    """The record re-read under a row lock, so two reviewers cannot act on it at once."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def _save_status(record, status, *, user, reason):
    record.publication_status = status
    record._change_reason = short_reason(reason)
    record._history_user = user
    record.save()


def _check_two_person(revision, user, verb):
    if two_person_review() and revision.submitted_by_id == user.pk:
        raise WorkflowError(
            f"Two-person review is on: you submitted this yourself, so another editor must {verb} it."
        )


def record_submit_for_review(*, record, user, reason="Submitted for review") -> Revision:
    """An analyst asks for a draft to be published as it stands."""
    _require(can_edit(user, type(record)), "You may not edit these records.")
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
        _save_status(record, Status.IN_REVIEW, user=user, reason=f"Submitted for review: {reason}")
    return revision


def record_publish(*, record, user, note="") -> Revision:
    """An editor publishes a record that is in review."""
    _require(can_publish(user, type(record)), "Only an editor may publish.")
    with transaction.atomic():
        record = _locked(record)
        revision = pending_revision(record)
        if record.publication_status != Status.IN_REVIEW or revision is None:
            raise WorkflowError("Only a record submitted for review can be published.")
        _check_two_person(revision, user, "publish")
        _decide(revision, user, RevisionStatus.APPROVED, note)
        _save_status(record, Status.PUBLISHED, user=user, reason=f"Published (approved by {user})")
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
        _save_status(record, Status.DRAFT, user=user, reason=f"Sent back to draft: {note}")
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
        _save_status(record, Status.ARCHIVED, user=user, reason=f"Archived: {reason}")


def record_reopen(*, record, user, reason) -> None:
    """An editor turns an archived record back into a draft to work on."""
    _require(can_publish(user, type(record)), "Only an editor may reopen an archived record.")
    with transaction.atomic():
        record = _locked(record)
        if record.publication_status != Status.ARCHIVED:
            raise WorkflowError("Only an archived record can be reopened.")
        _save_status(record, Status.DRAFT, user=user, reason=f"Reopened as draft: {reason}")


# Proposed changes to published records -------------------------------------------


def editable_fields(model):
    """Fields a change revision may carry: what the admin form edits."""
    return {
        f.name: f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.editable
        and not f.primary_key
        and f.name not in {"publication_status", "created_at", "updated_at"}
    }


def _serialize(record, field):
    if field.many_to_many:
        return sorted(obj.pk for obj in field.value_from_object(record))
    value = getattr(record, field.attname)
    return (
        field.value_to_string(record)
        if value is not None and not isinstance(value, (int, bool, str))
        else value
    )


def revision_propose(*, record, user, values, reason) -> Revision:
    """
    Hold ``values`` (field name -> new value, model values or pks) as a pending
    change to a published record; the record itself is not touched.
    """
    _require(can_edit(user, type(record)), "You may not edit these records.")
    if not reason.strip():
        raise ValidationError("Give a reason for the change.")
    fields = editable_fields(type(record))
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        record = _locked(record)
        if record.publication_status != Status.PUBLISHED:
            raise WorkflowError("Only published records take proposed changes; edit drafts directly.")
        if pending_revision(record) is not None:
            raise WorkflowError(
                "A change to this record is already waiting for review; it must be decided first."
            )
        changes = {}
        for name, value in values.items():
            field = fields[name]
            if field.many_to_many:
                changes[name] = sorted(getattr(v, "pk", v) for v in value)
            elif field.is_relation:
                changes[name] = getattr(value, "pk", value)
            else:
                copy = type(record)(**{field.attname: value})
                changes[name] = _serialize(copy, field)
        return Revision.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            kind=RevisionKind.CHANGE,
            changes=changes,
            reason=reason,
            submitted_by=user,
        )


def revision_diff(revision):
    """[(field verbose name, current value, proposed value)] for a change revision."""
    record = revision.record
    fields = editable_fields(type(record))
    rows = []
    for name, proposed in revision.changes.items():
        field = fields.get(name)
        if field is None:
            continue
        if field.many_to_many:
            current = ", ".join(str(o) for o in getattr(record, name).all())
            proposed_text = ", ".join(
                str(o) for o in field.related_model._default_manager.filter(pk__in=proposed)
            )
        elif field.is_relation:
            current = str(getattr(record, name) or "")
            target = field.related_model._default_manager.filter(pk=proposed).first() if proposed else None
            proposed_text = str(target or "")
        else:
            current = getattr(record, name)
            proposed_text = proposed
        rows.append((field.verbose_name, current, proposed_text))
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


def _decide(revision, user, status, note):
    revision.status = status
    revision.decided_by = user
    revision.decided_at = timezone.now()
    revision.decision_note = note
    revision.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def revision_approve(*, revision, user, note="") -> Revision:
    """An editor approves a pending revision; a change's values are written to the record."""
    record = revision.record
    _require(can_publish(user, type(record)), "Only an editor may approve.")
    if revision.kind == RevisionKind.PUBLICATION:
        return record_publish(record=record, user=user, note=note)
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != RevisionStatus.PENDING:
            raise WorkflowError("This request has already been decided.")
        _check_two_person(revision, user, "approve")
        record = _locked(record)
        m2m = _apply(record, revision.changes)
        record._change_reason = short_reason(f"Approved change: {revision.reason}")
        record._history_user = revision.submitted_by or user
        record.save()
        for name, pks in m2m.items():
            getattr(record, name).set(pks)
        _decide(revision, user, RevisionStatus.APPROVED, note)
    return revision


def revision_reject(*, revision, user, note) -> Revision:
    """An editor rejects a pending revision; a publication request sends the record back to draft."""
    record = revision.record
    _require(can_publish(user, type(record)), "Only an editor may reject.")
    if revision.kind == RevisionKind.PUBLICATION:
        return record_send_back(record=record, user=user, note=note)
    if not note.strip():
        raise ValidationError("Say why the change is rejected.")
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != RevisionStatus.PENDING:
            raise WorkflowError("This request has already been decided.")
        _decide(revision, user, RevisionStatus.REJECTED, note)
    return revision


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
