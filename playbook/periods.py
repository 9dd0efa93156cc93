"""The period a scorecard covers: from a start day to an end day in the MSP's time zone, read from
`?start=&end=` and bounded (at most three years, between 2000 and 2100)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from msp.models import Msp

MAX_PERIOD_DAYS = 3 * 366  # a period is at most three years


class PeriodError(ValueError):
    """A period the scorecard cannot show; the message says why."""


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the MSP's time zone; `now` is when it is read."""

    start: date
    end: date
    tz: zoneinfo.ZoneInfo
    now: datetime

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=self.tz)

    @property
    def until(self) -> datetime:
        """The end of the period, or now when it has not ended (meetings after now are not due yet)."""
        return min(self.end_at, self.now)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> Decimal:
        return Decimal(self.days) * 12 / Decimal(365)

    @property
    def last_12_months_start(self) -> datetime:
        return self.end_at - timedelta(days=365)

    def __str__(self) -> str:
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"


def period_parse(*, msp: Msp, start: str = "", end: str = "", now: datetime | None = None) -> Period:
    """The period of `?start=&end=` (ISO dates); by default the trailing 12 months up to today."""
    tz = zoneinfo.ZoneInfo(msp.time_zone)
    now = now or datetime.now(tz=tz)
    today = now.astimezone(tz).date()
    try:
        end_day = date.fromisoformat(end) if end else today
    except ValueError:
        raise PeriodError(f"End “{end}” is not a date: use YYYY-MM-DD.") from None
    try:
        start_day = date.fromisoformat(start) if start else end_day - timedelta(days=364)
    except ValueError:
        raise PeriodError(f"Start “{start}” is not a date: use YYYY-MM-DD.") from None
    if start_day > end_day:
        raise PeriodError("The start of the period is after its end.")
    if (end_day - start_day).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError("A period is at most three years.")
    if start_day.year < 2000 or end_day.year > 2100:
        raise PeriodError("Choose dates between 2000 and 2100.")
    return Period(start=start_day, end=end_day, tz=tz, now=now)
