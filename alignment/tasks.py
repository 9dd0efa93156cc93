"""Background jobs of the alignment app."""

from __future__ import annotations

from celery import shared_task

from msp.tenancy import TenantTask

from . import reports


@shared_task(base=TenantTask, bind=True)
def render_alignment_report(self, *, job_id: str, review_id: str, actor_id: int | None, publish: bool,
                            msp_id: str) -> None:
    """Render a completed review's report to PDF and store it as a client document (progress on the job)."""
    reports.alignment_report_run(job_id=job_id, review_id=review_id, actor_id=actor_id, publish=publish)
