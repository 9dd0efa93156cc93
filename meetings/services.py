"""Writes of the meetings app made by people (the scheduler's own are in meetings/scheduling.py).

Every change a person makes marks the meeting `touched`, so the scheduler never re-plans it. A change the
attendees should see (time, length, place, title, agenda) raises the invitation's SEQUENCE and, once
invitations went out, sends an update; cancelling sends METHOD:CANCEL.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Contact
from msp.activities import activity_record
from msp.models import Msp, User
from msp.records import record_create, record_update
from msp.tenancy import check_version, history

from .choices import DEFAULT_DURATION, ActionItemSource, ActionItemStatus, MeetingActivity, MeetingKind, MeetingStatus
from .invitations import cancellation_queue, invitations_queue, meeting_recipients
from .models import ActionItem, Meeting, MeetingAttendee, Touch

# Fields whose change the invited must hear about (a new SEQUENCE and an update).
INVITATION_FIELDS = {"starts_at", "duration_minutes", "location", "title", "agenda"}
OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.MISSED)


def _check_zone(time_zone: str | None) -> None:
    if time_zone is not None and time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"“{time_zone}” is not a time zone; choose one from the list."})


def _locked(meeting: Meeting, expected_version: int | None) -> Meeting:
    check_version(meeting, expected_version)
    return Meeting._base_manager.select_for_update().get(pk=meeting.pk)


def _save(meeting: Meeting, actor: User | None) -> Meeting:
    with history(actor):
        meeting.touched = True
        meeting.version += 1
        meeting.full_clean()
        meeting.save()
    return meeting


@transaction.atomic
def meeting_create(*, msp: Msp, actor: User | None, kind: str, starts_at: datetime, client: Client | None = None,
                   title: str = "", duration_minutes: int | None = None, organizer: User | None = None,
                   tam: User | None = None, location: str = "", agenda: str = "",
                   attendees: list[Contact] | tuple = (), send_invitations: bool = True,
                   time_zone: str | None = None) -> Meeting:
    """A meeting planned by hand (a check-in, an extra review). It is the vCIO's: the scheduler leaves it.
    It is set in `time_zone` (the invitation's TZID), the MSP's zone unless given."""
    _check_zone(time_zone)
    if client is not None and client.is_archived:
        raise ValidationError({"client": "This client is archived; restore it before planning a meeting."})
    if kind == MeetingKind.STEERING and client is not None:
        raise ValidationError({"client": "A steering meeting is internal: it has no client."})
    meeting = record_create(
        Meeting, msp=msp, actor=actor, client=client, kind=kind, starts_at=starts_at,
        title=title or f"{MeetingKind(kind).label}: {client.name if client else 'internal'}",
        duration_minutes=duration_minutes or DEFAULT_DURATION[kind], time_zone=time_zone or msp.time_zone,
        organizer=organizer or (client.vcio if client else actor), tam=tam, location=location, agenda=agenda,
        touched=True,
    )
    for contact in attendees:
        meeting_attendee_add(meeting=meeting, contact=contact, actor=actor, send_invitations=False)
    if send_invitations:
        invitations_queue(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: User | None, expected_version: int | None = None,
                   **fields) -> Meeting:
    """Change a meeting's details (title, agenda, location, notes, outcome...)."""
    meeting = _locked(meeting, expected_version)
    if "starts_at" in fields:
        raise ValidationError({"starts_at": "Move a meeting with meeting_move."})
    changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
    for name, value in fields.items():
        setattr(meeting, name, value)
    notify = bool(changed & INVITATION_FIELDS) and meeting.status == MeetingStatus.PLANNED
    if notify:
        meeting.sequence += 1
    _save(meeting, actor)
    if notify and meeting.invited_at is not None:
        invitations_queue(meeting)
    return meeting


@transaction.atomic
def meeting_move(*, meeting: Meeting, actor: User | None, starts_at: datetime, duration_minutes: int | None = None,
                 expected_version: int | None = None, time_zone: str | None = None) -> Meeting:
    """Move a planned (or missed) meeting to another time (and, given `time_zone`, set it in another
    zone); the invited get an update."""
    _check_zone(time_zone)
    meeting = _locked(meeting, expected_version)
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError({"starts_at": f"A {meeting.get_status_display().lower()} meeting cannot be moved."})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Choose a time in the future."})
    meeting.starts_at = starts_at
    if time_zone is not None:
        meeting.time_zone = time_zone
    if duration_minutes is not None:
        meeting.duration_minutes = duration_minutes
    meeting.status = MeetingStatus.PLANNED
    meeting.sequence += 1
    meeting.reminded_at = None  # remind again before the new time
    _save(meeting, actor)
    invitations_queue(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User | None, reason: str = "",
                   expected_version: int | None = None) -> Meeting:
    """Cancel a planned meeting; the invited get METHOD:CANCEL. Its cadence slot stays taken: the
    scheduler does not plan another meeting in its place."""
    meeting = _locked(meeting, expected_version)
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError({"status": f"A {meeting.get_status_display().lower()} meeting cannot be cancelled."})
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    _save(meeting, actor)
    if meeting.invited_at is not None:
        invitations_queue(meeting)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor: User | None, decision_maker_attended: bool | None = None,
                      attended: list[Contact] | tuple = (), outcome: str = "", notes: str | None = None,
                      expected_version: int | None = None) -> Meeting:
    """Record that the meeting took place: who came, whether the decision maker was there, the outcome.
    Counts as a meeting held (and, for a client meeting, as a touch) in the playbook."""
    meeting = _locked(meeting, expected_version)
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError({"status": f"A {meeting.get_status_display().lower()} meeting cannot be marked held."})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"status": "A meeting can be marked held once it has started."})
    came = {c.pk for c in attended}
    for attendee in MeetingAttendee.objects.filter(meeting=meeting).select_related("contact"):
        attendee.attended = attendee.contact_id in came
        attendee.save(update_fields=["attended", "updated_at"])
    if decision_maker_attended is None and came:
        decision_maker_attended = Contact.objects.filter(pk__in=came, is_decision_maker=True).exists()
    meeting.status = MeetingStatus.HELD
    meeting.held_at = timezone.now()
    meeting.decision_maker_attended = decision_maker_attended
    meeting.outcome = outcome
    if notes is not None:
        meeting.notes = notes
    _save(meeting, actor)
    activity_record(msp=meeting.msp, kind=MeetingActivity.MEETING_HELD, actor=actor or meeting.organizer,
                    client_id=meeting.client_id, subject_id=meeting.pk, occurred_at=meeting.starts_at)
    return meeting


