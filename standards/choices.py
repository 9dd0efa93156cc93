"""Choices of the standards library."""

from django.db import models


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# The weight of an answer in the alignment score, by the standard's priority.
PRIORITY_WEIGHTS = {Priority.HIGH: 5, Priority.MEDIUM: 3, Priority.LOW: 1}


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semi-annual"
    YEARLY = "yearly", "Yearly"


class StandardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"
