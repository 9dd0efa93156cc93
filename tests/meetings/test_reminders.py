"""Reminders before meetings (once each), the daily digest of overdue action items, their beat entries and
fan-out, and the QBR agenda built from a known plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from meetings import tasks
from meetings.agendas import meeting_agenda_build
from meetings.choices import MeetingKind
from meetings.models import Meeting
from meetings.questionnaire import questionnaire_answers_record, questionnaire_statement_create
from meetings.reminders import meeting_reminders_send, overdue_digest_send
from meetings.services import action_item_create, action_item_update, meeting_create
from msp.roles import Role
from tests import factories as f
from tests.meetings.test_qbr import add_roadmap_moves
from tests.roadmaps.test_report import TODAY, build_plan

pytestmark = pytest.mark.django_db


def test_a_meeting_is_reminded_once_two_days_ahead(tenant):
    now = timezone.now().replace(microsecond=0)
    with scope(msp=tenant.msp):
        soon = meeting_create(msp=tenant.msp, actor=None, kind=MeetingKind.CHECK_IN, client=tenant.clients[0],
                              starts_at=now + timedelta(hours=40), attendees=[tenant.contact],
                              location="Their office", agenda="1. Coffee", send_invitations=False)
        later = meeting_create(msp=tenant.msp, actor=None, kind=MeetingKind.CHECK_IN, client=tenant.clients[0],
                               starts_at=now + timedelta(days=3), attendees=[tenant.contact],
                               send_invitations=False)
        uninvited = meeting_create(msp=tenant.msp, actor=None, kind=MeetingKind.CHECK_IN, client=tenant.clients[0],
                                   starts_at=now + timedelta(hours=30), send_invitations=False)
        Meeting.objects.filter(pk__in=[soon.pk, later.pk]).update(invited_at=now)
        assert meeting_reminders_send(msp=tenant.msp, now=now) == 2
        assert meeting_reminders_send(msp=tenant.msp, now=now + timedelta(minutes=60)) == 0
        assert meeting_reminders_send(msp=tenant.msp, now=now + timedelta(days=1, hours=1)) == 2
        reminded = {m.pk: m.reminded_at for m in Meeting.objects.filter(pk__in=[soon.pk, later.pk, uninvited.pk])}
    assert reminded == {soon.pk: now, later.pk: now + timedelta(days=1, hours=1), uninvited.pk: None}
    assert sorted(m.to[0] for m in mail.outbox[:2]) == ["boss@alpha-client.test", "vcio@alpha.test"]
    local = soon.starts_at.astimezone(ZoneInfo(soon.time_zone))
    assert mail.outbox[0].subject == f"Reminder: Check-in: Alpha Dental ({local:%a %d %b %Y %H:%M})"
    assert "  Their office\n" in mail.outbox[0].body
    assert "Agenda\n1. Coffee\n" in mail.outbox[0].body


def test_each_owner_gets_one_digest_of_their_overdue_items(tenant):
    vcio = tenant.users[Role.VCIO]
    with scopes_disabled():
        silent = f.ContactFactory(client=tenant.clients[0], name="No Mail", email="")
    with scope(msp=tenant.msp):
        client = tenant.clients[0]
        for text, due, owner, contact in [("Send the quote", date(2030, 3, 1), vcio, None),
                                          ("Sign the order", date(2030, 3, 5), None, tenant.contact),
                                          ("Renew the domain", date(2030, 2, 20), vcio, None),
                                          ("Not yet due", date(2030, 3, 10), vcio, None),
                                          ("Nobody to tell", date(2030, 1, 1), None, silent)]:
            action_item_create(actor=None, client=client, text=text, due_on=due, owner=owner, owner_contact=contact,
                               source="other")
        closed = action_item_create(actor=None, client=client, text="Done already", due_on=date(2030, 1, 2),
                                    owner=vcio, source="other")
        action_item_update(item=closed, actor=None, status="done")
        assert overdue_digest_send(msp=tenant.msp, today=date(2030, 3, 10)) == 2
    assert [m.to for m in mail.outbox] == [["vcio@alpha.test"], ["boss@alpha-client.test"]]
    assert mail.outbox[0].subject == "2 overdue action items (Alpha)"
    assert mail.outbox[0].body == (
        f"Hello {vcio.display_name},\n\nThese action items are past their due date (2030-03-10):\n\n"
        "  - Renew the domain\n    Alpha Dental, due 2030-02-20 (18 days overdue)\n\n"
        "  - Send the quote\n    Alpha Dental, due 2030-03-01 (9 days overdue)\n\n"
        "Close them, or agree a new date, at the next meeting.\n\nAlpha\n")
    assert mail.outbox[1].subject == "1 overdue action item (Alpha)"


def test_beat_runs_reminders_hourly_and_the_digest_daily(tenant, other_tenant):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["meetings-reminders-hourly"]["task"] == "meetings.tasks.send_reminders_all"
    assert schedule["meetings-overdue-digest-daily"]["task"] == "meetings.tasks.overdue_digest_all"
    assert str(schedule["meetings-reminders-hourly"]["schedule"]) == "<crontab: 15 * * * * (m/h/dM/MY/d)>"
    assert str(schedule["meetings-overdue-digest-daily"]["schedule"]) == "<crontab: 0 11 * * * (m/h/dM/MY/d)>"
    # Eager here: each fan-out runs one task per MSP in the tenant's scope.
    assert tasks.send_reminders_all.delay().get() == 2
    assert tasks.overdue_digest_all.delay().get() == 2


def test_the_qbr_agenda_from_the_records_of_a_known_plan(tenant):
    plan = build_plan(tenant)
    client = plan["client"]
    add_roadmap_moves(tenant, client)
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        earlier = meeting_create(msp=tenant.msp, actor=vcio, kind=MeetingKind.CHECK_IN, client=client,
                                 starts_at=timezone.now() + timedelta(days=1), send_invitations=False)
        action_item_create(actor=vcio, meeting=earlier, text="Send the firewall quote", owner=vcio,
                           due_on=date(2026, 11, 10))
        qbr = meeting_create(msp=tenant.msp, actor=vcio, kind=MeetingKind.QBR, client=client,
                             starts_at=datetime(2099, 1, 5, 16, tzinfo=ZoneInfo("UTC")), send_invitations=False)
        statement = questionnaire_statement_create(msp=tenant.msp, actor=vcio, service="Backup and recovery",
                                                   text="We could be back at work within a day after a disaster")
        questionnaire_answers_record(meeting=qbr, actor=vcio, selected=[])
        built = meeting_agenda_build(meeting=qbr, actor=vcio, expected_version=qbr.version, today=TODAY)
    lines = built.agenda.splitlines()
    assert lines[:1] == ["1. Your business goals and their progress"]
    assert lines[lines.index("2. Roadmap this quarter (FY2027 Q2)") + 1:][:3] == [
        "   - Done this quarter: Retire the fax server (FY2027 Q2)",
        "   - Due this quarter: Roll out password manager (FY2027 Q2)",
        "   - Slipped from an earlier quarter: Replace the old switch (FY2027 Q1)"]
    assert lines[-4:] == [
        "6. Open action items", f"   - Send the firewall quote ({vcio.display_name}, due 2026-11-10, overdue)",
        "7. What your leadership told us",
        f"   - Backup and recovery: “{statement.text}” is not the case yet"]
    assert (built.version, built.sequence) == (2, 1)
