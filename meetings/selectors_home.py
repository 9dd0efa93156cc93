"""Reads of the vCIO's home: the work waiting for one vCIO or TAM, each list bounded and read in a few
queries whatever the number of clients (no query per client or per meeting).

"Mine" depends on the role: a vCIO's clients are those they are the vCIO of, a TAM's those they are the
TAM of; a person's meetings are those they lead, the steering meetings they attend as TAM, and the
meetings of their clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone

from alignment.models import Review
from alignment.selectors import reviews_awaiting_recommendations
from clients.choices import ClientStatus
from clients.models import Client
from msp.models import Msp, User
from msp.roles import Role
from roadmaps.models import Initiative
from roadmaps.selectors import proposals_awaiting_client

from .choices import ActionItemStatus, MeetingKind, MeetingStatus
from .models import ActionItem, Meeting, Touch

LIMIT = 10  # lines shown per list; the count says how many there are in all
MISSED_WINDOW = timedelta(days=365)  # a meeting missed longer ago is history, not work


@dataclass(frozen=True)
class TouchesDue:
    """A client still owed unique touches this month."""

    client: Client
    due: int  # touches a month in its cadence
    done: int  # touches logged plus client meetings held this month

    @property
    def remaining(self) -> int:
        return max(self.due - self.done, 0)


@dataclass
class Shown:
    """The first lines of a list and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class VcioHome:
    today: date
    week_start: date
    coming: list[Meeting]  # this week's and next week's meetings, each with `.agenda_state`
    touches: Shown
    missed: Shown
    overdue: Shown
    reviews: list[Review]
    proposals: list[Initiative]
    month_label: str = ""


def _client_field(role: str) -> str:
    return "tam" if role == Role.TAM else "vcio"


def _my_clients(*, user: User, role: str) -> QuerySet[Client]:
    return Client.objects.filter(**{_client_field(role): user}, archived_at__isnull=True)


def _my_meetings(*, user: User, role: str) -> QuerySet[Meeting]:
    mine = Q(organizer=user) | Q(tam=user) | Q(**{f"client__{_client_field(role)}": user})
    return Meeting.objects.filter(mine).filter(Q(client__isnull=True) | Q(client__archived_at__isnull=True))


def agenda_state(meeting: Meeting) -> str:
    """`sent` (the agenda went out with the latest invitation: an agenda change re-sends it), `ready`
    (written, not sent yet) or `missing`."""
    if not meeting.agenda.strip():
        return "missing"
    return "sent" if meeting.invited_at is not None else "ready"


def month_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, 1, tzinfo=zone)
    end = datetime(day.year + (day.month == 12), day.month % 12 + 1, 1, tzinfo=zone)
    return start, end


def touches_due(*, clients: list[Client], today: date, zone: ZoneInfo) -> list[TouchesDue]:
    """Each active client's touches this month against its cadence, most owed first (two queries)."""
    start, end = month_bounds(today, zone)
    ids = [c.pk for c in clients]
    logged = dict(Touch.objects.filter(client_id__in=ids, at__gte=start, at__lt=end)
                  .values("client").annotate(n=Count("pk")).values_list("client", "n"))
    held = dict(Meeting.objects.filter(client_id__in=ids, status=MeetingStatus.HELD, starts_at__gte=start,
                                       starts_at__lt=end).exclude(kind=MeetingKind.STEERING)
                .values("client").annotate(n=Count("pk")).values_list("client", "n"))
    rows = [TouchesDue(client=c, due=c.cadence.touches_per_month, done=logged.get(c.pk, 0) + held.get(c.pk, 0))
            for c in clients]
    return sorted((r for r in rows if r.remaining), key=lambda r: (-r.remaining, r.client.name))


def vcio_home(*, msp: Msp, user: User, role: str, now: datetime | None = None) -> VcioHome:
    zone = ZoneInfo(msp.time_zone)
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    week_start = today - timedelta(days=today.weekday())
    window = (datetime.combine(week_start, time(0), tzinfo=zone),
              datetime.combine(week_start + timedelta(days=14), time(0), tzinfo=zone))
    meetings = _my_meetings(user=user, role=role).select_related("client")

    coming = list(meetings.filter(starts_at__gte=window[0], starts_at__lt=window[1])
                  .exclude(status=MeetingStatus.CANCELLED).order_by("starts_at")[:LIMIT * 3])
    for m in coming:
        m.agenda_state = agenda_state(m)
        m.next_week = m.starts_at.astimezone(zone).date() >= week_start + timedelta(days=7)

    ends_at = ExpressionWrapper(F("starts_at") + F("duration_minutes") * Value(timedelta(minutes=1)),
                                output_field=DateTimeField())
    missed_qs = (meetings.annotate(ends=ends_at)
                 .filter(Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.PLANNED, ends__lte=now))
                 .filter(starts_at__gte=now - MISSED_WINDOW).order_by("-starts_at"))
    missed = list(missed_qs[:LIMIT])

    clients = list(_my_clients(user=user, role=role).filter(status=ClientStatus.ACTIVE).order_by("name"))
    due = touches_due(clients=clients, today=today, zone=zone)

    mine = Q(owner=user) | Q(owner__isnull=True, **{f"client__{_client_field(role)}": user})
    overdue_qs = (ActionItem.objects.filter(mine, status=ActionItemStatus.OPEN, due_on__lt=today,
                                            client__archived_at__isnull=True)
                  .select_related("client", "meeting", "owner", "owner_contact").order_by("due_on", "created_at"))
    overdue = list(overdue_qs[:LIMIT])

    if role == Role.TAM:
        reviews = reviews_awaiting_recommendations(tam=user, limit=LIMIT)
        proposals = proposals_awaiting_client(tam=user, limit=LIMIT)
    else:
        reviews = reviews_awaiting_recommendations(vcio=user, limit=LIMIT)
        proposals = proposals_awaiting_client(vcio=user, limit=LIMIT)

    return VcioHome(
        today=today, week_start=week_start, coming=coming,
        touches=Shown(due[:LIMIT], len(due)),
        missed=Shown(missed, len(missed) if len(missed) < LIMIT else missed_qs.count()),
        overdue=Shown(overdue, len(overdue) if len(overdue) < LIMIT else overdue_qs.count()),
        reviews=reviews, proposals=proposals, month_label=f"{today:%B %Y}",
    )
