"""Emails that keep meetings on track: a reminder before each meeting (once) and the daily digest of
overdue action items (one email per owner). Run by beat through meetings.tasks, per MSP."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from msp.emails import render_and_send_email
from msp.models import Msp

from .choices import ActionItemStatus, MeetingStatus
from .invitations import meeting_recipients
from .models import ActionItem, Meeting

# How long before a meeting its reminder goes out.
REMIND_BEFORE = timedelta(days=2)


def meetings_to_remind(*, now: datetime | None = None):
    """Planned meetings that start within REMIND_BEFORE from `now`, invited and not reminded yet."""
    now = now or timezone.now()
    return (Meeting.objects.filter(status=MeetingStatus.PLANNED, starts_at__gt=now,
                                   starts_at__lte=now + REMIND_BEFORE, reminded_at__isnull=True,
                                   invited_at__isnull=False)
            .select_related("msp", "client", "organizer", "tam").order_by("starts_at"))


def meeting_reminders_send(*, msp: Msp, now: datetime | None = None) -> int:
    """Send each meeting due soon its one reminder (to everyone invited); returns the emails sent. A meeting
    is marked reminded under a row lock first, so two runs at once send it once."""
    now = now or timezone.now()
    sent = 0
    for meeting_id in meetings_to_remind(now=now).filter(msp=msp).values_list("pk", flat=True):
        with transaction.atomic():
            meeting = (Meeting.objects.select_for_update(of=("self",)).select_related("msp", "organizer", "tam")
                       .filter(pk=meeting_id, reminded_at__isnull=True, status=MeetingStatus.PLANNED).first())
            if meeting is None:
                continue
            meeting.reminded_at = now
            meeting.save(update_fields=["reminded_at", "updated_at"])
            zone = zoneinfo.ZoneInfo(meeting.time_zone)
            local = meeting.starts_at.astimezone(zone)
            for recipient in meeting_recipients(meeting):
                render_and_send_email(
                    msp=msp, to=recipient.email, subject=f"Reminder: {meeting.title} ({local:%a %d %b %Y %H:%M})",
                    template="meetings/email/reminder.txt",
                    context={"meeting": meeting, "recipient": recipient,
                             "local_start": local.replace(tzinfo=None),
                             "local_end": meeting.ends_at.astimezone(zone).replace(tzinfo=None),
                             "msp_name": msp.name})
                sent += 1
    return sent


@dataclass(frozen=True)
class OverdueOwner:
    name: str
    email: str
    items: list[ActionItem]


def overdue_by_owner(*, msp: Msp, today: date | None = None) -> list[OverdueOwner]:
    """Open action items past their due date, grouped by their owner (a staff member or a client contact)
    with an email address. Items of archived clients, and owners without an address, are left out."""
    today = today or timezone.localdate(timezone=zoneinfo.ZoneInfo(msp.time_zone))
    items = (ActionItem.objects.filter(msp=msp, status=ActionItemStatus.OPEN, due_on__lt=today,
                                       client__archived_at__isnull=True)
             .select_related("client", "owner", "owner_contact").order_by("due_on", "created_at"))
    groups: dict[str, OverdueOwner] = {}  # by address, in the order of each owner's most overdue item
    for item in items:
        if item.owner_id and item.owner.email and item.owner.is_active:
            name, email = item.owner.display_name, item.owner.email
        elif item.owner_contact_id and item.owner_contact.email and item.owner_contact.archived_at is None:
            name, email = item.owner_contact.name, item.owner_contact.email
        else:
            continue
        groups.setdefault(email.lower(), OverdueOwner(name=name, email=email, items=[])).items.append(item)
    return list(groups.values())


def overdue_digest_send(*, msp: Msp, today: date | None = None) -> int:
    """Email each owner the list of their overdue action items; returns the emails sent."""
    today = today or timezone.localdate(timezone=zoneinfo.ZoneInfo(msp.time_zone))
    owners = overdue_by_owner(msp=msp, today=today)
    for owner in owners:
        count = len(owner.items)
        render_and_send_email(
            msp=msp, to=owner.email, subject=f"{count} overdue action item{'s' if count != 1 else ''} ({msp.name})",
            template="meetings/email/overdue_digest.txt",
            context={"owner": owner, "today": today, "msp_name": msp.name,
                     "lines": [(i, (today - i.due_on).days) for i in owner.items]})
    return len(owners)
