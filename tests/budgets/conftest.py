"""Helpers of the budget tests: a client whose fiscal year starts in July, initiatives, lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from budgets import services
from msp.roles import Role
from roadmaps.models import Initiative


@pytest.fixture
def july(tenant):
    """The tenant's first client, with a fiscal year starting in July (FY2027 = July 2026 - June 2027)."""
    client = tenant.clients[0]
    with scopes_disabled():
        client.fiscal_year_start_month = 7
        client.save(update_fields=["fiscal_year_start_month"])
    return client


def initiative(client, title: str, status: str = "idea", **fields) -> Initiative:
    with scopes_disabled():
        return Initiative.objects.create(msp=client.msp, client=client, title=title, status=status, **fields)


def line(tenant, client, description: str, *, start: dt.date, unit_cost: str, quantity: str = "1",
         kind: str = "one_time", end: dt.date | None = None, pricing: str = "markup", rate: str = "0", **fields):
    """A budget line made through the service, as the vCIO."""
    with scope(msp=tenant.msp):
        return services.budget_line_create(
            client=client, actor=tenant.users[Role.VCIO], description=description, start_quarter=start,
            end_quarter=end, kind=kind, quantity=Decimal(quantity), unit_cost=Decimal(unit_cost), pricing=pricing,
            rate=Decimal(rate), **fields)


def reload(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)
