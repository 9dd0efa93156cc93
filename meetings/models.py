"""Meetings with clients (and the internal TAM-vCIO steering), who was invited, action items, and the
unique touches between meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client, Contact
from msp.rls import same_tenant_link
from msp.tenancy import TenantModel, VersionedModel

from .choices import ActionItemSource, ActionItemStatus, MeetingKind, MeetingStatus, TouchKind

# The right-hand side of every invitation's UID: stable for the life of the meeting.
UID_DOMAIN = "meetings.vcio"


@pghistory.track()
class Meeting(TenantModel, VersionedModel):
    """One meeting on one date: a client meeting of the yearly cycle (pre-planning, strategy, QBR), a
    check-in, or an internal steering meeting of a vCIO and a TAM (no client).

    `slot_key` names the place in the cadence a scheduled meeting fills; the database allows one meeting
    per key, which is what makes the scheduler idempotent. `touched` is set by every change a person
    makes, so the scheduler never re-plans such a meeting. `sequence` is the invitation's SEQUENCE,
    raised on every change that is sent to the attendees.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings",
                               help_text="Empty only for an internal steering meeting.")
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(480)])
    time_zone = models.CharField(max_length=64, help_text="The zone the meeting is set in (the invitation's TZID).")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", help_text="The vCIO who leads the meeting.")
    tam = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+", verbose_name="TAM", help_text="The TAM of a steering meeting.")
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    decision_maker_attended = models.BooleanField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="SEQUENCE of the calendar invitation.")
    invited_at = models.DateTimeField(null=True, blank=True, help_text="When invitations were last sent.")
    planned_by_scheduler = models.BooleanField(default=False)
    touched = models.BooleanField(default=False, help_text="Changed by a person: the scheduler leaves it alone.")
    slot_key = models.CharField(max_length=120, blank=True, editable=False)
    slot_date = models.DateField(null=True, blank=True, help_text="The cadence date this meeting was planned for.")
    held_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When the reminder before the meeting went out (sent once).")

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["msp", "client", "starts_at"]),
            models.Index(fields=["msp", "organizer", "starts_at"]),
            models.Index(fields=["msp", "status", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["msp", "slot_key"], condition=~Q(slot_key=""),
                                    name="meeting_one_per_slot",
                                    violation_error_message="This cadence slot already has its meeting."),
            models.CheckConstraint(
                condition=(Q(kind=MeetingKind.STEERING) & Q(client__isnull=True))
                | (~Q(kind=MeetingKind.STEERING) & Q(client__isnull=False)),
                name="meeting_client_unless_steering",
                violation_error_message="A client meeting needs its client; a steering meeting has none."),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="meeting_duration_range",
                violation_error_message="A meeting lasts from 15 minutes to 8 hours."),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="meeting_cancelled_dated",
                violation_error_message="A cancelled meeting records when it was cancelled."),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.HELD) | Q(held_at__isnull=False),
                name="meeting_held_dated",
                violation_error_message="A held meeting records when it was marked held."),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def uid(self) -> str:
        """The invitation's UID: the same in every REQUEST, update and CANCEL of this meeting."""
        return f"meeting-{self.pk}@{UID_DOMAIN}"

    @property
    def is_missed(self) -> bool:
        """Missed: marked so, or still planned after its end (before the daily task has marked it)."""
        return self.status == MeetingStatus.MISSED or (
            self.status == MeetingStatus.PLANNED and self.ends_at <= timezone.now())


@pghistory.track()
class MeetingAttendee(TenantModel):
    """A client contact invited to a meeting, and whether they came."""

    client_path = "meeting__client"  # how a portal request is confined to its client (msp.confinement)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        triggers = [same_tenant_link(meeting=Meeting, contact=Contact)]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="meeting_attendee_once",
                                    violation_error_message="This contact is already invited."),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} at {self.meeting_id}"


