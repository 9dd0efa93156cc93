"""The client portal: what a client's decision maker sees. Only their own client, never staff pages.

Besides the published documents, the portal lists the client's proposals for the decision maker to
approve or decline: proposed initiatives (roadmaps.services.initiative_decide) and budget items of no
initiative (budgets.services.budget_line_decide), each recording who and when. The portal is the top
(wiring) layer: it reads the apps through portal.selectors and writes through their services.

Confinement is central, not per view: every request of a client-role user is bound to that user's one
client by portal.middleware.PortalConfinementMiddleware, and the tenant managers then return only that
client's rows (msp.confinement). `portal_view` only checks who may come in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.services import budget_line_decide, budget_line_decision_undo
from clients.models import Client
from clients.views_documents import document_response
from meetings.feeds import meeting_ics
from meetings.questionnaire import meeting_questionnaire_gaps, questionnaire_answers_record
from msp.activities import notification_create
from msp.brand import brand_css_response, brand_logo_response
from msp.permissions import declare_permission
from msp.records import decision_undo_until
from msp.roles import Perm
from roadmaps.services import initiative_decide, initiative_decision_undo

from . import selectors
from .forms import QuestionnaireForm

NOTE_LIMIT = 2000


def portal_view(view):
    """A page of the portal: the route needs the client role (msp.permissions) and a live portal access."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "portal_client", None) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return declare_permission(wrapper, Perm.USE_PORTAL)


@portal_view
@require_GET
def portal_home(request):
    client = request.portal_client
    return render(request, "portal/home.html", {
        "client": client,
        "documents": selectors.portal_documents(client=client),
        "proposals": selectors.portal_proposals(client=client),
        "line_proposals": selectors.portal_line_proposals(client=client),
        "decided": _with_undo(request, selectors.portal_decisions(client=client)),
        "line_decisions": _with_undo(request, selectors.portal_line_decisions(client=client)),
        "meetings": selectors.portal_meetings(client=client),
        "questionnaire_asked": selectors.portal_questionnaire_asked(client=client),
        "survey_open": selectors.portal_survey_open(client=client),
        "survey_past": selectors.portal_survey_results(client=client),
    })


def _with_undo(request, decisions: list[tuple]) -> list[tuple]:
    """(record, when, undo_until): undo_until is set on the signed-in person's own decisions that can still
    be undone (msp.records.decision_undo_until), None on the others."""
    now = timezone.now()
    rows = []
    for record, when in decisions:
        until = decision_undo_until(record.decided_at)
        own = record.decided_by_id == request.user.pk and until is not None and until > now
        rows.append((record, when, until if own else None))
    return rows


@portal_view
@require_GET
def portal_brand_logo(request):
    """The MSP's logo for the portal's top bar (the client's own MSP: the request's tenant)."""
    return brand_logo_response(request, request.msp)


@portal_view
@require_GET
def portal_brand_css(request):
    """The portal's per-MSP stylesheet: the MSP's accent as the primary colour (no inline styles)."""
    return brand_css_response(request, request.msp)


@portal_view
@require_GET
def portal_meeting_ics(request, meeting_id):
    """One coming meeting as an .ics file to add to the decision maker's calendar. It carries the
    invitation's UID, so a calendar that already has the invitation updates that event instead of adding
    a second one."""
    meeting = selectors.portal_meeting(client=request.portal_client, meeting_id=meeting_id)
    response = HttpResponse(meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8")
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)).date()
    response["Content-Disposition"] = f'attachment; filename="meeting-{day:%Y-%m-%d}.ics"'
    return response


@portal_view
@require_http_methods(["GET", "POST"])
def portal_meeting_questionnaire(request, meeting_id):
    """The pre-meeting questionnaire of one coming meeting of the portal user's client: GET shows the
    statements (ticked as answered before), POST records the answers (answering again replaces them)
    and tells the vCIO. Another client's meeting, a past or cancelled one, is not found."""
    client = request.portal_client
    asked = selectors.portal_meeting_questionnaire(client=client, meeting_id=meeting_id)
    meeting = asked.meeting
    if not asked.statements:
        messages.info(request, "There is no questionnaire to answer yet.")
        return redirect(reverse("portal_home") + f"#meeting-{meeting.pk}")
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, statements=asked.statements)
        if form.is_valid():
            try:
                with transaction.atomic():
                    questionnaire_answers_record(meeting=meeting, actor=request.user, selected=form.chosen())
                    gaps = meeting_questionnaire_gaps(meeting=meeting)
                    if meeting.organizer is not None or client.vcio is not None:
                        notification_create(
                            msp=client.msp, user=meeting.organizer or client.vcio,
                            url=reverse("meeting_detail", kwargs={"meeting_id": meeting.pk}) + "#questionnaire",
                            title=f"{request.user.display_name} ({client.name}) answered the questionnaire "
                                  f"for “{meeting.title}”",
                            body=f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''} for the agenda.")
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, f"Thank you: your answers for “{meeting.title}” are with your vCIO.")
                return redirect(reverse("portal_home") + f"#meeting-{meeting.pk}")
        status = 400
    else:
        form = QuestionnaireForm(initial={"selected": [str(pk) for pk in asked.selected]},
                                 statements=asked.statements)
        status = 200
    zone = ZoneInfo(meeting.time_zone)
    return render(request, "portal/questionnaire.html", {
        "client": client, "meeting": meeting, "form": form, "asked": asked,
        "local_start": meeting.starts_at.astimezone(zone).replace(tzinfo=None),
    }, status=status)


