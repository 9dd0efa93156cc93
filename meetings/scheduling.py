"""The meeting scheduler: every active client has its meetings for the next 12 months (docs/meetings.md).

For each active client with a vCIO, the cadence (clients/cadence.py) gives N meetings a year, N one of 2, 3,
4, 6, 12. The year is cut into N equal periods of 12/N months; each period starts on a **slot date**. The
cycle runs pre-planning, then the strategy meeting (roadmap and budget presented, in the last period before
the client's fiscal year starts), then business reviews (QBRs) through the fiscal year. Slot dates fall on
the same day of the month for a client (1-28, taken from the client's id so clients spread over the
month) and repeat every year, so any 12 months hold exactly N slot dates.

A meeting is placed on the first working day (Monday to Friday) on or after its slot date, and at least
`LEAD_DAYS` after the run, on which the vCIO has fewer meetings than the MSP's daily limit, at the MSP's
meeting hour in its time zone (2 hours later, or earlier, when the vCIO already meets someone then).

Each meeting carries its slot's key (`c:<client>:<slot date>`); the database holds one meeting per key,
so running twice, or twice at once, creates nothing new. Runs for one MSP also take a transaction-level
advisory lock per client batch, so the per-vCIO limit holds when two runs overlap.

When a client's cadence changes, the slots change. Future meetings the scheduler planned and nobody
touched move to the new slots (an update is sent), or are cancelled when fewer are needed. Held,
hand-moved or hand-cancelled meetings are never rewritten; a held or hand-moved meeting keeps its place and
takes over the new slot nearest to it, so the year still holds N. Churned and archived clients get no
meetings: their future planned meetings are cancelled, and the invited are sent a cancellation.

Each vCIO-TAM pair (a vCIO and a TAM who share an active client) has an internal steering meeting every
calendar quarter, planned the same way (`s:<vcio>:<tam>:<slot date>`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from clients.choices import ClientStatus
from clients.models import Client, Contact
from msp.models import Membership, Msp, User
from msp.roles import Role

from .choices import CYCLE_KINDS, DEFAULT_DURATION, MeetingKind, MeetingStatus
from .invitations import invitations_queue
from .models import Meeting, MeetingAttendee

LEAD_DAYS = 7  # invitations reach people at least a week ahead
HORIZON_MONTHS = 12
EARLIEST_HOUR, LATEST_HOUR = 7, 18
HOUR_STEPS = (0, 2, -2, 4, -4, 6, -6, 8)
STEERING_MONTHS = (1, 4, 7, 10)  # calendar quarters
SCHEDULER_CANCEL_CHANGED = "The client's meeting cadence changed."
SCHEDULER_CANCEL_ENDED = "The client is no longer served (churned or archived)."
SCHEDULER_CANCEL_PAIR = "This vCIO and TAM no longer share an active client."


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, d.day)


def years_later(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _spread_day(*parts) -> int:
    """A day of the month from 1 to 28 that depends only on `parts` (stable between runs and machines)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return 1 + int.from_bytes(digest[:4], "big") % 28


@dataclass(frozen=True)
class Slot:
    """A place in the cadence: the date a meeting is due from, what kind it is, and its key."""

    key: str
    target: date
    kind: str
    fiscal_year: int


def _fiscal_year_name(start: date) -> int:
    """msp.quarters' naming: a fiscal year is named after the calendar year it ends in."""
    return start.year if start.month == 1 else start.year + 1


def client_slots(*, client: Client, meetings_per_year: int, start: date, end: date) -> list[Slot]:
    """The client's cadence slots with a date in [start, end), in date order."""
    step = 12 // meetings_per_year
    day = _spread_day("client", client.pk)
    slots = []
    for year in range(start.year - 1, end.year + 3):
        fy_start = date(year, client.fiscal_year_start_month, day)
        # Pre-planning two periods before the fiscal year, the strategy meeting one period before it.
        first = add_months(fy_start, -2 * step)
        for i in range(meetings_per_year):
            target = add_months(first, i * step)
            if not start <= target < end:
                continue
            kind = MeetingKind.PRE_PLANNING if i == 0 else MeetingKind.STRATEGY if i == 1 else MeetingKind.QBR
            slots.append(Slot(key=f"c:{client.pk}:{target.isoformat()}", target=target, kind=kind,
                              fiscal_year=_fiscal_year_name(fy_start)))
    return sorted(slots, key=lambda s: s.target)


