"""The unit price in SQL (the hand-written statements' fragment and the ORM expression) is the Python rule of
budgets.rollups.unit_price, cent for cent, on the cases where rounding and the two pricings differ."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from budgets.models import BudgetLine
from budgets.rollups import unit_price
from budgets.selectors import UNIT_PRICE_SQL, unit_price_expression

pytestmark = pytest.mark.django_db
D = Decimal
CASES = [("3000.00", "markup", "30"), ("3000.00", "margin", "30"), ("0.10", "markup", "25"),
         ("10.00", "margin", "33.33"), ("99.99", "markup", "0"), ("333.33", "margin", "17.5"),
         ("0.01", "margin", "99.99"), ("1234567.89", "markup", "250"), ("0.05", "markup", "10")]


def test_the_sql_fragment_and_the_orm_expression_price_as_the_python_rule(tenant):
    client = tenant.clients[0]
    with scopes_disabled():
        for cost, pricing, rate in CASES:
            BudgetLine.objects.create(msp=tenant.msp, client=client, description=f"{cost} {pricing} {rate}",
                                      start_quarter=dt.date(2026, 1, 1), unit_cost=D(cost), pricing=pricing,
                                      rate=D(rate))
        lines = BudgetLine.objects.filter(client=client)
        expected = {line.description: unit_price(line.unit_cost, line.pricing, line.rate) for line in lines}
        orm = dict(lines.annotate(price=unit_price_expression()).values_list("description", "price"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT l.description, " + UNIT_PRICE_SQL.format(t="l")  # noqa: S608
                           + " FROM budgets_budgetline l WHERE l.client_id = %s", [client.pk])
            sql = dict(cursor.fetchall())
    assert orm == expected
    assert sql == expected
    assert expected["3000.00 margin 30"] == D("4285.71")
    assert expected["0.10 markup 25"] == D("0.13")  # 0.125, half up
    assert expected["0.01 margin 99.99"] == D("100.00")
    assert expected["0.05 markup 10"] == D("0.06")  # 0.055, half up
    assert len(expected) == len(CASES)
