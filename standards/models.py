"""The standards library: categories, compliance frameworks, standards and their text revisions."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from msp.rls import same_tenant_link
from msp.tenancy import TenantModel, VersionedModel

from .choices import PRIORITY_WEIGHTS, Frequency, Priority, StandardStatus


@pghistory.track()
class Category(TenantModel, VersionedModel):
    """A chapter of the library (backup, firewalls, email...), shown in `position` order."""

    # The MSP's library, no client's: a portal request (msp.confinement) sees none of it.
    client_path = None

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint("msp", Lower("name"), name="category_unique_name",
                                    violation_error_message="A category with this name already exists."),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Framework(TenantModel, VersionedModel):
    """A compliance framework standards can serve (HIPAA, PCI DSS, NIST CSF 2.0, CIS...). MSPs add their own."""

    # The MSP's library, no client's: a portal request (msp.confinement) sees none of it.
    client_path = None

    code = models.CharField(max_length=30, help_text="Short name, e.g. HIPAA.")
    name = models.CharField(max_length=150)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint("msp", Lower("code"), name="framework_unique_code",
                                    violation_error_message="A framework with this code already exists."),
        ]

    def __str__(self) -> str:
        return self.code


@pghistory.track()
class Standard(TenantModel, VersionedModel):
    """A yes/no question whose "yes" is the healthy answer, with why we ask and how to check.

    The current text lives here and in the latest `StandardRevision`. Editing the text of a standard that
    already has answers adds a revision, so past reviews keep the exact words they were answered against.
    """

    # The MSP's library, no client's: a portal request (msp.confinement) sees none of it.
    client_path = None

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="standards")
    name = models.CharField(max_length=150)
    question = models.TextField(help_text="Phrase it so that “yes” is the healthy answer.")
    why = models.TextField("why we ask", help_text="The business risk, in plain words.")
    how = models.TextField("how to check", help_text="Steps to verify it on site or remotely.")
    reference_url = models.URLField(max_length=500, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    frequency = models.CharField("review frequency", max_length=12, choices=Frequency.choices,
                                 default=Frequency.YEARLY)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    frameworks = models.ManyToManyField(Framework, blank=True, related_name="standards", through="StandardFramework")
    status = models.CharField(max_length=8, choices=StandardStatus.choices, default=StandardStatus.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True,
                                        help_text="When the standards committee last reviewed it.")
    revision = models.PositiveIntegerField(default=1, help_text="Number of the current text revision.")

    class Meta:
        ordering = ["category__position", "category__name", "name"]
        indexes = [
            models.Index(fields=["msp", "category"]),
            models.Index(fields=["msp", "status"]),
        ]
        constraints = [
            models.UniqueConstraint("msp", Lower("name"), name="standard_unique_name",
                                    violation_error_message="A standard with this name already exists."),
            models.CheckConstraint(
                condition=Q(status=StandardStatus.ACTIVE, retired_at__isnull=True)
                | Q(status=StandardStatus.RETIRED, retired_at__isnull=False),
                name="standard_retired_has_date",
                violation_error_message="A retired standard carries its retirement date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHTS[self.priority]


@pghistory.track()
class StandardRevision(TenantModel):
    """The exact text of a standard at one point; answers point here, so old reviews never change."""

    # The MSP's library, no client's: a portal request (msp.confinement) sees none of it.
    client_path = None

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    question = models.TextField()
    why = models.TextField()
    how = models.TextField()
    reference_url = models.URLField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="standard_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.standard} r{self.number}"


class StandardFramework(TenantModel):
    """A framework a standard serves (the mapping). It carries `msp` like every tenant row, so row-level
    security covers it; added with `through_defaults={"msp": standard.msp}`. A trigger refuses a mapping
    to another MSP's framework."""

    client_path = None  # the library's, no client's: a portal request (msp.confinement) sees none

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(standard=Standard, framework=Framework)]
        constraints = [
            models.UniqueConstraint(fields=["standard", "framework"], name="standard_framework_once",
                                    violation_error_message="This framework is already mapped."),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} for {self.standard_id}"
