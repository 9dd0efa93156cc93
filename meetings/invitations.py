"""Sending a meeting's invitation, update or cancellation to everyone invited, and the task that does it.

The task lives here, next to the code it runs, so the services and the scheduler enqueue it without
importing meetings.tasks (which imports the scheduler); meetings.tasks names it for task discovery.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from msp.tenancy import TenantTask

from .choices import MeetingStatus
from .ics import CANCEL, REQUEST, Recipient, invitation_email
from .models import Meeting


def meeting_recipients(meeting: Meeting) -> list[Recipient]:
    """The invited contacts with an email address (archived ones no longer), then the vCIO and the TAM."""
    out: list[Recipient] = []
    seen: set[str] = set()
    for attendee in meeting.attendees.select_related("contact").order_by("created_at"):
        contact = attendee.contact
        if contact.email and contact.archived_at is None and contact.email.lower() not in seen:
            seen.add(contact.email.lower())
            out.append(Recipient(name=contact.name, email=contact.email))
    for user in (meeting.organizer, meeting.tam):
        if user is not None and user.email and user.email.lower() not in seen:
            seen.add(user.email.lower())
            out.append(Recipient(name=user.display_name, email=user.email))
    return out


def meeting_invitations_send(*, meeting_id) -> int:
    """Send the meeting as it is now: REQUEST while planned, CANCEL once cancelled (only to people who
    were invited). Returns the number of emails sent. DTSTAMP is the time of this send."""
    meeting = Meeting.objects.select_related("msp", "organizer", "tam").get(pk=meeting_id)
    if meeting.status == MeetingStatus.PLANNED:
        method = REQUEST
    elif meeting.status == MeetingStatus.CANCELLED and meeting.invited_at is not None:
        method = CANCEL
    else:
        return 0
    recipients = meeting_recipients(meeting)
    for recipient in recipients:
        invitation_email(meeting=meeting, recipient=recipient, recipients=recipients, method=method,
                         msp_name=meeting.msp.name).send()
    if recipients:
        Meeting.objects.filter(pk=meeting.pk).update(invited_at=timezone.now())
    return len(recipients)


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_invitations(self, *, msp_id: str, meeting_id: str) -> int:
    """Send one meeting's invitation (or cancellation) for a tenant."""
    return meeting_invitations_send(meeting_id=meeting_id)


def meeting_cancellation_send(*, meeting_id, people: list[list[str]] | list[tuple[str, str]]) -> int:
    """Send METHOD:CANCEL (same UID, the meeting's current SEQUENCE, STATUS:CANCELLED) to people taken off
    a meeting's invitation, `people` as (name, email) pairs: each one's calendar drops the event while the
    meeting goes ahead for the others. Returns the number of emails sent."""
    meeting = Meeting.objects.select_related("msp").get(pk=meeting_id)
    if meeting.invited_at is None:
        return 0
    still = {r.email.lower() for r in meeting_recipients(meeting)}
    sent = 0
    for name, email in people:
        if email.lower() in still:  # invited again (or also the vCIO) before this ran: keep their event
            continue
        recipient = Recipient(name=name, email=email)
        invitation_email(meeting=meeting, recipient=recipient, recipients=[recipient], method=CANCEL,
                         msp_name=meeting.msp.name, removed=True).send()
        sent += 1
    return sent


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_meeting_cancellation(self, *, msp_id: str, meeting_id: str, people: list[list[str]]) -> int:
    """Tell the people taken off one meeting's invitation that it is out of their calendar."""
    return meeting_cancellation_send(meeting_id=meeting_id, people=people)


def cancellation_queue(meeting: Meeting, people: list[tuple[str, str]]) -> None:
    """Send the people taken off the meeting their cancellation once the current transaction commits."""
    if not people:
        return
    meeting_id, msp_id = str(meeting.pk), str(meeting.msp_id)
    transaction.on_commit(lambda: send_meeting_cancellation.delay(
        msp_id=msp_id, meeting_id=meeting_id, people=[list(p) for p in people]))


def invitations_queue(meeting: Meeting) -> None:
    """Send the meeting's invitations once the current transaction commits: once per transaction, however
    many changes it made (the task sends the meeting as it is then)."""
    meeting_id, msp_id = str(meeting.pk), str(meeting.msp_id)
    connection = transaction.get_connection()
    if any(getattr(callback, "meeting_invitation", None) == meeting_id and not callback.ran
           for _sids, callback, _robust in connection.run_on_commit):
        return  # already queued in this transaction (a rolled-back savepoint takes its callbacks along)

    def send() -> None:
        send.ran = True
        send_meeting_invitations.delay(msp_id=msp_id, meeting_id=meeting_id)

    send.meeting_invitation, send.ran = meeting_id, False
    transaction.on_commit(send)
