"""
E-mails of the review workflow, through Django's e-mail backend (console in development, SMTP
from the environment: sse_map/settings/curation.py): the editors of the record's country hear
of a new submission, the author of a decision. Sent once the transaction commits; a mail server
down is logged, never a refused decision.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

logger = logging.getLogger(__name__)


def _send(subject, body, recipients):
    recipients = sorted({address for address in recipients if address})
    if not recipients or not settings.SSE_MAP_NOTIFY:
        return

    def deliver():
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # an unreachable mail server must not undo or refuse a decision
            logger.exception("Could not send the e-mail %r to %s", subject, recipients)

    transaction.on_commit(deliver)


def editors_of(record, *, may_decide, exclude=()):
    """Active users with an address who may decide on ``record`` (``may_decide(user)``), except ``exclude``."""
    users = get_user_model()._default_manager.filter(is_active=True).exclude(email="").exclude(pk__in=exclude)
    return [user.email for user in users if may_decide(user)]


def submitted(revision, record, recipients):
    """A new change set or publication request: to the editors who may decide it."""
    what = {
        "publication": "asks for the publication of the",
        "creation": "proposes a new",
        "deletion": "proposes to remove the",
    }.get(revision.kind, "proposes a change to the")
    _send(
        f"[SSE Map] Review: {record}",
        f"{revision.submitted_by or 'Someone'} {what} {record._meta.verbose_name} '{record}'.\n\n"
        f"Reason: {revision.reason}\n\nThe review queue: {reverse('admin-review-queue')}\n",
        recipients,
    )


def decided(revision, record):
    """A decision (approved, published, rejected, sent back): to the author."""
    author = revision.submitted_by
    if author is None or not author.email or author.pk == revision.decided_by_id:
        return
    note = f"\n\nNote: {revision.decision_note}" if revision.decision_note else ""
    _send(
        f"[SSE Map] {revision.get_status_display()}: {record}",
        f"Your request #{revision.pk} on the {record._meta.verbose_name} '{record}' ({revision.reason}) was "
        f"{revision.get_status_display().lower()} by {revision.decided_by}.{note}\n\n"
        f"Your submissions: {reverse('admin-my-submissions')}\n",
        [author.email],
    )
