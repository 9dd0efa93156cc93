"""Calendar data for meetings, made with the icalendar library (never written by hand).

- `invitation_ics`: an iTIP message for one meeting, METHOD:REQUEST (new or changed) or METHOD:CANCEL,
  with a stable UID, DTSTAMP in UTC at the time of sending, the meeting's SEQUENCE, ORGANIZER the sending
  mailbox, each ATTENDEE with PARTSTAT=NEEDS-ACTION and RSVP=TRUE, the local time with its TZID and a
  VTIMEZONE block, and one event (no RRULE).
- `invitation_email`: the email that carries it: a text body with the agenda, the calendar as a
  `text/calendar; method=...` alternative part (what Outlook and Gmail read) and as an `invite.ics`
  attachment (what other clients offer to import).
- `feed_ics`: a subscription feed of many meetings: no METHOD and no RSVP fields, with REFRESH-INTERVAL and
  X-PUBLISHED-TTL so calendars poll it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vDuration

from msp.emails import brand_email

from .choices import MeetingStatus
from .models import Meeting

PRODID = "-//vCIO platform//Meetings//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"
FEED_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Recipient:
    """Someone invited to a meeting: a client contact or a staff member."""

    name: str
    email: str


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def organizer_mailbox() -> tuple[str, str]:
    """(name, address) of the sending mailbox, which is the ORGANIZER: replies come back to it."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name, email


def _event(meeting: Meeting, *, stamp, cancelled: bool = False) -> Event:
    zone = ZoneInfo(meeting.time_zone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    if meeting.location:
        event.add("location", meeting.location)
    cancelled = cancelled or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(*, method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _add_timezones(cal: Calendar, meetings: Iterable[Meeting]) -> None:
    """VTIMEZONE blocks for the zones used, covering the meetings' years only (a full history is large)."""
    starts = [m.starts_at for m in meetings]
    if not starts:
        return
    first, last = min(starts), max(starts)
    cal.add_missing_timezones(first_date=(first - timedelta(days=366)).date(),
                              last_date=(last + timedelta(days=366)).date())


def invitation_ics(*, meeting: Meeting, recipients: Iterable[Recipient], method: str) -> bytes:
    """The iTIP message of one meeting for its attendees (REQUEST or CANCEL). A CANCEL is cancelled for
    the people it names: the whole meeting when it is cancelled, or just them when they were taken off
    the invitation (then `recipients` are only the people removed)."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"Unknown method {method!r}.")
    cal = _calendar(method=method)
    event = _event(meeting, stamp=timezone.now(), cancelled=method == CANCEL)
    name, email = organizer_mailbox()
    event.add("organizer", _address(email, name))
    for recipient in recipients:
        attendee = _address(recipient.email, recipient.name)
        attendee.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                                "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    _add_timezones(cal, [meeting])
    return cal.to_ical()


def invitation_email(*, meeting: Meeting, recipient: Recipient, recipients: list[Recipient], method: str,
                     msp_name: str, removed: bool = False) -> EmailMultiAlternatives:
    """One email to one recipient; the calendar part lists every attendee, as calendars expect.
    `removed`: a CANCEL to someone taken off a meeting that goes ahead (`recipients` is just them)."""
    ics = invitation_ics(meeting=meeting, recipients=recipients, method=method).decode()
    zone = ZoneInfo(meeting.time_zone)
    local = meeting.starts_at.astimezone(zone)
    if method == CANCEL:
        subject = f"Cancelled: {meeting.title}"
    elif meeting.sequence:
        subject = f"Updated invitation: {meeting.title}"
    else:
        subject = f"Invitation: {meeting.title}"
    subject = " ".join(f"{subject} ({local:%a %d %b %Y %H:%M})".split())
    body = render_to_string("meetings/email/invitation.txt", {
        "meeting": meeting, "recipient": recipient, "cancelled": method == CANCEL, "removed": removed,
        "msp_name": msp_name,
        # Wall-clock times (naive): the date filter would otherwise convert them to the active zone.
        "local_start": local.replace(tzinfo=None), "local_end": meeting.ends_at.astimezone(zone).replace(tzinfo=None),
    })
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    mimetype = f"text/calendar; method={method}"
    message.attach_alternative(ics, mimetype)
    message.attach("invite.ics", ics, mimetype)
    # The calendar part stays the first alternative; the MSP's branded HTML follows it.
    return brand_email(message, msp=meeting.msp)


def feed_ics(*, meetings: Iterable[Meeting], name: str, refresh: timedelta = FEED_REFRESH) -> bytes:
    """A subscription feed: every meeting given, as published events without attendees or RSVP."""
    meetings = list(meetings)
    cal = _calendar(method=None)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp=stamp))
    _add_timezones(cal, meetings)
    return cal.to_ical()