@portal_view
@require_GET
def portal_document_download(request, document_id):
    """A published, current document of the portal user's own client; anything else is not found."""
    return document_response(selectors.portal_document(client=request.portal_client, document_id=document_id))


VERBS = {"approved": "approve", "declined": "decline"}


def _decide(request, *, subject: str, url_name: str, decide: Callable[..., object], proposal, anchor: str):
    """Shared by both decisions. A first POST shows the confirmation page, naming what is decided and its
    price (`proposal`: the portal selector's row, None when it is no longer proposed); the POST from that
    page (`confirm=yes`) records the decision, tells the vCIO and offers the undo.
    `decide(decision=..., note=...)` records the decision and returns the decided record."""
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "").strip()
    back = reverse("portal_home") + "#approvals"
    if len(note) > NOTE_LIMIT:
        messages.error(request, f"Keep the note under {NOTE_LIMIT} characters; nothing was decided.")
        return redirect(back)
    if request.POST.get("confirm") != "yes" and decision in VERBS and proposal is not None:
        return render(request, "portal/decide_confirm.html", {
            "client": request.portal_client, "subject": subject, "decision": decision, "verb": VERBS[decision],
            "note": note, "proposal": proposal, "action": request.path,
            "cancel": reverse("portal_home") + f"#{anchor}", "undo_minutes": settings.DECISION_UNDO_MINUTES,
        })
    try:
        with transaction.atomic():
            record = decide(decision=decision, note=note)
            verb = "approved" if decision == "approved" else "declined"
            told = _tell_vcio(request.portal_client, title=f"{request.user.display_name} "
                              f"({request.portal_client.name}) {verb} “{subject}”",
                              body=f"Their note: {note}" if note else "", url_name=url_name)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    until = timezone.localtime(decision_undo_until(record.decided_at))
    messages.success(request, f"You {verb} “{subject}”." + (" Your vCIO has been told." if told else "")
                     + f" Changed your mind? Undo it below until {until:%H:%M}.")
    return redirect(back)


def _undo(request, *, subject: str, url_name: str, undo: Callable[[], object]):
    """Shared by both undos: the service's refusal (too late, someone else's, no longer as decided) as a
    message; otherwise the vCIO is told that the decision was taken back."""
    back = reverse("portal_home") + "#approvals"
    try:
        with transaction.atomic():
            undo()
            _tell_vcio(request.portal_client, title=f"{request.user.display_name} ({request.portal_client.name}) "
                       f"took back their decision on “{subject}”; it awaits their decision again",
                       body="", url_name=url_name)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, f"Your decision on “{subject}” is undone; it waits for your decision again.")
    return redirect(back)


@portal_view
@require_POST
def portal_initiative_decide(request, initiative_id):
    """POST `decision` (approved / declined) and an optional `note`: the decision maker's answer to a
    proposed initiative of their own client (another client's is not found). Without `confirm=yes` it
    answers with the confirmation page."""
    client = request.portal_client
    initiative = selectors.portal_initiative(client=client, initiative_id=initiative_id)
    proposal = next((p for p in selectors.portal_proposals(client=client) if p.initiative.pk == initiative.pk), None)

    def decide(*, decision: str, note: str):
        return initiative_decide(initiative=initiative, actor=request.user, decision=decision, note=note)

    return _decide(request, subject=initiative.title, url_name="roadmap_detail", decide=decide, proposal=proposal,
                   anchor=f"proposal-{initiative.pk}")


@portal_view
@require_POST
def portal_initiative_undo(request, initiative_id):
    """POST: take back the portal user's own decision on an initiative within the undo window."""
    initiative = selectors.portal_initiative(client=request.portal_client, initiative_id=initiative_id)
    return _undo(request, subject=initiative.title, url_name="roadmap_detail",
                 undo=lambda: initiative_decision_undo(initiative=initiative, actor=request.user))


@portal_view
@require_POST
def portal_budget_line_decide(request, line_id):
    """POST `decision` (approved / declined) and an optional `note`: the decision maker's answer to a
    proposed budget item of no initiative of their own client (another client's is not found). Without
    `confirm=yes` it answers with the confirmation page."""
    client = request.portal_client
    line = selectors.portal_budget_line(client=client, line_id=line_id)
    proposal = next((p for p in selectors.portal_line_proposals(client=client) if p.line.pk == line.pk), None)

    def decide(*, decision: str, note: str):
        return budget_line_decide(line=line, actor=request.user, decision=decision, note=note)

    return _decide(request, subject=line.description, url_name="budget_detail", decide=decide, proposal=proposal,
                   anchor=f"line-proposal-{line.pk}")


@portal_view
@require_POST
def portal_budget_line_undo(request, line_id):
    """POST: take back the portal user's own decision on a budget item within the undo window."""
    line = selectors.portal_budget_line(client=request.portal_client, line_id=line_id)
    return _undo(request, subject=line.description, url_name="budget_detail",
                 undo=lambda: budget_line_decision_undo(line=line, actor=request.user))


def _tell_vcio(client: Client, *, title: str, body: str, url_name: str) -> bool:
    """A notification for the client's vCIO, linking to the page of what was decided; False when the
    client has none."""
    if client.vcio is None:
        return False
    try:
        url = reverse(url_name, kwargs={"client_id": client.pk})
    except NoReverseMatch:
        url = ""
    notification_create(msp=client.msp, user=client.vcio, url=url, body=body, title=title)
    return True
