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
    """
    How far a fact was checked, defined so that a label cannot claim more than was read:
    ``official`` and ``statute`` need the provision's wording quoted (``check_data``
    reports one without); a copy of unknown origin is ``secondary`` at best.
    """

    OFFICIAL = "official", "Read in the official text (gazette, national database or official translation)"
    STATUTE = "statute", "Read in the article's text in another copy, and quoted"
    SECONDARY = "secondary", "Described by a secondary source"
    UNVERIFIED = "unverified", "Unverified"
