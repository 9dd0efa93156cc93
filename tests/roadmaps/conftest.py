"""Helpers of the roadmap tests: the first client on a fiscal year starting in July, a horizon from FY2027 Q2
(October 2026), initiatives and recommendations made through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from alignment.models import Recommendation
from msp.quarters import Quarter, horizon
from msp.roles import Role
from roadmaps import services
from tests import factories as f

TODAY = dt.date(2026, 11, 21)  # inside FY2027 Q2 for a July fiscal year


@pytest.fixture
def july(tenant):
    """The first client, with a fiscal year starting in July (FY2027 = July 2026 - June 2027)."""
    client = tenant.clients[0]
    with scopes_disabled():
        client.fiscal_year_start_month = 7
        client.save(update_fields=["fiscal_year_start_month"])
    return client


@pytest.fixture
def quarters(july) -> list[Quarter]:
    """FY2027 Q2 (Oct-Dec 2026) ... FY2030 Q1 (Jul-Sep 2029)."""
    return horizon(Quarter.of(2027, 2, 7))


@pytest.fixture
def frozen_today(monkeypatch):
    """The roadmap pages see TODAY as today."""
    monkeypatch.setattr("roadmaps.views._today", lambda: TODAY)
    return TODAY


def create(tenant, *, client=None, role=Role.VCIO, title="Initiative", **fields):
    with scope(msp=tenant.msp):
        return services.initiative_create(client=client or tenant.clients[0], actor=tenant.users[role],
                                          title=title, **fields)


def recommendation(tenant, title, *, client=None, priority="medium", description="", **fields):
    with scopes_disabled():
        return Recommendation.objects.create(msp=tenant.msp, client=client or tenant.clients[0], title=title,
                                             priority=priority, description=description, **fields)


def asset(tenant, name, *, client=None, kind="laptop", cost="1600.00", **fields):
    with scopes_disabled():
        return f.AssetFactory(client=client or tenant.clients[0], name=name, kind=kind,
                              replacement_cost=Decimal(cost) if cost is not None else None, **fields)


def reload(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