def steering_slots(*, vcio_id, tam_id, start: date, end: date) -> list[Slot]:
    day = _spread_day("steering", vcio_id, tam_id)
    slots = []
    for year in range(start.year, end.year + 1):
        for month in STEERING_MONTHS:
            target = date(year, month, day)
            if start <= target < end:
                slots.append(Slot(key=f"s:{vcio_id}:{tam_id}:{target.isoformat()}", target=target,
                                  kind=MeetingKind.STEERING, fiscal_year=year))
    return slots


def slot_title(slot: Slot, *, client: Client | None = None, vcio: User | None = None,
               tam: User | None = None) -> str:
    if slot.kind == MeetingKind.STEERING:
        return f"TAM-vCIO steering, Q{(slot.target.month - 1) // 3 + 1} {slot.target.year}: " \
               f"{vcio.display_name} and {tam.display_name}"
    label = {MeetingKind.PRE_PLANNING: "Pre-planning", MeetingKind.STRATEGY: "Strategy and annual planning",
             MeetingKind.QBR: "Business review"}[slot.kind]
    return f"{label} FY{slot.fiscal_year}: {client.name}"


@dataclass
class ScheduleSummary:
    """What one run did, for the command, the task's result and the logs."""

    msp: str
    created: list[str] = field(default_factory=list)
    replanned: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    missed: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"msp": self.msp, "created": len(self.created), "replanned": len(self.replanned),
                "cancelled": len(self.cancelled), "missed": self.missed, "skipped": list(self.skipped)}

    def line(self, meeting: Meeting) -> str:
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
        return f"{local:%Y-%m-%d %a %H:%M} {meeting.title}"


class _Calendar:
    """One vCIO's booked hours per local day, from the first day the run may place a meeting."""

    def __init__(self, *, organizer_id, zone: ZoneInfo, since: datetime, exclude: set | None = None):
        self.zone = zone
        self.hours: dict[date, set[int]] = defaultdict(set)
        qs = Meeting.objects.filter(organizer_id=organizer_id, starts_at__gte=since) \
            .exclude(status=MeetingStatus.CANCELLED)
        for pk, starts_at in qs.values_list("pk", "starts_at"):
            if exclude and pk in exclude:
                continue
            local = starts_at.astimezone(zone)
            self.hours[local.date()].add(local.hour)

    def place(self, *, target: date, earliest: date, hour: int, limit: int) -> datetime:
        day = max(target, earliest)
        for _ in range(366):
            if day.weekday() < 5 and len(self.hours[day]) < limit:
                for step in HOUR_STEPS:
                    h = hour + step
                    if EARLIEST_HOUR <= h <= LATEST_HOUR and not any(abs(h - b) < 2 for b in self.hours[day]):
                        self.hours[day].add(h)
                        return datetime.combine(day, time(h), tzinfo=self.zone)
            day += timedelta(days=1)
        raise RuntimeError("No free working day in a year; check the MSP's daily meeting limit.")


def _lock(msp: Msp) -> None:
    """Serialise scheduling of one MSP across runs and workers, for this transaction."""
    key = int.from_bytes(uuid.UUID(str(msp.pk)).bytes[:8], "big", signed=True) ^ 0x6D656574
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _check_fields(meeting: Meeting) -> None:
    """The meeting's field rules. Its relations are objects the run holds (the MSP, the client, the vCIO and
    TAM on the staff) and its one uniqueness rule, a meeting per slot, is the constraint `_create` relies on,
    so nothing is looked up (full_clean would query every foreign key and the key of each meeting)."""
    meeting.clean_fields(exclude=[f.name for f in Meeting._meta.concrete_fields if f.is_relation])


