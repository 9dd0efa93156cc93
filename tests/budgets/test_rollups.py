"""Prices from costs (markup vs margin) and a line's amounts per quarter: pure arithmetic."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budgets.rollups import Amount, line_amounts, pricing_label, unit_price
from msp.quarters import Quarter, horizon

D = Decimal


def test_markup_and_margin_differ_as_domain_says():
    # DOMAIN.md: cost $3,000 at 30 % markup sells for $3,900; a true 30 % margin needs $4,286.
    assert unit_price(D("3000"), "markup", D("30")) == D("3900.00")
    assert unit_price(D("3000"), "margin", D("30")) == D("4285.71")
    # The markup's real margin is 900 / 3900 = 23 %.
    assert (D("900") / D("3900") * 100).quantize(D("1")) == 23


def test_unit_price_rounds_half_up_to_cents():
    assert unit_price(D("0.10"), "markup", D("25")) == D("0.13")  # 0.125 -> 0.13
    assert unit_price(D("10"), "margin", D("33.33")) == D("15.00")  # 14.9992... -> 15.00
    assert unit_price(D("99.99"), "markup", D("0")) == D("99.99")


def test_a_margin_of_100_percent_has_no_price():
    with pytest.raises(ValueError, match="below 100"):
        unit_price(D("10"), "margin", D("100"))
    with pytest.raises(ValueError, match="Unknown pricing"):
        unit_price(D("10"), "discount", D("5"))


def test_pricing_label():
    assert pricing_label("markup", D("30.00")) == "30 % markup"
    assert pricing_label("margin", D("12.50")) == "12.5 % margin"


def test_amounts_add_and_subtract():
    a = Amount(D("1.00"), D("2.00")) + Amount(D("0.50"), D("0.75"))
    assert a == Amount(D("1.50"), D("2.75"))
    assert a - Amount(D("1.50"), D("2.00")) == Amount(D("0.00"), D("0.75"))
    assert Amount.zero() == Amount(D("0"), D("0"))
    assert not Amount.zero()


def _line(**kw):
    base = {"kind": "one_time", "end_quarter": None, "quantity": D("1"), "pricing": "markup", "rate": D("0")}
    return SimpleNamespace(**{**base, **kw})


QUARTERS = horizon(Quarter.of(2027, 1, 7))  # FY2027 Q1 (July 2026) .. FY2029 Q4


def test_one_time_line_falls_in_its_quarter_only():
    amounts = line_amounts(_line(start_quarter=date(2026, 10, 1), quantity=D("2"), unit_cost=D("1500"),
                                 rate=D("30")), QUARTERS)
    assert list(amounts) == QUARTERS
    assert {q.label: a for q, a in amounts.items() if a} == {"FY2027 Q2": Amount(D("3000.00"), D("3900.00"))}


def test_recurring_line_counts_three_months_per_quarter_to_its_end_quarter():
    line = _line(kind="recurring", start_quarter=date(2027, 1, 1), end_quarter=date(2027, 10, 1),
                 quantity=D("10"), unit_cost=D("12.50"), rate=D("20"))
    amounts = line_amounts(line, QUARTERS)
    assert {q.label: a for q, a in amounts.items() if a} == {
        label: Amount(D("375.00"), D("450.00")) for label in ("FY2027 Q3", "FY2027 Q4", "FY2028 Q1", "FY2028 Q2")}


def test_open_ended_recurring_line_runs_to_the_horizons_end_and_started_lines_count_from_the_first_quarter():
    line = _line(kind="recurring", start_quarter=date(2025, 7, 1), quantity=D("1"), unit_cost=D("100"))
    amounts = line_amounts(line, QUARTERS[-2:])
    assert [(q.label, a.cost) for q, a in amounts.items()] == [("FY2029 Q3", D("300.00")),
                                                                ("FY2029 Q4", D("300.00"))]
    assert line_amounts(line, []) == {}


def test_a_date_inside_a_quarter_counts_as_that_quarter():
    # A line stored before the client's fiscal year moved still lands somewhere sensible.
    amounts = line_amounts(_line(start_quarter=date(2026, 8, 1), unit_cost=D("10")), QUARTERS)
    assert [q.label for q, a in amounts.items() if a] == ["FY2027 Q1"]
