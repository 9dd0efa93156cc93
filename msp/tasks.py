"""Background jobs of the tenancy core."""

from __future__ import annotations

from celery import shared_task

from .csvimport import apply_csv_import
from .emails import render_and_send_email
from .models import Msp
from .tenancy import TenantTask

# The import pipeline defines its one generic task next to the code it runs (so enqueueing needs no import
# of this module); naming it here is what a worker's task discovery sees.
__all__ = ["apply_csv_import", "send_email"]


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, *, msp_id: str, to: str, subject: str, template: str, context: dict) -> None:
    """Render and send one email for a tenant (invitations, notifications)."""
    render_and_send_email(to=to, subject=subject, template=template, context=context,
                          msp=Msp.objects.get(pk=msp_id))
