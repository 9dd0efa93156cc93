"""The meeting pages: the list and its filters, the meeting page (details, attendees, move, cancel, hold,
send, agenda, action items, questionnaire), the client page's section, and what each role may do."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pptx import Presentation

from clients.models import Document
from meetings.choices import ActionItemStatus, MeetingKind, MeetingStatus
from meetings.models import ActionItem, Meeting, QuestionnaireAnswer, QuestionnaireStatement
from meetings.questionnaire import questionnaire_answers_record, questionnaire_statement_create
from meetings.services import action_item_create, meeting_create
from msp.models import Job
from msp.quarters import Quarter
from msp.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def plan(tenant, *, days: int = 7, kind: str = MeetingKind.CHECK_IN, client=None, attendees=None, title: str = ""):
    with scope(msp=tenant.msp):
        return meeting_create(msp=tenant.msp, actor=tenant.users[Role.VCIO], kind=kind,
                              client=client or tenant.clients[0], title=title,
                              starts_at=timezone.now().replace(microsecond=0) + timedelta(days=days),
                              attendees=[tenant.contact] if attendees is None else attendees,
                              send_invitations=False)


def reload(meeting) -> Meeting:
    with scopes_disabled():
        return Meeting.objects.get(pk=meeting.pk)


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_filters_by_client_kind_status_and_dates_and_pages(tenant, login):
    first = plan(tenant, days=3, kind=MeetingKind.QBR, title="Review one")
    plan(tenant, days=40, title="Check-in later")
    plan(tenant, days=5, client=tenant.clients[1], attendees=[], title="Logistics check-in")
    c = login(tenant.users[Role.VIEWER])
    page = c.get("/meetings/").content.decode()
    assert [t for t in ("Review one", "Logistics check-in", "Check-in later") if t in page] == [
        "Review one", "Logistics check-in", "Check-in later"]
    assert page.index("Review one") < page.index("Logistics check-in") < page.index("Check-in later")
    assert "3 meetings." in page

    def titles(query: str) -> list[str]:
        body = c.get(f"/meetings/?{query}").content.decode()
        return [t for t in ("Review one", "Check-in later", "Logistics check-in") if f">{t}</a>" in body]

    assert titles(f"client={tenant.clients[1].pk}") == ["Logistics check-in"]
    assert titles("kind=qbr") == ["Review one"]
    assert titles("status=cancelled") == []
    day = first.starts_at.astimezone(ZoneInfo(tenant.msp.time_zone)).date()
    assert titles(f"date_from={day}&date_to={day}") == ["Review one"]
    assert titles(f"date_from={day + timedelta(days=10)}") == ["Check-in later"]
    bad = c.get(f"/meetings/?date_from={day}&date_to={day - timedelta(days=1)}").content.decode()
    assert "The end of the range is before its start." in bad

    for n in range(24):
        plan(tenant, days=60 + n, attendees=[], title=f"Extra {n:02d}")
    assert "Page 1 of 2" in c.get("/meetings/").content.decode()
    second = c.get("/meetings/?page=2").content.decode()
    assert [n for n in (21, 22, 23) if f">Extra {n}</a>" in second] == [22, 23]
    assert "27 meetings." in second


# --- the meeting page -------------------------------------------------------------------------------------


def test_a_viewer_reads_the_page_and_may_not_change_it(tenant, login):
    meeting = plan(tenant)
    with scope(msp=tenant.msp):
        Meeting.objects.filter(pk=meeting.pk).update(agenda="1. Coffee")
    c = login(tenant.users[Role.TAM])
    page = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<pre class="agenda" id="agenda-text">1. Coffee</pre>' in page
    assert "Send agenda and invitation" not in page
    assert c.post(f"/meetings/{meeting.pk}/", {"title": "x"}).status_code == 403
    assert c.post(f"/meetings/{meeting.pk}/send/").status_code == 403


def test_another_tenants_ids_are_404(tenant, other_tenant, login):
    theirs = plan(other_tenant)
    with scope(msp=other_tenant.msp):
        item = action_item_create(actor=None, meeting=theirs, text="Theirs")
        statement = questionnaire_statement_create(msp=other_tenant.msp, actor=None, text="Theirs", service="S")
    c = login(tenant.users[Role.OWNER])
    for url in (f"/meetings/{theirs.pk}/", f"/meetings/{theirs.pk}/questionnaire/",
                f"/meetings/action-items/{item.pk}/", f"/meetings/questionnaire/{statement.pk}/"):
        assert c.get(url).status_code == 404, url
    for url in (f"/meetings/{theirs.pk}/move/", f"/meetings/{theirs.pk}/cancel/", f"/meetings/{theirs.pk}/send/",
                f"/meetings/{theirs.pk}/qbr-deck/", f"/meetings/action-items/{item.pk}/close/",
                f"/meetings/questionnaire/{statement.pk}/archive/"):
        assert c.post(url).status_code == 404, url
    assert reload(theirs).status == MeetingStatus.PLANNED


def test_editing_details_and_attendees_saves_through_the_services(tenant, login, django_capture_on_commit_callbacks):
    meeting = plan(tenant)
    with scopes_disabled():
        second = f.ContactFactory(client=tenant.clients[0], name="Second Person", email="second@alpha-client.test")
        Meeting.objects.filter(pk=meeting.pk).update(invited_at=timezone.now())
    c = login(tenant.users[Role.VCIO])
    form = {"version": "1", "title": "Check-in with the boss", "duration_minutes": "45", "location": "Their office",
            "agenda": "1. How it goes", "notes": "", "outcome": "", "decision_maker_attended": "unknown",
            "attendees": [str(second.pk)]}
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/meetings/{meeting.pk}/", form)
    assert response.status_code == 302
    after = reload(meeting)
    assert (after.title, after.duration_minutes, after.location, after.agenda, after.touched) == (
        "Check-in with the boss", 45, "Their office", "1. How it goes", True)
    assert (after.sequence, after.version) == (2, 3)  # the details, then the attendee list
    with scopes_disabled():
        assert list(after.attendees.values_list("contact__name", flat=True)) == ["Second Person"]
    # Invitations went out before, so the update reaches those invited now (and the vCIO), and the contact
    # taken off gets the cancellation.
    assert sorted((m.to[0], m.subject.split(" (")[0]) for m in mail.outbox) == [
        ("boss@alpha-client.test", "Cancelled: Check-in with the boss"),
        ("second@alpha-client.test", "Updated invitation: Check-in with the boss"),
        ("vcio@alpha.test", "Updated invitation: Check-in with the boss")]

    stale = c.post(f"/meetings/{meeting.pk}/", {**form, "title": "Old tab"})
    assert stale.status_code == 409
    assert "was changed by someone else since you opened this page" in stale.content.decode()
    bad = c.post(f"/meetings/{meeting.pk}/", {**form, "version": "3", "duration_minutes": "5"})
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 15." in bad.content.decode()
    assert reload(meeting).title == "Check-in with the boss"


def test_move_cancel_and_send(tenant, login, django_capture_on_commit_callbacks):
    meeting = plan(tenant)
    c = login(tenant.users[Role.VCIO])
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(f"/meetings/{meeting.pk}/send/").status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@alpha-client.test", "vcio@alpha.test"]
    assert mail.outbox[0].subject.startswith("Invitation: Check-in: Alpha Dental (")
    assert reload(meeting).invited_at is not None

    zone = ZoneInfo(tenant.msp.time_zone)
    new_local = (timezone.now().astimezone(zone) + timedelta(days=20)).replace(hour=14, minute=30, second=0,
                                                                               microsecond=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/meetings/{meeting.pk}/move/", {"version": str(reload(meeting).version),
                                                  "starts_at": new_local.strftime("%Y-%m-%dT%H:%M"),
                                                  "duration_minutes": "60"})
    moved = reload(meeting)
    assert (moved.starts_at, moved.duration_minutes, moved.sequence) == (new_local, 60, 1)
    assert [m.subject.split(" (")[0] for m in mail.outbox] == ["Updated invitation: Check-in: Alpha Dental"] * 2

    refused = c.post(f"/meetings/{meeting.pk}/move/", {"version": str(moved.version), "starts_at": "2001-01-01T10:00"},
                     follow=True)
    assert "Choose a time in the future." in refused.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/meetings/{meeting.pk}/cancel/", {"version": str(moved.version), "reason": "Office move"})
    cancelled = reload(meeting)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.sequence) == (MeetingStatus.CANCELLED,
                                                                               "Office move", 2)
    assert [m.subject.split(" (")[0] for m in mail.outbox] == ["Cancelled: Check-in: Alpha Dental"] * 2
    page = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Office move" in page
    assert "Send agenda and invitation" not in page


def test_sending_without_a_contact_with_an_address_is_refused(tenant, login):
    meeting = plan(tenant, attendees=[])
    page = login(tenant.users[Role.VCIO]).post(f"/meetings/{meeting.pk}/send/", follow=True).content.decode()
    assert "Invite at least one contact with an email address first." in page
    assert reload(meeting).invited_at is None


def test_marking_a_started_meeting_held(tenant, login):
    meeting = plan(tenant)
    with scopes_disabled():
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    c = login(tenant.users[Role.VCIO])
    c.post(f"/meetings/{meeting.pk}/held/", {"version": "1", "attended": [str(tenant.contact.pk)],
                                              "decision_maker_attended": "unknown", "outcome": "All good"})
    held = reload(meeting)
    assert (held.status, held.decision_maker_attended, held.outcome) == (MeetingStatus.HELD, True, "All good")


# --- agenda, action items, questionnaire ------------------------------------------------------------------


def test_action_items_carry_forward_into_the_next_agenda(tenant, login):
    earlier = plan(tenant, days=2)
    later = plan(tenant, days=30)
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/meetings/{earlier.pk}/action-items/new/", {
        "text": "Send the firewall quote", "owner_choice": f"contact:{tenant.contact.pk}",
        "due_on": "2020-03-01", "status": "open"})
    assert response.status_code == 302
    with scopes_disabled():
        item = ActionItem.objects.get(meeting=earlier)
    assert (item.text, item.owner_contact_id, item.owner_id, str(item.due_on)) == (
        "Send the firewall quote", tenant.contact.pk, None, "2020-03-01")
    assert c.post(f"/meetings/{earlier.pk}/action-items/new/", {"text": "", "status": "open"}).status_code == 400

    vcio = tenant.users[Role.VCIO]
    c.post(f"/meetings/action-items/{item.pk}/", {"version": "1", "text": "Send the firewall quote",
                                                  "owner_choice": f"user:{vcio.pk}", "due_on": "2020-03-01",
                                                  "status": "open"})
    with scopes_disabled():
        item.refresh_from_db()
    assert (item.owner_id, item.owner_contact_id, item.version) == (vcio.pk, None, 2)

    c.post(f"/meetings/{later.pk}/agenda/", {"source": "template", "version": "1"})
    assert reload(later).agenda == "\n".join([
        "1. How things are going", "   - Service since our last meeting",
        "2. Anything new", "   - Plans, concerns, questions",
        "3. Open action items", f"   - Send the firewall quote ({vcio.display_name}, due 2020-03-01, overdue)"])
    page = c.get(f"/meetings/{later.pk}/").content.decode()
    assert "Open from earlier (carried forward)" in page
    assert f'id="item-{item.pk}"' in page

    c.post(f"/meetings/action-items/{item.pk}/close/", {"status": "done"})
    with scopes_disabled():
        item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE
    assert item.done_at is not None
    stale = c.post(f"/meetings/{later.pk}/agenda/", {"source": "template", "version": "1"}, follow=True)
    assert "was changed by someone else" in stale.content.decode()
    c.post(f"/meetings/{later.pk}/agenda/", {"source": "template", "version": str(reload(later).version)})
    assert reload(later).agenda.endswith("3. Open action items\n   - No open action items.")


def test_the_questionnaire_list_and_answers_make_gaps(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    for text, service, problem in [("We test restoring our backups", "Backup and recovery", False),
                                   ("Staff complain about slow laptops", "Helpdesk", True),
                                   ("Every mailbox needs MFA", "Email security", False)]:
        response = owner.post("/meetings/questionnaire/", {"text": text, "service": service, "position": "",
                                                          **({"describes_problem": "on"} if problem else {})})
        assert response.status_code == 302
    duplicate = owner.post("/meetings/questionnaire/", {"text": "Every mailbox needs MFA", "service": "X"})
    assert duplicate.status_code == 400
    assert "The questionnaire already has this statement." in duplicate.content.decode()
    assert login(tenant.users[Role.TAM]).post("/meetings/questionnaire/", {"text": "t", "service": "s"}
                                              ).status_code == 403
    with scopes_disabled():
        statements = list(QuestionnaireStatement.objects.filter(msp=tenant.msp).order_by("position"))
    assert [(s.position, s.text, s.describes_problem) for s in statements] == [
        (10, "We test restoring our backups", False), (20, "Staff complain about slow laptops", True),
        (30, "Every mailbox needs MFA", False)]

    meeting = plan(tenant, kind=MeetingKind.QBR)
    owner.post(f"/meetings/{meeting.pk}/questionnaire/", {"selected": [str(statements[1].pk),
                                                                       str(statements[2].pk)]})
    with scopes_disabled():
        assert list(QuestionnaireAnswer.objects.filter(meeting=meeting).order_by("statement__position")
                    .values_list("selected", flat=True)) == [False, True, True]
    page = owner.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "2 gaps:" in page
    assert "<li>Backup and recovery: “We test restoring our backups” is not the case yet</li>" in page
    assert "<li>Helpdesk: “Staff complain about slow laptops”</li>" in page

    owner.post(f"/meetings/questionnaire/{statements[0].pk}/archive/")
    with scope(msp=tenant.msp):
        questionnaire_answers_record(meeting=reload(meeting), actor=None, selected=[statements[2]])
        assert list(QuestionnaireAnswer.objects.filter(meeting=meeting).order_by("statement__position")
                    .values_list("statement__text", "selected")) == [
            ("We test restoring our backups", False), ("Staff complain about slow laptops", False),
            ("Every mailbox needs MFA", True)]


def test_the_qbr_agenda_is_built_from_the_records_in_one_click(tenant, login):
    meeting = plan(tenant, kind=MeetingKind.QBR)
    with scope(msp=tenant.msp):
        action_item_create(actor=None, client=tenant.clients[0], text="Renew the domain", source="other")
        statement = questionnaire_statement_create(msp=tenant.msp, actor=None, text="We have an IT budget",
                                                   service="vCIO")
        questionnaire_answers_record(meeting=meeting, actor=None, selected=[])
    c = login(tenant.users[Role.VCIO])
    c.post(f"/meetings/{meeting.pk}/agenda/", {"source": "records", "version": str(reload(meeting).version)})
    agenda = reload(meeting).agenda
    assert agenda.splitlines()[0] == "1. Your business goals and their progress"
    assert "6. Open action items\n   - Renew the domain (no owner yet)\n" in agenda
    assert agenda.endswith("7. What your leadership told us\n   - vCIO: “We have an IT budget” is not the case yet")
    assert statement.describes_problem is False


def test_the_qbr_pdf_and_deck_become_client_documents(tenant, login, django_capture_on_commit_callbacks):
    meeting = plan(tenant, kind=MeetingKind.QBR)
    c = login(tenant.users[Role.VCIO])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/meetings/{meeting.pk}/qbr-deck/", {"publish": "on"})
    with scopes_disabled():
        job = Job.objects.get(kind="qbr_deck")
        document = Document.objects.get(client=tenant.clients[0], kind="qbr_deck")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.message == "The business review deck is ready: edition 1, published to the client's portal."
    download = f"/clients/{tenant.clients[0].pk}/documents/{document.pk}/download/"
    assert f'href="{download}"' in c.get(f"/jobs/{job.pk}/").content.decode()
    answer = c.get(download)
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert answer["Content-Disposition"] == 'attachment; filename="Alpha-Dental-qbr-deck-e1.pptx"'
    slides = Presentation(io.BytesIO(answer.content)).slides
    assert slides[0].shapes.title.text.startswith("Alpha Dental")
    assert document.source_id == meeting.pk
    assert document.published_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/meetings/{meeting.pk}/qbr-report/")
    with scopes_disabled():
        pdf = Document.objects.get(client=tenant.clients[0], kind="qbr_report")
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)).date()
    quarter = Quarter.containing(day, tenant.clients[0].fiscal_year_start_month)
    assert (pdf.title, pdf.content_type, pdf.published_at) == (
        f"Business review {quarter.label} ({day:%-d %B %Y})", "application/pdf", None)
    assert c.get(f"/clients/{tenant.clients[0].pk}/documents/{pdf.pk}/download/").content[:5] == b"%PDF-"


def test_the_client_page_shows_its_meetings(tenant, login):
    meeting = plan(tenant, title="Next check-in")
    with scope(msp=tenant.msp):
        action_item_create(actor=None, meeting=meeting, text="Order the laptops")
        missed = plan(tenant, days=1, title="Missed one")
        Meeting.objects.filter(pk=missed.pk).update(starts_at=datetime(2020, 1, 6, 15, tzinfo=UTC))
    page = login(tenant.users[Role.VIEWER]).get(f"/clients/{tenant.clients[0].pk}/").content.decode()
    section = page[page.index('id="meetings"'):page.index('id="portal"')]
    assert f'href="/meetings/{meeting.pk}/">' in section
    assert "Next check-in" in section
    assert "(not sent)" in section
    assert "Missed one" in section[section.index('id="meetings-missed"'):]
    assert "Order the laptops" in section
    assert "The default rule gives 4 meetings a year (quarterly)" in section
