"""The budget of a hand-made client plan, with exact figures per quarter, fiscal year and in total."""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from budgets.rollups import Amount
from budgets.selectors import client_budget, client_horizon
from msp.quarters import Quarter, horizon

from .conftest import initiative, line

D = Decimal
pytestmark = pytest.mark.django_db

QUARTERS = horizon(Quarter.of(2027, 1, 7))  # FY2027 Q1 (2026-07-01) .. FY2029 Q4 (2029-04-01)


@pytest.fixture
def plan(tenant, july):
    """Five lines and an archived one:

    - Firewalls: one-time FY2027 Q2, 2 x 1,500 at 30 % markup -> cost 3,000, price 3,900 (no initiative:
      proposed until the client approves it)
    - Backup: recurring FY2027 Q3 .. FY2028 Q2, 10 x 12.50 a month at 20 % markup (15.00)
      -> 375 / 450 a quarter (initiative approved)
    - Server: one-time FY2028 Q3, 1 x 3,000 at a 30 % margin -> 4,285.71 (initiative scheduled: approved)
    - Declined: one-time FY2027 Q4, 999 (initiative declined: left out)
    - Licences: recurring from FY2029 Q1, open-ended, 25 x 20 a month at a 20 % margin (25.00)
      -> 1,500 / 1,875 a quarter (initiative proposed)
    """
    approved = initiative(july, "Backup upgrade", "approved")
    scheduled = initiative(july, "New server", "scheduled")
    declined = initiative(july, "Gold plating", "declined")
    proposed = initiative(july, "Microsoft 365", "proposed")
    lines = {
        "firewalls": line(tenant, july, "Firewalls", start=date(2026, 10, 1), quantity="2", unit_cost="1500",
                          rate="30"),
        "backup": line(tenant, july, "Backup service", kind="recurring", start=date(2027, 1, 1),
                       end=date(2027, 10, 1), quantity="10", unit_cost="12.50", rate="20", initiative=approved,
                       category="services", expense_type="opex"),
        "server": line(tenant, july, "Server", start=date(2028, 1, 1), unit_cost="3000", pricing="margin",
                       rate="30", initiative=scheduled),
        "declined": line(tenant, july, "Gold-plated cables", start=date(2027, 4, 1), unit_cost="999",
                         initiative=declined),
        "licences": line(tenant, july, "Microsoft 365 licences", kind="recurring", start=date(2028, 7, 1),
                         quantity="25", unit_cost="20", pricing="margin", rate="20", initiative=proposed,
                         category="software", expense_type="opex"),
        "archived": line(tenant, july, "Archived thing", start=date(2026, 10, 1), unit_cost="5000"),
    }
    with scopes_disabled():
        lines["archived"].archived_at = timezone.now()
        lines["archived"].save()
    return {"lines": lines, "approved": approved, "declined": declined, "proposed": proposed}


def _budget(tenant, client):
    with scope(msp=tenant.msp):
        return client_budget(client=client, quarters=QUARTERS)


def test_quarters_one_time_recurring_cost_and_price(tenant, july, plan):
    b = _budget(tenant, july)
    rows = {r.label: (r.one_time, r.recurring, r.total, r.approved, r.proposed) for r in b.quarters.values()}
    z = Amount.zero()
    rec = Amount(D("375.00"), D("450.00"))
    lic = Amount(D("1500.00"), D("1875.00"))
    assert rows == {
        "FY2027 Q1": (z, z, z, D("0"), D("0")),
        "FY2027 Q2": (Amount(D("3000"), D("3900")), z, Amount(D("3000"), D("3900")), D("0"), D("3900.00")),
        "FY2027 Q3": (z, rec, rec, D("450.00"), D("0")),
        "FY2027 Q4": (z, rec, rec, D("450.00"), D("0")),  # the declined initiative's 999 is left out
        "FY2028 Q1": (z, rec, rec, D("450.00"), D("0")),
        "FY2028 Q2": (z, rec, rec, D("450.00"), D("0")),
        "FY2028 Q3": (Amount(D("3000"), D("4285.71")), z, Amount(D("3000"), D("4285.71")), D("4285.71"), D("0")),
        "FY2028 Q4": (z, z, z, D("0"), D("0")),
        "FY2029 Q1": (z, lic, lic, D("0"), D("1875.00")),
        "FY2029 Q2": (z, lic, lic, D("0"), D("1875.00")),
        "FY2029 Q3": (z, lic, lic, D("0"), D("1875.00")),
        "FY2029 Q4": (z, lic, lic, D("0"), D("1875.00")),
    }
    assert list(b.quarters) == QUARTERS


