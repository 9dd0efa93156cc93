"""The survey's SVG charts (msp.charts): share of answers on target by year, and the average per question."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString

from msp.charts import line_chart, stacked_bar_chart

from .selectors import YearFigures


def trend_chart(years: list[YearFigures], *, title: str = "Answers of 8 or more, by year") -> SafeString:
    """Oldest year first, the share of answers on target (percent)."""
    points = [(str(y.year), y.share_on_target) for y in sorted(years, key=lambda y: y.year)]
    return line_chart(points, title=title, y_max=100, unit="%")


def questions_chart(year: YearFigures) -> SafeString:
    """One bar per question: its average score (out of 10)."""
    labels = [f"Q{q.position}" for q in year.questions]
    values = [q.average or Decimal(0) for q in year.questions]
    return stacked_bar_chart(labels, [("Average score", values)], title=f"Average score per question, {year.year}",
                             money_format=lambda d: f"{d:.1f}".rstrip("0").rstrip("."))
