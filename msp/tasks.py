"""Background jobs of the tenancy core."""

from __future__ import annotations

from celery import shared_task

from .csvimport import apply_csv_import
from .emails import render_and_send_email
from .export import export_msp_data
from .idempotency import idempotency_keys_expire
from .jobs import jobs_sweep
from .models import Msp
from .tenancy import TenantTask

# The import pipeline defines its one generic task next to the code it runs (so enqueueing needs no import
# of this module); naming it here is what a worker's task discovery sees.
__all__ = ["apply_csv_import", "export_msp_data", "idempotency_keys_expire_all", "idempotency_keys_expire_for_msp",
           "jobs_sweep_all", "jobs_sweep_for_msp", "send_email"]


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, *, msp_id: str, to: str, subject: str, template: str, context: dict) -> None:
    """Render and send one email for a tenant (invitations, notifications)."""
    render_and_send_email(to=to, subject=subject, template=template, context=context,
                          msp=Msp.objects.get(pk=msp_id))


def _fan_out(task) -> int:
    msp_ids = [str(pk) for pk in Msp.objects.values_list("pk", flat=True)]
    for msp_id in msp_ids:
        task.delay(msp_id=msp_id)
    return len(msp_ids)


@shared_task
def jobs_sweep_all() -> int:
    """Celery beat, every minute: one sweep of lost jobs per MSP."""
    return _fan_out(jobs_sweep_for_msp)


@shared_task
def idempotency_keys_expire_all() -> int:
    """Celery beat, hourly: delete each MSP's idempotency keys older than 24 hours."""
    return _fan_out(idempotency_keys_expire_for_msp)


@shared_task(base=TenantTask, bind=True)
def idempotency_keys_expire_for_msp(self, *, msp_id: str) -> int:
    return idempotency_keys_expire(msp_id=msp_id)


@shared_task(base=TenantTask, bind=True)
def jobs_sweep_for_msp(self, *, msp_id: str) -> dict:
    """Send again (or fail) the MSP's jobs whose worker stopped reporting."""
    return jobs_sweep(msp_id=msp_id)
