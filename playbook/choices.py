"""Choices of the playbook."""

from decimal import Decimal

from django.db import models


class PlaybookActivity(models.TextChoices):
    """The six activities a vCIO's year is measured by (DOMAIN: the vCIO playbook)."""

    TOUCHES = "touches", "Unique client touches"
    ESCALATIONS = "escalations", "Escalated issues"
    MEETINGS = "meetings", "Client meetings"
    SUMMARIES = "summaries", "Technology summaries completed"
    BUDGETS = "budgets", "Budgets completed"
    PROPOSALS = "proposals", "Proposals completed"


# A new year's objective for each activity, until the owner sets another.
DEFAULT_OBJECTIVES = {
    PlaybookActivity.TOUCHES: 520,
    PlaybookActivity.ESCALATIONS: 260,
    PlaybookActivity.MEETINGS: 260,
    PlaybookActivity.SUMMARIES: 156,
    PlaybookActivity.BUDGETS: 104,
    PlaybookActivity.PROPOSALS: 260,
}
MAX_OBJECTIVE = 100_000

# Pace: within 10 % of the objective prorated to today is on pace.
PACE_BAND = Decimal("0.10")


class Pace(models.TextChoices):
    AHEAD = "ahead", "Ahead"
    ON_PACE = "on_pace", "On pace"
    BEHIND = "behind", "Behind"


class EscalationSource(models.TextChoices):
    TICKET = "ticket", "Support ticket"
    CALL = "call", "Phone call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    MONITORING = "monitoring", "Monitoring alert"
    OTHER = "other", "Other"

