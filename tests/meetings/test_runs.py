"""How the scheduler runs: two runs at once against real PostgreSQL, the daily beat fan-out through a real
Celery worker and Redis, and `manage.py schedule_meetings`."""

from __future__ import annotations

import threading
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django_scopes import scope, scopes_disabled

from meetings.models import Meeting
from meetings.tasks import schedule_meetings_all, schedule_meetings_for_msp
from tests.conftest import build_tenant
from tests.meetings.conftest import reference_world
from tests.workers import celery_worker, wait_for

ALPHA_YEAR = 4 + 4 + 6 + 4  # A, B, C and the vCIO-TAM steering
SKIPPED = "Alpha Logistics: no vCIO on the staff"



@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_create_each_meeting_once():
    tenant = reference_world()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            outcome = schedule_meetings_for_msp.apply(kwargs={"msp_id": str(tenant.msp.pk)})
            if outcome.failed():
                raise outcome.result
            results.append(outcome.result)
        except Exception as exc:  # reported below with the thread's result
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r["created"] for r in results)[1] > 0
    assert sum(r["created"] for r in results) == ALPHA_YEAR
    with scopes_disabled():
        keys = Counter(Meeting.objects.filter(msp=tenant.msp).values_list("slot_key", flat=True))
    assert (len(keys), set(keys.values())) == (ALPHA_YEAR, {1})


@pytest.fixture
def worker(transactional_db):
    with celery_worker():
        yield


@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")
def test_the_daily_beat_task_fans_out_one_task_per_msp(worker):
    assert settings.CELERY_BEAT_SCHEDULE["meetings-schedule-daily"]["task"] == "meetings.tasks.schedule_meetings_all"
    alpha = reference_world()
    bravo = build_tenant("Bravo", "bravo")
    schedule_meetings_all.delay()

    def counts():
        with scopes_disabled():
            return (Meeting.objects.filter(msp=alpha.msp).count(), Meeting.objects.filter(msp=bravo.msp).count())

    assert wait_for(lambda: counts() == (ALPHA_YEAR, 4 + 4))
    # The invitations went out through the worker too: one per invited person and meeting.
    assert wait_for(lambda: _all_invited(alpha, bravo))


def _all_invited(*tenants) -> bool:
    with scopes_disabled():
        return not Meeting.objects.filter(msp__in=[t.msp for t in tenants], invited_at__isnull=True).exists()


def test_the_command_prints_what_it_created_and_nothing_the_second_time(db):
    tenant = reference_world()
    out = StringIO()
    call_command("schedule_meetings", "--msp", "alpha", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Alpha: {ALPHA_YEAR} created, 0 re-planned, 0 cancelled, 0 marked missed"
    assert lines[-1] == f"  skipped    {SKIPPED}"
    created = lines[1:-1]
    assert len(created) == ALPHA_YEAR
    with scope(msp=tenant.msp):
        expected = [f"  created    {m.starts_at.astimezone(tenant_zone(tenant)):%Y-%m-%d %a %H:%M} {m.title}"
                    for m in Meeting.objects.order_by("client__name", "kind", "starts_at")]
    assert sorted(created) == sorted(expected)
    again = StringIO()
    call_command("schedule_meetings", stdout=again)
    assert again.getvalue() == (f"Alpha: 0 created, 0 re-planned, 0 cancelled, 0 marked missed\n"
                                f"  skipped    {SKIPPED}\n")
    with pytest.raises(CommandError, match="No MSP with the slug 'nowhere'"):
        call_command("schedule_meetings", "--msp", "nowhere")


def tenant_zone(tenant):
    return ZoneInfo(tenant.msp.time_zone)
