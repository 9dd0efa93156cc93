"""The roadmap PDF: a client-facing document of the three-year plan, stored as a client document.

`roadmap_report_data` gathers everything the report shows as plain values (the 12 quarters from the
client's current fiscal quarter, its initiatives and the budget rollups of budgets.selectors);
`roadmap_report_pdf` renders it through msp.pdf (WeasyPrint, data: URLs only, user text escaped by the
template engine and by `timeline_chart`). `ROADMAP_REPORT` plugs the PDF into the client-document
pipeline (clients.document_jobs: a background job renders, stores the edition or keeps the unchanged
newest one, publishes when asked); `roadmap_report_enqueue` starts it and `roadmap_report_make` renders
and stores in one go (the demo seed). See docs/roadmap-pdf.md.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from budgets.selectors import (
    APPROVED,
    NO_PRICE,
    InitiativePrice,
    budget_line_price,
    client_budget,
    client_horizon,
    initiative_prices,
)
from clients.choices import DocumentKind
from clients.document_jobs import (
    DocumentRenderer,
    Rendered,
    document_job_enqueue,
    document_render_store,
    document_renderer_register,
)
from clients.models import Client, Document
from msp.look import status_look
from msp.models import Job, Msp, User
from msp.money import format_money
from msp.pdf import render_pdf
from msp.quarters import Quarter

from .choices import InitiativeStatus
from .models import Initiative
from .selectors import roadmap_board
from .services import client_facing_titles_check

JOB_KIND = "roadmap_report"
TEMPLATE = "reports/roadmap_report.html"
ARCHIVED_CLIENT = "This client is archived; restore it before making documents."
# Declined and cancelled initiatives are counted in the summary but are not part of the plan shown.
NOT_IN_PLAN = (InitiativeStatus.DECLINED, InitiativeStatus.CANCELLED)
PLAN_STATUSES = tuple(s for s in InitiativeStatus.values if s not in NOT_IN_PLAN)
BIGGEST_ITEMS = 5


# --- the timeline chart ---------------------------------------------------------------------------------

# The same colours as the status badges on the pages (msp/look.py).
STATUS_COLOURS = {s: status_look(s)[0].fill for s in InitiativeStatus.values}
# Rows per chart: more than this would not fit on one A4 page, so the timeline continues in a second chart.
TIMELINE_ROWS_PER_CHART = 30


@dataclass(frozen=True)
class TimelineBar:
    """One initiative on the timeline: its label, first column (0-based quarter index) and width in quarters."""

    label: str
    column: int
    span: int
    status: str


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline_chart(bars: list[TimelineBar], quarters: list[Quarter], *, title: str,
                   width_mm: float = 168) -> SafeString:
    """A Gantt-like SVG: one row per initiative, a bar across the quarters it spans, the quarter columns
    grouped under their fiscal years. Every text is escaped here; the size is given in millimetres so
    WeasyPrint and browsers draw it the same."""
    width, left, right = 760, 212, 8
    title_h, fy_h, q_h, row_h, legend_h = 24, 18, 16, 20, 26
    columns = max(len(quarters), 1)
    col_w = (width - left - right) / columns
    top = title_h + fy_h + q_h
    height = top + max(len(bars), 1) * row_h + 6 + legend_h
    height_mm = width_mm * height / width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{_n(width_mm)}mm" '
        f'height="{_n(height_mm)}mm" role="img" aria-label="{escape(title)}" class="chart timeline" '
        f'font-family="DejaVu Sans,Arial,sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="15" font-size="13" font-weight="bold" fill="#212529">{escape(title)}</text>',
    ]

    def x(col: float) -> float:
        return left + col * col_w

    # Fiscal-year bands: a shaded header over their quarters, a stronger line where a year starts.
    groups: list[tuple[int, int, int]] = []  # (fiscal year, first column, count)
    for i, q in enumerate(quarters):
        if groups and groups[-1][0] == q.fiscal_year:
            fy, first, count = groups[-1]
            groups[-1] = (fy, first, count + 1)
        else:
            groups.append((q.fiscal_year, i, 1))
    bottom = top + max(len(bars), 1) * row_h
    for index, (fy, first, count) in enumerate(groups):
        fill = "#e7f1ff" if index % 2 == 0 else "#f8f9fa"
        parts.append(f'<rect x="{_n(x(first))}" y="{title_h}" width="{_n(count * col_w)}" height="{fy_h}" '
                     f'fill="{fill}" stroke="#dee2e6" stroke-width="0.5"/>')
        parts.append(f'<text x="{_n(x(first) + count * col_w / 2)}" y="{title_h + 13}" font-size="12" '
                     f'font-weight="bold" text-anchor="middle" fill="#212529">FY{fy}</text>')
        parts.append(f'<line x1="{_n(x(first))}" y1="{title_h}" x2="{_n(x(first))}" y2="{bottom}" '
                     'stroke="#6c757d" stroke-width="1"/>')
    for i, q in enumerate(quarters):
        parts.append(f'<text x="{_n(x(i) + col_w / 2)}" y="{title_h + fy_h + 12}" font-size="10.5" '
                     f'text-anchor="middle" fill="#495057">Q{q.number}</text>')
        if i and quarters[i - 1].fiscal_year == q.fiscal_year:
            parts.append(f'<line x1="{_n(x(i))}" y1="{title_h + fy_h}" x2="{_n(x(i))}" y2="{bottom}" '
                         'stroke="#dee2e6" stroke-width="0.75"/>')
    parts.append(f'<line x1="{_n(x(columns))}" y1="{title_h}" x2="{_n(x(columns))}" y2="{bottom}" '
                 'stroke="#6c757d" stroke-width="1"/>')
    parts.append(f'<line x1="0" y1="{top}" x2="{_n(x(columns))}" y2="{top}" stroke="#adb5bd" stroke-width="1"/>')
    for row, bar in enumerate(bars):
        y = top + row * row_h
        if row % 2:
            parts.append(f'<rect x="0" y="{y}" width="{_n(left - 4)}" height="{row_h}" fill="#f8f9fa"/>')
        parts.append(f'<text x="2" y="{y + 14}" font-size="11" fill="#212529">'
                     f"{escape(_clip(bar.label, 32))}</text>")
        colour = STATUS_COLOURS.get(bar.status, "#6c757d")
        parts.append(f'<rect x="{_n(x(bar.column) + 2)}" y="{y + 3}" width="{_n(bar.span * col_w - 4)}" '
                     f'height="{row_h - 6}" rx="3" fill="{colour}"><title>{escape(bar.label)}</title></rect>')
    if not bars:
        parts.append(f'<text x="{_n(x(columns / 2))}" y="{top + 13}" font-size="10" text-anchor="middle" '
                     'fill="#6c757d">Nothing is planned in these quarters yet.</text>')
    # Legend: the statuses that appear, in their usual order.
    present = [s for s in InitiativeStatus if any(b.status == s for b in bars)]
    lx, ly = 0.0, bottom + 6 + 14
    for status in present:
        parts.append(f'<rect x="{_n(lx)}" y="{ly - 9}" width="10" height="10" rx="2" '
                     f'fill="{STATUS_COLOURS[status]}"/>')
        parts.append(f'<text x="{_n(lx + 14)}" y="{ly}" font-size="9.5" fill="#495057">{escape(status.label)}</text>')
        lx += 24 + 6.2 * len(status.label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


# --- what the report shows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeRow:
    """An initiative as the report lists it, with its one price (budgets.selectors.InitiativePrice, shown
    by the include every page uses)."""

    title: str
    description: str
    status: str
    status_label: str
    category: str
    when: str
    price: InitiativePrice
    answers: list[str]


@dataclass(frozen=True)
class BudgetItemRow:
    """A budget line of no initiative as the report lists it: approved by the client, or awaiting them."""

    description: str
    when: str
    approved: bool
    price: InitiativePrice


@dataclass(frozen=True)
class QuarterSection:
    label: str
    start: date
    end: date
    initiatives: list[InitiativeRow]
    one_time: str
    recurring: str
    total: str


@dataclass(frozen=True)
class MoneyRow:
    label: str
    one_time: str
    recurring: str
    total: str


@dataclass(frozen=True)
class FiscalYearTable:
    label: str
    rows: list[MoneyRow]
    total: MoneyRow


@dataclass(frozen=True)
class RoadmapReport:
    msp_name: str
    currency: str
    client_name: str
    vcio_name: str
    generated_on: date
    first_label: str
    last_label: str
    first_day: date
    last_day: date
    initiative_count: int
    status_counts: list[tuple[str, int]]
    one_time_total: str
    recurring_total: str
    grand_total: str
    monthly_at_end: str
    approved_total: str
    proposed_total: str
    biggest: list[InitiativeRow]
    timeline_charts: list[SafeString]
    quarters: list[QuarterSection]
    backlog: list[InitiativeRow]
    budget_items: list[BudgetItemRow]
    fiscal_years: list[FiscalYearTable]


def _local_today(msp: Msp) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(msp.time_zone))


def _names(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def answers_of(initiative: Initiative) -> list[str]:
    """What an initiative answers, in words: its recommendations, business objectives and assets (from the
    prefetched links of roadmaps.selectors.client_initiatives)."""
    out = [f"Recommendation: {r.title}" for r in initiative.recommendations.all()]
    out += [f"Business objective: {o.title}" for o in initiative.objectives.all()]
    assets = [a.name for a in initiative.assets.all()]
    if assets:
        out.append(("Asset: " if len(assets) == 1 else "Assets: ") + _names(assets))
    return out


def _row(initiative: Initiative, when: str, price: InitiativePrice) -> InitiativeRow:
    return InitiativeRow(
        title=initiative.title, description=initiative.description.strip(), status=initiative.status,
        status_label=initiative.get_status_display(), category=initiative.get_category_display(), when=when,
        price=price, answers=answers_of(initiative))


def _money_row(label: str, rollup, currency: str) -> MoneyRow:
    return MoneyRow(label=label, one_time=format_money(rollup.one_time.price, currency),
                    recurring=format_money(rollup.recurring.price, currency),
                    total=format_money(rollup.total.price, currency))


def roadmap_report_data(*, client: Client, today: date | None = None) -> RoadmapReport:
    """Everything the roadmap PDF shows, as plain values: the 12 quarters from the client's current fiscal
    quarter. The budget figures are budgets.selectors.client_budget's, prices to the client; an
    initiative's price is budgets.selectors.initiative_prices', as on every page and in the portal."""
    msp = client.msp
    currency = msp.currency
    quarters = client_horizon(client=client, today=today)
    budget = client_budget(client=client, quarters=quarters)
    board = roadmap_board(client=client, quarters=quarters)
    prices = initiative_prices(budget=budget, initiatives=board.initiatives)
    last_label = quarters[-1].label

    placed = [p for p in board.placements if p.initiative.status in PLAN_STATUSES]
    backlog = [i for i in board.backlog if i.status in PLAN_STATUSES]
    counted = [p.initiative for p in board.placements] + list(board.backlog)
    by_status = Counter(i.status for i in counted)
    status_counts = [(s.label, by_status[s]) for s in InitiativeStatus if by_status[s]]

    rows = {p.initiative.pk: _row(p.initiative, p.label, prices.get(p.initiative.pk, NO_PRICE)) for p in placed}
    backlog_rows = [_row(i, "Not scheduled yet", prices.get(i.pk, NO_PRICE)) for i in backlog]
    sections = []
    for index, q in enumerate(quarters):
        starting = [rows[p.initiative.pk] for p in board.columns[index] if p.initiative.pk in rows]
        if not starting:
            continue
        rollup = budget.quarters[q]
        sections.append(QuarterSection(
            label=q.label, start=q.start, end=q.end, initiatives=starting,
            one_time=format_money(rollup.one_time.price, currency),
            recurring=format_money(rollup.recurring.price, currency),
            total=format_money(rollup.total.price, currency)))
    bars = [TimelineBar(label=p.initiative.title, column=p.column, span=p.span, status=p.initiative.status)
            for p in placed]
    chunks = [bars[i:i + TIMELINE_ROWS_PER_CHART] for i in range(0, len(bars), TIMELINE_ROWS_PER_CHART)] or [[]]
    charts = [timeline_chart(chunk, quarters, title="Roadmap timeline" + (
        f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else "")) for n, chunk in enumerate(chunks)]
    candidates = [r for r in [*rows.values(), *backlog_rows] if r.price.sort_key > 0]
    biggest = sorted(candidates, key=lambda r: (-r.price.sort_key, r.title))[:BIGGEST_ITEMS]

    # Budget lines of no initiative are decided by the client on their own (proposed until approved), so
    # the report names them: they make up the rest of the approved and awaiting figures.
    budget_items = [BudgetItemRow(
        description=line.description,
        when=line.start_label if line.kind == "one_time" else f"{line.start_label} – {line.end_label or last_label}",
        approved=line.budget_status == APPROVED, price=budget_line_price(line))
        for line in budget.lines if line.initiative_id is None and line.horizon_total]

    fiscal_years = []
    for label, rollup in budget.years.items():
        fy_rows = [_money_row(q.label, budget.quarters[q], currency) for q in quarters
                   if f"FY{q.fiscal_year}" == label]
        fiscal_years.append(FiscalYearTable(label=label, rows=fy_rows, total=_money_row(f"{label} total", rollup,
                                                                                        currency)))
    last = quarters[-1]
    total = budget.total
    return RoadmapReport(
        msp_name=msp.name,
        currency=currency,
        client_name=client.name,
        vcio_name=client.vcio.display_name if client.vcio else "",
        generated_on=today or _local_today(msp),
        first_label=quarters[0].label,
        last_label=last.label,
        first_day=quarters[0].start,
        last_day=last.end,
        initiative_count=len(counted),
        status_counts=status_counts,
        one_time_total=format_money(total.one_time.price, currency),
        recurring_total=format_money(total.recurring.price, currency),
        grand_total=format_money(total.total.price, currency),
        monthly_at_end=format_money(budget.quarters[last].recurring.price / 3, currency),
        # Both always shown (zero too) and they add up to the total: approved + awaiting = grand total.
        approved_total=format_money(total.approved, currency),
        proposed_total=format_money(total.proposed, currency),
        biggest=biggest,
        timeline_charts=charts,
        quarters=sections,
        backlog=backlog_rows,
        budget_items=budget_items,
        fiscal_years=fiscal_years,
    )


def roadmap_report_pdf(*, client: Client, today: date | None = None) -> bytes:
    return render_pdf(TEMPLATE, {"report": roadmap_report_data(client=client, today=today)}, msp=client.msp)


def report_title(client: Client, today: date | None = None) -> str:
    """The document's kind and period: the plan's first and last quarters."""
    quarters = client_horizon(client=client, today=today or _local_today(client.msp))
    return f"Technology roadmap and budget {quarters[0].label} – {quarters[-1].label}"


# --- the document pipeline (clients.document_jobs) ---------------------------------------------------------


def _check_client(client: Client) -> None:
    if client.is_archived:
        raise ValidationError(ARCHIVED_CLIENT)
    client_facing_titles_check(client=client)


def _render(client: Client, today: date | None = None) -> Rendered:
    return Rendered(title=report_title(client, today), content=roadmap_report_pdf(client=client, today=today))


# Registered in roadmaps.apps. The document's source is the client itself: a rendering is compared with
# the client's newest roadmap edition, and an unchanged one is kept instead of stored twice.
ROADMAP_REPORT = DocumentRenderer(
    kind=JOB_KIND,
    document_kind=DocumentKind.ROADMAP,
    load=lambda client_id: Client.objects.select_related("msp", "vcio").filter(pk=client_id).first(),
    client_of=lambda client: client,
    check=_check_client,
    render=_render,
    job_title=lambda client: f"Roadmap PDF: {client.name}",
    noun="roadmap",
    gathering="Gathering the roadmap and budget…",
    gone="The client no longer exists.",
)


def roadmap_report_make(*, client: Client, actor: User | None, publish: bool, today: date | None = None) -> Document:
    """Render and store in one go, in the caller's process (the demo seed); pages use the background job."""
    stored = document_render_store(kind=JOB_KIND, source=client, actor=actor, publish=publish,
                                   render=lambda c: _render(c, today))
    return stored.document


def roadmap_report_enqueue(*, client: Client, actor: User, publish: bool = False) -> Job:
    """Queue the rendering of the client's roadmap PDF; the job page (or GET /api/v1/jobs/{id}/) follows it.
    ValidationError (and no job) when the client is archived."""
    return document_job_enqueue(kind=JOB_KIND, client=client, source=client, actor=actor, publish=publish)


document_renderer_register(ROADMAP_REPORT)
