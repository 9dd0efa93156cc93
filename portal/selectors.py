"""The portal's reads: everything a decision maker sees, for the one client the request is bound to.

These are the portal views' only way to data. Each takes the bound client (`request.portal_client`) and
refuses to run for any other, so a portal page cannot even ask for another client; and underneath, the
tenant managers confine every query to the bound client anyway (msp.confinement). Figures come from the
apps' selectors, so the portal shows exactly what the staff pages and the roadmap PDF show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, QuerySet, Value
from django.utils import timezone

from budgets import selectors as budget_selectors
from budgets.models import BudgetLine
from budgets.selectors import InitiativePrice
from clients.documents import published_documents
from clients.models import Client, Document
from meetings import questionnaire
from meetings.choices import MeetingStatus
from meetings.models import Meeting, QuestionnaireAnswer, QuestionnaireStatement
from msp.confinement import bound_client_id
from msp.quarters import Quarter
from msp.tenancy import get_in_scope
from roadmaps.choices import InitiativeStatus
from roadmaps.models import Initiative
from roadmaps.selectors import client_initiatives
from surveys import selectors as survey_selectors
from surveys.tokens import survey_link

# How many earlier decisions the portal shows.
DECISIONS_SHOWN = 10
# How many of the coming meetings the portal lists.
MEETINGS_SHOWN = 6
NOT_SCHEDULED = "Not scheduled yet"


def _bound(client: Client) -> Client:
    """`client`, when it is the client the request is bound to; anything else is a wiring mistake."""
    if client is None or bound_client_id() != client.pk:
        raise ImproperlyConfigured("Portal reads need the request bound to this client "
                                   "(portal.middleware.PortalConfinementMiddleware).")
    return client


@dataclass(frozen=True)
class Proposal:
    """A proposed initiative as the decision maker sees it, with its one price (budgets.selectors)."""

    initiative: Initiative
    when: str
    price: InitiativePrice


@dataclass(frozen=True)
class LineProposal:
    """A budget item of no initiative awaiting the decision maker: its quarter(s) and its price."""

    line: BudgetLine
    when: str
    price: InitiativePrice


def _when(start: date | None, end: date | None, fy_start_month: int) -> str:
    if start is None:
        return NOT_SCHEDULED
    first = Quarter.containing(start, fy_start_month)
    last = Quarter.containing(end, fy_start_month) if end else first
    return first.label if first == last else f"{first.label} – {last.label}"


def _line_when(line: BudgetLine, fy_start_month: int) -> str:
    first = Quarter.containing(line.start_quarter, fy_start_month).label
    if line.kind == "one_time":
        return first
    if line.end_quarter is None:
        return f"from {first}"
    return _when(line.start_quarter, line.end_quarter, fy_start_month)


def portal_documents(*, client: Client) -> QuerySet[Document]:
    """The client's published, current documents, newest first."""
    return published_documents(client=_bound(client))


def portal_document(*, client: Client, document_id: uuid.UUID) -> Document:
    """One of those documents, or 404."""
    return get_in_scope(portal_documents(client=client).select_related("client"), pk=document_id)


def portal_proposals(*, client: Client) -> list[Proposal]:
    """The client's live proposed initiatives, each with its price over the plan."""
    client = _bound(client)
    initiatives = list(client_initiatives(client=client, statuses=[InitiativeStatus.PROPOSED]))
    if not initiatives:
        return []
    budget = budget_selectors.client_budget(client=client, quarters=budget_selectors.client_horizon(client=client))
    prices = budget_selectors.initiative_prices(budget=budget, initiatives=initiatives)
    fy = client.fiscal_year_start_month
    return [Proposal(initiative=i, when=_when(i.start_quarter, i.end_quarter, fy), price=prices[i.pk])
            for i in initiatives]


def portal_decisions(*, client: Client) -> list[tuple[Initiative, str]]:
    """The latest decisions on the client's initiatives, newest first, with their quarters."""
    client = _bound(client)
    decided = (Initiative.objects.filter(client=client, archived_at__isnull=True, decided_at__isnull=False)
               .exclude(status=InitiativeStatus.PROPOSED).select_related("decided_by")
               .order_by("-decided_at")[:DECISIONS_SHOWN])
    fy = client.fiscal_year_start_month
    return [(i, _when(i.start_quarter, i.end_quarter, fy)) for i in decided]


