"""The owner's scorecard: is the vCIO practice working? Figures for the MSP and for each vCIO over a period,
each against its guide and rated red, amber or green (docs/scorecard.md defines every figure).

Every figure family is one aggregate query grouped by the client's vCIO, so the scorecard costs the same
number of queries for 3 clients or 400, for one vCIO or ten. The MSP column is the sum of the groups
(clients without a vCIO count there only). The same annotated querysets give the drill-down lists.
No figure is a sales figure ranking vCIOs: non-recurring value is judged against the vCIO's own book.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Round

from alignment.choices import RecommendationStatus, ReviewStatus
from alignment.models import Recommendation, Review
from budgets.choices import LineDecision, LineKind
from budgets.models import BudgetLine, BudgetVersion
from budgets.selectors import APPROVED_STATUSES, unit_price_expression
from clients.choices import ClientStatus
from clients.models import Client
from clients.profile import current_profile_filter
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from msp.look import AMBER, GREEN, NONE, RED
from msp.models import Activity, Msp, User
from msp.money import format_money
from roadmaps.models import Initiative
from surveys import selectors as survey_selectors

from .choices import DEFAULT_OBJECTIVES, Pace
from .models import Objective
from .periods import Period
from .scorecard_sql import (
    FLAGS,
    ROADMAP_PRESENTED,
    churn_by_vcio,
    managed_by_vcio,
    meetings_by_vcio,
    nonrecurring_by_vcio,
    recommendations_by_vcio,
)
from .selectors import ACTIVITIES, expected_to_date, monthly_counts, pace_of, playbook_vcios, year_fraction

GUIDE_CLIENTS = 40
GUIDE_MRR = Decimal("120000")
NONRECURRING_GUIDE = Decimal("30")  # approved one-time value a month, as a % of the MRR managed
HUNDRED = Decimal(100)
ONE = Decimal("0.1")

RATING_LABELS = {GREEN: "On guide", AMBER: "Near guide", RED: "Off guide", NONE: "No guide"}


# --- rating -----------------------------------------------------------------------------------------------

def rating(key: str, value: Decimal | int | None) -> str:
    """The one rule: green inside the figure's green band, amber inside its amber band, red outside both.

    Bands are `settings.SCORECARD_RATINGS[key]` = {"green": (low, high), "amber": (low, high)}, both ends
    included, None for no end. A figure without bands, or without a value, has no rating.
    """
    bands = settings.SCORECARD_RATINGS.get(key)
    if bands is None or value is None:
        return NONE

    def inside(band) -> bool:
        low, high = band
        return (low is None or value >= low) and (high is None or value <= high)

    if inside(bands["green"]):
        return GREEN
    if inside(bands["amber"]):
        return AMBER
    return RED


# --- figures ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    guide: str
    family: str  # which drill-down lists its clients
    chart: bool = False  # shown in the chart of shares

    @property
    def drillable(self) -> bool:
        """Whether the figure lists the clients behind it (playbook pace and the survey have no client list)."""
        return self.family not in {"playbook", "survey"}


FIGURES = [
    FigureDef("clients_managed", "Clients managed", f"{GUIDE_CLIENTS} per vCIO (35–45)", "clients"),
    FigureDef("mrr_managed", "MRR managed", "$120,000 per vCIO", "clients"),
    FigureDef("clients_churned", "Clients churned", "5 % or less of the book", "churn"),
    FigureDef("mrr_churned", "MRR churned", "5 % or less of the MRR", "churn"),
    FigureDef("churned_last_score", "Churned clients' last alignment score", "for reading, no guide", "churn"),
    FigureDef("churned_missed", "Churned clients' missed meetings", "for reading, no guide", "churn"),
    FigureDef("alignment_score", "Average latest alignment score", "75 or more", "clients", chart=True),
    FigureDef("alignment_trend", "Alignment score trend", "rising (0 or more points)", "clients"),
    FigureDef("step_pre_planning", "Pre-planning meeting held", "90 % of clients", "clients", chart=True),
    FigureDef("step_review", "Alignment review completed", "90 % of clients", "clients", chart=True),
    FigureDef("step_roadmap", "Roadmap presented", "90 % of clients", "clients", chart=True),
    FigureDef("step_budget", "Budget presented", "90 % of clients", "clients", chart=True),
    FigureDef("step_strategy", "Strategy meeting held", "90 % of clients", "clients", chart=True),
    FigureDef("step_quarterly", "Quarterly reviews kept", "90 % of clients", "clients", chart=True),
    FigureDef("roadmap_and_budget", "Roadmap and budget presented in the last 12 months", "90 % of clients",
              "clients", chart=True),
    FigureDef("meetings_held", "Meetings held of those scheduled", "90 % or more", "meetings", chart=True),
    FigureDef("meetings_missed", "Meetings missed", "5 % or less of those scheduled", "meetings"),
    FigureDef("decision_makers", "Meetings a decision maker attended", "80 % or more", "meetings", chart=True),
    FigureDef("business_knowledge", "Business profile current", "80 % of clients", "clients", chart=True),
    FigureDef("playbook_pace", "Playbook activities on pace", "5 of 6 or more", "playbook", chart=True),
    FigureDef("survey_satisfied", "Survey answers of 8 or more", "80 % or more", "survey"),
    FigureDef("survey_response", "Survey response rate", "30 % or more", "survey"),
    FigureDef("nonrecurring", "Approved non-recurring value a month", "30 % of MRR", "nonrecurring",
              chart=True),
    FigureDef("recommendations_implemented", "Recommendations implemented", "50 % or more",
              "recommendations", chart=True),
]
FIGURE_BY_KEY = {f.key: f for f in FIGURES}
NO_SURVEY = "No survey yet"


class Figure(NamedTuple):
    """One figure of one column (a tuple: the table has hundreds of them)."""

    key: str
    label: str
    guide: str
    value: Decimal | int | None  # what is rated
    display: str
    detail: str = ""

    @property
    def rating(self) -> str:
        return rating(self.key, self.value)

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]

    @property
    def drillable(self) -> bool:
        return FIGURE_BY_KEY[self.key].drillable


@dataclass
class Column:
    """One column of the scorecard: a vCIO's, or the MSP's (vcio None)."""

    vcio: User | None
    label: str
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.vcio.pk) if self.vcio else "all"


@dataclass(frozen=True)
class Scorecard:
    period: Period
    columns: list[Column]
    vcio_count: int

    def rows(self) -> list[tuple[FigureDef, list[tuple[Column, Figure]]]]:
        return [(d, [(c, c.figures[d.key]) for c in self.columns]) for d in FIGURES]


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole in percent, one decimal; None when there is nothing to share."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE, rounding=ROUND_HALF_UP)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value} %"


# --- the querysets behind the figures (also the drill-downs) ----------------------------------------------

def _held(period: Period, kind: str) -> Exists:
    return Exists(Meeting.objects.filter(client=OuterRef("pk"), kind=kind, status=MeetingStatus.HELD,
                                         starts_at__gte=period.start_at, starts_at__lt=period.end_at))


def _missed_q(period: Period) -> tuple[Q, ExpressionWrapper]:
    """Missed: marked missed, or still planned after its end (as Meeting.is_missed). The filter reads the
    `_ends` annotation, which is the second item."""
    ends = ExpressionWrapper(F("starts_at") + F("duration_minutes") * timedelta(minutes=1),
                             output_field=DateTimeField())
    return Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.PLANNED, _ends__lte=period.now), ends


def _client_meetings(period: Period) -> QuerySet[Meeting]:
    """Client meetings due in the period (up to now), not cancelled, with `_ends` annotated."""
    _, ends = _missed_q(period)
    return (Meeting.objects.exclude(kind=MeetingKind.STEERING).exclude(status=MeetingStatus.CANCELLED)
            .filter(starts_at__gte=period.start_at, starts_at__lt=period.until).annotate(_ends=ends))


def _score(period: Period, offset: int) -> Subquery:
    reviews = (Review.objects.filter(client=OuterRef("pk"), status=ReviewStatus.COMPLETED, score__isnull=False,
                                     completed_at__lt=period.end_at).order_by("-completed_at", "-pk"))
    return Subquery(reviews.values("score")[offset:offset + 1],
                    output_field=DecimalField(max_digits=4, decimal_places=1))


def managed_clients(period: Period) -> QuerySet[Client]:
    """Clients managed at the end of the period (not archived, created by then, not churned by then), each
    annotated with the yearly steps done in the period and its latest alignment scores."""
    qs = Client.objects.filter(archived_at__isnull=True, created_at__lt=period.end_at).exclude(
        status=ClientStatus.CHURNED, churn_date__lte=period.end)
    missed, ends = _missed_q(period)
    qbrs = _client_meetings(period).filter(client=OuterRef("pk"), kind=MeetingKind.QBR)
    roadmap_q = Q(kind=ROADMAP_PRESENTED, client_id=OuterRef("pk"))
    return qs.annotate(
        step_pre_planning=_held(period, MeetingKind.PRE_PLANNING),
        step_review=Exists(Review.objects.filter(client=OuterRef("pk"), status=ReviewStatus.COMPLETED,
                                                 completed_at__gte=period.start_at, completed_at__lt=period.end_at)),
        step_roadmap=Exists(Activity.objects.filter(roadmap_q, occurred_at__gte=period.start_at,
                                                    occurred_at__lt=period.end_at)),
        step_budget=Exists(BudgetVersion.objects.filter(client=OuterRef("pk"), presented_at__gte=period.start_at,
                                                        presented_at__lt=period.end_at)),
        step_strategy=_held(period, MeetingKind.STRATEGY),
        qbr_held=Exists(qbrs.filter(status=MeetingStatus.HELD)),
        qbr_missed=Exists(qbrs.filter(missed)),
        roadmap_12m=Exists(Activity.objects.filter(roadmap_q, occurred_at__gte=period.last_12_months_start,
                                                   occurred_at__lt=period.end_at)),
        budget_12m=Exists(BudgetVersion.objects.filter(client=OuterRef("pk"),
                                                       presented_at__gte=period.last_12_months_start,
                                                       presented_at__lt=period.end_at)),
        latest_score=_score(period, 0),
        previous_score=_score(period, 1),
    ).annotate(
        step_quarterly=Q(qbr_held=True, qbr_missed=False),
        roadmap_and_budget=Q(roadmap_12m=True, budget_12m=True),
        business_knowledge=current_profile_filter(now=period.end_at),
    )


def churned_clients(period: Period) -> QuerySet[Client]:
    """Clients that churned in the period, with their last alignment score and meetings missed in it."""
    missed, _ = _missed_q(period)
    missed_count = (_client_meetings(period).filter(missed, client=OuterRef("pk")).order_by()
                    .values("client").annotate(n=Count("pk")).values("n"))
    return Client.objects.filter(status=ClientStatus.CHURNED, churn_date__gte=period.start,
                                 churn_date__lte=period.end).annotate(
        latest_score=_score(period, 0),
        missed=Coalesce(Subquery(missed_count, output_field=IntegerField()), 0))


def client_meetings(period: Period) -> QuerySet[Meeting]:
    missed, _ = _missed_q(period)
    return _client_meetings(period).annotate(is_missed=missed)


def approved_one_time_lines(period: Period) -> QuerySet[BudgetLine]:
    """One-time budget lines the client approved in the period (a line of an initiative when its initiative
    was approved, else the line's own decision), each with its price (quantity x unit price)."""
    in_period = {"gte": period.start_at, "lt": period.end_at}
    own = Q(initiative__isnull=True, decision=LineDecision.APPROVED, decided_at__gte=in_period["gte"],
            decided_at__lt=in_period["lt"])
    of_initiative = Q(initiative__isnull=False, initiative__archived_at__isnull=True,
                      initiative__status__in=list(APPROVED_STATUSES),
                      initiative__decided_at__gte=in_period["gte"], initiative__decided_at__lt=in_period["lt"])
    return (BudgetLine.objects.filter(own | of_initiative, kind=LineKind.ONE_TIME, archived_at__isnull=True)
            .annotate(price=ExpressionWrapper(Round(F("quantity") * unit_price_expression(), 2),
                                              output_field=DecimalField(max_digits=16, decimal_places=2))))


def period_recommendations(period: Period) -> QuerySet[Recommendation]:
    """Recommendations made in the period, each marked implemented when it became an approved (or later)
    initiative or was marked done."""
    acted = Initiative.objects.filter(recommendations=OuterRef("pk"), archived_at__isnull=True,
                                      status__in=list(APPROVED_STATUSES))
    return (Recommendation.objects.filter(archived_at__isnull=True, created_at__gte=period.start_at,
                                          created_at__lt=period.end_at)
            .annotate(implemented=Q(status=RecommendationStatus.DONE) | Exists(acted)))


# --- the figures by vCIO (the families' statements are in scorecard_sql.py) ---------------------------------

def _total(groups: dict[int | None, dict], name: str):
    return sum((row[name] or 0 for row in groups.values()), 0)


def _weighted_avg(groups, avg_name: str, n_name: str, ids) -> Decimal | None:
    rows = [groups[i] for i in ids if i in groups and groups[i][n_name]]
    n = sum(r[n_name] for r in rows)
    if not n:
        return None
    return (sum(Decimal(r[avg_name]) * r[n_name] for r in rows) / n).quantize(ONE, rounding=ROUND_HALF_UP)


def survey_figures(*, msp: Msp, period: Period, vcio_ids: list[int]) -> dict | None:
    """The survey part of the scorecard (surveys/selectors.py): per vCIO and for the MSP (key None), whole
    numbers of answers given, of them 8 or more, invitations sent in the period and of them answered; None
    when no survey went out in the period ("No survey yet")."""
    return survey_selectors.scorecard_survey_figures(msp_id=msp.pk, start_at=period.start_at,
                                                     end_at=period.end_at, vcio_ids=vcio_ids)


def _playbook_pace(*, msp: Msp, period: Period, vcios: list[User]) -> dict[int, tuple[int, int]]:
    """{vcio id: (activities on pace or ahead, activities)} in the year of the period's end, to its end."""
    year = period.end.year
    as_of = min(period.end, period.now.astimezone(period.tz).date())
    counts = monthly_counts(msp=msp, year=year, vcios=vcios)
    saved: dict[int, dict[str, int]] = {}
    for vcio_id, activity, annual in Objective.objects.filter(year=year, vcio__in=vcios).values_list(
            "vcio_id", "activity", "annual"):
        saved.setdefault(vcio_id, {})[activity] = annual
    fraction = year_fraction(year, as_of)
    out = {}
    for vcio in vcios:
        objectives, actuals = saved.get(vcio.pk, {}), counts.get(vcio.pk, {})
        done = sum(pace_of(sum(actuals.get(a.value, ())),
                           expected_to_date(objectives.get(a.value, DEFAULT_OBJECTIVES[a]), fraction))
                   in (Pace.ON_PACE, Pace.AHEAD) for a in ACTIVITIES)
        out[vcio.pk] = (done, len(ACTIVITIES))
    return out


def scorecard_build(*, msp: Msp, period: Period, only_vcio: User | None = None) -> Scorecard:
    """The scorecard: one column per vCIO and one for the MSP, or only `only_vcio`'s column."""
    vcios = list(playbook_vcios(msp=msp))
    if only_vcio is not None:
        vcios = [v for v in vcios if v.pk == only_vcio.pk] or [only_vcio]
    ids = [v.pk for v in vcios]
    currency = msp.currency

    managed = managed_by_vcio(msp=msp, period=period)
    churn = churn_by_vcio(msp=msp, period=period)
    meetings = meetings_by_vcio(msp=msp, period=period)
    nonrecurring = nonrecurring_by_vcio(msp=msp, period=period)
    recommendations = recommendations_by_vcio(msp=msp, period=period)
    pace = _playbook_pace(msp=msp, period=period, vcios=vcios)
    survey = survey_figures(msp=msp, period=period, vcio_ids=ids)

    columns = [Column(vcio=v, label=v.display_name) for v in vcios]
    if only_vcio is None:
        columns.append(Column(vcio=None, label="The MSP"))
    for column in columns:
        group = [column.vcio.pk] if column.vcio else None  # None: every group, clients without a vCIO too

        def pick(groups, name, vcio_id=column.vcio and column.vcio.pk):
            if vcio_id is None:
                return _total(groups, name)
            row = groups.get(vcio_id)
            return (row[name] or 0) if row else 0

        scale = max(len(vcios), 1) if column.vcio is None else 1
        column.figures = _figures(
            period=period, currency=currency, scale=scale, pick=pick, managed=managed, churn=churn,
            meetings=meetings, nonrecurring=nonrecurring, recommendations=recommendations,
            score=_weighted_avg(managed, "score", "scored", group or list(managed)),
            trend=_weighted_avg(managed, "trend", "trended", group or list(managed)),
            churn_score=_weighted_avg(churn, "score", "scored", group or list(churn)),
            pace=[pace[i] for i in (group or ids) if i in pace], survey=survey, vcio_id=column.vcio and column.vcio.pk)
    return Scorecard(period=period, columns=columns, vcio_count=len(vcios))


def _figures(*, period: Period, currency: str, scale: int, pick: Callable, managed, churn, meetings,
             nonrecurring, recommendations, score, trend, churn_score, pace, survey, vcio_id) -> dict[str, Figure]:
    out: dict[str, Figure] = {}

    def put(key: str, value, display: str, detail: str = "") -> None:
        d = FIGURE_BY_KEY[key]
        out[key] = Figure(key=key, label=d.label, guide=d.guide, value=value, display=display, detail=detail)

    n, mrr = pick(managed, "n"), Decimal(pick(managed, "mrr"))
    per = f" ({Decimal(n) / scale:.1f} per vCIO)" if scale > 1 else ""
    put("clients_managed", (Decimal(n) / scale).quantize(ONE), str(n), per.strip(" ()") if per else "")
    put("mrr_managed", (mrr / scale).quantize(Decimal("0.01")), format_money(mrr, currency),
        f"{format_money(mrr / scale, currency)} per vCIO" if scale > 1 else "")
    churned, churned_mrr = pick(churn, "n"), Decimal(pick(churn, "mrr"))
    clients_share = share(churned, n + churned)
    put("clients_churned", clients_share, str(churned), f"{_pct(clients_share)} of the book")
    mrr_share = share(churned_mrr, mrr + churned_mrr)
    put("mrr_churned", mrr_share, format_money(churned_mrr, currency), f"{_pct(mrr_share)} of the MRR")
    put("churned_last_score", churn_score, "—" if churn_score is None else str(churn_score),
        f"of {churned} churned" if churned else "no client churned")
    missed_churned = pick(churn, "missed")
    put("churned_missed", None, str(missed_churned) if churned else "—",
        f"in the period, by {churned} churned" if churned else "no client churned")
    put("alignment_score", score, "—" if score is None else str(score),
        f"{pick(managed, 'scored')} of {n} clients reviewed")
    put("alignment_trend", trend, "—" if trend is None else f"{trend:+} points",
        f"{pick(managed, 'trended')} clients with two reviews")
    for key in FLAGS:
        done = pick(managed, key)
        value = share(done, n)
        put(key, value, _pct(value), f"{done} of {n} clients")
    scheduled, held, missed, dm = (pick(meetings, k) for k in ("scheduled", "held", "missed", "dm"))
    held_share, missed_share, dm_share = share(held, scheduled), share(missed, scheduled), share(dm, held)
    put("meetings_held", held_share, _pct(held_share), f"{held} of {scheduled} scheduled")
    put("meetings_missed", missed_share, str(missed), f"{_pct(missed_share)} of {scheduled} scheduled")
    put("decision_makers", dm_share, _pct(dm_share), f"{dm} of {held} held")
    on_pace, activities = sum(p[0] for p in pace), sum(p[1] for p in pace)
    put("playbook_pace", share(on_pace, activities) if activities else None,
        f"{on_pace} of {activities}" if activities else "—", f"in {period.end.year}, to date")
    _survey(put, survey, vcio_id)
    value = Decimal(pick(nonrecurring, "value"))
    monthly = (value / period.months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    nr_share = share(monthly, mrr)
    put("nonrecurring", nr_share, _pct(nr_share),
        f"{format_money(value, currency)} approved, {format_money(monthly, currency)} a month")
    recs, implemented = pick(recommendations, "n"), pick(recommendations, "done")
    rec_share = share(implemented, recs)
    put("recommendations_implemented", rec_share, _pct(rec_share), f"{implemented} of {recs}")
    return out


def _survey(put, survey: dict | None, vcio_id: int | None) -> None:
    row = (survey or {}).get(vcio_id)
    if row is None:
        put("survey_satisfied", None, NO_SURVEY)
        put("survey_response", None, NO_SURVEY)
        return
    satisfied, response = share(row["answers_8_or_more"], row["answers"]), share(row["responded"], row["invited"])
    put("survey_satisfied", satisfied, _pct(satisfied), f"{row['answers_8_or_more']} of {row['answers']} answers")
    put("survey_response", response, _pct(response), f"{row['responded']} of {row['invited']} invited")


# --- drill-down: the clients behind a figure --------------------------------------------------------------

@dataclass(frozen=True)
class Drilldown:
    """The clients behind one figure: a queryset (paginated by the page) and how to show each row."""

    figure: FigureDef
    headings: list[str]
    clients: QuerySet[Client]
    cells: Callable[[Client], list[str]]
    meets: Callable[[Client], bool | None]  # does this client count towards the guide? None: not a yes/no


def _count_of(qs: QuerySet) -> Coalesce:
    return Coalesce(Subquery(qs.filter(client=OuterRef("pk")).order_by().values("client")
                             .annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def drilldown(*, msp: Msp, period: Period, key: str, vcio_id: int | None) -> Drilldown:
    """The clients behind figure `key` for one vCIO (`vcio_id`) or the whole MSP (None), clients that miss
    the guide first. Raises KeyError for a figure with no client list (playbook pace, survey)."""
    d = FIGURE_BY_KEY[key]
    money = msp.currency

    def mine(qs: QuerySet[Client]) -> QuerySet[Client]:
        return qs if vcio_id is None else qs.filter(vcio_id=vcio_id)

    if d.family == "clients":
        qs = mine(managed_clients(period))
        if key in FLAGS:
            return Drilldown(d, ["Client", "MRR", d.label], qs.order_by(key, "name"),
                             lambda c: [format_money(c.mrr, money), _yes(getattr(c, key))],
                             lambda c: bool(getattr(c, key)))
        if key == "alignment_trend":
            qs = qs.filter(previous_score__isnull=False).annotate(change=F("latest_score") - F("previous_score"))
            return Drilldown(d, ["Client", "Previous score", "Latest score", "Change"], qs.order_by("change", "name"),
                             lambda c: [str(c.previous_score), str(c.latest_score), f"{c.change:+}"],
                             lambda c: c.change >= 0)
        if key == "alignment_score":
            threshold = settings.SCORECARD_RATINGS[key]["green"][0]
            return Drilldown(d, ["Client", "Latest score"], qs.order_by(F("latest_score").asc(nulls_first=True),
                                                                        "name"),
                             lambda c: ["not reviewed" if c.latest_score is None else str(c.latest_score)],
                             lambda c: c.latest_score is not None and c.latest_score >= threshold)
        return Drilldown(d, ["Client", "MRR", "Status"], qs.order_by("-mrr", "name"),
                         lambda c: [format_money(c.mrr, money), c.get_status_display()], lambda c: None)
    if d.family == "churn":
        qs = mine(churned_clients(period)).order_by("-churn_date", "name")
        return Drilldown(d, ["Client", "Churned on", "MRR lost", "Last alignment score", "Missed meetings", "Reason"],
                         qs, lambda c: [f"{c.churn_date:%-d %b %Y}", format_money(c.mrr, money),
                                        "not reviewed" if c.latest_score is None else str(c.latest_score),
                                        str(c.missed), c.churn_reason],
                         lambda c: False)
    if d.family == "meetings":
        meetings = client_meetings(period)
        qs = mine(Client.objects.filter(pk__in=meetings.values("client"))).annotate(
            scheduled=_count_of(meetings), held=_count_of(meetings.filter(status=MeetingStatus.HELD)),
            missed=_count_of(meetings.filter(is_missed=True)),
            dm=_count_of(meetings.filter(status=MeetingStatus.HELD, decision_maker_attended=True)))
        order = {"meetings_held": ["-missed", "held"], "meetings_missed": ["-missed"], "decision_makers": ["dm"]}[key]
        meets = {"meetings_held": lambda c: c.held == c.scheduled, "meetings_missed": lambda c: c.missed == 0,
                 "decision_makers": lambda c: c.dm == c.held}[key]
        return Drilldown(d, ["Client", "Scheduled", "Held", "Missed", "Decision maker attended"],
                         qs.order_by(*order, "name"),
                         lambda c: [str(c.scheduled), str(c.held), str(c.missed), f"{c.dm} of {c.held}"], meets)
    if d.family == "nonrecurring":
        lines = approved_one_time_lines(period)
        value = Subquery(lines.filter(client=OuterRef("pk")).order_by().values("client")
                         .annotate(v=Sum("price")).values("v"), output_field=DecimalField(max_digits=16,
                                                                                          decimal_places=2))
        qs = mine(managed_clients(period)).annotate(approved=Coalesce(value, Decimal(0), output_field=DecimalField(
            max_digits=16, decimal_places=2)))
        return Drilldown(d, ["Client", "MRR", "Approved one-time value", "A month, % of MRR"],
                         qs.order_by("approved", "name"),
                         lambda c: [format_money(c.mrr, money), format_money(c.approved, money),
                                    _pct(share(c.approved / period.months, c.mrr))],
                         lambda c: bool(c.mrr) and c.approved / period.months >= c.mrr * NONRECURRING_GUIDE / HUNDRED)
    if d.family == "recommendations":
        recs = period_recommendations(period)
        qs = mine(Client.objects.filter(pk__in=recs.values("client"))).annotate(
            made=_count_of(recs), acted=_count_of(recs.filter(implemented=True)))
        return Drilldown(d, ["Client", "Recommendations made", "Implemented"], qs.order_by("acted", "name"),
                         lambda c: [str(c.made), str(c.acted)], lambda c: c.acted == c.made)
    raise KeyError(key)
