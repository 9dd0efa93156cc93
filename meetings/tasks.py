"""Background jobs of meetings: the daily scheduling fan-out, sending invitations, the reminders before
meetings and the daily digest of overdue action items. Each beat task fans out one task per MSP."""

from __future__ import annotations

import logging

from celery import shared_task

from msp.models import Msp
from msp.tenancy import TenantTask

from .invitations import send_meeting_cancellation, send_meeting_invitations
from .reminders import meeting_reminders_send, overdue_digest_send
from .scheduling import meetings_schedule

# The invitation task is defined next to the code it sends with; naming it here is what discovery sees.
__all__ = ["overdue_digest_all", "overdue_digest_for_msp", "schedule_meetings_all", "schedule_meetings_for_msp",
           "send_meeting_cancellation", "send_meeting_invitations", "send_reminders_all", "send_reminders_for_msp"]

logger = logging.getLogger(__name__)


def _fan_out(task) -> int:
    msp_ids = [str(pk) for pk in Msp.objects.order_by("name").values_list("pk", flat=True)]
    for msp_id in msp_ids:
        task.delay(msp_id=msp_id)
    return len(msp_ids)


@shared_task
def schedule_meetings_all() -> int:
    """Celery beat, daily: one scheduling task per MSP, so one tenant's failure stops no other."""
    return _fan_out(schedule_meetings_for_msp)


@shared_task
def send_reminders_all() -> int:
    """Celery beat, hourly: one reminder task per MSP."""
    return _fan_out(send_reminders_for_msp)


@shared_task
def overdue_digest_all() -> int:
    """Celery beat, daily: one overdue-digest task per MSP."""
    return _fan_out(overdue_digest_for_msp)


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reminders_for_msp(self, *, msp_id: str) -> int:
    """Remind everyone invited to the MSP's meetings of the next two days (once per meeting)."""
    return meeting_reminders_send(msp=Msp.objects.get(pk=msp_id))


@shared_task(base=TenantTask, bind=True)
def overdue_digest_for_msp(self, *, msp_id: str) -> int:
    """Email each owner of overdue action items of the MSP their list."""
    return overdue_digest_send(msp=Msp.objects.get(pk=msp_id))


@shared_task(base=TenantTask, bind=True)
def schedule_meetings_for_msp(self, *, msp_id: str) -> dict:
    """Plan the next 12 months of one MSP's meetings (meetings.scheduling.meetings_schedule)."""
    summary = meetings_schedule(msp=Msp.objects.get(pk=msp_id))
    logger.info("meetings scheduled for %s: %s", summary.msp, summary.as_dict())
    return summary.as_dict()