@transaction.atomic
def meeting_attendee_add(*, meeting: Meeting, contact: Contact, actor: User | None,
                         send_invitations: bool = True) -> MeetingAttendee:
    if meeting.client_id is None or contact.client_id != meeting.client_id:
        raise ValidationError({"contact": "Invite contacts of the meeting's own client."})
    if contact.archived_at is not None:
        raise ValidationError({"contact": f"{contact.name} is archived."})
    if MeetingAttendee.objects.filter(meeting=meeting, contact=contact).exists():
        raise ValidationError({"contact": f"{contact.name} is already invited."})
    with history(actor):
        attendee = MeetingAttendee(msp=meeting.msp, meeting=meeting, contact=contact)
        attendee.full_clean()
        attendee.save()
        Meeting.objects.filter(pk=meeting.pk).update(touched=True)
    if send_invitations and meeting.status == MeetingStatus.PLANNED:
        invitations_queue(meeting)
    return attendee


@transaction.atomic
def meeting_attendees_set(*, meeting: Meeting, contacts: list[Contact] | tuple, actor: User | None,
                          send_invitations: bool = True) -> list[MeetingAttendee]:
    """Invite exactly `contacts` (contacts of the meeting's client): new ones are added, the others taken
    off. Once invitations went out, a change raises the SEQUENCE and sends the update."""
    if meeting.status not in OPEN_STATUSES:
        raise ValidationError({"attendees": f"A {meeting.get_status_display().lower()} meeting's attendees are "
                                            "final."})
    wanted = {c.pk: c for c in contacts}
    current = {a.contact_id: a for a in MeetingAttendee.objects.filter(meeting=meeting).select_related("contact")}
    removed = [a for contact_id, a in current.items() if contact_id not in wanted]
    added = [c for pk, c in wanted.items() if pk not in current]
    for contact in added:
        meeting_attendee_add(meeting=meeting, contact=contact, actor=actor, send_invitations=False)
    gone = [(a.contact.name, a.contact.email) for a in removed if a.contact.email]
    with history(actor):
        for attendee in removed:
            attendee.delete()
    if added or removed:
        locked = Meeting._base_manager.select_for_update().get(pk=meeting.pk)
        if locked.invited_at is not None:
            locked.sequence += 1
        _save(locked, actor)
        meeting.refresh_from_db()
        if send_invitations and locked.invited_at is not None and locked.status == MeetingStatus.PLANNED:
            invitations_queue(locked)
            # The people taken off get METHOD:CANCEL for the same UID and the raised SEQUENCE, so their
            # calendars drop the event (a REQUEST no longer naming them would leave it there).
            cancellation_queue(locked, gone)
    return list(MeetingAttendee.objects.filter(meeting=meeting).select_related("contact"))


