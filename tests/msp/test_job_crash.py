"""Jobs survive a worker that dies: real worker processes on the Redis broker, one SIGKILLed in the middle of
a roadmap PDF and another in the middle of an asset import; the sweeper sends both again and a new worker
finishes each exactly once (one edition, one set of rows)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from clients.document_jobs import document_job_run
from clients.models import Asset, Document
from msp.celery import app
from msp.csvimport import csv_import_run
from msp.jobs import jobs_sweep
from msp.models import Job
from msp.roles import Role
from msp.tenancy import tenant_scope
from tests.conftest import build_tenant
from tests.workers import wait_for, worker_process

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")

ASSETS = "name,serial,kind\n" + "".join(f"Laptop {n},LT-{n},laptop\n" for n in range(1, 31))


@pytest.fixture
def queued(transactional_db, settings, tmp_path):
    app.conf.task_always_eager = False
    settings.MEDIA_ROOT = tmp_path / "media"
    yield tmp_path / "media"
    app.conf.task_always_eager = True


def _job(job_id) -> Job:
    with scopes_disabled():
        return Job.objects.get(pk=job_id)


def _log(worker) -> str:
    with open(worker.log_path) as log:
        return log.read()[-4000:]


def _mid_job(job_id):
    return lambda: (j := _job(job_id)).status == "running" and j.progress_done >= 1


def test_a_killed_worker_loses_nothing_and_does_nothing_twice(queued, login, settings):
    tenant = build_tenant("Crash", "crash")
    client = tenant.clients[1]
    c = login(tenant.users[Role.VCIO])

    # A roadmap PDF on a slow worker: killed after its first step.
    with worker_process(step_delay=3, media_root=queued) as first:
        response = c.post(f"/roadmaps/client/{client.pk}/report/", {})
        pdf_job = response["Location"].split("/")[2]
        assert wait_for(_mid_job(pdf_job), 60), _log(first)
        first.kill()
        first.wait(10)
    assert _job(pdf_job).status == "running"

    # An asset import on another slow worker: killed while checking rows, before anything is written.
    preview = c.post(f"/clients/{client.pk}/assets/import/",
                     {"file": SimpleUploadedFile("fleet.csv", ASSETS.encode(), content_type="text/csv")})
    assert preview.context["result"].errors == []
    with worker_process(step_delay=3, media_root=queued) as second:
        response = c.post(f"/clients/{client.pk}/assets/import/",
                          {"apply": "1", "file_digest": preview.context["pending"]["digest"]})
        import_job = response["Location"].split("/")[2]
        assert wait_for(lambda: _job(import_job).status == "running", 60), _log(second)
        second.kill()
        second.wait(10)
    with scopes_disabled():
        assert not Document.objects.filter(client=client).exists()
        assert not Asset.objects.filter(client=client).exists()

    # Beat's sweeper: both heartbeats are older than JOB_STALE_AFTER, so both are queued again.
    settings.JOB_STALE_AFTER = 0
    with tenant_scope(tenant.msp):
        assert jobs_sweep(msp_id=tenant.msp.pk) == {"requeued": 2, "failed": 0}
    assert _job(pdf_job).message == "The worker stopped; queued again (attempt 2 of 3)…"
    settings.JOB_STALE_AFTER = 3600

    with worker_process(media_root=queued) as third:
        assert wait_for(lambda: _job(pdf_job).is_finished and _job(import_job).is_finished, 90), _log(third)

    pdf, imported = _job(pdf_job), _job(import_job)
    assert (pdf.status, pdf.attempts, pdf.result["edition"]) == ("succeeded", 2, 1)
    assert (imported.status, imported.attempts, imported.result) == (
        "succeeded", 2, {"created": 30, "updated": 0})
    with scopes_disabled():
        documents = list(Document.objects.filter(client=client).values_list("kind", "edition"))
        serials = sorted(Asset.objects.filter(client=client).values_list("serial", flat=True))
    assert documents == [("roadmap", 1)]
    assert serials == sorted(f"LT-{n}" for n in range(1, 31))

    # The first worker's message comes back one day (Redis' visibility timeout): it does nothing.
    with tenant_scope(tenant.msp):
        assert document_job_run(job_id=pdf_job) is None
        assert csv_import_run(job_id=import_job) is None
    with scopes_disabled():
        assert Document.objects.filter(client=client).count() == 1
        assert Asset.objects.filter(client=client).count() == 30
