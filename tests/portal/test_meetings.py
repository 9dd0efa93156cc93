"""The portal's meetings: the client's coming meetings with their agendas, and each one as an .ics file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from django_scopes import scopes_disabled
from icalendar import Calendar

from meetings.models import Meeting
from msp.roles import Role
from portal.selectors import MEETINGS_SHOWN
from tests.meetings.conftest import CHICAGO

pytestmark = pytest.mark.django_db


def meeting(tenant, client, starts, **kw):
    kw.setdefault("title", f"Business review {starts:%Y-%m-%d %H:%M}")
    with scopes_disabled():
        return Meeting.objects.create(msp=tenant.msp, client=client, kind=kw.pop("kind", "qbr"), starts_at=starts,
                                      time_zone="America/Chicago", organizer=tenant.users[Role.VCIO], **kw)


@pytest.fixture
def coming(tenant, other_tenant):
    now = timezone.now()
    client = tenant.clients[0]
    return {
        "next": meeting(tenant, client, now + timedelta(days=6), agenda="1. Your business goals\n2. Budget",
                        location="Your office", title="Business review: Alpha Dental"),
        "later": meeting(tenant, client, now + timedelta(days=60), title="Strategy: Alpha Dental"),
        "in_progress": meeting(tenant, client, now - timedelta(minutes=20), title="Check-in now",
                               kind="check_in"),
        "past": meeting(tenant, client, now - timedelta(days=3), title="Last week's review"),
        "cancelled": meeting(tenant, client, now + timedelta(days=9), title="Cancelled one", status="cancelled",
                             cancelled_at=now),
        "sibling": meeting(tenant, tenant.clients[1], now + timedelta(days=2), title="Logistics review"),
        "steering": meeting(tenant, None, now + timedelta(days=4), kind="steering", title="Internal steering",
                            tam=tenant.users[Role.TAM]),
        "foreign": meeting(other_tenant, other_tenant.clients[0], now + timedelta(days=2), title="Bravo review"),
    }


def test_the_portal_lists_the_clients_coming_meetings_with_agendas(tenant, coming, login):
    response = login(tenant.users[Role.CLIENT]).get("/portal/")
    assert [m.title for m in response.context["meetings"]] == [
        "Check-in now", "Business review: Alpha Dental", "Strategy: Alpha Dental"]
    html = response.content.decode()
    assert "1. Your business goals\n2. Budget" in html
    assert "The agenda will follow before the meeting." in html
    assert f'href="/portal/meetings/{coming["next"].pk}/calendar.ics"' in html
    for absent in ("Last week&#x27;s review", "Cancelled one", "Logistics review", "Internal steering",
                   "Bravo review", "No meetings are scheduled yet."):
        assert absent not in html


def test_the_list_is_limited(tenant, login):
    now = timezone.now()
    for n in range(MEETINGS_SHOWN + 2):
        meeting(tenant, tenant.clients[0], now + timedelta(days=10 + n))
    assert len(login(tenant.users[Role.CLIENT]).get("/portal/").context["meetings"]) == MEETINGS_SHOWN


def test_add_a_meeting_to_the_calendar(tenant, coming, login):
    response = login(tenant.users[Role.CLIENT]).get(f"/portal/meetings/{coming['next'].pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="meeting-{coming["next"].starts_at.astimezone(CHICAGO):%Y-%m-%d}.ics"')
    cal = Calendar.from_ical(response.content)
    [event] = cal.walk("VEVENT")
    # The invitation's UID: a calendar that has the invitation updates it instead of adding a copy.
    assert str(event["UID"]) == f"meeting-{coming['next'].pk}@meetings.vcio"
    assert str(event["SUMMARY"]) == "Business review: Alpha Dental"
    assert str(event["DESCRIPTION"]) == "1. Your business goals\n2. Budget"
    assert str(event["LOCATION"]) == "Your office"
    assert event["DTSTART"].dt == coming["next"].starts_at.replace(microsecond=0)
    assert "ATTENDEE" not in event
    assert "METHOD" not in cal


@pytest.mark.parametrize("which", ["past", "cancelled", "sibling", "steering", "foreign"])
def test_other_meetings_are_not_found(tenant, coming, login, which):
    response = login(tenant.users[Role.CLIENT]).get(f"/portal/meetings/{coming[which].pk}/calendar.ics")
    assert response.status_code == 404


def test_staff_and_strangers_do_not_reach_it(tenant, coming, login):
    url = f"/portal/meetings/{coming['next'].pk}/calendar.ics"
    assert login(tenant.users[Role.VCIO]).get(url).status_code == 404
    response = HttpClient().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
