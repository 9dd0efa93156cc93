"""The daily run through Redis and a real Celery worker: reminders reach only those who have not answered."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from msp.celery import app
from surveys.models import SurveyInvitation, SurveyQuestion
from surveys.services import survey_response_submit
from surveys.tasks import survey_campaigns_run_all
from tests.conftest import build_tenant

from .conftest import logistics_boss, send_campaign

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")


@pytest.fixture
def worker(transactional_db):
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def reminders() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Reminder:"))


def test_reminders_stop_once_answered(worker):
    assert settings.CELERY_BEAT_SCHEDULE["surveys-campaigns-daily"]["task"] == \
        "surveys.tasks.survey_campaigns_run_all"
    tenant = build_tenant("Remind", "remind")
    logistics_boss(tenant)
    campaign = send_campaign(tenant, sent_days_ago=8)  # day 8: the first reminder (day 7) is due
    with scopes_disabled():
        dental = SurveyInvitation.objects.get(campaign=campaign, client=tenant.clients[0])
        questions = SurveyQuestion.objects.filter(survey=campaign.survey, retired_at__isnull=True)
        answers = {str(q.pk): 9 for q in questions}
    with scope(msp=tenant.msp):
        survey_response_submit(invitation=dental, answers=answers)
    mail.outbox.clear()
    survey_campaigns_run_all.delay()
    assert wait_for(lambda: reminders() == ["boss@logistics.test"]), reminders()
    # A second day: the second reminder is due (day 14) for the one still open; the answered get none.
    with scopes_disabled():
        SurveyInvitation.objects.filter(campaign=campaign).update(sent_at=timezone.now() - timedelta(days=15))
    survey_campaigns_run_all.delay()
    assert wait_for(lambda: reminders() == ["boss@logistics.test", "boss@logistics.test"]), reminders()
    time.sleep(1)
    assert reminders() == ["boss@logistics.test", "boss@logistics.test"]
    with scopes_disabled():
        assert sorted(SurveyInvitation.objects.values_list("email", "reminders_sent")) == [
            ("boss@logistics.test", 2), ("boss@remind-client.test", 0)]
