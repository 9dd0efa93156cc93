"""The three-year roadmap: initiatives by fiscal quarter, and decisions on asset lifecycle suggestions."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from alignment.models import Recommendation
from clients.models import Asset, BusinessObjective, Client
from msp.rls import same_tenant_link
from msp.tenancy import TenantModel, VersionedModel
from standards.choices import Priority

from .choices import InitiativeCategory, InitiativeStatus, LifecycleDecisionKind, LifecycleReason


@pghistory.track()
class Initiative(TenantModel, VersionedModel):
    """A piece of the client's plan in business language, placed in fiscal quarters (or in the backlog).

    `start_quarter` and `end_quarter` hold the first day of a quarter of the client's fiscal year (see
    msp.quarters); no start quarter means the initiative waits in the backlog.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(max_length=200)
    title_confirmed = models.BooleanField(
        "title ready for the client", default=True,
        help_text="False while the title is wording drafted from findings: no client document is made until the vCIO "
                  "confirms it in business language.")
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=InitiativeCategory.choices,
                                default=InitiativeCategory.OTHER)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.IDEA)
    start_quarter = models.DateField(null=True, blank=True)
    end_quarter = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    estimated_hours = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal("0"))])
    proposal_amount = models.DecimalField(
        "proposed price", max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The price quoted to the client; setting it with the status Proposed records a proposal.")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="initiatives",
                                             through="InitiativeRecommendation")
    objectives = models.ManyToManyField(BusinessObjective, blank=True, related_name="initiatives",
                                        through="InitiativeObjective")
    assets = models.ManyToManyField(Asset, blank=True, related_name="initiatives", through="InitiativeAsset")
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When the client approved or declined.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [F("start_quarter").asc(nulls_last=True), "title"]
        indexes = [
            models.Index(fields=["msp", "client", "start_quarter"]),
            models.Index(fields=["msp", "client", "status"]),
            models.Index(fields=["msp", "decided_at"]),  # the initiatives decided in a period (scorecard)
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_quarter__isnull=True)
                | Q(start_quarter__isnull=False, end_quarter__gte=F("start_quarter")),
                name="initiative_end_after_start",
                violation_error_message="The end quarter cannot come before the start quarter.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class LifecycleDecision(TenantModel):
    """What the vCIO decided about one lifecycle suggestion (an asset reaching a date inside the horizon).

    Suggestions themselves are computed from the assets; a decision keeps an accepted one linked to its
    initiative and a dismissed one dismissed, for that asset, reason and date.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="lifecycle_decisions")
    reason = models.CharField(max_length=16, choices=LifecycleReason.choices)
    due_date = models.DateField()
    decision = models.CharField(max_length=10, choices=LifecycleDecisionKind.choices)
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="lifecycle_decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "reason", "due_date"], name="lifecycle_decision_once",
                                    violation_error_message="This suggestion was already decided."),
        ]
        indexes = [models.Index(fields=["msp", "client"])]

    def __str__(self) -> str:
        return f"{self.asset} {self.reason} {self.due_date}: {self.decision}"


# Link rows carry `msp` like every tenant row, so row-level security covers them too. They are added with
# `through_defaults={"msp": <the initiative's msp>}`; the services check that both ends are the client's,
# and a trigger refuses a link whose ends belong to another MSP.


class InitiativeRecommendation(TenantModel):
    """A recommendation an initiative answers."""

    client_path = "initiative__client"  # how a portal request is confined to its client (msp.confinement)

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(initiative=Initiative, recommendation=Recommendation)]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "recommendation"], name="initiative_recommendation_once",
                                    violation_error_message="This recommendation is already linked."),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id} in {self.initiative_id}"


class InitiativeObjective(TenantModel):
    """A business objective an initiative serves."""

    client_path = "initiative__client"  # how a portal request is confined to its client (msp.confinement)

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(BusinessObjective, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(initiative=Initiative, objective=BusinessObjective)]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "objective"], name="initiative_objective_once",
                                    violation_error_message="This objective is already linked."),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} in {self.initiative_id}"


class InitiativeAsset(TenantModel):
    """An asset an initiative replaces or changes."""

    client_path = "initiative__client"  # how a portal request is confined to its client (msp.confinement)

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")

    class Meta:
        triggers = [same_tenant_link(initiative=Initiative, asset=Asset)]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "asset"], name="initiative_asset_once",
                                    violation_error_message="This asset is already linked."),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} in {self.initiative_id}"
