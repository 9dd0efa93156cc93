"""The yearly client survey: the questions (versioned), the campaigns that send it, each decision maker's
invitation (a signed link), and the responses with one answer per question."""

from __future__ import annotations

from datetime import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client, Contact
from meetings.models import ActionItem
from msp.tenancy import TenantModel, VersionedModel

from .choices import SCORE_MAX, SCORE_MIN, CampaignStatus, InvitationState


def default_reminder_days() -> list[int]:
    return [7, 14]


@pghistory.track()
class Survey(TenantModel, VersionedModel):
    """A set of questions scored 1-10. Editing the questions makes a new version (`version` goes up): a
    changed question is retired and a new one takes its place, so past answers keep the words they
    answered. The MSP's survey questions are the same for every client, so portal users may read them."""

    client_path = None
    portal_readable = True  # the questions a decision maker is asked and sees in their past results

    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["msp"], condition=Q(is_default=True), name="survey_one_default",
                                    violation_error_message="The MSP already has a default survey."),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class SurveyQuestion(TenantModel):
    """One question of a survey at one position. Retired (not deleted) when its words change."""

    client_path = None
    portal_readable = True

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    text = models.CharField(max_length=300)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], condition=Q(retired_at__isnull=True),
                                    name="survey_question_one_per_position",
                                    violation_error_message="The survey already has a question at this position."),
        ]

    def __str__(self) -> str:
        return f"Q{self.position}. {self.text}"


@pghistory.track()
class SurveyCampaign(TenantModel, VersionedModel):
    """The survey of one year: sent on `send_on` (by the daily task) to the decision makers of every active
    client, open for `open_days`, with a reminder `reminder_days` days after sending to whoever has not
    answered."""

    client_path = None

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="campaigns")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    send_on = models.DateField()
    open_days = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(7),
                                                                         MaxValueValidator(120)])
    reminder_days = ArrayField(models.PositiveSmallIntegerField(), default=default_reminder_days, blank=True,
                               size=5, help_text="Days after sending when the unanswered get a reminder.")
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["msp", "year"], condition=~Q(status=CampaignStatus.CANCELLED),
                                    name="survey_campaign_one_per_year",
                                    violation_error_message="This year already has its survey campaign."),
            models.CheckConstraint(condition=~Q(status=CampaignStatus.SENT) | Q(sent_at__isnull=False),
                                   name="survey_campaign_sent_dated",
                                   violation_error_message="A sent campaign records when it was sent."),
        ]

    def __str__(self) -> str:
        return f"Client survey {self.year}"


class SurveyInvitation(TenantModel):
    """One decision maker's personal link to one campaign. The link is a signed token naming this
    invitation and its MSP (surveys.tokens); one response per invitation."""

    client_path = "client"

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, related_name="invitations")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="survey_invitations")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="survey_invitations")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client__name", "created_at"]
        indexes = [models.Index(fields=["msp", "campaign", "answered_at"]), models.Index(fields=["msp", "client"])]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="survey_invitation_once_per_contact",
                                    violation_error_message="This contact is already invited to the campaign."),
        ]

    def __str__(self) -> str:
        return f"Survey {self.campaign_id} for {self.email}"

    def state(self, now: datetime | None = None) -> str:
        if self.answered_at is not None:
            return InvitationState.ANSWERED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.OPEN


class SurveyResponse(TenantModel):
    """The answers of one invitation, given once. A response with any score below target raised one
    follow-up action item for the client's vCIO (`follow_up`)."""

    client_path = "client"

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.PROTECT, related_name="response")
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, related_name="responses")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="survey_responses")
    comment = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)
    follow_up = models.ForeignKey(ActionItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["msp", "campaign", "client"])]

    def __str__(self) -> str:
        return f"Response to {self.invitation_id}"


class SurveyAnswer(TenantModel):
    """One score (a whole number 1-10) for one question of a response."""

    client_path = "response__client"

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])

    class Meta:
        ordering = ["question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question",
                                    violation_error_message="This question is already answered."),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="survey_answer_score_range",
                                   violation_error_message="A score is a whole number from 1 to 10."),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.question_id}"
