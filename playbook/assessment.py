"""The practice self-assessment: about fifteen yes/no questions in three groups, once a year.

Questions the product's data can answer are pre-filled from the scorecard of that year (the calendar year,
to today for the current one), with the figure behind the answer; the owner answers the rest and may
overrule any pre-filled answer. docs/scorecard.md lists the questions and what answers each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q

from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from msp.models import Msp

from .periods import Period, period_parse
from .scorecard import GREEN, RED, Scorecard, managed_clients, scorecard_build

CORE, ESSENCE, RESULTS = "core", "essence", "results"
GROUPS = [
    (CORE, "The core: the numbers and the process"),
    (ESSENCE, "The essence: the relationship with the decision makers"),
    (RESULTS, "The results: what clients and their staff get"),
]


@dataclass(frozen=True)
class DataAnswer:
    answer: bool
    evidence: str


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    text: str
    # (scorecard, extra) -> the data's answer; None: the owner answers
    from_data: Callable[[Scorecard, dict], DataAnswer | None] | None = None


def _msp(card: Scorecard):
    return card.columns[-1].figures


def _green(key: str) -> Callable[[Scorecard, dict], DataAnswer]:
    def answer(card: Scorecard, _extra: dict) -> DataAnswer:
        figure = _msp(card)[key]
        return DataAnswer(figure.rating == GREEN, f"{figure.label}: {figure.display}"
                                                  + (f" ({figure.detail})" if figure.detail else "")
                                                  + f"; guide {figure.guide}")
    return answer


def _every_vcio(key: str) -> Callable[[Scorecard, dict], DataAnswer]:
    def answer(card: Scorecard, _extra: dict) -> DataAnswer:
        vcios = [c for c in card.columns if c.vcio is not None]
        figures = [(c.label, c.figures[key]) for c in vcios]
        text = "; ".join(f"{name}: {f.display}" for name, f in figures) or "no vCIO"
        return DataAnswer(bool(figures) and all(f.rating == GREEN for _, f in figures),
                          f"{figures[0][1].label if figures else 'Clients managed'}: {text}")
    return answer


def _playbook(card: Scorecard, _extra: dict) -> DataAnswer:
    figure = _msp(card)["playbook_pace"]
    return DataAnswer(figure.rating not in (RED, "none"), f"Playbook activities on pace: {figure.display}")


def _year_ahead(_card: Scorecard, extra: dict) -> DataAnswer:
    planned, managed = extra["planned_ahead"], extra["managed"]
    return DataAnswer(managed > 0 and planned == managed,
                      f"{planned} of {managed} clients have their next client meeting on the calendar")


QUESTIONS = [
    Question("book_size", CORE, "Each vCIO looks after between 35 and 45 clients.", _every_vcio("clients_managed")),
    Question("book_mrr", CORE, "Each vCIO's clients bring close to $120,000 of monthly recurring revenue.",
             _every_vcio("mrr_managed")),
    Question("year_planned", CORE, "Every client's meetings for the coming year are already on the calendar.",
             _year_ahead),
    Question("playbook_used", CORE, "The vCIOs run their year by the playbook and keep its pace.", _playbook),
    Question("reviews_feed", CORE, "An alignment review is done for every client before its strategy meeting.",
             _green("step_review")),
    Question("plan_per_client", CORE, "Every client has a roadmap and a budget presented in the last 12 months.",
             _green("roadmap_and_budget")),
    Question("decision_makers", ESSENCE, "The people who decide and hold the budget come to the meetings.",
             _green("decision_makers")),
    Question("rhythm_kept", ESSENCE, "Quarterly reviews happen as planned, and a missed one is followed up.",
             _green("step_quarterly")),
    Question("know_business", ESSENCE, "Each vCIO knows the client's business: revenue, what sells, the goals, "
                                       "the market.", _green("business_knowledge")),
    Question("first_call", ESSENCE, "Clients ask their vCIO before they buy technology."),
    Question("business_first", ESSENCE, "Meetings start from the client's business goals, not from technology."),
    Question("advice_taken", RESULTS, "Clients act on the recommendations they get.",
             _green("recommendations_implemented")),
    Question("clients_stay", RESULTS, "Clients stay: few leave in a year.", _green("clients_churned")),
    Question("projects_follow", RESULTS, "The plans turn into approved projects worth about 30 % of MRR.",
             _green("nonrecurring")),
    Question("staff_understand", RESULTS, "The client's staff understand what the technology plan does for "
                                          "them."),
    Question("vcio_time", RESULTS, "The vCIOs have the time the practice needs and are not pulled into tickets."),
]
QUESTION_KEYS = [q.key for q in QUESTIONS]


def assessment_period(*, msp: Msp, year: int, now: datetime | None = None) -> Period:
    """The calendar year, up to today when it is the current one (never past today)."""
    period = period_parse(msp=msp, start=date(year, 1, 1).isoformat(), end=date(year, 12, 31).isoformat(), now=now)
    today = period.now.astimezone(period.tz).date()
    if today < period.end and today >= period.start:
        period = period_parse(msp=msp, start=period.start.isoformat(), end=today.isoformat(), now=now)
    return period


def data_answers(*, msp: Msp, year: int, now: datetime | None = None) -> dict[str, DataAnswer]:
    """The answers the data gives for `year`, with the figure behind each."""
    period = assessment_period(msp=msp, year=year, now=now)
    card = scorecard_build(msp=msp, period=period)
    ahead = Meeting.objects.filter(client=OuterRef("pk"), status=MeetingStatus.PLANNED,
                                   starts_at__gte=period.now).exclude(kind=MeetingKind.STEERING)
    totals = managed_clients(period).annotate(ahead=Exists(ahead)).aggregate(
        managed=Count("pk"), planned_ahead=Count("pk", filter=Q(ahead=True)))
    extra = {"planned_ahead": totals["planned_ahead"], "managed": totals["managed"]}
    out = {}
    for q in QUESTIONS:
        if q.from_data is not None:
            out[q.key] = q.from_data(card, extra)
    return out