@pghistory.track()
class ActionItem(TenantModel, VersionedModel):
    """Something to follow up with a client: what, who (a staff member or a client contact), by when.

    Most are agreed in a meeting; others are raised elsewhere (a survey answer below target) and have no
    meeting. Open ones carry forward into the client's next meeting either way.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="action_items")
    source = models.CharField(max_length=12, choices=ActionItemSource.choices, default=ActionItemSource.MEETING)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="action_items")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="A staff member who owns it.")
    owner_contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      help_text="Or a client contact who owns it.")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["msp", "client", "status"]), models.Index(fields=["msp", "owner", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(owner__isnull=True) | Q(owner_contact__isnull=True),
                                   name="action_item_one_owner",
                                   violation_error_message="An action item has one owner: staff or a contact."),
        ]

    def __str__(self) -> str:
        return self.text


@pghistory.track()
class Touch(TenantModel):
    """A unique touch: a proactive contact with the client's decision maker outside a meeting."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="touches")
    kind = models.CharField(max_length=8, choices=TouchKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["msp", "client", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.client_id} at {self.at:%Y-%m-%d}"


@pghistory.track()
class QuestionnaireStatement(TenantModel, VersionedModel):
    """One "select all that apply" statement of the MSP's pre-meeting questionnaire, tied to one of its
    services. Most are phrased as a good state ("We test restoring our backups"), so leaving one unticked
    shows a gap; `describes_problem` marks one phrased as a problem ("Staff complain about slow laptops"),
    which is a gap when ticked. Every client of the MSP answers the same list (MSP-wide, readable in the
    portal)."""

    client_path = None  # the MSP's list, no client's
    portal_readable = True  # every client's decision maker answers the same statements (msp.confinement)

    text = models.CharField(max_length=300)
    service = models.CharField(max_length=120, help_text="The MSP's service it speaks to, e.g. “Backup and "
                                                         "recovery”.")
    describes_problem = models.BooleanField(
        default=False, help_text="Phrased as a problem: ticking it shows a gap (otherwise leaving it unticked does).")
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["msp", "position"])]
        constraints = [
            models.UniqueConstraint(fields=["msp", "text"], condition=Q(archived_at__isnull=True),
                                    name="questionnaire_statement_unique_text",
                                    violation_error_message="The questionnaire already has this statement."),
        ]

    def __str__(self) -> str:
        return self.text


@pghistory.track()
class QuestionnaireAnswer(TenantModel):
    """A client's answer to one statement before one meeting: ticked (`selected`) or not. A meeting whose
    questionnaire was answered has one row for every statement shown at the time."""

    client_path = "meeting__client"  # how a portal request is confined to its client (msp.confinement)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questionnaire_answers")
    statement = models.ForeignKey(QuestionnaireStatement, on_delete=models.PROTECT, related_name="answers")
    selected = models.BooleanField(default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="Who recorded it: the decision maker or a staff "
                                                                "member.")

    class Meta:
        ordering = ["statement__position", "created_at"]
        triggers = [same_tenant_link(meeting=Meeting, statement=QuestionnaireStatement)]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "statement"], name="questionnaire_answer_once",
                                    violation_error_message="This statement is already answered for the meeting."),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} at {self.meeting_id}: {'yes' if self.selected else 'no'}"

    @property
    def is_gap(self) -> bool:
        return self.selected == self.statement.describes_problem
@pghistory.track(exclude=["key_hash", "last_used_at"])
class CalendarFeed(TenantModel):
    """A staff member's private calendar subscription: a secret address with all their meetings, for
    Outlook or Google. Only the secret's SHA-256 digest is kept; revoking it stops the address for good.

    The address is a read-only calendar and nothing more: it never signs anyone in (meetings/feeds.py).
    """

    client_path = None  # a staff member's own: no portal user sees any

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=12, help_text="First characters of the secret, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When a calendar last fetched it.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["msp", "user"])]
        constraints = [
            models.UniqueConstraint(fields=["msp", "user"], condition=Q(revoked_at__isnull=True),
                                    name="calendar_feed_one_live_per_user",
                                    violation_error_message="This person already has a live calendar address."),
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}… of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
