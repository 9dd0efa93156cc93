"""Reads of the client survey: questions, campaigns and invitations, and the results (averages per
question, share of answers on target, response rate, trend by year) for the MSP, a vCIO or a client,
each with the clients behind it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from clients.models import Client
from msp.replica import read_rows

from .choices import TARGET, CampaignStatus
from .models import Survey, SurveyAnswer, SurveyCampaign, SurveyInvitation, SurveyQuestion, SurveyResponse

ONE_PLACE = Decimal("0.1")


def surveys_live() -> QuerySet[Survey]:
    return Survey.objects.filter(archived_at__isnull=True).order_by("-is_default", "name")


def survey_questions(*, survey: Survey) -> QuerySet[SurveyQuestion]:
    """The survey's current questions, in order."""
    return SurveyQuestion.objects.filter(survey=survey, retired_at__isnull=True).order_by("position")


def campaigns() -> QuerySet[SurveyCampaign]:
    return SurveyCampaign.objects.select_related("survey").order_by("-year")


def campaign_invitations(*, campaign: SurveyCampaign) -> QuerySet[SurveyInvitation]:
    return (SurveyInvitation.objects.filter(campaign=campaign)
            .select_related("client", "client__vcio", "contact").order_by("client__name", "contact__name"))


def invitation_for_link(*, invitation_id: uuid.UUID) -> SurveyInvitation | None:
    """The invitation a link names, inside the active tenant scope (another MSP's is simply not there)."""
    return (SurveyInvitation.objects.select_related("campaign", "campaign__survey", "client", "contact", "msp")
            .filter(pk=invitation_id).first())


def client_open_invitation(*, client: Client) -> SurveyInvitation | None:
    """The client's newest invitation still open (sent, unanswered, not expired), for the portal."""
    return (SurveyInvitation.objects.filter(client=client, answered_at__isnull=True, expires_at__gt=timezone.now(),
                                            campaign__status=CampaignStatus.SENT)
            .select_related("campaign", "contact").order_by("-sent_at").first())


def response_answers(*, response: SurveyResponse) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(response=response).select_related("question").order_by("question__position")


# --- results -----------------------------------------------------------------------------------------


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    return _one_place(Decimal(100 * part) / whole) if whole else None


@dataclass
class QuestionFigures:
    """One question's figures in one year, from its answers counted in the database: how many were given,
    their sum and how many were on target (>= 8); the average score and the share (percent) on target."""

    position: int
    text: str
    answers: int = 0
    total: int = 0
    on_target: int = 0

    @property
    def average(self) -> Decimal | None:
        return _one_place(Decimal(self.total) / self.answers) if self.answers else None

    @property
    def share_on_target(self) -> Decimal | None:
        return _share(self.on_target, self.answers)

    @property
    def below_target(self) -> int:
        return self.answers - self.on_target


@dataclass
class YearFigures:
    """A campaign's results for the clients asked about: response rate and each question's figures."""

    year: int
    campaign: SurveyCampaign
    invited: int = 0
    responded: int = 0
    questions: list[QuestionFigures] = field(default_factory=list)

    @property
    def response_rate(self) -> Decimal | None:
        return _share(self.responded, self.invited)

    @property
    def average(self) -> Decimal | None:
        answers = sum(q.answers for q in self.questions)
        return _one_place(Decimal(sum(q.total for q in self.questions)) / answers) if answers else None

    @property
    def share_on_target(self) -> Decimal | None:
        return _share(sum(q.on_target for q in self.questions), sum(q.answers for q in self.questions))


def _invitations(*, client: Client | None, vcio_id: int | None) -> QuerySet[SurveyInvitation]:
    qs = SurveyInvitation.objects.exclude(campaign__status__in=[CampaignStatus.SCHEDULED, CampaignStatus.CANCELLED])
    if client is not None:
        qs = qs.filter(client=client)
    if vcio_id is not None:
        qs = qs.filter(client__vcio_id=vcio_id)
    return qs


def survey_results(*, client: Client | None = None, vcio_id: int | None = None,
                   year: int | None = None) -> list[YearFigures]:
    """Figures by year, newest first: for the whole MSP, the clients of one vCIO, or one client.

    Questions are grouped by position within a year, named by the words most answered there (an edit in
    the middle of a campaign keeps both rows under one position)."""
    invitations = _invitations(client=client, vcio_id=vcio_id)
    if year is not None:
        invitations = invitations.filter(campaign__year=year)
    sent = {row["campaign_id"]: row for row in invitations.order_by().values("campaign_id").annotate(
        invited=Count("pk"), responded=Count("answered_at"))}
    figures = {c.pk: YearFigures(year=c.year, campaign=c, invited=sent[c.pk]["invited"],
                                 responded=sent[c.pk]["responded"])
               for c in SurveyCampaign.objects.filter(pk__in=list(sent))}
    # Counted in the database, by campaign, position and wording: a handful of rows however many answered.
    answers = (SurveyAnswer.objects.filter(response__invitation__in=invitations).order_by()
               .values_list("response__campaign_id", "question__position", "question__text")
               .annotate(n=Count("pk"), total=Sum("score"), on_target=Count("pk", filter=Q(score__gte=TARGET)))
               .order_by("response__campaign_id", "question__position", "-n", "question__text"))
    for campaign_id, position, text, n, total, on_target in answers:
        questions = figures[campaign_id].questions
        if questions and questions[-1].position == position:  # another wording of the same position
            last = questions[-1]
            last.answers, last.total, last.on_target = last.answers + n, last.total + total, last.on_target + on_target
        else:  # the position's most answered wording comes first and names it
            questions.append(QuestionFigures(position=position, text=text, answers=n, total=total,
                                             on_target=on_target))
    return sorted(figures.values(), key=lambda f: f.year, reverse=True)


