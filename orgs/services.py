"""
Workflow service functions for the public's suggested corrections.

Keyword-only, taking the acting ``user``, atomic. A suggestion is triaged by
an analyst or editor: accepted (the correction is then made through the
normal edit/review path) or rejected, with a note either way.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from countries.services import WorkflowError

from .choices import SuggestionStatus
from .models import Suggestion


def _decide(suggestion, user, status, note):
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
    return _decide(suggestion, user, SuggestionStatus.ACCEPTED, note)


def suggestion_reject(*, suggestion, user, note):
    """Mark a suggestion rejected, saying why."""
    if not note.strip():
        raise ValidationError("Say why the suggestion is rejected.")
    return _decide(suggestion, user, SuggestionStatus.REJECTED, note)
