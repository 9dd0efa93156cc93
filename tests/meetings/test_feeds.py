"""Calendar feeds: the client's feed over the API and the private subscription address of a staff member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from meetings.feeds import FEED_PAST, calendar_feed_create
from meetings.models import CalendarFeed, Meeting
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create
from tests.conftest import build_tenant


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> list:
    return [c for c in cal.walk("VEVENT")]


def uids(cal: Calendar) -> list[str]:
    return [str(e["UID"]) for e in events(cal)]


@pytest.fixture
def meetings(tenant):
    """Client A (Alpha Dental) with a past, a coming, a cancelled and a too-old meeting; a steering meeting
    of its vCIO and TAM; and a meeting of the second client led by the owner."""
    client, other = tenant.clients
    vcio, tam, owner = tenant.users[Role.VCIO], tenant.users[Role.TAM], tenant.users[Role.OWNER]
    now = timezone.now()

    def make(**kw):
        fields = {"msp": tenant.msp, "kind": "qbr", "time_zone": "America/Chicago", "organizer": vcio,
                  "client": client, **kw}
        fields.setdefault("title", f"QBR {kw['starts_at']:%Y-%m-%d}")
        return Meeting.objects.create(**fields)

    with scopes_disabled():
        return {
            "past": make(starts_at=now - timedelta(days=40), status="held", held_at=now - timedelta(days=40),
                         agenda="1. Goals"),
            "coming": make(starts_at=now + timedelta(days=9), agenda="1. Your business goals\n2. Budget",
                           location="Boardroom"),
            "cancelled": make(starts_at=now + timedelta(days=20), status="cancelled", cancelled_at=now),
            "old": make(starts_at=now - FEED_PAST - timedelta(days=2), status="held", held_at=now),
            "steering": make(kind="steering", client=None, tam=tam, title="Steering",
                             starts_at=now + timedelta(days=30)),
            "other": make(client=other, organizer=owner, title="Logistics check-in", kind="check_in",
                          starts_at=now + timedelta(days=3)),
        }


def test_client_feed_over_the_api_with_a_token(tenant, meetings):
    with scope(msp=tenant.msp):
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[Role.VIEWER]), name="cal")
    http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = http.get(f"/api/v1/clients/{tenant.clients[0].pk}/calendar.ics")
    assert response.status_code == 200
    cal = parse(response)
    # Oldest first, cancelled and too old left out; nothing of the other client or steering.
    assert uids(cal) == [meetings["past"].uid, meetings["coming"].uid]
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Alpha Dental: meetings"
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    coming = events(cal)[1]
    assert str(coming["SUMMARY"]) == meetings["coming"].title
    assert str(coming["DESCRIPTION"]) == "1. Your business goals\n2. Budget"
    assert str(coming["LOCATION"]) == "Boardroom"
    assert coming["DTSTART"].params["TZID"] == "America/Chicago"
    assert coming["DTSTART"].dt == meetings["coming"].starts_at.replace(microsecond=0)
    for event in events(cal):
        assert "ATTENDEE" not in event
        assert "ORGANIZER" not in event
    assert b"RSVP" not in response.content
    assert len(cal.walk("VTIMEZONE")) == 1
    # The UIDs stay the same on the next fetch.
    assert uids(parse(http.get(f"/api/v1/clients/{tenant.clients[0].pk}/calendar.ics"))) == uids(cal)


def test_client_feed_with_a_session_and_the_refusals(tenant, other_tenant, meetings, login):
    http = login(tenant.users[Role.TAM])
    url = f"/api/v1/clients/{tenant.clients[1].pk}/calendar.ics"
    assert uids(parse(http.get(url))) == [meetings["other"].uid]
    # Another MSP's client is not found; so is an id that exists nowhere.
    foreign = login(other_tenant.users[Role.OWNER]).get(url)
    assert foreign.status_code == 404
    assert foreign["Content-Type"] == "application/json"
    assert HttpClient().get(url).status_code in (401, 403)
    assert login(tenant.users[Role.CLIENT]).get(url).status_code == 404


def test_private_address_created_on_the_page_serves_the_persons_meetings(tenant, meetings, login):
    vcio = tenant.users[Role.VCIO]
    page = login(vcio)
    assert "You have no calendar address." in page.get("/account/calendar/").content.decode()
    response = page.post("/account/calendar/")
    assert response.status_code == 200
    url = response.context["new_url"]
    assert url.startswith(f"http://testserver/calendar/{tenant.msp.pk}.")
    assert url.endswith(".ics")
    with scopes_disabled():
        feed = CalendarFeed.objects.get(user=vcio)
    assert feed.revoked_at is None
    assert feed.last_used_at is None
    assert feed.key_hash not in response.content.decode()

    anonymous = HttpClient()
    fetched = anonymous.get(url.removeprefix("http://testserver"))
    assert fetched.status_code == 200
    cal = parse(fetched)
    assert uids(cal) == [meetings["past"].uid, meetings["coming"].uid, meetings["steering"].uid]
    assert str(cal["X-WR-CALNAME"]) == f"{vcio.display_name}: meetings (Alpha)"
    assert b"RSVP" not in fetched.content
    assert b"ATTENDEE" not in fetched.content
    with scopes_disabled():
        feed.refresh_from_db()
    assert feed.last_used_at is not None
    # The address is no login: the same browser is still signed out.
    assert "_auth_user_id" not in anonymous.session
    assert anonymous.get("/clients/").status_code == 302


def test_the_tam_sees_the_steering_meetings_they_attend(tenant, meetings):
    tam = tenant.users[Role.TAM]
    with scope(msp=tenant.msp):
        _, key = calendar_feed_create(msp=tenant.msp, user=tam, actor=tam)
    assert uids(parse(HttpClient().get(f"/calendar/{key}.ics"))) == [meetings["steering"].uid]


def test_a_new_address_replaces_the_old_and_revoking_stops_it(tenant, meetings, login):
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        first, old_key = calendar_feed_create(msp=tenant.msp, user=vcio, actor=vcio)
        second, new_key = calendar_feed_create(msp=tenant.msp, user=vcio, actor=vcio)
        first.refresh_from_db()
    assert first.revoked_at is not None
    anonymous = HttpClient()
    assert anonymous.get(f"/calendar/{old_key}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{new_key}.ics").status_code == 200

    response = login(vcio).post(f"/account/calendar/{second.pk}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/account/calendar/")
    assert anonymous.get(f"/calendar/{new_key}.ics").status_code == 404
    with scopes_disabled():
        second.refresh_from_db()
        assert second.revoked_at is not None
        # Each change is in the history, the secret's digest never.
        labels = list(CalendarFeed.pgh_event_model.objects.filter(pgh_obj_id=second.pk)
                      .order_by("pgh_created_at").values_list("pgh_label", flat=True))
        assert labels == ["insert", "update"]
        assert not hasattr(CalendarFeed.pgh_event_model, "key_hash")


def test_someone_elses_address_cannot_be_revoked(tenant, other_tenant, login):
    vcio, tam = tenant.users[Role.VCIO], tenant.users[Role.TAM]
    with scope(msp=tenant.msp):
        feed, key = calendar_feed_create(msp=tenant.msp, user=vcio, actor=vcio)
    assert login(tam).post(f"/account/calendar/{feed.pk}/revoke/").status_code == 404
    assert login(other_tenant.users[Role.OWNER]).post(f"/account/calendar/{feed.pk}/revoke/").status_code == 404
    assert HttpClient().get(f"/calendar/{key}.ics").status_code == 200


@pytest.mark.parametrize("mangle", [
    lambda key, msp: key[:-1] + ("A" if key[-1] != "A" else "B"),  # one character off
    lambda key, msp: key.split(".", 1)[1],  # the secret without its MSP
    lambda key, msp: f"{msp.pk}.{key.split('.', 1)[1]}",  # the secret under another MSP
    lambda key, msp: "not-a-uuid." + key.split(".", 1)[1],
    lambda key, msp: ".",
])
def test_a_wrong_key_is_not_found(tenant, meetings, mangle):
    vcio = tenant.users[Role.VCIO]
    other = build_tenant("Bravo", "bravo")
    with scope(msp=tenant.msp):
        _, key = calendar_feed_create(msp=tenant.msp, user=vcio, actor=vcio)
    response = HttpClient().get(f"/calendar/{mangle(key, other.msp)}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_the_address_dies_with_the_membership(tenant, meetings):
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        _, key = calendar_feed_create(msp=tenant.msp, user=vcio, actor=vcio)
    Membership.objects.filter(user=vcio, msp=tenant.msp).update(removed_at=timezone.now())
    assert HttpClient().get(f"/calendar/{key}.ics").status_code == 404


def test_a_portal_user_has_no_calendar_page(tenant, login):
    assert login(tenant.users[Role.CLIENT]).get("/account/calendar/").status_code == 404
