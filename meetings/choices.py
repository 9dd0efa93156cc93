"""Kinds and statuses of meetings, action items and touches."""

from django.db import models


class MeetingActivity(models.TextChoices):
    """Events of meeting work recorded as activities (registered in apps.py); the playbook counts them."""

    MEETING_HELD = "meeting_held", "Meeting held"
    TOUCH_LOGGED = "touch_logged", "Unique touch logged"


class MeetingKind(models.TextChoices):
    PRE_PLANNING = "pre_planning", "Pre-planning"
    STRATEGY = "strategy", "Strategy and annual planning"
    QBR = "qbr", "Quarterly business review"
    STEERING = "steering", "TAM-vCIO steering"
    CHECK_IN = "check_in", "Check-in"


# The kinds of the client's yearly cycle: what the cadence counts and the scheduler plans.
CYCLE_KINDS = (MeetingKind.PRE_PLANNING, MeetingKind.STRATEGY, MeetingKind.QBR)

# Minutes, for meetings the scheduler plans.
DEFAULT_DURATION = {
    MeetingKind.PRE_PLANNING: 60,
    MeetingKind.STRATEGY: 90,
    MeetingKind.QBR: 60,
    MeetingKind.STEERING: 45,
    MeetingKind.CHECK_IN: 30,
}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    # A planned meeting whose end passed without anyone marking it held (meetings.services.meetings_mark_missed).
    MISSED = "missed", "Missed"


class ActionItemSource(models.TextChoices):
    """Where an action item was raised."""

    MEETING = "meeting", "Meeting"
    SURVEY = "survey", "Client survey"
    OTHER = "other", "Other"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class TouchKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    VISIT = "visit", "Visit"
    VIDEO = "video", "Video call"
