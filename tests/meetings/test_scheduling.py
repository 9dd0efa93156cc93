"""The scheduler (meetings/scheduling.py) with a fixed "now": the year of each reference client, working
days, the meeting hour, the per-vCIO limit, idempotency, re-planning, churn, steering and missed meetings."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from clients.services import client_update
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from meetings.scheduling import meetings_schedule
from meetings.selectors import client_meetings_ahead
from meetings.services import meeting_cancel, meeting_move
from msp.roles import Role
from tests import factories as f
from tests.meetings.conftest import CHICAGO, NOW

TODAY = NOW.date()
YEAR_END = date(2031, 1, 14)


def cycle(client):
    return list(Meeting.objects.filter(client=client).exclude(status=MeetingStatus.CANCELLED).order_by("starts_at"))


def local(meeting):
    return meeting.starts_at.astimezone(CHICAGO)


@pytest.mark.parametrize(("name", "count", "gap_months"), [("A", 4, 3), ("B", 4, 3), ("C", 6, 2)])
def test_the_next_12_months_hold_exactly_the_clients_yearly_count(world, name, count, gap_months):
    meetings_schedule(msp=world.msp, now=NOW)
    client = world.refs[name]
    meetings = cycle(client)
    assert len(meetings) == count
    assert client_meetings_ahead(client=client, today=TODAY).count() == count
    assert all(TODAY <= m.slot_date < YEAR_END for m in meetings)
    # Counted by their own dates too, from this run's day.
    start, end = datetime.combine(TODAY, time(0), tzinfo=CHICAGO), datetime.combine(YEAR_END, time(0), tzinfo=CHICAGO)
    assert sum(start <= m.starts_at < end for m in meetings) == count
    # Evenly spread: slot dates a whole period apart, on one day of the month.
    slots = [m.slot_date for m in meetings]
    assert len({d.day for d in slots}) == 1
    assert [(b.year * 12 + b.month) - (a.year * 12 + a.month) for a, b in zip(slots, slots[1:], strict=False)] \
        == [gap_months] * (count - 1)
    # On working days, at the MSP's hour (10:00 in Chicago), at most a few days after the slot, a week ahead.
    assert {local(m).weekday() < 5 for m in meetings} == {True}
    assert {(local(m).hour, local(m).minute) for m in meetings} == {(10, 0)}
    assert all(0 <= (local(m).date() - m.slot_date).days <= 7 for m in meetings if m.slot_date >= TODAY + timedelta(7))
    assert min(local(m).date() for m in meetings) >= TODAY + timedelta(days=7)
    assert {(m.organizer_id, m.planned_by_scheduler, m.touched, m.status, m.time_zone) for m in meetings} == {
        (world.users[Role.VCIO].pk, True, False, MeetingStatus.PLANNED, "America/Chicago")}


def test_the_yearly_cycle_runs_pre_planning_then_strategy_then_reviews(world):
    meetings_schedule(msp=world.msp, now=NOW)
    # January fiscal years: pre-planning six months before, strategy three months before, then QBRs.
    assert [(m.kind, str(m.slot_date), str(local(m).date())) for m in cycle(world.refs["A"])] == [
        (MeetingKind.QBR, "2030-01-19", "2030-01-21"),  # a Saturday, and within the week's notice
        (MeetingKind.QBR, "2030-04-19", "2030-04-19"),
        (MeetingKind.PRE_PLANNING, "2030-07-19", "2030-07-19"),
        (MeetingKind.STRATEGY, "2030-10-19", "2030-10-21")]  # a Saturday
    assert [(m.kind, m.slot_date.month) for m in cycle(world.refs["C"])] == [
        (MeetingKind.QBR, 1), (MeetingKind.QBR, 3), (MeetingKind.QBR, 5), (MeetingKind.QBR, 7),
        (MeetingKind.PRE_PLANNING, 9), (MeetingKind.STRATEGY, 11)]
    strategy = next(m for m in cycle(world.refs["A"]) if m.kind == MeetingKind.STRATEGY)
    assert (strategy.title, strategy.duration_minutes) == ("Strategy and annual planning FY2031: Client A", 90)
    with scopes_disabled():
        world.refs["B"].fiscal_year_start_month = 7
        world.refs["B"].save()
    Meeting.objects.filter(client=world.refs["B"]).delete()
    meetings_schedule(msp=world.msp, now=NOW)
    assert [(m.kind, m.slot_date.month) for m in cycle(world.refs["B"])] == [
        (MeetingKind.STRATEGY, 4), (MeetingKind.QBR, 7), (MeetingKind.QBR, 10), (MeetingKind.PRE_PLANNING, 1)]


def test_a_vcio_never_gets_more_than_the_daily_limit(world):
    with scopes_disabled():
        world.msp.max_meetings_per_vcio_per_day = 1
        world.msp.save()
        for i in range(40):
            f.ClientFactory(msp=world.msp, name=f"Busy {i}", vcio=world.users[Role.VCIO], complexity=8)
    summary = meetings_schedule(msp=world.msp, now=NOW)
    meetings = Meeting.objects.filter(organizer=world.users[Role.VCIO]).exclude(status=MeetingStatus.CANCELLED)
    assert len(summary.created) == meetings.count() == 4 + 4 + 6 + 40 * 6 + 4  # A, B, C, the busy ones, steering
    per_day = Counter(local(m).date() for m in meetings)
    assert max(per_day.values()) == 1
    assert {local(m).weekday() < 5 for m in meetings} == {True}


def test_two_meetings_a_day_are_two_hours_apart(world):
    with scopes_disabled():
        for i in range(30):
            f.ClientFactory(msp=world.msp, name=f"Busy {i}", vcio=world.users[Role.VCIO], complexity=8)
    meetings_schedule(msp=world.msp, now=NOW)
    by_day: dict[date, list[int]] = {}
    for m in Meeting.objects.filter(organizer=world.users[Role.VCIO]):
        by_day.setdefault(local(m).date(), []).append(local(m).hour)
    assert max(len(hours) for hours in by_day.values()) == 2
    assert {tuple(sorted(hours)) for hours in by_day.values()} <= {(10,), (10, 12)}


def test_running_again_creates_nothing_new(world):
    first = meetings_schedule(msp=world.msp, now=NOW)
    before = sorted(Meeting.objects.values_list("pk", "starts_at", "version", "sequence"))
    again = meetings_schedule(msp=world.msp, now=NOW)
    later = meetings_schedule(msp=world.msp, now=NOW + timedelta(days=1))
    assert len(first.created) == 4 + 4 + 6 + 4
    assert again.as_dict() == {"msp": "Alpha", "created": 0, "replanned": 0, "cancelled": 0, "missed": 0,
                               "skipped": ["Alpha Logistics: no vCIO on the staff"]}
    # A day later the 12-month window has gained one day (15 January 2031 is its first day out): only a
    # slot due on 14 January 2031 may be added (the steering day depends on the staff ids); nothing moves.
    assert (later.as_dict() | {"created": 0}) == again.as_dict()
    added = Meeting.objects.exclude(pk__in=[row[0] for row in before])
    assert len(later.created) == added.count()
    assert {m.slot_date for m in added} <= {date(2031, 1, 14)}
    kept = [row for row in sorted(Meeting.objects.values_list("pk", "starts_at", "version", "sequence"))
            if row[0] in {b[0] for b in before}]
    assert kept == before


def test_later_runs_keep_the_year_full(world):
    meetings_schedule(msp=world.msp, now=NOW)
    later = NOW + timedelta(days=95)  # 19 April 2030
    summary = meetings_schedule(msp=world.msp, now=later)
    created = Counter(line.split(": ", 1)[1] for line in summary.created if "steering" not in line)
    # Slots from 14 January to 19 April 2031 come in: A's January QBR, B's April one, C's January and March.
    assert created == {"Client A": 1, "Client B": 1, "Client C": 2}
    assert (len(summary.replanned), len(summary.cancelled)) == (0, 0)
    for name, count in (("A", 4), ("B", 4), ("C", 6)):
        assert client_meetings_ahead(client=world.refs[name], today=later.date()).count() == count
    assert summary.missed == Meeting.objects.filter(status=MeetingStatus.MISSED).count() == \
        Meeting.objects.filter(starts_at__lt=later - timedelta(hours=2)).count()


def test_a_cadence_change_replans_only_untouched_future_meetings(world):
    client = world.refs["C"]
    meetings_schedule(msp=world.msp, now=NOW)
    first, second, third, fourth, fifth, sixth = cycle(client)
    vcio = world.users[Role.VCIO]
    # The first was held (three weeks on), the third moved by hand, the fifth cancelled by hand.
    Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.HELD, held_at=first.ends_at, touched=True)
    moved = meeting_move(meeting=third, actor=vcio, starts_at=third.starts_at + timedelta(days=1, hours=3))
    cancelled = meeting_cancel(meeting=fifth, actor=vcio, reason="Client asked to skip")
    first.refresh_from_db()
    frozen = {m.pk: (m.status, m.starts_at, m.kind, m.sequence, m.version) for m in (first, moved, cancelled)}
    client_update(client=client, actor=vcio, meetings_per_year_override=4, cadence_override_reason="Quieter year")
    later = NOW + timedelta(days=20)  # 3 February 2030
    summary = meetings_schedule(msp=world.msp, now=later)
    after = {m.pk: m for m in Meeting.objects.filter(client=client)}
    assert {pk: (m.status, m.starts_at, m.kind, m.sequence, m.version) for pk, m in after.items() if pk in frozen} \
        == frozen
    # Quarterly slots on the 27th now: April (QBR), July (pre-planning), October (strategy), January (QBR).
    # The hand-moved May meeting fills April's; the July one stays and becomes the pre-planning; the untouched
    # March and November meetings move to October and January. Nothing is created or cancelled for C (the
    # window moved on by three weeks, which brings in A's January 2031 slot).
    def of_c(lines):
        return [line for line in lines if line.endswith(": Client C")]

    assert [len(of_c(lines)) for lines in (summary.created, summary.replanned, summary.cancelled)] == [0, 3, 0]
    assert [line.split(": ", 1)[1] for line in summary.created if "steering" not in line] == ["Client A"]
    assert [(m.kind, str(m.slot_date), str(local(m).date())) for m in (after[second.pk], after[fourth.pk],
                                                                          after[sixth.pk])] == [
        (MeetingKind.STRATEGY, "2030-10-27", "2030-10-28"),
        (MeetingKind.PRE_PLANNING, "2030-07-27", "2030-07-29"),
        (MeetingKind.QBR, "2031-01-27", "2031-01-27")]
    assert {(after[m.pk].sequence, after[m.pk].version) for m in (second, fourth, sixth)} == {(1, 2)}
    assert client_meetings_ahead(client=client, today=later.date()).exclude(status=MeetingStatus.CANCELLED) \
        .count() == 4
    assert meetings_schedule(msp=world.msp, now=later).as_dict()["replanned"] == 0
    # Two a year (July strategy, January pre-planning): the July and January meetings take the new kinds,
    # the October one is not needed and is cancelled by the scheduler, which frees its slot. The hand-moved
    # May meeting stays although no slot needs it: a person's change is never undone.
    client_update(client=client, actor=vcio, meetings_per_year_override=2, cadence_override_reason="Pause")
    summary = meetings_schedule(msp=world.msp, now=later)
    assert [len(of_c(lines)) for lines in (summary.created, summary.replanned, summary.cancelled)] == [0, 2, 1]
    assert summary.cancelled == ["2030-10-28 Mon 10:00 Strategy and annual planning FY2031: Client C"]
    assert sorted((m.kind, str(m.slot_date)) for m in Meeting.objects.filter(
        client=client, status=MeetingStatus.PLANNED, planned_by_scheduler=True, touched=False)) == [
        (MeetingKind.PRE_PLANNING, "2031-01-27"), (MeetingKind.STRATEGY, "2030-07-27")]
    assert {(m.cancel_reason, m.slot_key) for m in Meeting.objects.filter(
        client=client, status=MeetingStatus.CANCELLED).exclude(pk=cancelled.pk)} == {
        ("The client's meeting cadence changed.", "")}


def test_churned_and_archived_clients_get_their_future_meetings_cancelled(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meetings_schedule(msp=world.msp, now=NOW)
    with scopes_disabled():
        a, b = world.refs["A"], world.refs["B"]
        a.status, a.churn_date = "churned", TODAY
        a.save()
        b.archived_at = timezone.now()
        b.save()
    # The invitations of the first run were sent; the cancellations go to the same people.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = meetings_schedule(msp=world.msp, now=NOW)
    assert len(summary.cancelled) == 8
    for client in (a, b):
        assert set(Meeting.objects.filter(client=client).values_list("status", "cancel_reason", "slot_key")) == {
            ("cancelled", "The client is no longer served (churned or archived).", "")}
    cancels = [m for m in mail.outbox if "METHOD:CANCEL" in m.alternatives[0].content]
    assert len(cancels) == 8 * 2  # the decision maker and the vCIO of each meeting
    assert sorted({m.to[0] for m in cancels}) == sorted(["boss-a@client.test", "boss-b@client.test",
                                                         world.users[Role.VCIO].email])
    assert meetings_schedule(msp=world.msp, now=NOW).as_dict()["cancelled"] == 0


def test_each_vcio_tam_pair_meets_every_quarter(world):
    meetings_schedule(msp=world.msp, now=NOW)
    vcio, tam = world.users[Role.VCIO], world.users[Role.TAM]
    steering = list(Meeting.objects.filter(kind=MeetingKind.STEERING).order_by("starts_at"))
    assert sorted((m.client_id, m.organizer_id, m.tam_id, m.slot_date.month) for m in steering) == [
        (None, vcio.pk, tam.pk, month) for month in (1, 4, 7, 10)]
    assert len({m.slot_date.day for m in steering}) == 1
    # A second TAM on one client makes a second pair; when no active client pairs them, theirs are cancelled.
    with scopes_disabled():
        tam2 = f.UserFactory(email="tam2@alpha.test")
        f.MembershipFactory(msp=world.msp, user=tam2, role=Role.TAM)
        world.refs["C"].tam = tam2
        world.refs["C"].save()
    assert len(meetings_schedule(msp=world.msp, now=NOW).created) == 4
    with scopes_disabled():
        world.refs["C"].tam = tam
        world.refs["C"].save()
    summary = meetings_schedule(msp=world.msp, now=NOW)
    assert len(summary.cancelled) == 4
    assert Meeting.objects.filter(kind=MeetingKind.STEERING, tam=tam2, status=MeetingStatus.CANCELLED).count() == 4


def test_a_planned_meeting_past_its_end_becomes_missed(world):
    meetings_schedule(msp=world.msp, now=NOW)
    first = cycle(world.refs["A"])[0]
    assert not first.is_missed
    just_after = first.ends_at + timedelta(minutes=1)
    summary = meetings_schedule(msp=world.msp, now=just_after)
    first.refresh_from_db()
    assert (summary.missed, first.status, first.is_missed) == (
        Meeting.objects.filter(status=MeetingStatus.MISSED).count(), MeetingStatus.MISSED, True)
    assert summary.missed >= 1
    assert meetings_schedule(msp=world.msp, now=just_after).missed == 0


def test_the_database_holds_one_meeting_per_slot(world):
    meetings_schedule(msp=world.msp, now=NOW)
    taken = Meeting.objects.exclude(slot_key="").order_by("starts_at").first()
    with pytest.raises(IntegrityError, match="meeting_one_per_slot"), transaction.atomic():
        Meeting.objects.create(msp=world.msp, client=taken.client, kind=taken.kind, title="Twin", time_zone="UTC",
                               starts_at=taken.starts_at, slot_key=taken.slot_key)


def test_a_meeting_placed_after_its_slot_date_survives_the_next_days_run(world):
    """A steering slot due today is placed a week later (the vCIO's day is full); the next day's run, whose
    window starts after that slot date, keeps the meeting instead of cancelling it."""
    meetings_schedule(msp=world.msp, now=NOW)
    steering = Meeting.objects.filter(kind="steering").order_by("starts_at").first()
    Meeting.objects.filter(pk=steering.pk).update(slot_date=NOW.date())
    for days in (1, 3, 6):
        summary = meetings_schedule(msp=world.msp, now=NOW + timedelta(days=days))
        assert summary.cancelled == []
    steering.refresh_from_db()
    assert steering.status == "planned"
