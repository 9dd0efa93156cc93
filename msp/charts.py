"""Server-side SVG charts, the same markup in pages and PDFs (no JavaScript, no external files)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# Text is measured the way a renderer would lay it out in DejaVu Sans / Arial: about 0.6 em per character,
# 0.8 em above the baseline and 0.25 em below. Value labels keep LABEL_GAP px clear of axis tick labels.
CHAR_EM, ASCENT_EM, DESCENT_EM, LABEL_GAP = 0.6, 0.8, 0.25, 4


def text_width(text: str, size: float) -> float:
    return len(str(text)) * size * CHAR_EM


def line_chart(points: Sequence[tuple[str, Decimal | float | None]], *, title: str, y_max: float = 100,
               width: int = 640, height: int = 240, unit: str = "") -> SafeString:
    """A line of values over labelled points (e.g. scores by review date). None leaves a gap."""
    left, right, top, bottom = 44, 40, 28, 40  # room for a centred date label at either end
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)
    # The points stand in from the y axis by half the widest value label and a gap, so no value label
    # reaches the axis's tick labels (which end 6 px left of the axis).
    widest = max((text_width(escape(v), 10) for _, v in points if v is not None), default=0)
    inset = min(plot_w / 4, widest / 2 + LABEL_GAP)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else inset + (plot_w - 2 * inset) * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - float(v) / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart chart-line" '
        f'font-family="DejaVu Sans,Arial,sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]
    for step in range(0, 5):
        value = y_max * step / 4
        yy = y(value)
        parts.append(f'<line x1="{left}" y1="{_num(yy)}" x2="{width - right}" y2="{_num(yy)}" '
                     'stroke="#dee2e6" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{_num(yy + 4)}" font-size="10" text-anchor="end" '
                     f'fill="#6c757d">{_num(value)}{escape(unit)}</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_num(x(i))},{_num(y(float(value)))}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="2.5" points="{" ".join(seg)}"/>')
    for i, (label, value) in enumerate(points):
        parts.append(f'<text class="tick" x="{_num(x(i))}" y="{height - bottom + 16}" font-size="10" '
                     f'text-anchor="middle" fill="#495057">{escape(label)}</text>')
        if value is not None:
            parts.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(float(value)))}" r="4" fill="{PALETTE[0]}">'
                         f"<title>{escape(label)}: {escape(value)}{escape(unit)}</title></circle>")
            # Above the point; below it when above would run into the title over the plot.
            above = y(float(value)) - 8
            label_y = above if above - 10 * ASCENT_EM >= top - 6 else y(float(value)) + 16
            parts.append(f'<text class="value" x="{_num(x(i))}" y="{_num(label_y)}" font-size="10" '
                         f'text-anchor="middle" fill="#212529">{escape(value)}</text>')
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" font-size="12" text-anchor="middle" '
                     'fill="#6c757d">No data yet</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 4, 5, 8 or 10 times a power of ten that is at least `value` (1 for nothing).

    Four equal steps of such a maximum are round numbers (0.25, 0.5, 1, 1.25, 2 or 2.5 times a power of ten).
    """
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for multiple in (1, 2, 4, 5, 8, 10):
        if value <= multiple * power * (1 + 1e-12):
            return multiple * power
    return 10 * power


def _plain_number(value: Decimal) -> str:
    return f"{value:,.0f}"