def portal_line_proposals(*, client: Client) -> list[LineProposal]:
    """The client's budget items of no initiative awaiting a decision, with their price over the plan."""
    client = _bound(client)
    quarters = budget_selectors.client_horizon(client=client)
    fy = client.fiscal_year_start_month
    return [LineProposal(line=line, when=_line_when(line, fy), price=price)
            for line, price in budget_selectors.lines_awaiting_decision(client=client, quarters=quarters)]


def portal_line_decisions(*, client: Client) -> list[tuple[BudgetLine, str]]:
    """The latest decisions on the client's budget items of no initiative, newest first."""
    client = _bound(client)
    fy = client.fiscal_year_start_month
    return [(line, _line_when(line, fy))
            for line in budget_selectors.line_decisions(client=client, limit=DECISIONS_SHOWN)]


def portal_initiative(*, client: Client, initiative_id: uuid.UUID) -> Initiative:
    """A live initiative of the client, for deciding it; 404 for anything else."""
    client = _bound(client)
    return get_in_scope(Initiative.objects.filter(client=client, archived_at__isnull=True), pk=initiative_id)


def portal_budget_line(*, client: Client, line_id: uuid.UUID) -> BudgetLine:
    """A live budget line of the client, for deciding it; 404 for anything else."""
    client = _bound(client)
    return get_in_scope(BudgetLine.objects.filter(client=client, archived_at__isnull=True), pk=line_id)


def _upcoming_meetings(client: Client) -> QuerySet[Meeting]:
    """Planned meetings of the client that have not ended (one in progress still shows), soonest first."""
    ends = ExpressionWrapper(F("starts_at") + F("duration_minutes") * Value(timedelta(minutes=1)),
                             output_field=DateTimeField())
    return (Meeting.objects.filter(client=client, status=MeetingStatus.PLANNED)
            .annotate(ends=ends).filter(ends__gt=timezone.now()).order_by("starts_at"))


def portal_meetings(*, client: Client) -> list[Meeting]:
    """The client's next planned meetings, each with its agenda and `answered`: whether the pre-meeting
    questionnaire was answered for it."""
    answered = Exists(QuestionnaireAnswer.objects.filter(meeting=OuterRef("pk")))
    return list(_upcoming_meetings(_bound(client)).annotate(answered=answered)[:MEETINGS_SHOWN])


def portal_meeting(*, client: Client, meeting_id: uuid.UUID) -> Meeting:
    """One coming meeting of the client, for adding it to a calendar; 404 for anything else."""
    return get_in_scope(_upcoming_meetings(_bound(client)), pk=meeting_id)


def portal_questionnaire_asked(*, client: Client) -> bool:
    """Whether the MSP's questionnaire has statements to answer."""
    return questionnaire.questionnaire_statements(msp=_bound(client).msp).exists()


@dataclass(frozen=True)
class PortalQuestionnaire:
    """The pre-meeting questionnaire of one coming meeting as the decision maker answers it: the MSP's
    live statements, and what was ticked when it was answered before (`answers` empty until then)."""

    meeting: Meeting
    statements: list[QuestionnaireStatement]
    answers: list[QuestionnaireAnswer]

    @property
    def selected(self) -> set[uuid.UUID]:
        return {a.statement_id for a in self.answers if a.selected}

    @property
    def answered_at(self):
        return max((a.updated_at for a in self.answers), default=None)


def portal_meeting_questionnaire(*, client: Client, meeting_id: uuid.UUID) -> PortalQuestionnaire:
    """The questionnaire before one coming meeting of the client; 404 for any other meeting."""
    meeting = portal_meeting(client=client, meeting_id=meeting_id)
    return PortalQuestionnaire(
        meeting=meeting, statements=list(questionnaire.questionnaire_statements(msp=meeting.msp)),
        answers=questionnaire.meeting_questionnaire_answers(meeting=meeting))
@dataclass(frozen=True)
class OpenSurvey:
    """The client's survey waiting for an answer, with the decision maker's own link."""

    invitation: object
    link: str


def portal_survey_open(*, client: Client) -> OpenSurvey | None:
    """The client's open survey invitation, if any."""
    invitation = survey_selectors.client_open_invitation(client=_bound(client))
    return OpenSurvey(invitation=invitation, link=survey_link(invitation)) if invitation else None


def portal_survey_results(*, client: Client) -> list[tuple]:
    """The client's past responses, newest first, each with its answers in question order."""
    return [(response, list(survey_selectors.response_answers(response=response)))
            for response in survey_selectors.client_responses(client=_bound(client))]
