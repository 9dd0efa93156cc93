"""Budget lines by fiscal quarter, and the versions of the budget presented to the client."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clients.models import Client
from msp.tenancy import TenantModel, VersionedModel
from roadmaps.models import Initiative

from .choices import ExpenseType, LineCategory, LineDecision, LineKind, Pricing
from .rollups import unit_price

MONEY = {"max_digits": 12, "decimal_places": 2}

# Domain bounds of a budget line (docs/budgets.md): far above what one client of an MSP spends, and low
# enough that every total of a client's plan fits the money fields of the API and the PDF: at most
# MAX_LIVE_LINES lines x 36 months x MAX_LINE_PRICE = 360,000,000,000.00, under 10^12 (14 digits).
MAX_QUANTITY = Decimal("100000")
MAX_UNIT_COST = Decimal("10000000")
MAX_LINE_PRICE = Decimal("10000000")  # quantity x unit price: the whole one-time cost, or a month of a recurring one
MAX_LIVE_LINES = 1000  # live (not archived) lines per client


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
            # The one-time lines of no initiative the client approved, by decision time, with what prices them:
            # the scorecard's approved value of a period read from the index alone.
            models.Index(fields=["msp", "decided_at"], include=["client", "quantity", "unit_cost", "pricing", "rate"],
                         condition=Q(initiative__isnull=True, decision=LineDecision.APPROVED, kind=LineKind.ONE_TIME,
                                     archived_at__isnull=True), name="budgetline_approved_one_time"),
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

    @property
    def price_per_unit(self) -> Decimal:
        """The client's price of one unit (budgets.rollups.unit_price)."""
        return unit_price(self.unit_cost, self.pricing, self.rate)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.quantity is not None and self.quantity > MAX_QUANTITY:
            errors["quantity"] = f"At most {MAX_QUANTITY:,} units on one line."
        if self.unit_cost is not None and self.unit_cost > MAX_UNIT_COST:
            errors["unit_cost"] = f"At most {MAX_UNIT_COST:,.2f} per unit."
        if not errors and None not in (self.quantity, self.unit_cost, self.rate) and (
                self.pricing == Pricing.MARKUP or self.rate < 100):
            price = self.quantity * unit_price(self.unit_cost, self.pricing, self.rate)
            if price > MAX_LINE_PRICE:
                per = "a month" if self.kind == LineKind.RECURRING else "in total"
                errors["unit_cost"] = (f"The line's price ({price:,.2f} {per}: quantity x unit price) is above "
                                       f"the most one line may be, {MAX_LINE_PRICE:,.2f}; split it or lower it.")
        if self.archived_at is None and self.client_id is not None:
            live = BudgetLine._base_manager.filter(client_id=self.client_id, archived_at__isnull=True)
            if self.pk is not None:
                live = live.exclude(pk=self.pk)
            if live.count() >= MAX_LIVE_LINES:
                errors[NON_FIELD_ERRORS] = (f"A client's budget holds at most {MAX_LIVE_LINES:,} live lines; "
                                            "archive old ones first.")
        if errors:
            raise ValidationError(errors)


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
