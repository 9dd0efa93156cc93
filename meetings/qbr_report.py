"""The QBR as a client-facing PDF, through the same safe renderer and print rules as the roadmap PDF."""

from __future__ import annotations

from datetime import datetime

from alignment.selectors import TrendPoint, trend_chart
from msp.pdf import render_pdf

from .qbr import QbrContent, qbr_agenda


def qbr_pdf(content: QbrContent, *, meeting_on: datetime | None = None) -> bytes:
    """The QBR PDF: cover, goals, then every agenda section with the budget figures and the score trend."""
    b = content.budget
    points = [TrendPoint(review_id=None, label=label, value=value, completed_at=None)
              for label, value in content.alignment.trend]
    return render_pdf("reports/qbr_report.html", {
        "q": content, "agenda": qbr_agenda(content), "meeting_on": meeting_on,
        "budget_planned": content.money(b.planned), "budget_approved": content.money(b.approved),
        "budget_awaiting": content.money(b.awaiting),
        "trend_chart": trend_chart(points, title="Alignment score over time") if points else "",
    }, msp=content.client.msp)
