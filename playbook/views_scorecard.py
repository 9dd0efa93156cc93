"""Pages of the owner's scorecard (/ for the owner, /scorecard/): the figures, their drill-downs, the CSV
export, and the yearly practice self-assessment."""

from __future__ import annotations

import csv
import zoneinfo
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from msp.charts import guide_bar_chart
from msp.look import NONE, band_badge
from msp.permissions import require_perm
from msp.replica import replica_reads
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError

from . import services
from .assessment import GROUPS, QUESTIONS, assessment_period, data_answers
from .models import PracticeAssessment
from .periods import PeriodError, period_parse
from .scorecard import (
    FIGURE_BY_KEY,
    FIGURES,
    GUIDE_CLIENTS,
    RATING_LABELS,
    Scorecard,
    drilldown,
    scorecard_build,
)
from .selectors import playbook_vcios

STALE = ("This self-assessment was changed by someone else while you were answering. Nothing was saved. "
         "Reload the page to see their answers, then apply yours again.")


def _own_only(request) -> bool:
    return not can(request.role, Perm.VIEW_ALL_SCORECARD)


def _period(request):
    return period_parse(msp=request.msp, start=request.GET.get("start", "").strip(),
                        end=request.GET.get("end", "").strip())


def _bad_period(request, error: PeriodError):
    return render(request, "playbook/scorecard_bad_period.html",
                  {"error": str(error), "start": request.GET.get("start", ""), "end": request.GET.get("end", "")},
                  status=400)


def _charts(card: Scorecard):
    """A chart of the shares against their guides for the first column shown (the MSP, or the vCIO's own),
    and one of the clients each vCIO manages against 40."""
    column = card.columns[-1]
    shares = [(d.label, column.figures[d.key].value, _guide_value(d.key), column.figures[d.key].rating)
              for d in FIGURES if d.chart]
    charts = [guide_bar_chart(shares, title=f"{column.label}: shares against their guides")]
    vcios = [c for c in card.columns if c.vcio is not None]
    if vcios:
        books = [(c.label, c.figures["clients_managed"].value, GUIDE_CLIENTS, c.figures["clients_managed"].rating)
                 for c in vcios]
        top = max([GUIDE_CLIENTS * 1.5, *[float(b[1] or 0) for b in books]])
        charts.append(guide_bar_chart(books, title="Clients managed per vCIO (guide 40)", unit="", x_max=top))
    return charts


@dataclass(frozen=True)
class TableRow:
    """One figure's row of the table: its heading cells and, ready as HTML, a cell per column."""

    key: str
    label: str
    guide: str
    cells: SafeString


def scorecard_table(card: Scorecard, query: str) -> list[TableRow]:
    """The scorecard's table as rows of finished cells: each value (linked to the clients behind it, or to the
    survey results), its rating badge and its detail. Built here in one pass, not by the template engine cell
    by cell (a large MSP's table has hundreds of cells); every text from the data is escaped."""
    survey_url = reverse("survey_results")
    figure_url = reverse("scorecard_figure", args=["KEY"])  # the same route for every figure, its key in the path
    query = escape(query)
    keys = [escape(column.key) for column in card.columns]
    surveys = [f"{survey_url}?vcio={column.vcio.pk}" if column.vcio else survey_url for column in card.columns]
    badges = {band: f'\n<span class="badge sc-rating {band_badge(band)}">{label}</span>'
              for band, label in RATING_LABELS.items() if band != NONE}
    rows = []
    for d, figures in card.rows():
        link = f"{figure_url.replace('KEY', d.key)}?{query}&amp;vcio="
        drillable, survey = d.drillable, d.family == "survey"
        cells = []
        for index, (_, figure) in enumerate(figures):
            band, shown = figure.rating, escape(figure.display)
            if drillable:
                value = f'<a href="{link}{keys[index]}" class="sc-value fw-semibold">{shown}</a>'
            elif survey and figure.value is not None:
                value = (f'<a href="{surveys[index]}" class="sc-value fw-semibold" title="The survey results behind '
                         f'this figure">{shown}</a>')
            else:
                value = f'<span class="sc-value fw-semibold">{shown}</span>'
            detail = f'\n<div class="small text-body-secondary">{escape(figure.detail)}</div>' if figure.detail else ""
            cells.append(f'<td class="text-end" data-column="{index}" data-rating="{band}">{value}'
                         f'{badges.get(band, "")}{detail}</td>')
        rows.append(TableRow(key=d.key, label=d.label, guide=d.guide,
                             cells=mark_safe("\n".join(cells))))  # noqa: S308 - every text is escaped above
    return rows


def _guide_value(key: str):
    green = settings.SCORECARD_RATINGS.get(key, {}).get("green")
    if green is None:
        return None
    return green[0] if green[0] is not None else green[1]


