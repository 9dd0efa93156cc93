from datetime import date

import pytest

from msp.quarters import Quarter, horizon, quarters_between


def test_july_fiscal_year_labels_and_bounds():
    q = Quarter.containing(date(2026, 10, 15), 7)
    assert (q.label, q.start, q.end) == ("FY2027 Q2", date(2026, 10, 1), date(2026, 12, 31))
    assert Quarter.containing(date(2026, 7, 1), 7).label == "FY2027 Q1"
    assert Quarter.containing(date(2026, 6, 30), 7).label == "FY2026 Q4"
    assert Quarter.containing(date(2027, 3, 31), 7).label == "FY2027 Q3"
    assert Quarter.of(2027, 4, 7) == Quarter(date(2027, 4, 1), 7)
    assert Quarter.of(2027, 4, 7).end == date(2027, 6, 30)


def test_calendar_and_april_fiscal_years():
    assert Quarter.containing(date(2026, 11, 21)).label == "FY2026 Q4"
    assert Quarter.containing(date(2026, 4, 1), 4).label == "FY2027 Q1"
    assert Quarter.containing(date(2027, 2, 28), 4).label == "FY2027 Q4"
    assert Quarter.of(2026, 1) == Quarter(date(2026, 1, 1))


def test_horizon_spans_three_fiscal_years():
    quarters = horizon(Quarter.containing(date(2026, 11, 21), 7))
    assert [q.label for q in quarters] == [
        "FY2027 Q2", "FY2027 Q3", "FY2027 Q4", "FY2028 Q1", "FY2028 Q2", "FY2028 Q3", "FY2028 Q4",
        "FY2029 Q1", "FY2029 Q2", "FY2029 Q3", "FY2029 Q4", "FY2030 Q1"]
    assert quarters[-1].end == date(2029, 9, 30)
    assert len(quarters_between(quarters[0], quarters[3])) == 4
    assert quarters_between(quarters[3], quarters[0]) == []


def test_a_date_that_does_not_start_a_quarter_is_refused():
    with pytest.raises(ValueError, match="not the first day of a quarter"):
        Quarter(date(2026, 8, 1), 7)
