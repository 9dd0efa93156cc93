"""The pre-meeting questionnaire: the MSP's "select all that apply" statements and a client's answers.

Each statement speaks to one of the MSP's services. Most are phrased as a good state ("We test restoring
our backups every quarter"): left unticked, the statement is a **gap**. A statement phrased as a problem
(`describes_problem`, "Staff complain about slow laptops") is a gap when it is ticked. The gaps of a
meeting's answers go onto its agenda ("What your leadership told us"). See docs/meetings.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from msp.models import Msp, User
from msp.records import record_archive, record_create, record_update
from msp.tenancy import history

from .choices import MeetingKind, MeetingStatus
from .models import Meeting, QuestionnaireAnswer, QuestionnaireStatement

STATEMENT_FIELDS = ("text", "service", "describes_problem", "position")


# --- reads ----------------------------------------------------------------------------------------------


def questionnaire_statements(*, msp: Msp | None = None) -> QuerySet[QuestionnaireStatement]:
    """The live statements of the questionnaire, in the order they are asked."""
    qs = QuestionnaireStatement.objects.filter(archived_at__isnull=True)
    if msp is not None:
        qs = qs.filter(msp=msp)
    return qs.order_by("position", "created_at")


def meeting_questionnaire_answers(*, meeting: Meeting) -> list[QuestionnaireAnswer]:
    return list(QuestionnaireAnswer.objects.filter(meeting=meeting).select_related("statement", "answered_by")
                .order_by("statement__position", "statement__created_at"))


def gap_text(statement: QuestionnaireStatement) -> str:
    """How a gap reads on the agenda."""
    if statement.describes_problem:
        return f"{statement.service}: “{statement.text}”"
    return f"{statement.service}: “{statement.text}” is not the case yet"


def meeting_questionnaire_gaps(*, meeting: Meeting) -> list[str]:
    """The gaps the meeting's answers show, in the questionnaire's order (none when nobody answered)."""
    return [gap_text(a.statement) for a in meeting_questionnaire_answers(meeting=meeting) if a.is_gap]


# --- the MSP's list -------------------------------------------------------------------------------------


def _clean_statement(fields: dict) -> dict:
    for name in ("text", "service"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return fields


def questionnaire_statement_create(*, msp: Msp, actor: User | None, text: str, service: str,
                                   describes_problem: bool = False, position: int | None = None
                                   ) -> QuestionnaireStatement:
    """Add a statement at the end of the list (or at `position`)."""
    if position is None:
        last = questionnaire_statements(msp=msp).order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 10
    return record_create(QuestionnaireStatement, msp=msp, actor=actor,
                         **_clean_statement({"text": text, "service": service,
                                             "describes_problem": describes_problem, "position": position}))


def questionnaire_statement_update(*, statement: QuestionnaireStatement, actor: User | None,
                                   expected_version: int | None = None, **fields) -> QuestionnaireStatement:
    unknown = set(fields) - set(STATEMENT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if statement.archived_at is not None:
        raise ValidationError("This statement is archived; it can no longer change.")
    return record_update(statement, actor=actor, expected_version=expected_version, **_clean_statement(fields))


def questionnaire_statement_archive(*, statement: QuestionnaireStatement, actor: User | None
                                    ) -> QuestionnaireStatement:
    """Take a statement off the questionnaire; answers already given keep it."""
    return record_archive(statement, actor=actor)


# --- a client's answers ---------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_answers_record(*, meeting: Meeting, actor: User | None,
                                 selected: list[QuestionnaireStatement] | tuple) -> list[QuestionnaireAnswer]:
    """Record the client's answers before `meeting`: one row for every live statement, ticked when it is in
    `selected`. Answering again replaces the earlier answers (statements archived since keep theirs)."""
    if meeting.client_id is None or meeting.kind == MeetingKind.STEERING:
        raise ValidationError("The questionnaire is answered before client meetings.")
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.MISSED):
        raise ValidationError(f"This meeting is {meeting.get_status_display().lower()}; its questionnaire is "
                              "closed.")
    statements = list(questionnaire_statements(msp=meeting.msp))
    known = {s.pk for s in statements}
    chosen = {s.pk for s in selected}
    if chosen - known:
        raise ValidationError({"selected": "Choose statements of the current questionnaire."})
    if not statements:
        raise ValidationError("The questionnaire has no statements yet.")
    existing = {a.statement_id: a for a in QuestionnaireAnswer.objects.select_for_update().filter(meeting=meeting)}
    out = []
    with history(actor):
        for statement in statements:
            answer = existing.get(statement.pk) or QuestionnaireAnswer(msp=meeting.msp, meeting=meeting,
                                                                       statement=statement)
            answer.selected = statement.pk in chosen
            answer.answered_by = actor
            answer.full_clean()
            answer.save()
            out.append(answer)
        Meeting.objects.filter(pk=meeting.pk).update(touched=True)
    return out
