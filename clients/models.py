"""Clients of an MSP and what we keep about them: contacts, business objectives, assets, portal access."""

from __future__ import annotations

import mimetypes
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from msp.models import MONTHS
from msp.tenancy import TenantModel, VersionedModel

from .cadence import MAX_TOUCHES_PER_MONTH, MEETINGS_PER_YEAR_CHOICES, Cadence, client_cadence
from .choices import AssetKind, AssetStatus, ClientStatus, DocumentKind, ObjectiveStatus

MONEY = {"max_digits": 12, "decimal_places": 2}


@pghistory.track()
class Client(TenantModel, VersionedModel):
    """A business the MSP serves under a monthly recurring agreement."""

    client_path = "pk"  # how a portal request is confined to its client (msp.confinement)

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=ClientStatus.choices, default=ClientStatus.ONBOARDING)
    churn_date = models.DateField(null=True, blank=True)
    churn_reason = models.TextField(blank=True)
    mrr = models.DecimalField("MRR", **MONEY, default=Decimal("0.00"), validators=[MinValueValidator(0)],
                              help_text="Monthly recurring revenue of the managed-services agreement.")
    aisp = models.DecimalField("AISP", **MONEY, null=True, blank=True, validators=[MinValueValidator(0)],
                               help_text="All-in seat price per user per month.")
    user_count = models.PositiveIntegerField(null=True, blank=True)
    endpoint_count = models.PositiveIntegerField(null=True, blank=True)
    complexity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="1 (simple) to 10 (very complex).",
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        choices=MONTHS, default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    vcio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="vCIO")
    tam = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+", verbose_name="TAM")
    notes = models.TextField(blank=True)
    # The vCIO's override of the default cadence (clients/cadence.py); empty means the rule decides.
    meetings_per_year_override = models.PositiveSmallIntegerField(
        "meetings a year (override)", null=True, blank=True, choices=MEETINGS_PER_YEAR_CHOICES,
        help_text="Client meetings a year instead of the default rule's; empty follows the rule.")
    touches_per_month_override = models.PositiveSmallIntegerField(
        "unique touches a month (override)", null=True, blank=True,
        validators=[MaxValueValidator(MAX_TOUCHES_PER_MONTH)],
        help_text="Unique touches a month instead of the default rule's; empty follows the rule.")
    cadence_override_reason = models.CharField(
        "why the cadence is overridden", max_length=300, blank=True,
        help_text="Required with an override, e.g. 'merger in progress: monthly until it closes'.")
    # The business profile: what the vCIO knows of the client's business (clients.profile).
    annual_revenue = models.DecimalField("annual revenue", max_digits=14, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(0)], help_text="The client's yearly revenue.")
    revenue_streams = models.TextField("revenue streams", blank=True, help_text="Where the money comes from, "
                                                                               "one stream a line.")
    most_profitable_stream = models.CharField("most profitable stream", max_length=200, blank=True)
    sales_goals = models.TextField("sales goals", blank=True, help_text="What the client wants to sell, "
                                                                       "and by when.")
    average_customer_size = models.CharField("average customer size", max_length=200, blank=True,
                                             help_text="E.g. '$2,500 a visit' or 'mid-size manufacturers'.")
    market_position = models.TextField("market position", blank=True,
                                       help_text="Who they compete with and what sets them apart.")
    profile_reviewed_at = models.DateTimeField("business profile reviewed", null=True, blank=True)
    profile_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["msp", "status"]),
            models.Index(fields=["msp", "vcio"]),
            models.Index(fields=["msp", "tam"]),
        ]
        constraints = [
            models.UniqueConstraint(
                "msp", models.functions.Lower("name"),
                condition=Q(archived_at__isnull=True),
                name="client_unique_active_name",
                violation_error_message="A client with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(complexity__isnull=True) | Q(complexity__gte=1, complexity__lte=10),
                name="client_complexity_1_10",
                violation_error_message="Complexity must be between 1 and 10.",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="client_fiscal_month_range",
                violation_error_message="The fiscal year must start in a month from 1 to 12.",
            ),
            models.CheckConstraint(
                condition=Q(mrr__gte=0), name="client_mrr_not_negative",
                violation_error_message="MRR cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClientStatus.CHURNED) | Q(churn_date__isnull=False),
                name="client_churn_has_date",
                violation_error_message="A churned client needs a churn date.",
            ),
            models.CheckConstraint(
                condition=Q(meetings_per_year_override__isnull=True)
                | Q(meetings_per_year_override__in=[value for value, _ in MEETINGS_PER_YEAR_CHOICES]),
                name="client_meetings_override_divides_year",
                violation_error_message="Meetings a year must be 2, 3, 4, 6 or 12, so they spread evenly.",
            ),
            models.CheckConstraint(
                condition=Q(touches_per_month_override__isnull=True)
                | Q(touches_per_month_override__lte=MAX_TOUCHES_PER_MONTH),
                name="client_touches_override_range",
                violation_error_message=f"Unique touches a month can be at most {MAX_TOUCHES_PER_MONTH}.",
            ),
            models.CheckConstraint(
                condition=(Q(meetings_per_year_override__isnull=True) & Q(touches_per_month_override__isnull=True))
                | ~Q(cadence_override_reason=""),
                name="client_cadence_override_has_reason",
                violation_error_message="Say why the cadence is overridden.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def cadence(self) -> Cadence:
        """The effective meeting and touch rhythm, with why (clients/cadence.py)."""
        return client_cadence(self)


@pghistory.track()
class Contact(TenantModel, VersionedModel):
    """A person at the client; decision makers approve roadmaps and answer the survey."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_decision_maker = models.BooleanField("decision maker", default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_decision_maker", "name"]
        indexes = [models.Index(fields=["msp", "client"])]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class BusinessObjective(TenantModel, VersionedModel):
    """A goal of the client's business that technology should serve (growth, hybrid work, compliance...)."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ObjectiveStatus.choices, default=ObjectiveStatus.PLANNED)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_date", "title"]
        indexes = [models.Index(fields=["msp", "client"])]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class Asset(TenantModel, VersionedModel):
    """A piece of the client's hardware, software or service with its lifecycle dates."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=16, choices=AssetKind.choices, default=AssetKind.OTHER)
    name = models.CharField(max_length=200)
    manufacturer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    serial = models.CharField(max_length=100, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    warranty_end = models.DateField(null=True, blank=True)
    end_of_support = models.DateField(null=True, blank=True)
    expected_life_years = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    replacement_cost = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    status = models.CharField(max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_SERVICE)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        indexes = [
            models.Index(fields=["msp", "client", "kind"]),
            models.Index(fields=["msp", "warranty_end"]),
        ]
        constraints = [
            models.UniqueConstraint(
                "client", "serial",
                condition=~Q(serial="") & Q(archived_at__isnull=True),
                name="asset_unique_serial_per_client",
                violation_error_message="This client already has an asset with this serial number.",
            ),
            models.CheckConstraint(
                condition=Q(replacement_cost__isnull=True) | Q(replacement_cost__gte=0),
                name="asset_cost_not_negative",
                violation_error_message="Replacement cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(exclude=["token_hash"])
class ClientAccess(TenantModel):
    """Portal access for one of the client's contacts: an invitation until accepted, then a login."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_accesses")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="portal_accesses")
    email = models.EmailField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="client_accesses")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "client accesses"
        indexes = [models.Index(fields=["msp", "client"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(revoked_at__isnull=True),
                name="client_access_one_live_per_contact",
                violation_error_message="This contact already has portal access or a pending invitation.",
            ),
        ]

    def __str__(self) -> str:
        return f"Portal access for {self.email}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "active" if self.accepted_at else "invited"


def document_path(instance, filename: str) -> str:
    """documents/<msp>/<client>/<id>.<extension of its content type> (.pdf, .pptx); the given name is ignored."""
    extension = mimetypes.guess_extension((instance.content_type or "").split(";")[0].strip()) or ".bin"
    return f"documents/{instance.msp_id}/{instance.client_id}/{instance.pk}{extension}"


@pghistory.track()
class Document(TenantModel):
    """A file made for a client (an alignment report, a roadmap PDF), kept with its checksum.

    Each new document of a kind for a client gets the next `edition`; older editions stay. Published
    documents appear in the client's portal.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(max_length=200)
    edition = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=document_path, max_length=300)
    content_type = models.CharField(max_length=80, default="application/pdf")
    size = models.PositiveIntegerField(default=0)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file.")
    source_id = models.UUIDField(null=True, blank=True, help_text="The record it was made from, e.g. a review.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["msp", "client", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["client", "kind", "edition"], name="document_unique_edition",
                                    violation_error_message="This edition of the document already exists."),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        """What the client and the staff see: the title (its kind and period, set by the renderer) and the
        edition, so no two documents of a client read the same (editions are unique per kind)."""
        return f"{self.title}, edition {self.edition}"
