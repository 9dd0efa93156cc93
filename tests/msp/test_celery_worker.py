"""Background jobs on the real stack: Redis broker and a Celery worker consuming from it."""


import pytest
from django.conf import settings
from django.core import mail
from django_scopes import scope

from msp.celery import app
from msp.roles import Role
from msp.tasks import send_email
from msp.tenancy import TenantTask
from tests.workers import celery_worker, wait_for

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")


@pytest.fixture
def worker(transactional_db):
    with celery_worker():
        yield



def test_invitation_email_is_sent_by_the_worker(worker, login):
    from tests.conftest import build_tenant

    tenant = build_tenant("Worker", "worker")
    owner = login(tenant.users[Role.OWNER])
    response = owner.post("/workspace/members/", {"email": "queued@worker.test", "role": "tam"})
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == ["queued@worker.test"]
    assert message.subject == "You are invited to Worker on vCIO"
    assert "join Worker on vCIO as TAM" in message.body


def test_tenant_task_runs_inside_the_scope_of_its_msp(worker):
    from clients.models import Client
    from tests.conftest import build_tenant

    tenant = build_tenant("Scoped", "scoped")
    result = count_clients.delay(msp_id=str(tenant.msp.pk))
    assert result.id
    assert wait_for(lambda: len(seen) == 1)
    assert seen == [2]
    with scope(msp=tenant.msp):
        assert Client.objects.count() == 2


def test_tenant_task_refuses_to_run_without_a_tenant():
    with pytest.raises(TypeError):
        send_email(to="x@y.test", subject="s", template="msp/email/invitation.txt", context={})


seen: list[int] = []


@app.task(base=TenantTask, bind=True)
def count_clients(self, *, msp_id):
    from clients.models import Client

    seen.append(Client.objects.count())
