"""The jobs list (own jobs, an owner's all; paginated; status filter), cancelling a queued or a running job, and
what the sweeper and a second delivery do with a job whose worker stopped reporting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from msp.jobs import job_create, job_progress, job_run, job_start, job_succeed, jobs_sweep
from msp.models import Job
from msp.roles import Role


def _job(tenant, role=Role.VCIO, title="Import assets.csv") -> Job:
    with scope(msp=tenant.msp):
        return job_create(msp=tenant.msp, kind="asset_import", title=title, created_by=tenant.users[role])


def _rows(page: str) -> int:
    return page.count("<tr data-job=")


def test_the_list_shows_own_jobs_and_an_owner_all_with_filter_and_pages(tenant, other_tenant, login):
    for n in range(27):
        _job(tenant, title=f"Import vcio-{n:02d}.csv")
    tam_job = _job(tenant, role=Role.TAM, title="Import tam.csv")
    _job(other_tenant, title="Import bravo.csv")
    with scope(msp=tenant.msp):
        job_succeed(job=job_start(job_id=tam_job.pk), message="Imported 1 asset: 1 created, 0 updated.")

    vcio = login(tenant.users[Role.VCIO])
    first = vcio.get("/jobs/").content.decode()
    assert (_rows(first), "Page 1 of 2" in first, "Import tam.csv" in first, "bravo" in first) == (25, True, False,
                                                                                                  False)
    assert _rows(vcio.get("/jobs/?page=2").content.decode()) == 2
    assert _rows(vcio.get("/jobs/?status=succeeded").content.decode()) == 0

    owner = login(tenant.users[Role.OWNER]).get("/jobs/?status=succeeded").content.decode()
    assert _rows(owner) == 1
    assert "Import tam.csv" in owner
    assert "Requested by" in owner
    # A bad filter or page shows everything from the first page rather than an error.
    assert _rows(login(tenant.users[Role.OWNER]).get("/jobs/?status=nope&page=x").content.decode()) == 25
    assert login(tenant.users[Role.CLIENT]).get("/jobs/").status_code in (403, 404)


def test_cancel_a_queued_job_at_once_and_a_running_one_at_its_next_step(tenant, login):
    queued = _job(tenant)
    vcio = login(tenant.users[Role.VCIO])
    assert "Cancel this job" in vcio.get(f"/jobs/{queued.pk}/").content.decode()
    # Someone else's job: not theirs to cancel (an owner may).
    assert login(tenant.users[Role.TAM]).post(f"/jobs/{queued.pk}/cancel/").status_code == 404
    response = vcio.post(f"/jobs/{queued.pk}/cancel/")
    assert response["Location"] == f"/jobs/{queued.pk}/"
    with scopes_disabled():
        queued.refresh_from_db()
    assert (queued.status, queued.message, queued.cancel_requested) == (
        "cancelled", f"Cancelled by {tenant.users[Role.VCIO]} before it started.", True)
    with scope(msp=tenant.msp):
        assert job_start(job_id=queued.pk) is None  # its message, if a worker still gets it, does nothing

    running = _job(tenant)
    with scope(msp=tenant.msp):
        started = job_start(job_id=running.pk)
    login(tenant.users[Role.OWNER]).post(f"/jobs/{running.pk}/cancel/")
    with scopes_disabled():
        running.refresh_from_db()
    assert (running.status, running.cancel_requested) == ("running", True)
    assert running.message.startswith("Stopping (asked by")
    steps = []

    def body(job):
        steps.append(1)
        job_progress(job=job, done=1, total=3, message="Step 1")
        steps.append(2)
        raise AssertionError("never reached")

    with scope(msp=tenant.msp):
        Job.objects.filter(pk=started.pk).update(status="queued")  # as if delivered again: the run stops
        job = job_run(job_id=started.pk, start="Starting…", body=body, unexpected=str)
    assert job is None  # a job asked to stop is cancelled before it starts again
    with scopes_disabled():
        running.refresh_from_db()
    assert (running.status, steps) == ("cancelled", [])


def test_a_running_job_stops_at_its_next_step_when_cancelled(tenant):
    job = _job(tenant)
    reached = []

    def body(started):
        Job.objects.filter(pk=started.pk).update(cancel_requested=True)  # someone clicks Cancel meanwhile
        job_progress(job=started, done=1, total=2, message="Half way")
        reached.append("after")
        return started

    with scope(msp=tenant.msp):
        finished = job_run(job_id=job.pk, start="Starting…", body=body, unexpected=str)
    assert (finished.status, finished.message, reached) == ("cancelled", "Cancelled; nothing was changed.", [])


def test_a_lost_job_is_taken_over_requeued_or_failed(tenant, settings):
    settings.JOB_STALE_AFTER = 60
    old = timezone.now() - timedelta(seconds=61)
    with scope(msp=tenant.msp):
        fresh = job_start(job_id=_job(tenant).pk)
        assert job_start(job_id=fresh.pk) is None  # running with a fresh heartbeat: left to its worker
        Job.objects.filter(pk=fresh.pk).update(heartbeat_at=old)
        again = job_start(job_id=fresh.pk)  # the message came back after its worker died
        assert (again.status, again.attempts) == ("running", 2)

        worn = job_start(job_id=_job(tenant).pk)
        Job.objects.filter(pk=worn.pk).update(attempts=3, heartbeat_at=old)
        untasked = job_start(job_id=_job(tenant).pk)
        Job.objects.filter(pk=untasked.pk).update(heartbeat_at=old)
        assert jobs_sweep(msp_id=tenant.msp.pk) == {"requeued": 0, "failed": 2}
        messages = dict(Job.objects.filter(pk__in=[worn.pk, untasked.pk]).values_list("pk", "message"))
    assert messages == {worn.pk: "The worker stopped; tried 3 times.",
                        untasked.pk: "The worker stopped; tried 1 time."}


def test_a_transient_error_puts_the_job_back_for_the_tasks_retry(tenant):
    job = _job(tenant)

    def body(started):
        raise OperationalError("the database restarted")

    with scope(msp=tenant.msp), pytest.raises(OperationalError):
        job_run(job_id=job.pk, start="Starting…", body=body, unexpected=str)
    with scopes_disabled():
        job.refresh_from_db()
    assert (job.status, job.attempts, job.message) == (
        "queued", 1, "A temporary problem (OperationalError); trying again shortly…")
    with scope(msp=tenant.msp):
        finished = job_run(job_id=job.pk, start="Again…", body=lambda j: job_succeed(job=j, message="Done."),
                           unexpected=str)
    assert (finished.status, finished.attempts) == ("succeeded", 2)
