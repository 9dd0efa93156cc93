"""Choices of alignment reviews."""

from django.db import models


class AlignmentActivity(models.TextChoices):
    """Events of alignment work that are recorded as activities (registered in apps.py)."""

    REVIEW_COMPLETED = "review_completed", "Alignment review completed"
    SUMMARY_COMPLETED = "summary_completed", "Technology summary completed"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Response(models.TextChoices):
    """Never "maybe": a standard is met, not met, or does not apply to this client."""

    ALIGNED = "aligned", "Aligned"
    MISALIGNED = "misaligned", "Misaligned"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Impact(models.TextChoices):
    PRODUCTIVITY = "productivity", "Productivity"
    BUSINESS_RISK = "business_risk", "Business risk"
    OPPORTUNITY_COST = "opportunity_cost", "Opportunity cost"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", "Open"
    PLANNED = "planned", "On the roadmap"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"
