"""Reads of the meetings app."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client

from .choices import CYCLE_KINDS, MeetingStatus
from .models import Meeting, Touch
from .scheduling import years_later


def client_meetings_ahead(*, client: Client, today: date | None = None) -> QuerySet[Meeting]:
    """The client's meetings of the yearly cycle due in the next 12 months (by cadence slot; meetings
    planned by hand, by date), cancelled ones included: the scheduler's year."""
    zone = ZoneInfo(client.msp.time_zone)
    today = today or timezone.now().astimezone(zone).date()
    end = years_later(today, 1)
    start_dt, end_dt = (datetime.combine(d, time(0), tzinfo=zone) for d in (today, end))
    return Meeting.objects.filter(client=client, kind__in=CYCLE_KINDS).filter(
        Q(slot_date__gte=today, slot_date__lt=end)
        | Q(slot_date__isnull=True, starts_at__gte=start_dt, starts_at__lt=end_dt)).order_by("starts_at")


def meetings_missed(*, client: Client | None = None, organizer=None) -> QuerySet[Meeting]:
    """Missed meetings: marked missed, or still planned after their end (the daily task marks them)."""
    now = timezone.now()
    qs = Meeting.objects.filter(Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.PLANNED, starts_at__lt=now))
    if client is not None:
        qs = qs.filter(client=client)
    if organizer is not None:
        qs = qs.filter(organizer=organizer)
    return qs.select_related("client").order_by("-starts_at")


def client_touches_in_month(*, client: Client, year: int, month: int) -> int:
    """Unique touches with the client in a month: logged touches plus client meetings held."""
    zone = ZoneInfo(client.msp.time_zone)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    held = (Meeting.objects.filter(client=client, status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end)
            .order_by().values("client").annotate(n=Count("pk")).values("n"))
    # One statement: the touches counted, the meetings held as a subquery.
    return Touch.objects.filter(client=client, at__gte=start, at__lt=end).aggregate(
        n=Count("pk") + Coalesce(Subquery(held, output_field=IntegerField()), 0))["n"]
