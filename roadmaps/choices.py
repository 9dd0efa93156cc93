"""Choices of the roadmap."""

from django.db import models


class RoadmapActivity(models.TextChoices):
    """Events of roadmap work that are recorded as activities (registered in apps.py)."""

    PROPOSAL_SENT = "proposal_sent", "Proposal sent"


class InitiativeStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class InitiativeCategory(models.TextChoices):
    SECURITY = "security", "Security"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    LIFECYCLE = "lifecycle", "Hardware lifecycle"
    CLOUD = "cloud", "Cloud and software"
    CONTINUITY = "continuity", "Business continuity"
    COMPLIANCE = "compliance", "Compliance"
    PRODUCTIVITY = "productivity", "Productivity"
    OTHER = "other", "Other"


class LifecycleReason(models.TextChoices):
    WARRANTY_END = "warranty_end", "Warranty ends"
    END_OF_SUPPORT = "end_of_support", "End of support"
    END_OF_LIFE = "end_of_life", "End of expected life"


class LifecycleDecisionKind(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