@transaction.atomic
def meeting_invite(*, meeting: Meeting, actor: User | None) -> Meeting:
    """Send the invitation (with the agenda) to everyone invited now; again after a change, as an update."""
    meeting = Meeting._base_manager.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(f"A {meeting.get_status_display().lower()} meeting cannot be sent; move it to a new "
                              "time first." if meeting.status == MeetingStatus.MISSED else
                              f"A {meeting.get_status_display().lower()} meeting cannot be sent.")
    if meeting.client_id is not None and not any(
            a.contact.email and a.contact.archived_at is None
            for a in meeting.attendees.select_related("contact")):
        raise ValidationError("Invite at least one contact with an email address first.")
    if not meeting_recipients(meeting):
        raise ValidationError("Nobody to send it to: nobody invited has an email address.")
    _save(meeting, actor)
    invitations_queue(meeting)
    return meeting


# --- action items and touches -----------------------------------------------------------------------


def _check_owner(owner: User | None, owner_contact: Contact | None, client: Client) -> None:
    if owner is not None and owner_contact is not None:
        raise ValidationError({"owner": "Choose one owner: a staff member or a client contact."})
    if owner_contact is not None and owner_contact.client_id != client.pk:
        raise ValidationError({"owner_contact": "Choose a contact of this client."})


def action_item_create(*, actor: User | None, text: str, meeting: Meeting | None = None,
                       client: Client | None = None, owner: User | None = None, owner_contact: Contact | None = None,
                       due_on: date | None = None, source: str = ActionItemSource.MEETING) -> ActionItem:
    """An action item agreed in `meeting`, or (no meeting) raised for `client` elsewhere, e.g. by a survey."""
    if meeting is not None:
        if meeting.client_id is None:
            raise ValidationError({"meeting": "Action items belong to client meetings."})
        if client is not None and client.pk != meeting.client_id:
            raise ValidationError({"client": "The meeting belongs to another client."})
        client = meeting.client
    if client is None:
        raise ValidationError({"client": "Say which client the action item is for."})
    _check_owner(owner, owner_contact, client)
    return record_create(ActionItem, msp=client.msp, actor=actor, meeting=meeting, client=client,
                         text=text.strip(), owner=owner, owner_contact=owner_contact, due_on=due_on, source=source)


def action_item_update(*, item: ActionItem, actor: User | None, expected_version: int | None = None,
                       **fields) -> ActionItem:
    if "status" in fields:
        fields["done_at"] = timezone.now() if fields["status"] == ActionItemStatus.DONE else None
    _check_owner(fields.get("owner", item.owner), fields.get("owner_contact", item.owner_contact),
                 item.client)
    return record_update(item, actor=actor, expected_version=expected_version, **fields)


@transaction.atomic
def touch_log(*, client: Client, actor: User | None, kind: str, at: datetime | None = None,
              contact: Contact | None = None, note: str = "") -> Touch:
    """Log a unique touch (call, email, visit, video) with the client's decision maker."""
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": "A touch is logged once it has happened."})
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": "Choose a contact of this client."})
    if client.is_archived:
        raise ValidationError({"client": "This client is archived; restore it before logging a touch."})
    touch = record_create(Touch, msp=client.msp, actor=actor, client=client, kind=kind, at=at, by=actor,
                          contact=contact, note=note)
    activity_record(msp=client.msp, kind=MeetingActivity.TOUCH_LOGGED, actor=actor, client_id=client.pk,
                    subject_id=touch.pk, occurred_at=at)
    return touch
