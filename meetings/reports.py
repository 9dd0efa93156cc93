"""The business review as client documents: the QBR PDF and the editable PowerPoint deck of a meeting.

Both plug into the client-document pipeline (clients.document_jobs): a background job gathers the
meeting's `QbrContent` (meetings.agendas.meeting_qbr_content: the client's records, the open action items
carried forward, the questionnaire's gaps), renders, stores the result as the client's next edition of its
kind (or keeps the unchanged newest one made from the same meeting), publishes when asked, and links the
download from the job page. The deck is stored with the PowerPoint media type, so the download is a .pptx.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError

from clients.choices import DocumentKind
from clients.document_jobs import DocumentRenderer, Rendered, document_job_enqueue, document_renderer_register
from msp.models import Job, User
from msp.quarters import Quarter
from roadmaps.services import client_facing_titles_check

from .agendas import meeting_qbr_content
from .models import Meeting
from .qbr_deck import qbr_deck
from .qbr_report import qbr_pdf

PDF_KIND = "qbr_report"
DECK_KIND = "qbr_deck"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _load(meeting_id) -> Meeting | None:
    return Meeting.objects.select_related("msp", "client", "client__msp", "client__vcio").filter(pk=meeting_id).first()


def _check(meeting: Meeting) -> None:
    if meeting.client_id is None:
        raise ValidationError("A steering meeting is internal: it has no business review for a client.")
    if meeting.client.is_archived:
        raise ValidationError("This client is archived; restore it before making documents.")
    if meeting.status == "cancelled":
        raise ValidationError("This meeting is cancelled.")
    client_facing_titles_check(client=meeting.client)


def _meeting_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone)).date()


def report_title(meeting: Meeting, what: str) -> str:
    """The document's kind and period: the client's fiscal quarter of the meeting, and its day."""
    day = _meeting_day(meeting)
    quarter = Quarter.containing(day, meeting.client.fiscal_year_start_month)
    return f"{what} {quarter.label} ({day:%-d %B %Y})"


def _render_pdf(meeting: Meeting, today: date | None = None) -> Rendered:
    content = meeting_qbr_content(meeting=meeting, today=today)
    return Rendered(title=report_title(meeting, "Business review"),
                    content=qbr_pdf(content, meeting_on=meeting.starts_at.astimezone(
                        zoneinfo.ZoneInfo(meeting.time_zone))))


def _render_deck(meeting: Meeting, today: date | None = None) -> Rendered:
    content = meeting_qbr_content(meeting=meeting, today=today)
    return Rendered(title=report_title(meeting, "Business review deck"), content=qbr_deck(content),
                    content_type=PPTX)


def _client_of(meeting: Meeting):
    return meeting.client


QBR_PDF = DocumentRenderer(
    kind=PDF_KIND, document_kind=DocumentKind.QBR_REPORT, load=_load, client_of=_client_of, check=_check,
    render=_render_pdf, job_title=lambda m: f"Business review PDF: {m.title}", noun="business review report",
    gathering="Gathering the client's goals, roadmap, budget and alignment…", gone="The meeting no longer exists.",
    download="Download the PDF, edition {edition}",
)
QBR_DECK = DocumentRenderer(
    kind=DECK_KIND, document_kind=DocumentKind.QBR_DECK, load=_load, client_of=_client_of, check=_check,
    render=_render_deck, job_title=lambda m: f"Business review deck: {m.title}", noun="business review deck",
    gathering="Gathering the client's goals, roadmap, budget and alignment…", gone="The meeting no longer exists.",
    rendering="Rendering the presentation…", download="Download the PowerPoint deck, edition {edition}",
)
KINDS = {"pdf": PDF_KIND, "deck": DECK_KIND}


def qbr_document_enqueue(*, meeting: Meeting, actor: User, what: str, publish: bool = False) -> Job:
    """Queue the meeting's QBR PDF (`what="pdf"`) or deck (`"deck"`); the job page follows it.
    ValidationError (and no job) for a steering or cancelled meeting or an archived client."""
    if what not in KINDS:
        raise ValidationError(f"Unknown business review document “{what}”.")
    _check(meeting)
    return document_job_enqueue(kind=KINDS[what], client=meeting.client, source=meeting, actor=actor,
                                publish=publish)


document_renderer_register(QBR_PDF)
document_renderer_register(QBR_DECK)
