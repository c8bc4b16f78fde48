"""
Vocabularies every curated app shares: the publication state and how far a
fact was verified. Each app's own vocabularies live in its ``choices.py``.

To extend a vocabulary, add a member (value in lower snake case, stable once
published: partners filter on it) and run ``manage.py makemigrations``.
"""

from django.db import models


class PublicationStatus(models.TextChoices):
    """Where a curated record stands in the review workflow."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Verification(models.TextChoices):
    """How far a fact has been checked against its sources."""

    OFFICIAL = "official", "Confirmed against the official text or regulator"
    ILO_BRIEF = "ilo_brief", "Confirmed against the ILO country brief"
    STATUTE = "statute", "Coded from the statute text"
    SECONDARY = "secondary", "Confirmed in a secondary source"
    UNVERIFIED = "unverified", "Unverified"
