"""
Controlled vocabularies of the organization types, their cells and the research's claims.

To extend one, add a member (value in lower snake case, stable once published: partners
filter on it) and run ``manage.py makemigrations``.
"""

from django.db import models

from . import classification as rule


class ClassificationChoice(models.TextChoices):
    SSEOE = rule.SSEOE, "SSEOE"
    PHO = rule.PHO, "PHO"
    OUTSIDE = rule.OUTSIDE, "Outside"


class Finding(models.TextChoices):
    """What a cell (type x sub-condition) finds in the governing law."""

    MET = rule.MET, "Met"
    NOT_STIPULATED = rule.NOT_STIPULATED, "Not stipulated"
    NOT_ASSESSED = rule.NOT_ASSESSED, "Not yet assessed"


class ReferenceFinding(models.TextChoices):
    """What one provision shows; a cell with no reference in force is not assessed."""

    MET = rule.MET, "Met"
    NOT_STIPULATED = rule.NOT_STIPULATED, "Not stipulated"


class NotStipulatedKind(models.TextChoices):
    """Why a provision does not meet a sub-condition."""

    SILENT = "silent", "The law is silent on it"
    CONTRARY = "contrary", "The law stipulates the opposite"


class ClaimExpectation(models.TextChoices):
    """What a statement of the research implies for the types it is about."""

    SSEOE = "sseoe", "An SSEOE"
    PHO = "pho", "A PHO"
    LANDSCAPE = "landscape", "In the SSE landscape (an SSEOE or a PHO)"
    OUTSIDE = "outside", "Outside the SSE landscape"
    NONE = "none", "Nothing checkable (context)"


class ClaimScope(models.TextChoices):
    ANY = "any", "At least one type of the family"
    EVERY = "every", "Every type of the family"


class SuggestionStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
