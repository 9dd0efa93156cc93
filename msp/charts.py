"""Server-side SVG charts, the same markup in pages and PDFs (no JavaScript, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(points: Sequence[tuple[str, Decimal | float | None]], *, title: str, y_max: float = 100,
               width: int = 640, height: int = 240, unit: str = "") -> SafeString:
    """A line of values over labelled points (e.g. scores by review date). None leaves a gap."""
    left, right, top, bottom = 44, 40, 28, 40  # room for a centred date label at either end
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - float(v) / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="chart" '
        f'style="max-width:100%;height:auto;font-family:DejaVu Sans,Arial,sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]
    for step in range(0, 5):
        value = y_max * step / 4
        yy = y(value)
        parts.append(f'<line x1="{left}" y1="{_num(yy)}" x2="{width - right}" y2="{_num(yy)}" '
                     'stroke="#dee2e6" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{_num(yy + 4)}" font-size="10" text-anchor="end" '
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
        parts.append(f'<text x="{_num(x(i))}" y="{height - bottom + 16}" font-size="10" text-anchor="middle" '
                     f'fill="#495057">{escape(label)}</text>')
        if value is not None:
            parts.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(float(value)))}" r="4" fill="{PALETTE[0]}">'
                         f"<title>{escape(label)}: {escape(value)}{escape(unit)}</title></circle>")
            parts.append(f'<text x="{_num(x(i))}" y="{_num(y(float(value)) - 8)}" font-size="10" '
                         f'text-anchor="middle" fill="#212529">{escape(value)}</text>')
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" font-size="12" text-anchor="middle" '
                     'fill="#6c757d">No data yet</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
