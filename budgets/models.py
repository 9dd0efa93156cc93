"""Budget lines by fiscal quarter, and the versions of the budget presented to the client."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clients.models import Client
from msp.tenancy import TenantModel, VersionedModel
from roadmaps.models import Initiative

from .choices import ExpenseType, LineCategory, LineDecision, LineKind, Pricing

MONEY = {"max_digits": 12, "decimal_places": 2}


@pghistory.track()
class BudgetLine(TenantModel, VersionedModel):
    """A cost in the client's plan: one-time in one quarter, or recurring monthly from a start quarter
    (to an optional end quarter, inclusive). Quarters are stored as their first day (msp.quarters).

    A line of an initiative is approved when its initiative is. A line of no initiative carries the
    client's own decision (`decision`, with who, when and a note): proposed until the decision maker
    approves it in the portal or staff record their answer on the budget page.
    """

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="budget_lines")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="budget_lines")
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=10, choices=LineCategory.choices, default=LineCategory.HARDWARE)
    expense_type = models.CharField(max_length=5, choices=ExpenseType.choices, default=ExpenseType.CAPEX)
    kind = models.CharField(max_length=10, choices=LineKind.choices, default=LineKind.ONE_TIME)
    start_quarter = models.DateField(help_text="The quarter of a one-time cost, or when a recurring one starts.")
    end_quarter = models.DateField(null=True, blank=True, help_text="Recurring only: the last quarter it runs.")
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.01"))])
    unit_cost = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))],
                                    help_text="Per unit; per month for a recurring line.")
    pricing = models.CharField(max_length=6, choices=Pricing.choices, default=Pricing.MARKUP)
    rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"),
                               validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99.99"))],
                               help_text="Percent: the markup on cost, or the margin on price.")
    decision = models.CharField(max_length=8, choices=LineDecision.choices, default=LineDecision.PROPOSED,
                                help_text="The client's decision; used only while the line has no initiative.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_quarter", "description"]
        indexes = [
            models.Index(fields=["msp", "client", "start_quarter"]),
            models.Index(fields=["msp", "initiative"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_quarter__isnull=True) | Q(kind=LineKind.RECURRING, end_quarter__gte=F("start_quarter")),
                name="budget_line_end_quarter",
                violation_error_message="Only a recurring line has an end quarter, and it cannot come before "
                                        "the start quarter.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & (Q(pricing=Pricing.MARKUP) | Q(rate__lt=100)),
                name="budget_line_rate_range",
                violation_error_message="A margin must be below 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(decision=LineDecision.PROPOSED, decided_at__isnull=True)
                | (Q(decision__in=[LineDecision.APPROVED, LineDecision.DECLINED]) & Q(decided_at__isnull=False)),
                name="budget_line_decision_dated",
                violation_error_message="A decided budget line records when it was decided; a proposed one "
                                        "has no decision date.",
            ),
        ]

    def __str__(self) -> str:
        return self.description


@pghistory.track()
class BudgetVersion(TenantModel):
    """A frozen copy of the client's budget as presented (v1, v2...), to compare what changed since."""

    client_path = "client"  # how a portal request is confined to its client (msp.confinement)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="budget_versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="The lines and totals as presented.")
    note = models.TextField(blank=True)
    presented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    presented_at = models.DateTimeField()

    class Meta:
        ordering = ["client", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="budget_version_unique_number",
                                    violation_error_message="This budget version already exists."),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"
