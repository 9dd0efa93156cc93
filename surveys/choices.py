"""Statuses of survey campaigns and invitations, and the activity the survey records."""

from django.db import models


class SurveyActivity(models.TextChoices):
    """Events of the client survey recorded as activities (registered in apps.py); the scorecard counts them."""

    SURVEY_ANSWERED = "survey_answered", "Client survey answered"


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class InvitationState(models.TextChoices):
    """Derived, never stored: what an invitation's link does today."""

    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired"


# Every answer is a whole number on this scale; the target is TARGET or more on every question.
SCORE_MIN, SCORE_MAX = 1, 10
TARGET = 8

# The default survey (our wording of DOMAIN.md's five questions); the owner may edit it.
DEFAULT_SURVEY_NAME = "Yearly client survey"
DEFAULT_QUESTIONS = (
    "How safe do you feel your network and data are from attacks?",
    "How reliable is your IT network and infrastructure?",
    "How up to date are your IT systems?",
    "How much value do you see in the roadmap and budget forecasts we prepared?",
    "How would you rate your relationship with your vCIO?",
)
MAX_QUESTIONS = 12
