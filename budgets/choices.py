"""Choices of budgets."""

from django.db import models


class BudgetActivity(models.TextChoices):
    """Events of budget work that are recorded as activities (registered in apps.py)."""

    BUDGET_PRESENTED = "budget_presented", "Budget presented"


class LineCategory(models.TextChoices):
    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    SERVICES = "services", "Services"
    LABOR = "labor", "Labor"


class ExpenseType(models.TextChoices):
    CAPEX = "capex", "Capex"
    OPEX = "opex", "Opex"


class LineKind(models.TextChoices):
    ONE_TIME = "one_time", "One-time"
    RECURRING = "recurring", "Recurring monthly"


class Pricing(models.TextChoices):
    """How the price to the client is made from the cost (DOMAIN: they differ)."""

    MARKUP = "markup", "Markup on cost"  # price = cost x (1 + rate)
    MARGIN = "margin", "Margin on price"  # price = cost / (1 - rate)


class LineDecision(models.TextChoices):
    """The client's decision on a line of no initiative (a line of an initiative follows its initiative)."""

    PROPOSED = "proposed", "Proposed"  # awaiting the client's decision
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