def _create(summary: ScheduleSummary, **fields) -> Meeting | None:
    """Create a planned meeting; None when its slot was filled meanwhile (the constraint is the guarantee)."""
    meeting = Meeting(planned_by_scheduler=True, **fields)
    _check_fields(meeting)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        if Meeting.objects.filter(slot_key=fields["slot_key"]).exists():
            return None
        raise
    summary.created.append(summary.line(meeting))
    return meeting


def _create_all(summary: ScheduleSummary, rows: list[dict]) -> list[Meeting]:
    """Create a client's new planned meetings in one insert; should a slot have been filled meanwhile (the
    insert is refused as a whole), create them one by one, leaving out the taken ones."""
    meetings = [Meeting(planned_by_scheduler=True, **fields) for fields in rows]
    for meeting in meetings:
        _check_fields(meeting)
    try:
        with transaction.atomic():
            Meeting.objects.bulk_create(meetings)
    except IntegrityError:
        return [m for m in (_create(summary, **fields) for fields in rows) if m is not None]
    summary.created.extend(summary.line(m) for m in meetings)
    return meetings


def _move(summary: ScheduleSummary, meeting: Meeting, *, send: bool, **fields) -> None:
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.version += 1
    _check_fields(meeting)
    meeting.save()
    summary.replanned.append(summary.line(meeting))
    if send and meeting.invited_at is not None:
        invitations_queue(meeting)


def _cancel(summary: ScheduleSummary, meeting: Meeting, *, reason: str, now: datetime, send: bool) -> None:
    """A cancellation by the scheduler frees the slot (the key is cleared), unlike one by a person."""
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.cancel_reason = reason
    meeting.slot_key = ""
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    summary.cancelled.append(summary.line(meeting))
    if send and meeting.invited_at is not None:
        invitations_queue(meeting)