def test_fiscal_years_and_three_year_total(tenant, july, plan):
    b = _budget(tenant, july)
    years = {label: (r.one_time, r.recurring, r.total, r.approved, r.proposed) for label, r in b.years.items()}
    assert list(years) == ["FY2027", "FY2028", "FY2029"]
    assert years["FY2027"] == (Amount(D("3000"), D("3900")), Amount(D("750"), D("900")),
                               Amount(D("3750"), D("4800")), D("900.00"), D("3900.00"))
    assert years["FY2028"] == (Amount(D("3000"), D("4285.71")), Amount(D("750"), D("900")),
                               Amount(D("3750"), D("5185.71")), D("5185.71"), D("0"))
    assert years["FY2029"] == (Amount.zero(), Amount(D("6000"), D("7500")), Amount(D("6000"), D("7500")),
                               D("0"), D("7500.00"))
    t = b.total
    assert (t.one_time, t.recurring, t.total) == (Amount(D("6000"), D("8185.71")), Amount(D("7500"), D("9300")),
                                                  Amount(D("13500"), D("17485.71")))
    assert (t.approved, t.proposed) == (D("6085.71"), D("11400.00"))
    assert t.approved + t.proposed == t.total.price


def test_lines_by_status_and_by_initiative(tenant, july, plan):
    b = _budget(tenant, july)
    assert [(x.description, x.budget_status) for x in b.lines] == [
        ("Firewalls", "proposed"), ("Backup service", "approved"), ("Server", "approved"),
        ("Microsoft 365 licences", "proposed")]
    assert [x.description for x in b.excluded] == ["Gold-plated cables"]
    server = b.lines[2]
    assert (server.unit_price, server.pricing_label, server.start_label) == (D("4285.71"), "30 % margin",
                                                                             "FY2028 Q3")
    backup = b.lines[1]
    assert (backup.start_label, backup.end_label, backup.horizon_total) == (
        "FY2027 Q3", "FY2028 Q2", Amount(D("1500"), D("1800")))
    assert b.by_initiative[plan["approved"].pk] == Amount(D("1500"), D("1800"))
    assert b.by_initiative[plan["proposed"].pk] == Amount(D("6000"), D("7500"))
    # A declined initiative's cost stays visible per initiative, though not in the totals.
    assert b.by_initiative[plan["declined"].pk] == Amount(D("999"), D("999"))


def test_horizon_is_twelve_quarters_from_the_current_fiscal_quarter(tenant, july):
    with scope(msp=tenant.msp):
        quarters = client_horizon(client=july, today=date(2026, 11, 21))
    assert [q.label for q in (quarters[0], quarters[-1])] == ["FY2027 Q2", "FY2030 Q1"]
    assert len(quarters) == 12
    assert {q.fy_start_month for q in quarters} == {7}


def test_horizon_uses_the_msps_time_zone(tenant, july, monkeypatch):
    with scopes_disabled():
        tenant.msp.time_zone = "Pacific/Auckland"
        tenant.msp.save()
    # 30 June 2027 20:00 UTC is already 1 July in Auckland: the next fiscal year.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2027, 6, 30, 20, 0, tzinfo=dt.UTC))
    with scope(msp=tenant.msp):
        july.msp.refresh_from_db()
        assert client_horizon(client=july)[0].label == "FY2028 Q1"


def test_nothing_planned_is_all_zero(tenant, july):
    b = _budget(tenant, july)
    assert (b.lines, b.total.total) == ([], Amount.zero())
    assert (len(b.quarters), len(b.years)) == (12, 3)
