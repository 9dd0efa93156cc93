"""Planning a single meeting by hand (/meetings/new/) and changing it (/meetings/<id>/edit/): kind,
client, date and time in a chosen time zone, length, place, who is invited. Bad input gets field errors
and changes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from meetings.services import meeting_create
from msp.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def next_year(month=3, day=10, hour=9, minute=30) -> datetime:
    """A wall-clock time next year (naive: the zone is chosen on the form)."""
    return datetime(timezone.now().year + 1, month, day, hour, minute, tzinfo=ZoneInfo("UTC")).replace(tzinfo=None)


def local(value: datetime) -> str:
    return f"{value:%Y-%m-%dT%H:%M}"


@pytest.fixture
def contacts(tenant):
    with scopes_disabled():
        helper = f.ContactFactory(client=tenant.clients[0], name="Alpha Office Manager", email="office@alpha.test",
                                  is_decision_maker=False)
        other = f.ContactFactory(client=tenant.clients[1], name="Logistics Boss", email="boss@logistics.test")
    return {"boss": tenant.contact, "helper": helper, "other": other}


def meetings(tenant):
    with scopes_disabled():
        return list(Meeting.objects.filter(msp=tenant.msp))


def body(tenant, **kw):
    data = {"client": str(tenant.clients[0].pk), "offered": str(tenant.clients[0].pk), "kind": "check_in",
            "starts_at": local(next_year()), "time_zone": "Asia/Tokyo", "duration_minutes": "45",
            "title": "", "location": "Video call"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_offers_the_chosen_clients_contacts_with_the_decision_maker_ticked(tenant, contacts, login):
    c = login(tenant.users[Role.VCIO])
    page = c.get(f"/meetings/new/?client={tenant.clients[0].pk}").content.decode()
    assert f'value="{contacts["boss"].pk}" id="id_attendees_0" checked' in page.replace('class="form-check-input" ', "")
    assert f'value="{contacts["helper"].pk}"' in page
    assert f'value="{contacts["other"].pk}"' not in page
    assert "Alpha Boss (decision maker)" in page
    assert f'<input type="hidden" name="offered" value="{tenant.clients[0].pk}">' in page
    # Without a client, the page offers to pick one first and invites the decision makers otherwise.
    bare = c.get("/meetings/new/").content.decode()
    assert 'id="pick-client"' in bare
    assert 'name="attendees"' not in bare
    assert "Otherwise the client's decision makers are invited." in bare


def test_planning_a_meeting_in_another_time_zone(tenant, contacts, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post("/meetings/new/", body(tenant, attendees=[str(contacts["boss"].pk),
                                                                 str(contacts["helper"].pk)]))
    [meeting] = meetings(tenant)
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.kind, meeting.client_id, meeting.title, meeting.time_zone, meeting.duration_minutes,
            meeting.location, meeting.status, meeting.organizer_id, meeting.touched,
            meeting.planned_by_scheduler) == (
        "check_in", tenant.clients[0].pk, "Check-in: Alpha Dental", "Asia/Tokyo", 45, "Video call", "planned",
        tenant.users[Role.VCIO].pk, True, False)
    assert meeting.starts_at == next_year().replace(tzinfo=TOKYO)
    with scopes_disabled():
        assert sorted(a.contact.name for a in meeting.attendees.all()) == ["Alpha Boss", "Alpha Office Manager"]
    assert (meeting.invited_at, mail.outbox) == (None, [])
    page = c.get(response["Location"]).content.decode()
    when = next_year()
    assert (f'id="meeting-when">Check-in · {when:%A} 10 March {when.year}, 09:30 to 10:15 (Asia/Tokyo) · Video call'
            '</div>') in page


def test_send_now_sends_the_invitation_in_the_same_step(tenant, contacts, login, django_capture_on_commit_callbacks):
    c = login(tenant.users[Role.VCIO])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/meetings/new/", body(tenant, kind="qbr", title="Spring review", send_now="on",
                                                 attendees=[str(contacts["boss"].pk)]))
    [meeting] = meetings(tenant)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([contacts["boss"].email, tenant.users[Role.VCIO].email])
    cal = Calendar.from_ical(mail.outbox[0].alternatives[0][0])
    [event] = cal.walk("VEVENT")
    assert (str(cal["METHOD"]), str(event["UID"]), event["DTSTART"].params["TZID"], str(event["SUMMARY"])) == (
        "REQUEST", f"meeting-{meeting.pk}@meetings.vcio", "Asia/Tokyo", "Spring review")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]


def test_without_offered_contacts_the_decision_makers_are_invited(tenant, contacts, login):
    login(tenant.users[Role.OWNER]).post("/meetings/new/", body(tenant, offered=None))
    [meeting] = meetings(tenant)
    with scopes_disabled():
        assert [a.contact.name for a in meeting.attendees.all()] == ["Alpha Boss"]


@pytest.mark.parametrize(("change", "field", "error"), [
    ({"starts_at": "2020-03-10T09:30"}, "starts_at", "Choose a time in the future."),
    ({"starts_at": "next tuesday"}, "starts_at", "Enter a valid date/time."),
    ({"time_zone": "Mars/Olympus"}, "time_zone",
     "Select a valid choice. Mars/Olympus is not one of the available choices."),
    ({"kind": "steering"}, "kind", "Select a valid choice. steering is not one of the available choices."),
    ({"duration_minutes": "5"}, "duration_minutes", "Ensure this value is greater than or equal to 15."),
    ({"client": ""}, "client", "This field is required."),
    # 02:30 on the second Sunday of March does not exist in New York: the clocks go from 02:00 to 03:00.
    ({"time_zone": "America/New_York", "starts_at": "2031-03-09T02:30"}, "starts_at",
     "2031-03-09 02:30 does not exist in America/New_York: the clocks change then. Choose another time."),
])
def test_bad_input_gets_field_errors_and_changes_nothing(tenant, contacts, login, change, field, error):
    response = login(tenant.users[Role.VCIO]).post("/meetings/new/", body(tenant, **change))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [error]
    assert f'id="id_{field}_errors">{error}</div>'.replace("'", "&#x27;") in response.content.decode()
    assert meetings(tenant) == []


def test_another_clients_contact_or_another_msps_client_is_refused(tenant, other_tenant, contacts, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post("/meetings/new/", body(tenant, attendees=[str(contacts["other"].pk)]))
    assert response.status_code == 400
    assert response.context["form"].errors["attendees"] == [
        f"Select a valid choice. {contacts['other'].pk} is not one of the available choices."]
    foreign = other_tenant.clients[0].pk
    response = c.post("/meetings/new/", body(tenant, client=str(foreign), offered=str(foreign)))
    assert response.status_code == 400
    assert response.context["form"].errors["client"] == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert "Bravo Dental" not in response.content.decode()
    assert meetings(tenant) == []
    assert meetings(other_tenant) == []


def test_send_now_without_an_email_address_plans_nothing(tenant, login):
    with scopes_disabled():
        tenant.contact.email = ""
        tenant.contact.save()
    response = login(tenant.users[Role.VCIO]).post("/meetings/new/", body(tenant, send_now="on",
                                                                           attendees=[str(tenant.contact.pk)]))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Invite at least one contact with an email address first."]
    assert meetings(tenant) == []


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_only_owner_and_vcio_plan_meetings(tenant, login, role):
    c = login(tenant.users[role])
    assert c.get("/meetings/new/").status_code == 403
    assert c.post("/meetings/new/", body(tenant)).status_code == 403
    assert meetings(tenant) == []


# --- changing it ------------------------------------------------------------------------------------------


@pytest.fixture
def planned(tenant, contacts, django_capture_on_commit_callbacks):
    with scope(msp=tenant.msp), django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(msp=tenant.msp, actor=tenant.users[Role.VCIO], kind=MeetingKind.QBR,
                                 client=tenant.clients[0], title="Alpha QBR", time_zone="America/Chicago",
                                 starts_at=next_year().replace(tzinfo=ZoneInfo("America/Chicago")),
                                 attendees=[contacts["boss"], contacts["helper"]])
    mail.outbox.clear()
    with scopes_disabled():
        return Meeting.objects.get(pk=meeting.pk)


def edit_body(meeting, **kw):
    data = {"version": str(meeting.version), "kind": meeting.kind, "time_zone": meeting.time_zone,
            "starts_at": local(meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))),
            "duration_minutes": str(meeting.duration_minutes), "title": meeting.title,
            "location": meeting.location}
    data.update(kw)
    return data


def test_the_edit_page_moves_rezones_and_changes_who_is_invited(tenant, contacts, planned, login,
                                                                django_capture_on_commit_callbacks):
    c = login(tenant.users[Role.VCIO])
    page = c.get(f"/meetings/{planned.pk}/edit/").content.decode()
    assert f'value="{local(next_year())}"' in page
    assert '<option value="America/Chicago" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/meetings/{planned.pk}/edit/", edit_body(
            planned, kind="strategy", time_zone="Asia/Tokyo", starts_at=local(next_year(day=12, hour=8)),
            duration_minutes="90", title="Alpha strategy", attendees=[str(contacts["boss"].pk)]))
    assert response.status_code == 302
    with scopes_disabled():
        meeting = Meeting.objects.get(pk=planned.pk)
        invited = [a.contact.name for a in meeting.attendees.all()]
    assert (meeting.kind, meeting.title, meeting.time_zone, meeting.duration_minutes, invited) == (
        "strategy", "Alpha strategy", "Asia/Tokyo", 90, ["Alpha Boss"])
    assert meeting.starts_at == next_year(day=12, hour=8).replace(tzinfo=TOKYO)
    assert meeting.sequence > planned.sequence
    # One update to everyone still invited, one cancellation to the contact taken off.
    request = [m for m in mail.outbox if "method=REQUEST" in m.alternatives[0][1]]
    cancel = [m for m in mail.outbox if "method=CANCEL" in m.alternatives[0][1]]
    assert sorted(m.to[0] for m in request) == sorted([contacts["boss"].email, tenant.users[Role.VCIO].email])
    assert [m.to for m in cancel] == [[contacts["helper"].email]]
    [event] = Calendar.from_ical(request[0].alternatives[0][0]).walk("VEVENT")
    assert (event["SEQUENCE"], event["DTSTART"].params["TZID"]) == (meeting.sequence, "Asia/Tokyo")


def test_a_bad_edit_changes_nothing(tenant, planned, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/meetings/{planned.pk}/edit/", edit_body(planned, starts_at="2020-01-01T10:00",
                                                                 title="Changed"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"starts_at": ["Choose a time in the future."]}
    stale = c.post(f"/meetings/{planned.pk}/edit/", edit_body(planned, version=str(planned.version - 1 or 99),
                                                              title="Changed"))
    assert stale.status_code == 409
    assert "was changed by someone else since you opened this page. Nothing was saved." in stale.content.decode()
    with scopes_disabled():
        after = Meeting.objects.get(pk=planned.pk)
    assert (after.title, after.version, after.sequence, after.starts_at) == (
        planned.title, planned.version, planned.sequence, planned.starts_at)
    assert mail.outbox == []


def test_a_held_or_foreign_meeting_cannot_be_edited(tenant, other_tenant, planned, login):
    with scopes_disabled():
        Meeting.objects.filter(pk=planned.pk).update(status=MeetingStatus.HELD, held_at=timezone.now())
    c = login(tenant.users[Role.VCIO])
    response = c.post(f"/meetings/{planned.pk}/edit/", edit_body(planned, title="Changed"))
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{planned.pk}/"
    assert "“Alpha QBR” can no longer change: this meeting is held." in c.get(response["Location"]).content.decode()
    assert login(other_tenant.users[Role.VCIO]).get(f"/meetings/{planned.pk}/edit/").status_code == 404
    with scopes_disabled():
        assert Meeting.objects.get(pk=planned.pk).title == "Alpha QBR"


def test_the_meeting_page_client_page_and_list_link_to_planning(tenant, planned, login):
    c = login(tenant.users[Role.VCIO])
    assert f'href="/meetings/{planned.pk}/edit/"' in c.get(f"/meetings/{planned.pk}/").content.decode()
    assert 'href="/meetings/new/" id="meeting-plan"' in c.get("/meetings/").content.decode()
    client_page = c.get(f"/clients/{tenant.clients[0].pk}/").content.decode()
    assert f'href="/meetings/new/?client={tenant.clients[0].pk}" id="client-meeting-plan"' in client_page
    viewer = login(tenant.users[Role.VIEWER])
    assert "/edit/" not in viewer.get(f"/meetings/{planned.pk}/").content.decode()
    assert 'id="meeting-plan"' not in viewer.get("/meetings/").content.decode()
