"""Background jobs of meetings: the daily scheduling fan-out and sending invitations."""

from __future__ import annotations

import logging

from celery import shared_task

from msp.models import Msp
from msp.tenancy import TenantTask

from .invitations import send_meeting_invitations
from .scheduling import meetings_schedule

# The invitation task is defined next to the code it sends with; naming it here is what discovery sees.
__all__ = ["schedule_meetings_all", "schedule_meetings_for_msp", "send_meeting_invitations"]

logger = logging.getLogger(__name__)


@shared_task
def schedule_meetings_all() -> int:
    """Celery beat, daily: one scheduling task per MSP, so one tenant's failure stops no other."""
    msp_ids = [str(pk) for pk in Msp.objects.order_by("name").values_list("pk", flat=True)]
    for msp_id in msp_ids:
        schedule_meetings_for_msp.delay(msp_id=msp_id)
    return len(msp_ids)


@shared_task(base=TenantTask, bind=True)
def schedule_meetings_for_msp(self, *, msp_id: str) -> dict:
    """Plan the next 12 months of one MSP's meetings (meetings.scheduling.meetings_schedule)."""
    summary = meetings_schedule(msp=Msp.objects.get(pk=msp_id))
    logger.info("meetings scheduled for %s: %s", summary.msp, summary.as_dict())
    return summary.as_dict()
