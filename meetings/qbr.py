"""What a quarterly business review covers, gathered from the client's records in one pass.

A QBR is business-first: the client's goals and how they are going, then what the roadmap did this
quarter and what the budget looks like against the plan, then alignment, then recommendations, open
action items and the gaps the leadership questionnaire revealed. `qbr_content` reads the records once;
the agenda (`qbr_agenda`), the PDF and the PowerPoint deck are all built from the same `QbrContent`, so
their figures cannot disagree.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from alignment.choices import RecommendationStatus, Response, ReviewStatus
from alignment.models import Answer, Recommendation, Review
from alignment.selectors import client_score_trend, format_score
from budgets.selectors import client_budget, client_horizon
from clients.choices import ObjectiveStatus
from clients.models import BusinessObjective, Client
from msp.money import format_money, quantize
from msp.quarters import Quarter
from roadmaps.choices import InitiativeStatus
from roadmaps.models import Initiative
from standards.choices import Priority

ZERO = Decimal("0.00")

# Initiatives still to do (a slipped one is one of these whose quarter has passed).
OPEN_INITIATIVE = (InitiativeStatus.APPROVED, InitiativeStatus.SCHEDULED, InitiativeStatus.IN_PROGRESS)
RECOMMENDATION_LIMIT = 8
FINDING_LIMIT = 8

# Most important first: high, medium, low.
PRIORITY_RANK = Case(When(priority=Priority.HIGH, then=Value(0)), When(priority=Priority.MEDIUM, then=Value(1)),
                     default=Value(2), output_field=IntegerField())


@dataclass(frozen=True)
class GoalRow:
    title: str
    status: str  # the objective's status, in words
    target: str  # "by 2027-06-30", or ""
    initiatives: int  # initiatives of the roadmap serving it


@dataclass(frozen=True)
class InitiativeLine:
    title: str
    quarter: str  # its planned start, as a quarter label ("Q3 FY2027"), or ""
    status: str


@dataclass(frozen=True)
class BudgetStatus:
    """The current fiscal year of the budget: what is planned, what the client approved, what awaits them."""

    fiscal_year: str
    planned: Decimal
    approved: Decimal
    awaiting: Decimal
    one_time: Decimal
    recurring: Decimal

    @property
    def approved_share(self) -> int:
        """Whole percent of the plan the client has approved (0 when nothing is planned)."""
        if not self.planned:
            return 0
        return int((self.approved * 100 / self.planned).quantize(Decimal("1")))


@dataclass(frozen=True)
class AlignmentStatus:
    score: Decimal | None
    previous: Decimal | None
    reviewed_on: date | None
    open_findings: int
    findings: list[str] = field(default_factory=list)  # the questions answered "no", most important first
    trend: list[tuple[str, Decimal]] = field(default_factory=list)  # (completion date, score), oldest first

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def change_words(self) -> str:
        change = self.change
        if change is None:
            return "first review" if self.score is not None else "no review yet"
        if change == 0:
            return "unchanged since the last review"
        direction = "up" if change > 0 else "down"
        return f"{direction} {abs(change):.1f} points since the last review"


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str
    due: date | None
    overdue: bool


@dataclass
class QbrContent:
    """Everything a QBR shows, for one client at one date."""

    client: Client
    msp_name: str
    currency: str
    today: date
    quarter: Quarter
    goals: list[GoalRow]
    done: list[InitiativeLine]
    due: list[InitiativeLine]
    slipped: list[InitiativeLine]
    budget: BudgetStatus
    alignment: AlignmentStatus
    recommendations: list[str]
    action_items: list[ActionLine]
    gaps: list[str]

    def money(self, value: Decimal) -> str:
        return format_money(value, self.currency)


def _today(client: Client) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(client.msp.time_zone))


def _quarter_label(day: date | None, fy_start_month: int) -> str:
    return Quarter.containing(day, fy_start_month).label if day else ""


def _goals(client: Client) -> list[GoalRow]:
    rows = []
    objectives = (BusinessObjective.objects.filter(client=client, archived_at__isnull=True)
                  .exclude(status=ObjectiveStatus.DROPPED).order_by("target_date", "title"))
    for obj in objectives:
        served = obj.initiatives.filter(archived_at__isnull=True).exclude(
            status__in=(InitiativeStatus.DECLINED, InitiativeStatus.CANCELLED)).count()
        rows.append(GoalRow(title=obj.title, status=obj.get_status_display(),
                            target=f"by {obj.target_date:%Y-%m-%d}" if obj.target_date else "",
                            initiatives=served))
    return rows


def _roadmap(client: Client, quarter: Quarter) -> tuple[list[InitiativeLine], ...]:
    fy = quarter.fy_start_month
    done, due, slipped = [], [], []
    initiatives = (Initiative.objects.filter(client=client, archived_at__isnull=True)
                   .order_by("start_quarter", "title"))
    for item in initiatives:
        line = InitiativeLine(title=item.title, quarter=_quarter_label(item.start_quarter, fy),
                              status=item.get_status_display())
        if item.status == InitiativeStatus.DONE:
            # Done this quarter: planned for it, or marked done during it.
            planned_now = item.start_quarter is not None and quarter.contains(item.start_quarter)
            if planned_now or quarter.contains(timezone.localdate(item.updated_at)):
                done.append(line)
        elif item.status in OPEN_INITIATIVE and item.start_quarter:
            if quarter.contains(item.start_quarter):
                due.append(line)
            elif item.start_quarter < quarter.start:
                slipped.append(line)
    return done, due, slipped


def _budget(client: Client, quarter: Quarter) -> BudgetStatus:
    budget = client_budget(client=client, quarters=client_horizon(client=client, today=quarter.start))
    label = f"FY{quarter.fiscal_year}"
    year = budget.years.get(label)
    if year is None:
        return BudgetStatus(fiscal_year=label, planned=ZERO, approved=ZERO, awaiting=ZERO, one_time=ZERO,
                            recurring=ZERO)
    return BudgetStatus(fiscal_year=label, planned=quantize(year.total.price), approved=quantize(year.approved),
                        awaiting=quantize(year.proposed), one_time=quantize(year.one_time.price),
                        recurring=quantize(year.recurring.price))


def _alignment(client: Client) -> AlignmentStatus:
    reviews = list(Review.objects.filter(client=client, status=ReviewStatus.COMPLETED)
                   .order_by("-completed_at").values_list("pk", "score", "completed_at")[:2])
    if not reviews:
        return AlignmentStatus(score=None, previous=None, reviewed_on=None, open_findings=0)
    latest_id, score, completed_at = reviews[0]
    previous = reviews[1][1] if len(reviews) > 1 else None
    findings = (Answer.objects.filter(review_id=latest_id, response=Response.MISALIGNED)
                .order_by(PRIORITY_RANK, "category__position", "position")
                .values_list("revision__question", flat=True))
    trend = [(p.label, p.value) for p in client_score_trend(client=client) if p.value is not None]
    return AlignmentStatus(score=score, previous=previous, reviewed_on=timezone.localdate(completed_at),
                           open_findings=findings.count(), findings=list(findings[:FINDING_LIMIT]),
                           trend=trend[-8:])


def _recommendations(client: Client) -> list[str]:
    qs = (Recommendation.objects.filter(client=client, archived_at__isnull=True, status=RecommendationStatus.OPEN)
          .order_by(PRIORITY_RANK, "title").values_list("title", flat=True))
    return list(qs[:RECOMMENDATION_LIMIT])


def qbr_content(*, client: Client, today: date | None = None, action_items: list[ActionLine] | None = None,
                gaps: list[str] | None = None) -> QbrContent:
    """The QBR of `client` for the fiscal quarter containing `today` (the MSP's today by default).

    Action items and questionnaire gaps come from the meeting records, which sit above this module's
    reads; the caller passes them in.
    """
    today = today or _today(client)
    quarter = Quarter.containing(today, client.fiscal_year_start_month)
    done, due, slipped = _roadmap(client, quarter)
    return QbrContent(
        client=client, msp_name=client.msp.name, currency=client.msp.currency, today=today, quarter=quarter,
        goals=_goals(client), done=done, due=due, slipped=slipped, budget=_budget(client, quarter),
        alignment=_alignment(client), recommendations=_recommendations(client),
        action_items=list(action_items or []), gaps=list(gaps or []),
    )


# --- the agenda ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgendaSection:
    title: str
    items: list[str]


def _initiative_words(line: InitiativeLine) -> str:
    return f"{line.title} ({line.quarter})" if line.quarter else line.title


def qbr_agenda(content: QbrContent) -> list[AgendaSection]:
    """The business-first agenda of a QBR, in the order the meeting takes it."""
    b, a = content.budget, content.alignment
    goals = [f"{g.title}: {g.status.lower()}" + (f", {g.target}" if g.target else "")
             + (f"; {g.initiatives} roadmap initiative{'s serve' if g.initiatives != 1 else ' serves'} it"
                if g.initiatives else "; nothing on the roadmap serves it yet")
             for g in content.goals] or ["No business goals recorded yet: agree on them first."]
    roadmap = ([f"Done this quarter: {_initiative_words(i)}" for i in content.done]
               + [f"Due this quarter: {_initiative_words(i)}" for i in content.due]
               + [f"Slipped from an earlier quarter: {_initiative_words(i)}" for i in content.slipped]
               ) or [f"Nothing was planned for {content.quarter.label}."]
    budget = [
        f"{b.fiscal_year} plan: {content.money(b.planned)} "
        f"({content.money(b.one_time)} one-time, {content.money(b.recurring)} recurring)",
        f"Approved so far: {content.money(b.approved)} ({b.approved_share} % of the plan)",
        f"Waiting for your decision: {content.money(b.awaiting)}",
    ]
    if a.score is None:
        alignment = ["No completed alignment review yet."]
    else:
        alignment = [f"Alignment score {format_score(a.score)} % ({a.change_words})",
                     f"{a.open_findings} standard{'s' if a.open_findings != 1 else ''} not met"]
        alignment += [f"Not met: {q}" for q in a.findings]
    sections = [
        AgendaSection("Your business goals and their progress", goals),
        AgendaSection(f"Roadmap this quarter ({content.quarter.label})", roadmap),
        AgendaSection("Budget against the plan", budget),
        AgendaSection("Technology alignment", alignment),
        AgendaSection("Recommendations", content.recommendations or ["No open recommendations."]),
        AgendaSection("Open action items", [
            f"{i.text} ({i.owner}{', due ' + i.due.isoformat() if i.due else ''}{', overdue' if i.overdue else ''})"
            for i in content.action_items] or ["No open action items."]),
    ]
    if content.gaps:
        sections.append(AgendaSection("What your leadership told us", content.gaps))
    return sections


def agenda_text(sections: list[AgendaSection]) -> str:
    """The agenda as plain text (numbered sections, one item a line), for the email and the editor."""
    out = []
    for n, section in enumerate(sections, 1):
        out.append(f"{n}. {section.title}")
        out.extend(f"   - {item}" for item in section.items)
    return "\n".join(out)
