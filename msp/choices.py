"""Statuses of the tenancy core's records."""

from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


FINISHED_JOB_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ActivityKind(models.TextChoices):
    """Recorded events of the vCIO's work; the playbook counts them."""

    REVIEW_COMPLETED = "review_completed", "Alignment review completed"
    SUMMARY_COMPLETED = "summary_completed", "Technology summary completed"
    PROPOSAL_SENT = "proposal_sent", "Proposal sent"
    BUDGET_PRESENTED = "budget_presented", "Budget presented"
    MEETING_HELD = "meeting_held", "Meeting held"
