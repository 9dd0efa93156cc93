"""The asset import's apply step on the real stack: a job queued on the Redis broker, run by a worker."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from clients.models import Asset
from msp.celery import app
from msp.models import Job
from msp.roles import Role
from tests.workers import celery_worker, wait_for

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")


@pytest.fixture
def queued(transactional_db):
    """Tasks go to the broker; the test starts the worker when it wants the work done."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True



def _status(job: Job) -> str:
    with scopes_disabled():
        return Job.objects.values_list("status", flat=True).get(pk=job.pk)


def test_import_job_goes_from_queued_to_succeeded_on_a_worker(queued, login):
    from tests.conftest import build_tenant

    tenant = build_tenant("Worker", "worker")
    client = tenant.clients[1]
    c = login(tenant.users[Role.TAM])
    text = "name,serial,kind,replacement_cost\nCore switch,SW-1,switch,2400\nNAS,NAS-1,storage,\n"
    preview = c.post(f"/clients/{client.pk}/assets/import/",
                     {"file": SimpleUploadedFile("rack.csv", text.encode(), content_type="text/csv")})
    assert preview.context["result"].errors == []
    response = c.post(f"/clients/{client.pk}/assets/import/",
                      {"apply": "1", "file_digest": preview.context["pending"]["digest"]})
    assert response.status_code == 302
    url = response["Location"]

    # No worker yet: the job waits on the broker and its page polls.
    with scopes_disabled():
        job = Job.objects.get(pk=url.split("/")[2])
    assert job.status == "queued"
    assert job.payload["name"] == "rack.csv"
    waiting = c.get(url).content.decode()
    assert 'data-status="queued"' in waiting
    assert 'hx-trigger="every 1s"' in waiting
    with scopes_disabled():
        assert not Asset.objects.filter(client=client).exists()

    with celery_worker():
        assert wait_for(lambda: _status(job) == "succeeded")

    with scopes_disabled():
        job.refresh_from_db()
        assets = list(Asset.objects.filter(client=client).order_by("name"))
        statuses = list(apps.get_model("msp", "JobEvent").objects.filter(pgh_obj_id=job.pk)
                        .order_by("pgh_id").values_list("status", flat=True))
    assert (job.status, job.result, job.message, job.payload) == (
        "succeeded", {"created": 2, "updated": 0}, "Imported 2 assets: 2 created, 0 updated.", None)
    assert statuses == ["queued", "running", "succeeded"]
    assert [(a.name, a.serial, a.kind, str(a.replacement_cost)) for a in assets] == [
        ("Core switch", "SW-1", "switch", "2400.00"), ("NAS", "NAS-1", "storage", "None")]
    done = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="succeeded"' in done
    assert "hx-trigger" not in done
    assert "Imported 2 assets: 2 created, 0 updated." in done
