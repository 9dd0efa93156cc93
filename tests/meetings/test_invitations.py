"""Invitations and feeds parsed back with icalendar: REQUEST, updates with a raised SEQUENCE, CANCEL, the
time zone, attendees; and the services that send them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from meetings.choices import MeetingKind
from meetings.ics import feed_ics
from meetings.models import Meeting
from meetings.services import meeting_attendees_set, meeting_cancel, meeting_create, meeting_move, meeting_update
from msp.roles import Role
from tests import factories as f


def calendars(message):
    """The calendar of the alternative part and of the attachment, parsed."""
    (alt_content, alt_type), = [a for a in message.alternatives if a[1].startswith("text/calendar")]
    (name, att_content, att_type), = [a for a in message.attachments if isinstance(a, tuple)]
    assert (name, alt_type, att_type) == ("invite.ics", att_type, alt_type)
    return Calendar.from_ical(alt_content), Calendar.from_ical(att_content), alt_type


@pytest.fixture
def planned(world, django_capture_on_commit_callbacks):
    client = world.refs["A"]
    start = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=client, kind=MeetingKind.QBR,
                              starts_at=start, location="Client A, boardroom", agenda="1. Business goals",
                              attendees=list(client.contacts.all()))


def test_a_new_meeting_sends_a_request_that_calendars_accept(world, planned):
    vcio = world.users[Role.VCIO]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["boss-a@client.test", vcio.email])
    message = next(m for m in mail.outbox if m.to == ["boss-a@client.test"])
    alt, attached, mimetype = calendars(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert alt.to_ical() == attached.to_ical()
    assert message.subject.startswith("Invitation: Quarterly business review: Client A (")
    assert "1. Business goals" in message.body
    assert str(alt["METHOD"]) == "REQUEST"
    (event,) = alt.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{planned.pk}@meetings.vcio"
    assert (event["SEQUENCE"], str(event["STATUS"]), "RRULE" in event) == (0, "CONFIRMED", False)
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert event["DTSTAMP"].to_ical().endswith(b"Z")
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART") == planned.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert [str(tz["TZID"]) for tz in alt.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(event["ORGANIZER"]) == "mailto:no-reply@vcio.local"
    attendees = {str(a): dict(a.params) for a in event["ATTENDEE"]}
    assert attendees == {
        "mailto:boss-a@client.test": {"CN": "Boss A", "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                                      "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"},
        f"mailto:{vcio.email}": {"CN": vcio.display_name, "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                                 "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}}
    assert str(event["LOCATION"]) == "Client A, boardroom"
    assert Meeting.objects.get(pk=planned.pk).invited_at is not None


def test_moving_sends_an_update_with_the_same_uid_and_a_higher_sequence(world, planned,
                                                                        django_capture_on_commit_callbacks):
    first = Calendar.from_ical(mail.outbox[0].alternatives[0][0]).walk("VEVENT")[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = meeting_move(meeting=planned, actor=world.users[Role.VCIO],
                             starts_at=planned.starts_at + timedelta(days=2))
    assert (moved.sequence, moved.touched) == (1, True)
    message = next(m for m in mail.outbox if m.to == ["boss-a@client.test"])
    alt, _, mimetype = calendars(message)
    (event,) = alt.walk("VEVENT")
    assert (mimetype, str(alt["METHOD"]), str(event["UID"]), event["SEQUENCE"]) == (
        "text/calendar; method=REQUEST", "REQUEST", str(first["UID"]), 1)
    assert event.decoded("DTSTART") == planned.starts_at + timedelta(days=2)
    assert event.decoded("DTSTAMP") >= first.decoded("DTSTAMP")
    assert message.subject.startswith("Updated invitation: ")
    # A change the attendees do not see (notes) sends nothing and keeps the SEQUENCE.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        noted = meeting_update(meeting=moved, actor=world.users[Role.VCIO], notes="Bring the budget")
        retitled = meeting_update(meeting=noted, actor=world.users[Role.VCIO], location="Video call")
    assert (noted.sequence, retitled.sequence, len(mail.outbox)) == (1, 2, 2)


def test_cancelling_sends_method_cancel(world, planned, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = meeting_cancel(meeting=planned, actor=world.users[Role.VCIO], reason="Office closed")
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["boss-a@client.test"])
    alt, attached, mimetype = calendars(message)
    (event,) = attached.walk("VEVENT")
    assert (mimetype, str(alt["METHOD"]), str(event["STATUS"]), event["SEQUENCE"], str(event["UID"])) == (
        "text/calendar; method=CANCEL", "CANCEL", "CANCELLED", 1, planned.uid)
    assert message.subject.startswith("Cancelled: Quarterly business review: Client A")
    assert "Why: Office closed" in message.body
    assert cancelled.cancel_reason == "Office closed"


def test_a_cancelled_meeting_that_was_never_sent_sends_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=world.refs["B"],
                                 kind=MeetingKind.CHECK_IN, starts_at=timezone.now() + timedelta(days=3),
                                 send_invitations=False)
        meeting_cancel(meeting=meeting, actor=world.users[Role.VCIO])
    assert mail.outbox == []


def test_a_feed_has_refresh_hints_and_no_rsvp(world, planned):
    other = meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=world.refs["B"],
                           kind=MeetingKind.CHECK_IN, starts_at=timezone.now() + timedelta(days=40))
    cal = Calendar.from_ical(feed_ics(meetings=[planned, other], name="Client meetings"))
    assert "METHOD" not in cal
    assert cal["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert str(cal["X-WR-CALNAME"]) == "Client meetings"
    events = cal.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted([planned.uid, other.uid])
    assert {("ATTENDEE" in e, "ORGANIZER" in e, "RSVP" in e.to_ical().decode()) for e in events} == {
        (False, False, False)}
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]


# --- taking someone off the invitation ----------------------------------------------------------------


@pytest.fixture
def two_invited(world, django_capture_on_commit_callbacks):
    client = world.refs["A"]
    helper = f.ContactFactory(client=client, name="Helper A", email="helper-a@client.test", is_decision_maker=False)
    start = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=client, kind=MeetingKind.QBR,
                                 starts_at=start, attendees=list(client.contacts.order_by("name")))
    first = Calendar.from_ical(mail.outbox[0].alternatives[0][0]).walk("VEVENT")[0]
    mail.outbox.clear()
    return Meeting.objects.get(pk=meeting.pk), helper, first


def test_a_contact_taken_off_gets_a_cancel_with_the_same_uid_and_a_higher_sequence(
        world, two_invited, django_capture_on_commit_callbacks):
    meeting, helper, first = two_invited
    boss = world.refs["A"].contacts.get(name="Boss A")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_attendees_set(meeting=meeting, contacts=[boss], actor=world.users[Role.VCIO])
    meeting.refresh_from_db()
    assert meeting.sequence == first["SEQUENCE"] + 1 == 1
    vcio = world.users[Role.VCIO]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["boss-a@client.test", vcio.email, "helper-a@client.test"])
    cancel = next(m for m in mail.outbox if m.to == ["helper-a@client.test"])
    alt, attached, mimetype = calendars(cancel)
    assert alt.to_ical() == attached.to_ical()
    assert mimetype == "text/calendar; method=CANCEL"
    assert cancel.subject.startswith(f"Cancelled: {meeting.title} (")
    assert "You are no longer invited to this meeting" in cancel.body
    assert str(alt["METHOD"]) == "CANCEL"
    (event,) = alt.walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (str(first["UID"]), 1, "CANCELLED")
    assert [str(a) for a in vevent_attendees(event)] == ["mailto:helper-a@client.test"]
    assert str(event["ORGANIZER"]) == "mailto:no-reply@vcio.local"
    assert [str(tz["TZID"]) for tz in alt.walk("VTIMEZONE")] == ["America/Chicago"]
    # The others get the update, with the same SEQUENCE, no longer naming the person taken off.
    update = next(m for m in mail.outbox if m.to == ["boss-a@client.test"])
    alt, _, mimetype = calendars(update)
    (event,) = alt.walk("VEVENT")
    assert (mimetype, str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        "text/calendar; method=REQUEST", str(first["UID"]), 1, "CONFIRMED")
    assert sorted(str(a) for a in vevent_attendees(event)) == sorted(["mailto:boss-a@client.test",
                                                                      f"mailto:{vcio.email}"])


def test_taking_someone_off_before_the_invitation_went_out_sends_nothing(world, django_capture_on_commit_callbacks):
    client = world.refs["A"]
    helper = f.ContactFactory(client=client, name="Helper A", email="helper-a@client.test")
    meeting = meeting_create(msp=world.msp, actor=world.users[Role.VCIO], client=client, kind=MeetingKind.QBR,
                             starts_at=timezone.now() + timedelta(days=30), attendees=[helper],
                             send_invitations=False)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_attendees_set(meeting=meeting, contacts=[], actor=world.users[Role.VCIO])
    assert mail.outbox == []
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def vevent_attendees(event) -> list:
    value = event["ATTENDEE"]
    return value if isinstance(value, list) else [value]