def stacked_bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | float]]], *,
                      title: str, width: int = 720, height: int = 260,
                      money_format: Callable[[Decimal], str] | None = None) -> SafeString:
    """One bar per category (e.g. a quarter label), the series stacked bottom-up in order, with a legend.

    The y axis runs from 0 to a round maximum (`nice_max` of the highest bar) in four steps. Negative values
    count as 0. `money_format` turns a Decimal into axis and tooltip text (default: whole numbers with
    thousands separators). The SVG has explicit width and height attributes and no `height:auto`, so
    WeasyPrint sizes it like any image; pages may scale it down with CSS.
    """
    fmt = money_format or _plain_number
    left, right, top, bottom = 72, 16, 30, 52  # room for axis values, the title, two-line labels and the legend
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(categories)
    columns = [[max(Decimal(str(values[i])), Decimal(0)) for _, values in series] for i in range(n)]
    totals = [sum(column, Decimal(0)) for column in columns]
    y_max = nice_max(float(max(totals, default=Decimal(0))))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart chart-stacked" '
        f'font-family="DejaVu Sans,Arial,sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]
    for step in range(5):
        value = y_max * step / 4
        yy = y(value)
        parts.append(f'<line x1="{left}" y1="{_num(yy)}" x2="{width - right}" y2="{_num(yy)}" '
                     f'stroke="{"#adb5bd" if step == 0 else "#dee2e6"}" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{_num(yy + 4)}" font-size="10" text-anchor="end" '
                     f'fill="#6c757d">{escape(fmt(Decimal(str(value))))}</text>')
    band = plot_w / n if n else plot_w
    bar_w = band * 0.6
    for i, label in enumerate(categories):
        x = left + band * i + (band - bar_w) / 2
        base = 0.0
        for s, (name, _) in enumerate(series):
            value = columns[i][s]
            if value <= 0:
                continue
            y_top, y_bottom = y(base + float(value)), y(base)
            base += float(value)
            parts.append(
                f'<rect class="bar" data-series="{s}" x="{_num(x)}" y="{_num(y_top)}" width="{_num(bar_w)}" '
                f'height="{_num(y_bottom - y_top)}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(label)} · {escape(name)}: {escape(fmt(value))}</title></rect>")
        centre = _num(left + band * i + band / 2)
        words = str(label).rsplit(" ", 1)
        if len(words) == 2 and len(str(label)) * 6 > band:  # too wide for its band: two lines
            parts.append(f'<text x="{centre}" y="{top + plot_h + 14}" font-size="10" text-anchor="middle" '
                         f'fill="#495057"><tspan x="{centre}">{escape(words[0])}</tspan>'
                         f'<tspan x="{centre}" dy="12">{escape(words[1])}</tspan></text>')
        else:
            parts.append(f'<text x="{centre}" y="{top + plot_h + 14}" font-size="10" text-anchor="middle" '
                         f'fill="#495057">{escape(label)}</text>')
    legend_x = float(left)
    for s, (name, _) in enumerate(series):
        parts.append(f'<rect class="legend" x="{_num(legend_x)}" y="{height - 16}" width="10" height="10" '
                     f'fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{_num(legend_x + 14)}" y="{height - 7}" font-size="10" fill="#212529">'
                     f"{escape(name)}</text>")
        legend_x += 14 + 6.5 * len(str(name)) + 18
    if not n or not any(totals):
        parts.append(f'<text x="{_num(left + plot_w / 2)}" y="{_num(top + plot_h / 2)}" font-size="12" '
                     'text-anchor="middle" fill="#6c757d">No data yet</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


RATING_COLOURS = {"green": "#198754", "amber": "#fd7e14", "red": "#dc3545", "none": "#adb5bd"}


def guide_bar_chart(rows: Sequence[tuple[str, Decimal | float | None, Decimal | float | None, str]], *,
                    title: str, width: int = 720, unit: str = " %", x_max: float = 100) -> SafeString:
    """One horizontal bar per row (label, value, guide, rating): the bar coloured by its rating (green,
    amber, red, none), a dark tick at the guide, the value written after the bar. None draws no bar."""
    left, right, top, row_h = 250, 60, 30, 24
    height = top + row_h * len(rows) + 24
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + plot_w * min(max(float(v), 0.0), x_max) / x_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart chart-guide" '
        f'font-family="DejaVu Sans,Arial,sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]
    for step in range(5):
        value = x_max * step / 4
        xx = _num(x(value))
        parts.append(f'<line x1="{xx}" y1="{top - 4}" x2="{xx}" y2="{height - 20}" stroke="#dee2e6"/>')
        parts.append(f'<text class="tick" x="{xx}" y="{height - 6}" font-size="10" text-anchor="middle" '
                     f'fill="#6c757d">{_num(value)}{escape(unit)}</text>')
    for i, (label, value, guide, rating) in enumerate(rows):
        y = top + row_h * i
        parts.append(f'<text x="{left - 8}" y="{y + 15}" font-size="11" text-anchor="end" fill="#212529">'
                     f"{escape(label)}</text>")
        if value is not None:
            colour = RATING_COLOURS.get(rating, RATING_COLOURS["none"])
            parts.append(f'<rect class="bar" data-rating="{escape(rating)}" x="{left}" y="{y + 4}" '
                         f'width="{_num(x(value) - left)}" height="{row_h - 8}" fill="{colour}">'
                         f"<title>{escape(label)}: {escape(value)}{escape(unit)}</title></rect>")
            text = f"{escape(value)}{escape(unit)}"
            label_x = x(value) + LABEL_GAP
            if guide is not None and label_x - LABEL_GAP <= x(guide) <= label_x + text_width(text, 10) + LABEL_GAP:
                label_x = x(guide) + LABEL_GAP + 1  # past the guide's tick, never across it
            parts.append(f'<text class="value" x="{_num(label_x)}" y="{y + 15}" font-size="10" fill="#212529">'
                         f"{text}</text>")
        else:
            parts.append(f'<text x="{left + 4}" y="{y + 15}" font-size="10" fill="#6c757d">no data</text>')
        if guide is not None:
            gx = _num(x(guide))
            parts.append(f'<line class="guide" x1="{gx}" y1="{y + 1}" x2="{gx}" y2="{y + row_h - 1}" '
                         f'stroke="#212529" stroke-width="2"><title>guide {escape(guide)}{escape(unit)}</title></line>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