class _Run:
    def __init__(self, msp: Msp, now: datetime, *, send_invitations: bool = True):
        self.msp = msp
        self.send_invitations = send_invitations
        self.now = now
        self.zone = ZoneInfo(msp.time_zone)
        self.today = now.astimezone(self.zone).date()
        self.end = years_later(self.today, HORIZON_MONTHS // 12)
        self.earliest = self.today + timedelta(days=LEAD_DAYS)
        self.summary = ScheduleSummary(msp=msp.name)
        self.staff = {m.user_id: m.user for m in Membership.objects.select_related("user").filter(
            msp=msp, removed_at__isnull=True, role__in=[Role.OWNER, Role.VCIO, Role.TAM])}

    def calendar(self, organizer_id, exclude=None) -> _Calendar:
        return _Calendar(organizer_id=organizer_id, zone=self.zone,
                         since=datetime.combine(self.today, time(0), tzinfo=self.zone), exclude=exclude)

    def place(self, cal: _Calendar, target: date) -> datetime:
        return cal.place(target=target, earliest=self.earliest, hour=self.msp.meeting_hour,
                         limit=self.msp.max_meetings_per_vcio_per_day)

    # --- clients ------------------------------------------------------------------------------------

    def client(self, client: Client) -> None:
        with transaction.atomic():
            _lock(self.msp)
            client = Client.objects.select_for_update(no_key=True).get(pk=client.pk)
            served = client.status == ClientStatus.ACTIVE and client.archived_at is None
            if not served:
                if client.status != ClientStatus.ONBOARDING or client.archived_at is not None:
                    self.end_client(client)
                return
            if client.vcio_id not in self.staff:
                self.summary.skipped.append(f"{client.name}: no vCIO on the staff")
                return
            self.plan_client(client)

    def end_client(self, client: Client) -> None:
        future = Meeting.objects.filter(client=client, status=MeetingStatus.PLANNED, starts_at__gt=self.now)
        for meeting in future.select_for_update().order_by("starts_at"):
            _cancel(self.summary, meeting, reason=SCHEDULER_CANCEL_ENDED, now=self.now,
                    send=self.send_invitations)

    def plan_client(self, client: Client) -> None:
        cadence = client.cadence
        slots = client_slots(client=client, meetings_per_year=cadence.meetings_per_year, start=self.today,
                             end=self.end)
        wanted = {s.key: s for s in slots}
        existing = list(
            Meeting.objects.select_for_update().filter(client=client, kind__in=CYCLE_KINDS).exclude(slot_key="")
            .filter(Q(slot_date__gte=self.today) | Q(starts_at__gte=self.now)).order_by("starts_at"))
        by_key = {m.slot_key: m for m in existing}
        missing = [s for s in slots if s.key not in by_key]
        # A meeting whose slot date has come but which is placed a few days later keeps its place.
        stale = [m for m in existing if m.slot_key not in wanted
                 and not (m.slot_date is not None and m.slot_date < self.today)]
        movable = [m for m in stale if self.untouched(m)]
        # Held and hand-moved meetings stay where they are and fill the new slot nearest to them.
        for meeting in stale:
            if meeting in movable or meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.HELD) or not missing:
                continue
            day = meeting.starts_at.astimezone(self.zone).date()
            nearest = min(missing, key=lambda s, day=day: abs((s.target - day).days))
            missing.remove(nearest)
            Meeting.objects.filter(pk=meeting.pk).update(slot_key=nearest.key)
        cal = self.calendar(client.vcio_id, exclude={m.pk for m in movable})
        vcio = self.staff[client.vcio_id]
        for meeting, slot in zip(movable, missing, strict=False):
            _move(self.summary, meeting, send=self.send_invitations, slot_key=slot.key, slot_date=slot.target,
                  kind=slot.kind, title=slot_title(slot, client=client), starts_at=self.place(cal, slot.target),
                  duration_minutes=DEFAULT_DURATION[slot.kind], organizer=vcio)
        for meeting in movable[len(missing):]:
            _cancel(self.summary, meeting, reason=SCHEDULER_CANCEL_CHANGED, now=self.now,
                    send=self.send_invitations)
        # Meetings in their slot that nobody touched follow the client's kind of slot and vCIO.
        for key, meeting in by_key.items():
            slot = wanted.get(key)
            if slot is None or not self.untouched(meeting):
                continue
            if meeting.kind != slot.kind or meeting.organizer_id != client.vcio_id:
                _move(self.summary, meeting, send=self.send_invitations, kind=slot.kind,
                      title=slot_title(slot, client=client), duration_minutes=DEFAULT_DURATION[slot.kind],
                      organizer=vcio)
        if missing[len(movable):]:
            invitees = list(Contact.objects.filter(client=client, is_decision_maker=True, archived_at__isnull=True)
                            .exclude(email=""))
            created = _create_all(self.summary, [
                {"msp": self.msp, "client": client, "kind": slot.kind, "title": slot_title(slot, client=client),
                 "starts_at": self.place(cal, slot.target), "duration_minutes": DEFAULT_DURATION[slot.kind],
                 "time_zone": self.msp.time_zone, "organizer": vcio, "slot_key": slot.key, "slot_date": slot.target}
                for slot in missing[len(movable):]])
            MeetingAttendee.objects.bulk_create([MeetingAttendee(msp=self.msp, meeting=meeting, contact=contact)
                                                 for meeting in created for contact in invitees])
            if self.send_invitations:
                for meeting in created:
                    invitations_queue(meeting)

    def untouched(self, meeting: Meeting) -> bool:
        return (meeting.status == MeetingStatus.PLANNED and meeting.planned_by_scheduler and not meeting.touched
                and meeting.starts_at > self.now)

    # --- steering -----------------------------------------------------------------------------------

    def steering(self) -> None:
        with transaction.atomic():
            _lock(self.msp)
            pairs = set(Client.objects.filter(status=ClientStatus.ACTIVE, archived_at__isnull=True,
                                              vcio__isnull=False, tam__isnull=False)
                        .values_list("vcio_id", "tam_id").distinct())
            pairs = {(v, t) for v, t in pairs if v in self.staff and t in self.staff and v != t}
            wanted: dict[str, tuple[Slot, int, int]] = {}
            for vcio_id, tam_id in sorted(pairs):
                for slot in steering_slots(vcio_id=vcio_id, tam_id=tam_id, start=self.today, end=self.end):
                    wanted[slot.key] = (slot, vcio_id, tam_id)
            existing = {m.slot_key: m for m in Meeting.objects.select_for_update().filter(
                kind=MeetingKind.STEERING, slot_key__startswith="s:").filter(
                Q(slot_date__gte=self.today) | Q(starts_at__gte=self.now))}
            for key, meeting in existing.items():
                # A slot whose date has come (its meeting placed a few days later) is no longer in the
                # window; it stays as long as its pair does.
                came_due = meeting.slot_date is not None and meeting.slot_date < self.today
                if came_due and (meeting.organizer_id, meeting.tam_id) in pairs:
                    continue
                if key not in wanted and self.untouched(meeting):
                    _cancel(self.summary, meeting, reason=SCHEDULER_CANCEL_PAIR, now=self.now,
                            send=self.send_invitations)
            calendars: dict[int, _Calendar] = {}
            for key, (slot, vcio_id, tam_id) in sorted(wanted.items(), key=lambda kv: kv[1][0].target):
                if key in existing:
                    continue
                cal = calendars.setdefault(vcio_id, self.calendar(vcio_id))
                meeting = _create(self.summary, msp=self.msp, client=None, kind=MeetingKind.STEERING,
                                  title=slot_title(slot, vcio=self.staff[vcio_id], tam=self.staff[tam_id]),
                                  starts_at=self.place(cal, slot.target),
                                  duration_minutes=DEFAULT_DURATION[MeetingKind.STEERING],
                                  time_zone=self.msp.time_zone, organizer_id=vcio_id, tam_id=tam_id,
                                  slot_key=key, slot_date=slot.target)
                if meeting is not None and self.send_invitations:
                    invitations_queue(meeting)