@dataclass(frozen=True)
class DrillRow:
    """One client behind a figure: who was asked, whether they answered, and the scores given."""

    client: Client
    contact_name: str
    answered: bool
    scores: dict  # position -> score


def survey_drilldown(*, year: int, client: Client | None = None, vcio_id: int | None = None,
                     position: int | None = None, below_target: bool = False) -> list[DrillRow]:
    """The clients behind a year's figures (optionally only those with a score below target at `position`,
    or on any question)."""
    invitations = (_invitations(client=client, vcio_id=vcio_id).filter(campaign__year=year)
                   .select_related("client", "client__vcio", "contact").order_by("client__name", "contact__name"))
    scores: dict = defaultdict(dict)
    for invitation_id, pos, score in SurveyAnswer.objects.filter(response__invitation__in=invitations).values_list(
            "response__invitation_id", "question__position", "score"):
        scores[invitation_id][pos] = score
    rows = []
    for invitation in invitations:
        given = scores.get(invitation.pk, {})
        if position is not None and position not in given:
            continue
        if below_target:
            relevant = [given[position]] if position is not None else list(given.values())
            if not any(s < TARGET for s in relevant):
                continue
        rows.append(DrillRow(client=invitation.client, contact_name=invitation.contact.name,
                             answered=invitation.answered_at is not None, scores=given))
    return rows


def client_responses(*, client: Client) -> QuerySet[SurveyResponse]:
    """The client's responses, newest first (for the portal's past results and the client's results page)."""
    return (SurveyResponse.objects.filter(client=client).select_related("campaign", "invitation__contact")
            .prefetch_related("answers__question").order_by("-submitted_at"))


# The survey figures by the client's vCIO (now): invitations sent in the period and of them answered, then the
# scores given in the period and of them on target, in one statement.
_SCORECARD_SQL = """
SELECT c.vcio_id, count(*) AS invited, count(*) FILTER (WHERE i.answered_at IS NOT NULL) AS responded,
  0 AS answers, 0 AS on_target
FROM surveys_surveyinvitation i JOIN clients_client c ON c.id = i.client_id AND c.msp_id = i.msp_id
WHERE i.msp_id = %(msp)s AND i.sent_at >= %(start_at)s AND i.sent_at < %(end_at)s
GROUP BY c.vcio_id
UNION ALL
SELECT c.vcio_id, 0, 0, count(*), count(*) FILTER (WHERE a.score >= %(target)s)
FROM surveys_surveyanswer a
JOIN surveys_surveyresponse r ON r.id = a.response_id AND r.msp_id = a.msp_id
JOIN clients_client c ON c.id = r.client_id AND c.msp_id = r.msp_id
WHERE a.msp_id = %(msp)s AND r.submitted_at >= %(start_at)s AND r.submitted_at < %(end_at)s
GROUP BY c.vcio_id
"""


def scorecard_survey_figures(*, msp_id: uuid.UUID, start_at: datetime, end_at: datetime,
                             vcio_ids: list[int]) -> dict | None:
    """The survey part of the owner's scorecard, in one statement; None when no invitation went out and no
    score was given in the period (the scorecard says "No survey yet").

    Keyed by vCIO id (the client's vCIO now) for each of `vcio_ids`, plus None for the whole MSP; each value
    holds `invited` (invitations sent in the period), `responded` (of them answered), `answers` (scores given
    in the period) and `answers_8_or_more` (of them on target)."""
    rows = {vcio_id: {"invited": 0, "responded": 0, "answers": 0, "answers_8_or_more": 0}
            for vcio_id in [*vcio_ids, None]}
    params = {"msp": msp_id, "start_at": start_at, "end_at": end_at, "target": TARGET}
    for row in read_rows(_SCORECARD_SQL, params, model=SurveyInvitation):
        for key in {row["vcio_id"], None}:
            if key in rows:
                rows[key]["invited"] += row["invited"]
                rows[key]["responded"] += row["responded"]
                rows[key]["answers"] += row["answers"]
                rows[key]["answers_8_or_more"] += row["on_target"]
    whole = rows[None]
    return rows if whole["invited"] or whole["answers"] else None
