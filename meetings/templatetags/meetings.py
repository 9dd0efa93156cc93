"""The meetings section of the client page: `{% load meetings %}{% client_meetings client %}`.

The client page belongs to clients, which sits below meetings and may not import it; the section is a
template tag of this app, so the page only names it."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone

from msp.roles import Perm, can

from ..choices import ActionItemStatus, MeetingStatus
from ..models import ActionItem, Meeting
from ..selectors import meetings_missed

register = template.Library()
UPCOMING = 5
RECENT = 3


def _local(meetings, zone):
    for meeting in meetings:
        # Wall-clock (naive), so templates show the meeting's zone, not the request's active one.
        meeting.local_start = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
    return meetings


@register.inclusion_tag("meetings/includes/client_meetings.html", takes_context=True)
def client_meetings(context, client):
    request = context.get("request")
    zone = zoneinfo.ZoneInfo(client.msp.time_zone)
    now = timezone.now()
    # One statement for the three short lists: coming up, missed and last held.
    mine = Meeting.objects.filter(client=client)
    rows = list(mine.filter(status=MeetingStatus.PLANNED, starts_at__gte=now).order_by("starts_at")[:UPCOMING]
                .union(meetings_missed(client=client).select_related(None)[:RECENT],
                       mine.filter(status=MeetingStatus.HELD).order_by("-starts_at")[:RECENT], all=True))
    upcoming = sorted((m for m in rows if m.status == MeetingStatus.PLANNED and m.starts_at >= now),
                      key=lambda m: m.starts_at)
    missed = sorted((m for m in rows if m.status == MeetingStatus.MISSED
                     or (m.status == MeetingStatus.PLANNED and m.starts_at < now)),
                    key=lambda m: m.starts_at, reverse=True)
    held = sorted((m for m in rows if m.status == MeetingStatus.HELD), key=lambda m: m.starts_at, reverse=True)
    items = list(ActionItem.objects.filter(client=client, status=ActionItemStatus.OPEN)
                 .select_related("owner", "owner_contact", "meeting").order_by("due_on", "created_at"))
    today = timezone.localdate(timezone=zone)
    return {
        "client": client,
        "upcoming": _local(upcoming, zone),
        "missed": _local(missed, zone),
        "held": _local(held, zone),
        "items": items,
        "overdue": sum(1 for i in items if i.due_on and i.due_on < today),
        "cadence": client.cadence,
        "can_edit": can(getattr(request, "role", None), Perm.EDIT_CLIENTS),
    }