def meetings_mark_missed(*, msp: Msp, now: datetime | None = None) -> int:
    """Planned meetings whose end has passed without being marked held become missed. Returns how many."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for meeting in Meeting.objects.select_for_update().filter(
                msp=msp, status=MeetingStatus.PLANNED, starts_at__lt=now):
            if meeting.ends_at <= now:
                meeting.status = MeetingStatus.MISSED
                meeting.version += 1
                meeting.save(update_fields=["status", "version", "updated_at"])
                count += 1
    return count


def meetings_schedule(*, msp: Msp, now: datetime | None = None, send_invitations: bool = True) -> ScheduleSummary:
    """Make sure every active client of `msp` has its meetings for the next 12 months, and every vCIO-TAM
    pair its quarterly steering; cancel the future meetings of churned and archived clients; mark missed
    meetings. Call inside the MSP's scope (the task and the command do). Safe to run any number of times.
    Without `send_invitations` (demo data) nothing is emailed: the meetings count as never invited."""
    run = _Run(msp, now or timezone.now(), send_invitations=send_invitations)
    run.summary.missed = meetings_mark_missed(msp=msp, now=run.now)
    # Active clients, and any other client that still has planned meetings ahead (to cancel them).
    clients = Client.objects.filter(
        Q(status=ClientStatus.ACTIVE, archived_at__isnull=True)
        | Q(pk__in=Meeting.objects.filter(status=MeetingStatus.PLANNED, starts_at__gt=run.now,
                                          client__isnull=False).values("client_id")))
    for client in clients.order_by("name").only("pk"):
        run.client(client)
    run.steering()
    return run.summary
