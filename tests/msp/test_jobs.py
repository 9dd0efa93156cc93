"""Background jobs: the Job record's life cycle and the job page with its self-refreshing progress."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from msp.jobs import ProgressReporter, job_create, job_fail, job_progress, job_start, job_succeed
from msp.models import Job
from msp.roles import Role


def _job(tenant, **extra) -> Job:
    client = tenant.clients[0]
    with scope(msp=tenant.msp):
        return job_create(msp=tenant.msp, kind="asset_import", title="Import assets.csv",
                          created_by=tenant.users[Role.TAM], payload={"text": "name\nA\n"},
                          subject_id=client.pk, subject_label=client.name,
                          subject_url=f"/clients/{client.pk}/#assets", **extra)


def test_job_life_cycle_keeps_outcome_and_drops_payload(tenant):
    job = _job(tenant)
    assert (job.status, job.message, job.percent, job.is_finished) == (
        "queued", "Waiting for a worker to start…", 0, False)
    with scope(msp=tenant.msp):
        started = job_start(job_id=job.pk)
        assert job_start(job_id=job.pk) is None  # a second delivery does not start it again
        job_progress(job=started, done=120, total=400, message="Checked 120 of 400 rows")
        started.refresh_from_db()
        assert (started.status, started.progress_done, started.progress_total, started.percent) == (
            "running", 120, 400, 30)
        done = job_succeed(job=started, message="Imported 2 assets: 1 created, 1 updated.",
                           result={"created": 1, "updated": 1})
        done.refresh_from_db()
    assert (done.status, done.percent, done.progress_done, done.payload, done.is_finished) == (
        "succeeded", 100, 400, None, True)
    assert done.started_at <= done.finished_at


def test_failed_job_keeps_each_problem(tenant):
    job = _job(tenant)
    with scope(msp=tenant.msp):
        job = job_fail(job=job_start(job_id=job.pk), message="Nothing was imported: 2 problems.",
                       errors=["row 2, column name: is required.", "row 3: something else."])
        job.refresh_from_db()
    assert (job.status, job.payload, job.result) == ("failed", None, {})
    assert job.errors == ["row 2, column name: is required.", "row 3: something else."]


def test_progress_reporter_writes_at_most_every_interval_and_always_the_end(tenant):
    job = _job(tenant)
    now = [100.0]
    with scope(msp=tenant.msp):
        report = ProgressReporter(job, message=lambda d, t: f"Checked {d} of {t} rows", interval=0.5,
                                  clock=lambda: now[0])
        report(0, 10)
        report(4, 10)  # same instant: skipped
        assert Job.objects.values_list("progress_done", "message").get(pk=job.pk) == (0, "Checked 0 of 10 rows")
        now[0] += 0.6
        report(5, 10)
        assert Job.objects.values_list("progress_done", flat=True).get(pk=job.pk) == 5
        report(10, 10)  # the end is always written
        assert Job.objects.values_list("progress_done", "progress_total", "message").get(pk=job.pk) == (
            10, 10, "Checked 10 of 10 rows")


def test_job_page_shows_progress_and_polls_while_running(tenant, login):
    job = _job(tenant)
    with scope(msp=tenant.msp):
        job_progress(job=job_start(job_id=job.pk), done=120, total=400, message="Checked 120 of 400 rows")
    url = f"/jobs/{job.pk}/"
    c = login(tenant.users[Role.VIEWER])  # any staff member of the MSP may follow its jobs
    page = c.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1 class=\"h3 mb-1\">Import assets.csv</h1>" in body
    assert "Checked 120 of 400 rows" in body
    assert 'aria-valuenow="30"' in body
    assert 'data-width-percent="30"' in body
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in body
    assert "Back to Alpha Dental" not in body  # the link back comes when it is done

    partial = c.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    fragment = partial.content.decode()
    assert "<html" not in fragment
    assert '<section id="job-status"' in fragment
    assert 'data-status="running"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert "HX-Request" in partial["Vary"]


def test_finished_job_page_shows_result_and_link_back_and_stops_polling(tenant, login):
    job = _job(tenant)
    with scope(msp=tenant.msp):
        job_succeed(job=job_start(job_id=job.pk), message="Imported 2 assets: 1 created, 1 updated.",
                    result={"created": 1, "updated": 1})
    c = login(tenant.users[Role.OWNER])
    fragment = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="succeeded"' in fragment
    assert "hx-trigger" not in fragment  # the swapped-in block no longer polls
    assert "hx-get" not in fragment
    assert "Imported 2 assets: 1 created, 1 updated." in fragment
    assert '<dt class="col-sm-3">Created</dt><dd class="col-sm-9">1</dd>' in fragment
    assert '<dt class="col-sm-3">Updated</dt><dd class="col-sm-9">1</dd>' in fragment
    assert f'href="/clients/{tenant.clients[0].pk}/#assets"' in fragment
    assert "Back to Alpha Dental" in fragment
    assert 'aria-valuenow="100"' in fragment


def test_failed_job_page_lists_the_problems(tenant, login):
    job = _job(tenant)
    with scope(msp=tenant.msp):
        job_fail(job=job_start(job_id=job.pk), message="Nothing was imported: 1 problem.",
                 errors=["row 4, column serial: “RT-1” is taken."])
    body = login(tenant.users[Role.TAM]).get(f"/jobs/{job.pk}/").content.decode()
    assert "Nothing was imported: 1 problem." in body
    assert "<li>row 4, column serial: “RT-1” is taken.</li>" in body
    assert "hx-trigger" not in body
    assert "Back to Alpha Dental" in body


def test_job_page_is_404_for_other_tenants_and_portal_users(tenant, other_tenant, login):
    job = _job(tenant)
    url = f"/jobs/{job.pk}/"
    for role in (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER, Role.CLIENT):
        assert login(other_tenant.users[role]).get(url).status_code == 404, role
    portal = login(tenant.users[Role.CLIENT])
    assert portal.get(url).status_code == 404
    assert portal.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert login(tenant.users[Role.OWNER]).get(f"/jobs/{uuid.uuid4()}/").status_code == 404
    response = HttpClient().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert login(tenant.users[Role.OWNER]).post(url).status_code == 405


@pytest.mark.parametrize("field", ["payload", "progress_done", "message"])
def test_job_history_leaves_out_payload_and_progress(tenant, field):
    from django.apps import apps

    job = _job(tenant)
    event_model = apps.get_model("msp", "JobEvent")
    assert field not in {f.name for f in event_model._meta.fields}
    with scope(msp=tenant.msp):
        job_progress(job=job_start(job_id=job.pk), done=1, total=2, message="Checked 1 of 2 rows")
    with scopes_disabled():
        assert [e.status for e in event_model.objects.filter(pgh_obj_id=job.pk).order_by("pgh_id")] == [
            "queued", "running"]
