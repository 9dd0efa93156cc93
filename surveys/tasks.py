"""Background jobs of the client survey: the daily fan-out that sends campaigns on their date, reminds
the unanswered and closes finished campaigns."""

from __future__ import annotations

import logging

from celery import shared_task

from msp.models import Msp
from msp.tenancy import TenantTask

from .services import campaigns_run

logger = logging.getLogger(__name__)


@shared_task
def survey_campaigns_run_all() -> int:
    """Celery beat, daily: one task per MSP, so one tenant's failure stops no other."""
    msp_ids = [str(pk) for pk in Msp.objects.order_by("name").values_list("pk", flat=True)]
    for msp_id in msp_ids:
        survey_campaigns_run_for_msp.delay(msp_id=msp_id)
    return len(msp_ids)


@shared_task(base=TenantTask, bind=True)
def survey_campaigns_run_for_msp(self, *, msp_id: str) -> dict:
    summary = campaigns_run(msp=Msp.objects.get(pk=msp_id))
    logger.info("survey campaigns of %s: %s", msp_id, summary)
    return summary
