"""The tenancy core: users, MSPs (tenants), memberships, invitations, API tokens and background jobs."""

from __future__ import annotations

import hashlib
import secrets
import uuid
import zoneinfo

import pghistory
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from .activity_kinds import MAX_KIND_LENGTH, activity_kind_choices
from .brand import accent_validator
from .choices import FINISHED_JOB_STATUSES, JobStatus
from .confinement import ClientConfinedManager
from .roles import Role

MONTHS = [(m, name) for m, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], start=1)]
TIME_ZONES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]
CURRENCIES = [("USD", "USD - US dollar"), ("EUR", "EUR - Euro"), ("GBP", "GBP - Pound sterling"),
              ("CAD", "CAD - Canadian dollar"), ("AUD", "AUD - Australian dollar"),
              ("NZD", "NZD - New Zealand dollar"), ("CHF", "CHF - Swiss franc"),
              ("ZAR", "ZAR - South African rand")]


def hash_secret(raw: str) -> str:
    """Secrets (invitation links, API tokens) are stored as SHA-256 digests only."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: MSP staff or a client's decision maker. Signs in by email."""

    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


# The logo's bytes stay out of the history rows; its checksum and dimensions record each change.
@pghistory.track(exclude=["logo_png"])
class Msp(models.Model):
    """The tenant: one managed-services provider with its own staff, clients and settings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens.")],
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONES, default="UTC")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        choices=MONTHS, default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Default fiscal-year start for new clients.",
    )
    # Where the meeting scheduler places client meetings (meetings/scheduling.py).
    meeting_hour = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(7), MaxValueValidator(18)],
        help_text="Usual start hour of client meetings, in the MSP's time zone (7 to 18).")
    max_meetings_per_vcio_per_day = models.PositiveSmallIntegerField(
        "meetings per vCIO per day", default=2, validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="The scheduler plans at most this many meetings a day for one vCIO (1 to 6).")
    # The brand clients see (msp.brand): the accent colour and the logo, re-encoded as PNG and kept here,
    # private, served only through authorised routes or embedded in what is sent.
    accent_color = models.CharField(
        "accent colour", max_length=7, blank=True, default="", validators=[accent_validator],
        help_text="#rrggbb. Used for buttons and headings in the portal, emails and documents; it must be "
                  "dark enough for white text (contrast 4.5:1). Leave empty for the default blue.")
    logo_png = models.BinaryField(null=True, blank=True, editable=False)
    logo_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    logo_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Sign-in policy (docs/security.md): owners and vCIOs need a second factor while this is on.
    mfa_required = models.BooleanField(
        "require two-factor sign-in for owners and vCIOs", default=True,
        help_text="Owners and vCIOs set up an authenticator app or a passkey before anything else.")
    # The Microsoft Entra tenant whose accounts may use "Sign in with Microsoft" (the token's `tid`).
    entra_tenant_id = models.UUIDField(
        "Microsoft Entra tenant ID", null=True, blank=True, unique=True,
        error_messages={"unique": "Another workspace already signs in with this Entra tenant."},
        help_text="The Directory (tenant) ID from the Entra admin centre; empty turns Microsoft sign-in off.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = "MSP"
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="msp_fiscal_month_range",
                violation_error_message="The fiscal year must start in a month from 1 to 12.",
            ),
            models.CheckConstraint(
                condition=Q(meeting_hour__gte=7, meeting_hour__lte=18),
                name="msp_meeting_hour_range",
                violation_error_message="Meetings start between 7:00 and 18:00.",
            ),
            models.CheckConstraint(
                condition=Q(max_meetings_per_vcio_per_day__gte=1, max_meetings_per_vcio_per_day__lte=6),
                name="msp_meetings_per_day_range",
                violation_error_message="A vCIO can have 1 to 6 meetings a day.",
            ),
            models.CheckConstraint(
                condition=Q(accent_color="") | Q(accent_color__regex=r"^#[0-9a-f]{6}$"),
                name="msp_accent_hex",
                violation_error_message="The accent colour is # and six lower-case hex digits.",
            ),
            models.CheckConstraint(
                condition=Q(logo_png__isnull=True) | (Q(logo_width__isnull=False) & Q(logo_height__isnull=False)
                                                      & ~Q(logo_sha256="")),
                name="msp_logo_described",
                violation_error_message="A logo is stored with its dimensions and checksum.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Membership(models.Model):
    """A user's place in one MSP, with a role. Removing a member keeps the row (removed_at)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["msp", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["msp", "user"],
                condition=Q(removed_at__isnull=True),
                name="membership_one_active_per_user_msp",
                violation_error_message="This person is already a member of this MSP.",
            ),
        ]
        indexes = [models.Index(fields=["msp", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.msp} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class ActiveInvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


@pghistory.track(exclude=["token_hash"])
class Invitation(models.Model):
    """An emailed invitation to join an MSP's staff with a role. The link's secret is stored hashed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=[(r.value, r.label) for r in Role if r != Role.CLIENT])
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ActiveInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["msp", "email"])]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.msp}"


@pghistory.track(exclude=["key_hash", "last_used_at"])
class ApiToken(models.Model):
    """A personal API token bound to one membership. Only its SHA-256 digest is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise the token.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.membership.removed_at is None


# Keys of `Job.result` that are not a line of the summary (see msp.jobs.job_succeed).
RESULT_LINKS = "links"
RESULT_RECORDS = "records"


# Progress ticks, the heartbeat, the input payload and updated_at change often and mean nothing afterwards; the history
# keeps the transitions (queued, running, succeeded or failed) with their result and error.
@pghistory.track(exclude=["payload", "progress_done", "progress_total", "message", "updated_at", "heartbeat_at"])
class Job(models.Model):
    """Long work (an import, a PDF) run by a Celery worker, with progress for the person waiting on it.

    A tenant row like those built on `msp.tenancy.TenantModel`, declared here by hand because tenancy.py
    imports this module. Any app creates jobs through `msp.jobs` and shows them at `/jobs/<id>/`.
    `payload` carries the task's input (e.g. an uploaded file's text) and is cleared when the job finishes,
    so the data is not kept twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.SlugField(max_length=50, db_index=False, help_text="What the job does, e.g. asset_import.")
    title = models.CharField(max_length=200, help_text="The heading of the job page, e.g. Import assets.csv.")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0, help_text="0 while the amount of work is unknown.")
    message = models.CharField(max_length=300, blank=True, help_text="Where the work is, for people.")
    result = models.JSONField(default=dict, blank=True, help_text="Counts of what was done, when succeeded.")
    error = models.TextField(blank=True, help_text="Why it failed, one problem per line.")
    payload = models.JSONField(null=True, blank=True, editable=False)
    subject_id = models.UUIDField(null=True, blank=True, help_text="The record the job works on, if any.")
    subject_label = models.CharField(max_length=200, blank=True)
    subject_url = models.CharField(max_length=300, blank=True, help_text="Page of the subject, linked when done.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Surviving a worker that dies: the task to send again, how many times a worker took the job, when the
    # running worker last reported (msp.jobs.jobs_sweep), and whether someone asked to stop it.
    task = models.CharField(max_length=200, blank=True, editable=False, help_text="The Celery task that runs it.")
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_requested = models.BooleanField(default=False, editable=False)

    client_path = None  # no client's: a portal request (msp.confinement) sees no jobs
    objects = ScopedManager(_manager_class=ClientConfinedManager, msp="msp")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["msp", "status"]),
            models.Index(fields=["msp", "subject_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_total=0) | Q(progress_done__lte=models.F("progress_total")),
                name="job_progress_within_total",
                violation_error_message="A job cannot have done more than its total.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_JOB_STATUSES

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def errors(self) -> list[str]:
        return [line for line in self.error.splitlines() if line.strip()]

    @property
    def summary(self) -> dict:
        """The result as the job page lists it: without its links and record ids."""
        return {k: v for k, v in (self.result or {}).items() if k not in (RESULT_LINKS, RESULT_RECORDS)}

    @property
    def links(self) -> list[dict]:
        """Buttons for the job page, e.g. the download of the document the job made: [{label, url}]."""
        return list((self.result or {}).get(RESULT_LINKS, []))

    @property
    def records(self) -> dict:
        """Ids of what the job made, by kind of record, e.g. {"document": "<uuid>"}."""
        return dict((self.result or {}).get(RESULT_RECORDS, {}))


class IdempotencyKey(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` header, kept 24 hours so a replay of
    the same request gets the same answer and changes nothing (msp.idempotency). Keys belong to a person in
    one MSP; the request's digest tells a replay from another request under the same key."""

    id = models.BigAutoField(primary_key=True)
    msp = models.ForeignKey(Msp, on_delete=models.CASCADE, related_name="+", editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path, query and body.")
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="ETag and Location of the first answer.")
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    client_path = None  # a person's API bookkeeping, never a client's
    objects = ScopedManager(_manager_class=ClientConfinedManager, msp="msp")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["msp", "user", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["msp", "created_at"])]

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """An in-app message to one person in one MSP (e.g. "the review of X is complete")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="+", editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    client_path = None  # a person's, not a client's: a portal request (msp.confinement) sees none
    objects = ScopedManager(_manager_class=ClientConfinedManager, msp="msp")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["msp", "user", "read_at"])]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class Activity(models.Model):
    """A recorded event of the practice (a review completed, a summary written, a proposal sent...).

    Apps record these through `msp.activities.activity_record`; the playbook counts them by kind, vCIO
    and month. `client_id` and `subject_id` are plain ids because the core sits below the apps. The kinds
    are the ones the apps registered (msp.activity_kinds), so the core lists no app's events.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    msp = models.ForeignKey(Msp, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(max_length=MAX_KIND_LENGTH, choices=activity_kind_choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    client_id = models.UUIDField(null=True, blank=True)
    subject_id = models.UUIDField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    client_path = "client_id"  # a portal request (msp.confinement) sees only its client's events
    objects = ScopedManager(_manager_class=ClientConfinedManager, msp="msp")

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["msp", "kind", "occurred_at"]),
            models.Index(fields=["msp", "actor", "occurred_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["msp", "kind", "subject_id"], condition=Q(subject_id__isnull=False),
                name="activity_once_per_subject",
                violation_error_message="This event was already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d}"
