"""Staff pages of meetings, under /meetings/: the list, the meeting page (details, attendees, agenda,
move, cancel, mark held, send the invitation, action items, the questionnaire's answers, the QBR PDF and
deck) and the MSP's questionnaire.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), forms validate,
writes go through meetings.services and its sibling modules. Keyword names (meeting_id, action_item_id,
questionnaire_statement_id) are relied on by the isolation test harness.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, check_version, get_in_scope

from . import agendas, questionnaire, reports, services
from .choices import ActionItemStatus, MeetingStatus
from .forms import (
    ActionItemForm,
    CancelForm,
    HeldForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingForm,
    MeetingPlanForm,
    MoveForm,
    QuestionnaireAnswerForm,
    StatementForm,
)
from .invitations import meeting_recipients
from .models import ActionItem, Meeting, QuestionnaireStatement

READ = Perm.VIEW_CLIENTS
# Meetings are the client relationship's work: the people who edit clients (owner, vCIO) run them.
WRITE = Perm.EDIT_CLIENTS
PAGE_SIZE = 25
OPEN = (MeetingStatus.PLANNED, MeetingStatus.MISSED)


def _meeting(meeting_id) -> Meeting:
    return get_in_scope(Meeting.objects.select_related("client", "msp", "organizer", "tam"), pk=meeting_id)


def _item(action_item_id) -> ActionItem:
    return get_in_scope(ActionItem.objects.select_related("client", "meeting", "owner", "owner_contact"),
                        pk=action_item_id)


def _statement(statement_id) -> QuestionnaireStatement:
    return get_in_scope(QuestionnaireStatement, pk=statement_id)


def _local(meeting: Meeting) -> Meeting:
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    # Wall-clock times (naive), so the template's date filter shows them in the meeting's own zone rather
    # than converting them to the request's active zone (the MSP's).
    meeting.local_start = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
    meeting.local_end = meeting.ends_at.astimezone(zone).replace(tzinfo=None)
    return meeting


def _url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meeting_detail", kwargs={"meeting_id": meeting.pk}) + (f"#{anchor}" if anchor else "")


def _stale(meeting: Meeting) -> str:
    return (f"“{meeting.title}” was changed by someone else since you opened this page. Nothing was saved. "
            "Reload the page to see their changes, then apply yours again.")


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- the list ---------------------------------------------------------------------------------------------


@require_perm(READ)
@require_GET
def meeting_list(request):
    form = MeetingFilterForm(request.GET or None)
    filters = form.filters()
    qs = Meeting.objects.select_related("client", "organizer").order_by("starts_at")
    zone = zoneinfo.ZoneInfo(request.msp.time_zone)
    if "client" in filters:
        qs = qs.filter(client=filters["client"])
    if "kind" in filters:
        qs = qs.filter(kind=filters["kind"])
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "date_from" in filters:
        qs = qs.filter(starts_at__gte=datetime.combine(filters["date_from"], time(0), tzinfo=zone))
    if "date_to" in filters:
        qs = qs.filter(starts_at__lt=datetime.combine(filters["date_to"], time.max, tzinfo=zone))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for meeting in page:
        _local(meeting)
    return render(request, "meetings/meeting_list.html", {
        "form": form, "page": page, "filtered": bool(filters),
        "can_plan": can(request.role, WRITE),
    })


# --- planning a meeting by hand, and changing it --------------------------------------------------------


def _chosen_client(value) -> Client | None:
    """The live client named by `value` (an id from the query or the form), inside the tenant scope."""
    try:
        pk = uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
    return Client.objects.filter(pk=pk, archived_at__isnull=True).first()


@require_perm(WRITE)
def meeting_plan(request):
    """GET: the form (`?client=` chooses the client, whose contacts are then offered, decision makers
    ticked). POST: plan the meeting; with "send now", the invitation goes out in the same step."""
    if request.method == "POST":
        client = _chosen_client(request.POST.get("client"))
        offered = client is not None and request.POST.get("offered") == str(client.pk)
        form = MeetingPlanForm(request.POST, client=client if offered else None)
        if form.is_valid():
            data = form.cleaned_data
            if not offered:  # the contacts were not offered for this client: invite its decision makers
                data["attendees"] = _decision_makers(data["client"])
            try:
                with transaction.atomic():
                    meeting = services.meeting_create(
                        msp=request.msp, actor=request.user, kind=data["kind"], client=data["client"],
                        starts_at=data["starts_at"], time_zone=data["time_zone"], title=data["title"].strip(),
                        duration_minutes=data["duration_minutes"], location=data["location"].strip(),
                        attendees=list(data["attendees"]), send_invitations=False)
                    if data["send_now"]:
                        services.meeting_invite(meeting=meeting, actor=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                sent = " The invitation is on its way." if data["send_now"] else \
                    " Send the invitation from here when the agenda is ready."
                messages.success(request, f"“{meeting.title}” planned.{sent}")
                return redirect(_url(meeting))
        status = 400
    else:
        client = _chosen_client(request.GET.get("client"))
        offered = client is not None
        zone = zoneinfo.ZoneInfo(request.msp.time_zone)
        week_out = timezone.now().astimezone(zone).date() + timedelta(days=7)
        initial = {"time_zone": request.msp.time_zone, "duration_minutes": 60,
                   "starts_at": datetime.combine(week_out, time(request.msp.meeting_hour))}
        if client is not None:
            initial.update(client=client.pk, attendees=[c.pk for c in _decision_makers(client)])
        form = MeetingPlanForm(initial=initial, client=client)
        status = 200
    return render(request, "meetings/meeting_plan.html", {
        "form": form, "client": client if offered else None,
        "clients": form.fields["client"].queryset,
    }, status=status)


def _decision_makers(client: Client) -> list:
    return list(client.contacts.filter(archived_at__isnull=True, is_decision_maker=True).order_by("name"))


@require_perm(WRITE)
def meeting_edit(request, meeting_id):
    """Change a planned (or missed) meeting: kind, time and zone (a move: the update goes out), length,
    title, place and who is invited (a removed contact gets a cancellation). One save, one update."""
    meeting = _meeting(meeting_id)
    if meeting.status not in OPEN or (meeting.client_id and meeting.client.is_archived):
        why = (f"{meeting.client.name} is archived" if meeting.client_id and meeting.client.is_archived
               else f"this meeting is {meeting.get_status_display().lower()}")
        messages.error(request, f"“{meeting.title}” can no longer change: {why}.")
        return redirect(_url(meeting))
    form = MeetingEditForm(_posted(request), meeting=meeting)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            fields = {"title": data["title"].strip(), "location": data["location"].strip(),
                      "duration_minutes": data["duration_minutes"]}
            if "kind" in data:
                fields["kind"] = data["kind"]
            try:
                with transaction.atomic():
                    services.meeting_update(meeting=meeting, actor=request.user, expected_version=data["version"],
                                            **fields)
                    if form.time_changed(data):
                        services.meeting_move(meeting=meeting, actor=request.user, starts_at=data["starts_at"],
                                              time_zone=data["time_zone"])
                    if "attendees" in data:
                        services.meeting_attendees_set(meeting=meeting, actor=request.user,
                                                       contacts=list(data["attendees"]))
            except StaleVersionError:
                form.add_error(None, _stale(meeting))
                status = 409
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"“{fields['title']}” saved." + (
                    " Everyone invited gets the update." if meeting.invited_at else ""))
                return redirect(_url(meeting))
    return render(request, "meetings/meeting_edit.html", {"meeting": _local(meeting), "form": form},
                  status=status)


# --- the meeting page -------------------------------------------------------------------------------------


def _detail_context(request, meeting: Meeting, **forms) -> dict:
    _local(meeting)
    items = list(ActionItem.objects.filter(meeting=meeting).select_related("owner", "owner_contact")
                 .order_by("status", "due_on", "created_at"))
    carried = agendas.carried_action_items(meeting=meeting)
    answers = questionnaire.meeting_questionnaire_answers(meeting=meeting) if meeting.client_id else []
    is_open = meeting.status in OPEN
    can_edit = can(request.role, WRITE) and not (meeting.client_id and meeting.client.is_archived)
    context = {
        "meeting": meeting,
        "attendees": list(meeting.attendees.select_related("contact").order_by("contact__name")),
        "recipients": meeting_recipients(meeting),
        "items": items,
        "carried": carried,
        "answers": answers,
        "gaps": [questionnaire.gap_text(a.statement) for a in answers if a.is_gap],
        "can_edit": can_edit,
        "is_open": is_open,
        "is_client_meeting": meeting.client_id is not None,
        "can_build_qbr": meeting.client_id is not None,
        "statement_count": questionnaire.questionnaire_statements(msp=meeting.msp).count(),
    }
    if can_edit:
        context.update({
            "form": forms.get("form") or MeetingForm(instance=meeting),
            "move_form": forms.get("move_form") or MoveForm(meeting=meeting),
            "cancel_form": CancelForm(initial={"version": meeting.version}),
            "held_form": HeldForm(meeting=meeting),
        })
    return context


@require_perm(READ, write=WRITE)
def meeting_detail(request, meeting_id):
    """GET: the meeting page. POST: save its details and attendees (MeetingForm)."""
    meeting = _meeting(meeting_id)
    status = 200
    form = None
    if request.method == "POST":
        if meeting.client_id and meeting.client.is_archived:
            messages.error(request, f"{meeting.client.name} is archived; its meetings can no longer change.")
            return redirect(_url(meeting))
        form = MeetingForm(request.POST, instance=meeting)
        if form.is_valid():
            fields = form.service_fields()
            try:
                with transaction.atomic():
                    services.meeting_update(meeting=meeting, actor=request.user,
                                            expected_version=form.expected_version, **fields)
                    if "attendees" in form.fields and meeting.status in OPEN:
                        services.meeting_attendees_set(meeting=meeting, actor=request.user,
                                                       contacts=list(form.cleaned_data["attendees"]))
            except StaleVersionError:
                form.add_error(None, _stale(meeting))
                status = 409
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"“{fields.get('title', meeting.title)}” saved.")
                return redirect(_url(meeting))
        meeting = _meeting(meeting_id)  # the page shows the stored meeting next to the form's errors
        status = status if status != 200 else 400
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting, form=form),
                  status=status)


def _versioned_action(request, meeting: Meeting, form, action, done: str, anchor: str = ""):
    """Run `action(version, data)` for a valid posted form; errors become a message on the meeting page."""
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Check the form and try again.")
        return redirect(_url(meeting, anchor))
    try:
        action(form.cleaned_data.get("version"), form.cleaned_data)
    except StaleVersionError:
        messages.error(request, _stale(meeting))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_url(meeting, anchor))


@require_perm(WRITE)
@require_POST
def meeting_move(request, meeting_id):
    meeting = _meeting(meeting_id)
    form = MoveForm(request.POST, meeting=meeting)
    return _versioned_action(
        request, meeting, form,
        lambda version, data: services.meeting_move(
            meeting=meeting, actor=request.user, starts_at=data["starts_at"],
            duration_minutes=data.get("duration_minutes"), expected_version=version),
        f"“{meeting.title}” moved; everyone invited gets the updated invitation.")


@require_perm(WRITE)
@require_POST
def meeting_cancel(request, meeting_id):
    meeting = _meeting(meeting_id)
    return _versioned_action(
        request, meeting, CancelForm(request.POST),
        lambda version, data: services.meeting_cancel(meeting=meeting, actor=request.user, reason=data["reason"],
                                                      expected_version=version),
        f"“{meeting.title}” cancelled." + (" Everyone invited gets the cancellation." if meeting.invited_at else ""))


@require_perm(WRITE)
@require_POST
def meeting_held(request, meeting_id):
    meeting = _meeting(meeting_id)
    return _versioned_action(
        request, meeting, HeldForm(request.POST, meeting=meeting),
        lambda version, data: services.meeting_mark_held(
            meeting=meeting, actor=request.user, attended=list(data["attended"]),
            decision_maker_attended=data["decision_maker_attended"], outcome=data["outcome"],
            expected_version=version),
        f"“{meeting.title}” marked held.")


@require_perm(WRITE)
@require_POST
def meeting_send(request, meeting_id):
    """Send (or send again) the invitation with the agenda to everyone invited."""
    meeting = _meeting(meeting_id)
    try:
        services.meeting_invite(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(r.name or r.email for r in meeting_recipients(meeting))
        messages.success(request, f"The invitation is on its way to {names}.")
    return redirect(_url(meeting))


@require_perm(WRITE)
@require_POST
def meeting_agenda(request, meeting_id):
    """Fill the agenda: `source=records` builds the business review from the client's records,
    `source=template` takes the template of the meeting's kind. Edit it on the page before sending."""
    meeting = _meeting(meeting_id)
    source = request.POST.get("source")
    build = {"records": agendas.meeting_agenda_build, "template": agendas.meeting_agenda_from_template}.get(source)
    version = request.POST.get("version")
    try:
        if build is None:
            raise ValidationError("Choose how to fill the agenda.")
        if not (version or "").isdigit():
            raise ValidationError("This form is missing the meeting's version. Reload the page and try again.")
        check_version(meeting, int(version))
        build(meeting=meeting, actor=request.user, expected_version=int(version))
    except StaleVersionError:
        messages.error(request, _stale(meeting))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        what = "from the client's records" if source == "records" else "from the template"
        messages.success(request, f"Agenda filled {what}. Edit it below, then send the invitation.")
    return redirect(_url(meeting, "details"))


