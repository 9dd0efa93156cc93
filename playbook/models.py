"""The vCIO playbook: yearly objectives per vCIO and activity, and escalations (the one activity the product
has no other record of). Every other actual is counted from msp.models.Activity (playbook.selectors)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from clients.models import Client
from msp.tenancy import TenantModel, VersionedModel

from .choices import MAX_OBJECTIVE, EscalationSource, PlaybookActivity


@pghistory.track()
class Objective(TenantModel, VersionedModel):
    """How many of one activity a vCIO aims for in one calendar year."""

    client_path = None  # internal: portal users see none

    vcio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    activity = models.CharField(max_length=12, choices=PlaybookActivity.choices)
    annual = models.PositiveIntegerField("annual objective", validators=[MaxValueValidator(MAX_OBJECTIVE)])

    class Meta:
        ordering = ["year", "activity"]
        indexes = [models.Index(fields=["msp", "year", "vcio"])]
        constraints = [
            models.UniqueConstraint(fields=["msp", "vcio", "year", "activity"], name="objective_once_a_year",
                                    violation_error_message="This vCIO already has an objective for this "
                                                            "activity and year."),
            models.CheckConstraint(condition=models.Q(annual__lte=MAX_OBJECTIVE), name="objective_bounded",
                                   violation_error_message=f"An objective is at most {MAX_OBJECTIVE:,} a year."),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} {self.year}: {self.annual}"


@pghistory.track()
class Escalation(TenantModel, VersionedModel):
    """An issue the vCIO took up with a client (escalated to them, or by them)."""

    client_path = "client"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="escalations")
    vcio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             help_text="Whose playbook it counts in.")
    occurred_on = models.DateField("date")
    summary = models.CharField(max_length=300)
    source = models.CharField(max_length=12, choices=EscalationSource.choices, default=EscalationSource.TICKET)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["msp", "vcio", "occurred_on"]), models.Index(fields=["msp", "client"])]

    def __str__(self) -> str:
        return self.summary


@pghistory.track()
class PracticeAssessment(TenantModel, VersionedModel):
    """The owner's yearly self-assessment of the vCIO practice: a yes or no to each question of
    playbook.assessment, and for the questions the data answers, the figure it showed when saved."""

    client_path = None  # internal: portal users see none

    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    answers = models.JSONField(default=dict, blank=True, help_text="{question key: true or false}")
    evidence = models.JSONField(default=dict, blank=True,
                                help_text="{question key: the figure behind the data's answer, when saved}")
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["msp", "year"], name="practice_assessment_once_a_year",
                                    violation_error_message="This year already has its self-assessment."),
        ]

    def __str__(self) -> str:
        return f"Practice self-assessment {self.year}"
