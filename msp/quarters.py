"""Fiscal quarters. A client's fiscal year starts in a given month; Q1 begins that month.

A fiscal year is named after the calendar year in which it ends: with a July start, July 2026 - June 2027
is FY2027 and October 2026 falls in FY2027 Q2. With a January start the fiscal year is the calendar year.
A quarter is stored in the database as the date of its first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A fiscal quarter, identified by the first day it covers and the fiscal-year start month."""

    start: date
    fy_start_month: int = 1

    def __post_init__(self):
        if not 1 <= self.fy_start_month <= 12:
            raise ValueError("The fiscal year starts in a month from 1 to 12.")
        if self.start.day != 1 or (self.start.month - self.fy_start_month) % 3:
            raise ValueError(f"{self.start} is not the first day of a quarter of a fiscal year starting in "
                             f"month {self.fy_start_month}.")

    @classmethod
    def containing(cls, day: date, fy_start_month: int = 1) -> Quarter:
        months_in = (day.month - fy_start_month) % 3
        return cls(_add_months(date(day.year, day.month, 1), -months_in), fy_start_month)

    @classmethod
    def of(cls, fiscal_year: int, number: int, fy_start_month: int = 1) -> Quarter:
        """FY`fiscal_year` Q`number`."""
        if number not in (1, 2, 3, 4):
            raise ValueError("A quarter number is 1 to 4.")
        first_month_of_fy = date(fiscal_year if fy_start_month == 1 else fiscal_year - 1, fy_start_month, 1)
        return cls(_add_months(first_month_of_fy, 3 * (number - 1)), fy_start_month)

    @property
    def fiscal_year(self) -> int:
        if self.fy_start_month == 1:
            return self.start.year
        return self.start.year + 1 if self.start.month >= self.fy_start_month else self.start.year

    @property
    def number(self) -> int:
        return (self.start.month - self.fy_start_month) % 12 // 3 + 1

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return date.fromordinal(_add_months(self.start, 3).toordinal() - 1)

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.number}"

    @property
    def months(self) -> list[date]:
        return [_add_months(self.start, i) for i in range(3)]

    def shift(self, quarters: int) -> Quarter:
        return Quarter(_add_months(self.start, 3 * quarters), self.fy_start_month)

    def next(self) -> Quarter:
        return self.shift(1)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def horizon(first: Quarter, count: int = 12) -> list[Quarter]:
    """`count` consecutive quarters from `first` (12 = three fiscal years of a roadmap)."""
    return [first.shift(i) for i in range(count)]


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last`, both included (empty when last is before first)."""
    out, q = [], first
    while q <= last:
        out.append(q)
        q = q.next()
    return out
