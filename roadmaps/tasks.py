"""Background jobs of the roadmaps app."""

from __future__ import annotations

from celery import shared_task

from msp.tenancy import TenantTask

from . import reports


@shared_task(base=TenantTask, bind=True)
def render_roadmap_report(self, *, job_id: str, client_id: str, actor_id: int | None, publish: bool,
                          msp_id: str) -> None:
    """Render a client's roadmap PDF and store it as a client document (progress on the job)."""
    reports.roadmap_report_run(job_id=job_id, client_id=client_id, actor_id=actor_id, publish=publish)