@require_perm(WRITE)
@require_POST
def meeting_qbr_report(request, meeting_id):
    return _qbr_document(request, meeting_id, "pdf")


@require_perm(WRITE)
@require_POST
def meeting_qbr_deck(request, meeting_id):
    return _qbr_document(request, meeting_id, "deck")


def _qbr_document(request, meeting_id, what: str):
    meeting = _meeting(meeting_id)
    publish = request.POST.get("publish") in {"1", "on", "true", "yes"}
    try:
        job = reports.qbr_document_enqueue(meeting=meeting, actor=request.user, what=what, publish=publish)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(meeting))
    return redirect("job_detail", job_id=job.pk)


# --- action items -----------------------------------------------------------------------------------------


def _item_page(request, meeting: Meeting, form, item=None, status=200):
    return render(request, "meetings/action_item_form.html",
                  {"meeting": _local(meeting), "form": form, "item": item}, status=status)


@require_perm(WRITE)
def action_item_create(request, meeting_id):
    meeting = _meeting(meeting_id)
    if meeting.client_id is None:
        messages.error(request, "Action items belong to client meetings.")
        return redirect(_url(meeting))
    form = ActionItemForm(_posted(request), msp=request.msp, client=meeting.client)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        status = fields.pop("status")
        try:
            with transaction.atomic():
                item = services.action_item_create(meeting=meeting, actor=request.user, **fields)
                if status != ActionItemStatus.OPEN:
                    services.action_item_update(item=item, actor=request.user, status=status)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Action item “{item.text}” added.")
            return redirect(_url(meeting, "action-items"))
    return _item_page(request, meeting, form, status=400 if form.errors else 200)


