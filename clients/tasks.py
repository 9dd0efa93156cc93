"""Background jobs of the clients app."""

from __future__ import annotations

from celery import shared_task

from msp.tenancy import TenantTask

from . import imports


@shared_task(base=TenantTask, bind=True)
def run_asset_import(self, *, job_id: str, client_id: str, actor_id: int | None, msp_id: str) -> None:
    """Apply a previewed asset CSV (the text is on the job); progress and outcome are on the job."""
    imports.asset_import_run(job_id=job_id, client_id=client_id, actor_id=actor_id)
