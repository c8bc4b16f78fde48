from django.db import models

from . import classification as rule


class ClassificationChoice(models.TextChoices):
    SSEOE = rule.SSEOE, "SSEOE"
    PHO = rule.PHO, "PHO"
    OUTSIDE = rule.OUTSIDE, "Outside"


class SuggestionStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
