"""Demo data of meetings: the demo MSP's next 12 months as the scheduler plans them (no emails sent), a past
year of held meetings with notes and action items, logged touches, one missed business review, and next
week's business review of the portal client with its agenda ready to send.

Run inside the MSP's scope by `seed_demo`. A client that already has past meetings (or touches) gets none
added, so a second run changes nothing. Rows are written in bulk: a year of history for a dozen clients
is a few statements, not hundreds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from clients.choices import ClientStatus
from clients.demo import PORTAL_CLIENT, Tally, demo_today
from clients.models import Client, Contact
from msp.models import Activity, Msp

from .choices import (
    DEFAULT_DURATION,
    ActionItemStatus,
    MeetingActivity,
    MeetingKind,
    MeetingStatus,
    TouchKind,
)
from .models import ActionItem, Meeting, MeetingAttendee, Touch
from .qbr import ActionLine, agenda_text, qbr_agenda, qbr_content
from .scheduling import add_months, meetings_schedule

# Which past meeting of which client was missed: the most recent one of this client.
MISSED_CLIENT = "Halstead & Crane LLP"  # a client of vcio@demo.test, like the portal client


@dataclass(frozen=True)
class PastMeeting:
    kind: str
    notes: str
    outcome: str
    actions: tuple[str, ...]


# The year behind us, oldest first; a client meeting more often repeats the business review.
PRE_PLANNING = PastMeeting(
    MeetingKind.PRE_PLANNING,
    "Went through the owner's plans for the coming year: hiring, a second site under discussion, and a "
    "wish to stop paying for tools nobody uses.",
    "Business objectives for the year recorded; alignment review booked with the TAM.",
    ("Send the list of software subscriptions for a clean-up", "Book the on-site alignment review"),
)
STRATEGY = PastMeeting(
    MeetingKind.STRATEGY,
    "Presented the three-year roadmap and the budget. The owner asked to phase the laptop refresh over two "
    "quarters to spread the cost.",
    "Roadmap approved with the refresh phased; budget agreed for the fiscal year.",
    ("Re-quote the laptop refresh in two phases", "Share the approved budget with the office manager"),
)
REVIEW = PastMeeting(
    MeetingKind.QBR,
    "Reviewed progress on the business goals, what the roadmap delivered this quarter and spending against "
    "the plan. Backup restore test passed; two standards still not met.",
    "Quarter on track; the open findings move into next quarter's roadmap.",
    ("Confirm the date for the firewall replacement", "Send the quarterly backup restore report"),
)
TOUCH_NOTES = {
    TouchKind.CALL: "Checked in on the new starters' laptops.",
    TouchKind.EMAIL: "Sent a short note on the phishing campaign going round their industry.",
    TouchKind.VISIT: "Dropped by the office; talked through the printer contract renewal.",
    TouchKind.VIDEO: "Quick video call on the cloud backup costs.",
}


def _year_behind(meetings_per_year: int) -> list[PastMeeting]:
    extra = [REVIEW] * max(meetings_per_year - 4, 0)
    return [PRE_PLANNING, STRATEGY, REVIEW, *extra, REVIEW][:meetings_per_year]


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone)


class _History:
    """Rows of one seed run, written in bulk at the end."""

    def __init__(self, msp: Msp):
        self.msp = msp
        self.meetings: list[Meeting] = []
        self.attendees: list[MeetingAttendee] = []
        self.items: list[ActionItem] = []
        self.touches: list[Touch] = []
        self.activities: list[Activity] = []

    def save(self) -> None:
        Meeting.objects.bulk_create(self.meetings)
        MeetingAttendee.objects.bulk_create(self.attendees)
        ActionItem.objects.bulk_create(self.items)
        Touch.objects.bulk_create(self.touches)
        Activity.objects.bulk_create(self.activities)


def _client_year(history: _History, *, client: Client, today: date, now: datetime, zone: ZoneInfo,
                 deciders: list[Contact], missed: bool, overdue: bool) -> None:
    """Held meetings every 12/N months going back a year (the last one missed when `missed`), each with
    notes, attendance and action items: done for older meetings, open for the latest held one."""
    msp, vcio = history.msp, client.vcio
    n = client.cadence.meetings_per_year
    step = 12 // n
    plan = _year_behind(n)
    held_meetings: list[Meeting] = []
    for i, spec in enumerate(plan):
        day = _working_day(add_months(today, -step * (n - i)) + timedelta(days=3))
        starts = _at(day, msp.meeting_hour, zone)
        last = i == len(plan) - 1
        status = MeetingStatus.MISSED if (missed and last) else MeetingStatus.HELD
        meeting = Meeting(
            msp=msp, client=client, kind=spec.kind, status=status, time_zone=msp.time_zone,
            title=f"{MeetingKind(spec.kind).label}: {client.name}", starts_at=starts,
            duration_minutes=DEFAULT_DURATION[spec.kind], organizer=vcio, touched=True,
            location=f"{client.name}, main office",
        )
        if status == MeetingStatus.HELD:
            meeting.notes, meeting.outcome = spec.notes, spec.outcome
            meeting.held_at = starts + timedelta(hours=2)
            meeting.decision_maker_attended = bool(deciders)
            held_meetings.append(meeting)
            history.activities.append(Activity(msp=msp, kind=MeetingActivity.MEETING_HELD, actor=vcio,
                                               client_id=client.pk, subject_id=meeting.pk, occurred_at=starts))
        history.meetings.append(meeting)
        history.attendees += [MeetingAttendee(msp=msp, meeting=meeting, contact=c,
                                              attended=status == MeetingStatus.HELD) for c in deciders]
    for j, meeting in enumerate(held_meetings):
        latest = j == len(held_meetings) - 1
        spec = next(p for p in plan if p.kind == meeting.kind)
        for k, text in enumerate(spec.actions):
            # Older meetings' items were done in time; the latest's fall due before the next meeting.
            due = (today + timedelta(days=10 + 7 * k) if latest
                   else (meeting.starts_at + timedelta(days=21 + 7 * k)).date())
            item = ActionItem(msp=msp, client=client, meeting=meeting, text=text, due_on=due,
                              owner=vcio if k == 0 else None, owner_contact=None if k == 0 else
                              (deciders[0] if deciders else None))
            if not latest:
                item.status, item.done_at = ActionItemStatus.DONE, _at(due, 15, zone)
            history.items.append(item)
    if overdue and held_meetings:
        history.items.append(ActionItem(
            msp=msp, client=client, meeting=held_meetings[-1], owner=vcio, due_on=today - timedelta(days=6),
            text="Send the signed quote for the Wi-Fi upgrade"))


def _client_touches(history: _History, *, client: Client, today: date, now: datetime, zone: ZoneInfo,
                    deciders: list[Contact]) -> None:
    """Logged touches through the past year at the client's cadence, a few months a little short; in the
    current month only the first one (so the home page shows touches still due)."""
    msp, vcio = history.msp, client.vcio
    rng = random.Random(client.name)  # noqa: S311 - demo data, deterministic on purpose
    per_month = client.cadence.touches_per_month
    kinds = list(TouchKind)
    for back in range(12, -1, -1):
        first = add_months(date(today.year, today.month, 1), -back)
        count = 1 if back == 0 else per_month - (1 if rng.random() < 0.25 else 0)
        for k in range(count):
            day = _working_day(first + timedelta(days=2 + 9 * k + rng.randrange(4)))
            at = _at(day, 14, zone)
            if at >= now:
                continue
            kind = kinds[rng.randrange(len(kinds))]
            touch = Touch(msp=msp, client=client, kind=kind, at=at, by=vcio,
                          contact=deciders[0] if deciders else None, note=TOUCH_NOTES[kind])
            history.touches.append(touch)
            history.activities.append(Activity(msp=msp, kind=MeetingActivity.TOUCH_LOGGED, actor=vcio,
                                               client_id=client.pk, subject_id=touch.pk, occurred_at=at))


def _next_week_review(*, client: Client, today: date, zone: ZoneInfo) -> None:
    """The portal client's next scheduled meeting becomes next week's business review, its agenda built
    from the records and ready to send (no invitation has gone out)."""
    ahead = Meeting.objects.filter(client=client, status=MeetingStatus.PLANNED, starts_at__gte=timezone.now())
    if ahead.filter(kind=MeetingKind.QBR, touched=True).exclude(agenda="").exists():
        return
    meeting = ahead.filter(planned_by_scheduler=True).order_by("starts_at").first()
    if meeting is None:
        return
    monday = today + timedelta(days=7 - today.weekday())
    items = [ActionLine(text=i.text, owner=(i.owner.display_name if i.owner else
                                            i.owner_contact.name if i.owner_contact else "unassigned"),
                        due=i.due_on, overdue=bool(i.due_on and i.due_on < today))
             for i in ActionItem.objects.filter(client=client, status=ActionItemStatus.OPEN)
             .select_related("owner", "owner_contact").order_by("due_on")]
    agenda = agenda_text(qbr_agenda(qbr_content(client=client, today=today, action_items=items)))
    Meeting.objects.filter(pk=meeting.pk).update(
        kind=MeetingKind.QBR, title=f"Business review: {client.name}", agenda=agenda, touched=True,
        starts_at=_at(monday + timedelta(days=1), client.msp.meeting_hour, zone),
        duration_minutes=DEFAULT_DURATION[MeetingKind.QBR], version=meeting.version + 1)


def demo_meetings_seed(tally: Tally, *, msp: Msp) -> None:
    """The past year first (so the scheduler finds the held meetings and marks nothing), then the next 12
    months by the scheduler, then next week's business review of the portal client."""
    zone = ZoneInfo(msp.time_zone)
    today, now = demo_today(msp), timezone.now()
    clients = list(Client.objects.filter(status=ClientStatus.ACTIVE, archived_at__isnull=True,
                                         vcio__isnull=False).select_related("vcio", "msp").order_by("name"))
    deciders: dict = {}
    for contact in Contact.objects.filter(client__in=clients, is_decision_maker=True, archived_at__isnull=True):
        deciders.setdefault(contact.client_id, []).append(contact)
    with_past = set(Meeting.objects.filter(client__in=clients, starts_at__lt=now)
                    .values_list("client_id", flat=True))
    with_touches = set(Touch.objects.filter(client__in=clients).values_list("client_id", flat=True))
    history = _History(msp)
    for client in clients:
        people = deciders.get(client.pk, [])
        if client.pk not in with_past:
            _client_year(history, client=client, today=today, now=now, zone=zone, deciders=people,
                         missed=client.name == MISSED_CLIENT, overdue=client.name == PORTAL_CLIENT)
        if client.pk not in with_touches:
            _client_touches(history, client=client, today=today, now=now, zone=zone, deciders=people)
    history.save()
    for label, rows in (("past meetings", history.meetings), ("action items", history.items),
                        ("touches", history.touches)):
        tally.created[label] += len(rows)
    tally.existing["past meetings"] += Meeting.objects.filter(starts_at__lt=now).count() - len(history.meetings)
    tally.existing["action items"] += ActionItem.objects.count() - len(history.items)
    tally.existing["touches"] += Touch.objects.count() - len(history.touches)

    summary = meetings_schedule(msp=msp, send_invitations=False)
    created = len(summary.created)
    tally.created["meetings"] += created
    tally.existing["meetings"] += (Meeting.objects.filter(starts_at__gte=now).exclude(status=MeetingStatus.CANCELLED)
                                   .count() - created)
    portal_client = next((c for c in clients if c.name == PORTAL_CLIENT), None)
    if portal_client is not None:
        _next_week_review(client=portal_client, today=today, zone=zone)