@require_perm(WRITE)
def action_item_edit(request, action_item_id):
    item = _item(action_item_id)
    meeting = item.meeting
    form = ActionItemForm(_posted(request), instance=item, msp=request.msp, client=item.client)
    back = _url(meeting, "action-items") if meeting else reverse("client_detail",
                                                                 kwargs={"client_id": item.client_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(item=item, actor=request.user, expected_version=form.expected_version,
                                        **form.service_fields())
        except StaleVersionError:
            form.add_error(None, "This action item was changed by someone else since you opened this page. "
                                 "Nothing was saved. Reload the page and apply your change again.")
            return render(request, "meetings/action_item_form.html",
                          {"meeting": meeting and _local(meeting), "form": form, "item": item, "back": back},
                          status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Action item “{item.text}” saved.")
            return redirect(back)
    return render(request, "meetings/action_item_form.html",
                  {"meeting": meeting and _local(meeting), "form": form, "item": item, "back": back},
                  status=400 if form.errors else 200)


@require_perm(WRITE)
@require_POST
def action_item_close(request, action_item_id):
    """Mark an action item done (`status=done`, the default) or dropped (`status=dropped`)."""
    item = _item(action_item_id)
    status = request.POST.get("status") or ActionItemStatus.DONE
    back = _url(item.meeting, "action-items") if item.meeting_id else reverse(
        "client_detail", kwargs={"client_id": item.client_id})
    if status not in (ActionItemStatus.DONE, ActionItemStatus.DROPPED):
        messages.error(request, "An action item is closed as done or dropped.")
        return redirect(back)
    services.action_item_update(item=item, actor=request.user, status=status)
    messages.success(request, f"Action item “{item.text}” {ActionItemStatus(status).label.lower()}.")
    return redirect(back)


# --- the questionnaire ------------------------------------------------------------------------------------


@require_perm(READ, write=WRITE)
def meeting_questionnaire(request, meeting_id):
    """The staff side of the pre-meeting questionnaire: tick what the client's leadership said applies."""
    meeting = _meeting(meeting_id)
    if meeting.client_id is None:
        messages.error(request, "The questionnaire is answered before client meetings.")
        return redirect(_url(meeting))
    statements = questionnaire.questionnaire_statements(msp=meeting.msp)
    answers = questionnaire.meeting_questionnaire_answers(meeting=meeting)
    initial = {"selected": [a.statement_id for a in answers if a.selected]}
    form = QuestionnaireAnswerForm(_posted(request), statements=statements, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire.questionnaire_answers_record(meeting=meeting, actor=request.user,
                                                       selected=list(form.cleaned_data["selected"]))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            gaps = questionnaire.meeting_questionnaire_gaps(meeting=meeting)
            messages.success(request, f"Answers saved: {len(gaps)} gap{'s' if len(gaps) != 1 else ''} for the "
                                      "agenda.")
            return redirect(_url(meeting, "questionnaire"))
    return render(request, "meetings/questionnaire_answers.html", {
        "meeting": _local(meeting), "form": form, "answers": answers, "has_statements": statements.exists(),
        "can_edit": can(request.role, WRITE) and meeting.status in OPEN,
    }, status=400 if form.errors else 200)


@require_perm(READ, write=WRITE)
def questionnaire_settings(request):
    """The MSP's questionnaire: the statements in order; POST adds one."""
    form = StatementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            statement = questionnaire.questionnaire_statement_create(msp=request.msp, actor=request.user,
                                                                     **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Statement “{statement.text}” added to the questionnaire.")
            return redirect("questionnaire_settings")
    return render(request, "meetings/questionnaire_settings.html", {
        "statements": questionnaire.questionnaire_statements(msp=request.msp), "form": form,
        "can_edit": can(request.role, WRITE),
    }, status=400 if form.errors else 200)


@require_perm(WRITE)
def questionnaire_statement_edit(request, questionnaire_statement_id):
    statement = _statement(questionnaire_statement_id)
    if statement.archived_at is not None:
        messages.error(request, f"“{statement.text}” is archived; it can no longer change.")
        return redirect("questionnaire_settings")
    form = StatementForm(_posted(request), instance=statement)
    status = 200
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if fields.get("position") is None:
            fields.pop("position", None)
        try:
            questionnaire.questionnaire_statement_update(statement=statement, actor=request.user,
                                                         expected_version=form.expected_version, **fields)
        except StaleVersionError:
            form.add_error(None, "This statement was changed by someone else since you opened this page. Nothing "
                                 "was saved. Reload the page and apply your change again.")
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Statement “{statement.text}” saved.")
            return redirect("questionnaire_settings")
    return render(request, "meetings/statement_form.html", {"statement": statement, "form": form},
                  status=status if status != 200 else (400 if form.errors else 200))


@require_perm(WRITE)
@require_POST
def questionnaire_statement_archive(request, questionnaire_statement_id):
    statement = _statement(questionnaire_statement_id)
    questionnaire.questionnaire_statement_archive(statement=statement, actor=request.user)
    messages.success(request, f"“{statement.text}” is no longer asked. Answers already given keep it.")
    return redirect("questionnaire_settings")

