"""A meeting's agenda: the template of its kind, or for a business review the agenda built from the
client's records (meetings.qbr), with the open action items carried forward and the questionnaire's gaps.

The agenda is plain text on the meeting, editable before it is sent; building it only fills the text in.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from msp.models import User

from .choices import ActionItemStatus, MeetingKind, MeetingStatus
from .models import ActionItem, Meeting
from .qbr import ActionLine, QbrContent, agenda_text, qbr_agenda, qbr_content
from .questionnaire import meeting_questionnaire_gaps
from .services import meeting_update

# The sections each kind of meeting starts from. A business review is better built from the records.
AGENDA_TEMPLATES: dict[str, list[tuple[str, list[str]]]] = {
    MeetingKind.PRE_PLANNING: [
        ("Your business this year", ["Goals for the coming year", "Changes in staff, offices or services"]),
        ("What worked and what did not", ["Projects of the past year", "Recurring issues"]),
        ("Preparing the strategy meeting", ["Alignment review findings to address", "Budget expectations"]),
    ],
    MeetingKind.STRATEGY: [
        ("Your business goals", ["Goals for the next fiscal year and how technology serves them"]),
        ("The roadmap", ["Initiatives for the next three years, by quarter"]),
        ("The budget", ["One-time and recurring costs per quarter", "What needs your approval"]),
        ("Decisions", ["Approve, change or postpone each initiative"]),
    ],
    MeetingKind.QBR: [
        ("Your business goals and their progress", []),
        ("Roadmap this quarter", []),
        ("Budget against the plan", []),
        ("Technology alignment", []),
        ("Recommendations", []),
    ],
    MeetingKind.STEERING: [
        ("Clients we share", ["Health of each client", "Missed meetings and overdue action items"]),
        ("Alignment reviews", ["Reviews due this quarter", "Findings waiting for recommendations"]),
        ("Escalations", ["Issues to raise with the client's leadership"]),
    ],
    MeetingKind.CHECK_IN: [
        ("How things are going", ["Service since our last meeting"]),
        ("Anything new", ["Plans, concerns, questions"]),
    ],
}


def _local_today(meeting: Meeting) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(meeting.msp.time_zone))


def _owner_name(item: ActionItem) -> str:
    if item.owner_id:
        return item.owner.display_name
    if item.owner_contact_id:
        return item.owner_contact.name
    return "no owner yet"


def carried_action_items(*, meeting: Meeting) -> list[ActionItem]:
    """The client's open action items raised before this meeting (in earlier meetings or elsewhere): what
    the meeting follows up. Due first, then oldest."""
    if meeting.client_id is None:
        return []
    qs = (ActionItem.objects.filter(client_id=meeting.client_id, status=ActionItemStatus.OPEN)
          .exclude(meeting=meeting).select_related("owner", "owner_contact")
          .order_by("due_on", "created_at"))
    return list(qs)


def action_lines(items: list[ActionItem], today: date) -> list[ActionLine]:
    return [ActionLine(text=i.text, owner=_owner_name(i), due=i.due_on,
                       overdue=i.due_on is not None and i.due_on < today) for i in items]


def _action_words(line: ActionLine) -> str:
    due = f", due {line.due.isoformat()}" if line.due else ""
    return f"{line.text} ({line.owner}{due}{', overdue' if line.overdue else ''})"


def template_agenda(*, meeting: Meeting, today: date | None = None) -> str:
    """The agenda of the meeting's kind, with the open action items carried forward and (for a client
    meeting) the questionnaire's gaps."""
    today = today or _local_today(meeting)
    sections = [(title, list(items)) for title, items in AGENDA_TEMPLATES[meeting.kind]]
    if meeting.client_id is not None:
        lines = action_lines(carried_action_items(meeting=meeting), today)
        sections.append(("Open action items", [_action_words(line) for line in lines] or ["No open action items."]))
        gaps = meeting_questionnaire_gaps(meeting=meeting)
        if gaps:
            sections.append(("What your leadership told us", gaps))
    out = []
    for n, (title, items) in enumerate(sections, 1):
        out.append(f"{n}. {title}")
        out.extend(f"   - {item}" for item in items)
    return "\n".join(out)


def meeting_qbr_content(*, meeting: Meeting, today: date | None = None) -> QbrContent:
    """The QBR of the meeting's client as of `today`, with the carried action items and the meeting's gaps."""
    if meeting.client_id is None:
        raise ValidationError("A business review needs a client; a steering meeting has none.")
    today = today or _local_today(meeting)
    return qbr_content(client=meeting.client, today=today,
                       action_items=action_lines(carried_action_items(meeting=meeting), today),
                       gaps=meeting_questionnaire_gaps(meeting=meeting))


def qbr_agenda_text(*, meeting: Meeting, today: date | None = None) -> str:
    return agenda_text(qbr_agenda(meeting_qbr_content(meeting=meeting, today=today)))


def _check_open(meeting: Meeting) -> None:
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.MISSED):
        raise ValidationError({"agenda": f"This meeting is {meeting.get_status_display().lower()}; its agenda is "
                                         "final."})


def meeting_agenda_build(*, meeting: Meeting, actor: User | None, expected_version: int | None = None,
                         today: date | None = None) -> Meeting:
    """Fill the agenda from the client's records (the business-first QBR agenda): one click, then edit it
    before sending. Works for any client meeting; a steering meeting has no client records."""
    _check_open(meeting)
    return meeting_update(meeting=meeting, actor=actor, expected_version=expected_version,
                          agenda=qbr_agenda_text(meeting=meeting, today=today))


def meeting_agenda_from_template(*, meeting: Meeting, actor: User | None, expected_version: int | None = None,
                                 today: date | None = None) -> Meeting:
    """Fill the agenda from the template of the meeting's kind."""
    _check_open(meeting)
    return meeting_update(meeting=meeting, actor=actor, expected_version=expected_version,
                          agenda=template_agenda(meeting=meeting, today=today))