@require_perm(Perm.VIEW_SCORECARD)
@require_GET
def scorecard(request):
    try:
        period = _period(request)
    except PeriodError as error:
        return _bad_period(request, error)
    with replica_reads(request.msp.pk):
        card = scorecard_build(msp=request.msp, period=period,
                               only_vcio=request.user if _own_only(request) else None)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return render(request, "playbook/scorecard.html", {
        "card": card, "table": scorecard_table(card, query), "period": period, "query": query, "charts": _charts(card),
        "can_assess": can(request.role, Perm.ASSESS_PRACTICE)})


@require_perm(Perm.VIEW_SCORECARD)
@require_GET
def scorecard_figure(request, figure: str):
    """The clients behind one figure: ?vcio=<user id> or all (the MSP), and the period."""
    key = figure
    if key not in FIGURE_BY_KEY:
        raise Http404
    try:
        period = _period(request)
    except PeriodError as error:
        return _bad_period(request, error)
    wanted = request.GET.get("vcio", "all")
    if wanted == "all":
        if _own_only(request):
            raise Http404
        vcio = None
    else:
        if not wanted.isdigit():
            raise Http404
        if _own_only(request) and int(wanted) != request.user.pk:
            raise Http404
        vcio = playbook_vcios(msp=request.msp).filter(pk=int(wanted)).first()
        if vcio is None:
            raise Http404
    try:
        data = drilldown(msp=request.msp, period=period, key=key, vcio_id=vcio.pk if vcio else None)
    except KeyError:
        raise Http404 from None
    card = scorecard_build(msp=request.msp, period=period, only_vcio=vcio)
    shown = card.columns[-1].figures[key] if vcio is None else card.columns[0].figures[key]
    page = Paginator(data.clients, 50).get_page(request.GET.get("page"))
    rows = [(c, data.cells(c), data.meets(c)) for c in page]
    return render(request, "playbook/scorecard_figure.html", {
        "data": data, "figure": shown, "vcio": vcio, "period": period, "page": page, "rows": rows,
        "back": urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})})


@require_perm(Perm.VIEW_SCORECARD)
@require_GET
def scorecard_csv(request):
    try:
        period = _period(request)
    except PeriodError as error:
        return _bad_period(request, error)
    with replica_reads(request.msp.pk):
        card = scorecard_build(msp=request.msp, period=period,
                               only_vcio=request.user if _own_only(request) else None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scorecard-{period.start}-{period.end}.csv"'
    writer = csv.writer(response)
    writer.writerow(["figure", "guide", *[f"{c.label} {part}" for c in card.columns
                                           for part in ("value", "detail", "rating")]])
    for d, figures in card.rows():
        writer.writerow([d.label, d.guide, *[part for _, f in figures for part in (f.display, f.detail, f.rating)]])
    return response


def _year(request) -> int:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.msp.time_zone))
    raw = request.GET.get("year", "")
    if not raw:
        return today.year
    if not raw.isdigit() or not 2000 <= int(raw) <= today.year:
        raise Http404
    return int(raw)


@require_perm(Perm.ASSESS_PRACTICE)
def assessment(request):
    """The yearly self-assessment (?year=YYYY, this year by default), with the past years beside it."""
    year = _year(request)
    saved = PracticeAssessment.objects.filter(year=year).first()
    data = data_answers(msp=request.msp, year=year)
    past = list(PracticeAssessment.objects.exclude(year=year).order_by("-year")[:4])
    errors: list[str] = []
    if request.method == "POST":
        answers = {}
        for q in QUESTIONS:
            raw = request.POST.get(q.key, "")
            if raw in ("yes", "no"):
                answers[q.key] = raw == "yes"
        version = request.POST.get("version", "")
        try:
            services.assessment_save(
                msp=request.msp, year=year, actor=request.user, answers=answers,
                evidence={k: a.evidence for k, a in data.items()}, notes=request.POST.get("notes", ""),
                expected_version=int(version) if version.isdigit() else None)
        except StaleVersionError:
            errors.append(STALE)
        except ValidationError as exc:
            errors.extend(m for ms in exc.message_dict.values() for m in ms)
        else:
            messages.success(request, f"Self-assessment {year} saved.")
            return redirect(f"{reverse('assessment')}?year={year}")
    chosen = dict(saved.answers) if saved else {}
    if request.method == "POST":
        chosen = {q.key: request.POST.get(q.key) == "yes" for q in QUESTIONS if request.POST.get(q.key)}
    groups = []
    for group, title in GROUPS:
        items = []
        for q in QUESTIONS:
            if q.group != group:
                continue
            answer = chosen.get(q.key, data[q.key].answer if q.key in data else None)
            items.append({"q": q, "data": data.get(q.key), "answer": answer,
                          "past": [(p.year, p.answers.get(q.key)) for p in past]})
        groups.append((title, items))
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.msp.time_zone))
    return render(request, "playbook/assessment.html", {
        "year": year, "saved": saved, "groups": groups, "past": past, "errors": errors,
        "period": assessment_period(msp=request.msp, year=year), "years": range(today.year, today.year - 5, -1),
        "yes_count": sum(1 for items in groups for i in items[1] if i["answer"] is True),
        "notes": request.POST.get("notes", saved.notes if saved else "")})
