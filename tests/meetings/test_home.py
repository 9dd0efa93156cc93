"""The vCIO's home: this week's and next week's meetings, touches due, missed meetings, overdue action items,
reviews waiting for recommendations and proposals awaiting the client; and logging a touch."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alignment.models import Answer, Review
from meetings.models import ActionItem, Meeting, Touch
from meetings.selectors_home import vcio_home
from msp.models import Activity
from msp.roles import Role
from roadmaps.models import Initiative
from standards.models import StandardRevision
from tests import factories as f

from .conftest import CHICAGO

# Wednesday 16 January 2030, noon in Chicago: the week runs from Monday the 14th.
NOW = datetime(2030, 1, 16, 12, 0, tzinfo=CHICAGO)


def at(day: int, month: int = 1, year: int = 2030, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


@pytest.fixture
def desk(world):
    """Clients A, B, C of the vCIO with their meetings, touches, action items, a review and a proposal; plus a
    second vCIO's client whose work must not show."""
    msp, vcio, tam = world.msp, world.users[Role.VCIO], world.users[Role.TAM]
    a, b, c = (world.refs[n] for n in "ABC")
    other_vcio = f.UserFactory(email="vcio2@alpha.test")
    f.MembershipFactory(msp=msp, user=other_vcio, role=Role.VCIO)
    d = f.ClientFactory(msp=msp, name="Client D", vcio=other_vcio)

    def meeting(client, starts, **kw):
        kw.setdefault("title", f"{kw.get('kind', 'qbr')} {client.name if client else 'steering'} {starts:%m-%d}")
        return Meeting.objects.create(msp=msp, client=client, kind=kw.pop("kind", "qbr"), starts_at=starts,
                                      time_zone="America/Chicago", organizer=kw.pop("organizer", vcio), **kw)

    m = {
        "held": meeting(a, at(15), status="held", held_at=at(15, hour=12), agenda="1. Goals",
                        invited_at=at(2)),
        "ready": meeting(b, at(17), agenda="1. Goals\n2. Budget"),
        "bare": meeting(c, at(21), kind="check_in"),
        "steering": meeting(None, at(25), kind="steering", tam=tam),
        "later": meeting(a, at(28)),
        "cancelled": meeting(b, at(16, hour=15), status="cancelled", cancelled_at=at(10)),
        "other": meeting(d, at(16, hour=11), organizer=other_vcio),
        "missed_planned": meeting(c, at(10, 12, 2029)),
        "missed": meeting(a, at(12, 11, 2029), status="missed"),
        "missed_long_ago": meeting(a, at(10, 1, 2029), status="missed"),
        "held_in_month": meeting(b, at(8), status="held", held_at=at(8, hour=12)),
    }
    Touch.objects.create(msp=msp, client=a, kind="call", at=at(5), by=vcio)
    Touch.objects.create(msp=msp, client=c, kind="email", at=at(10), by=vcio)
    Touch.objects.create(msp=msp, client=c, kind="visit", at=at(28, 12, 2029), by=vcio)  # last month
    boss_a = a.contacts.get()
    items = {
        "mine": ActionItem.objects.create(msp=msp, client=a, meeting=m["held"], text="Send the quote", owner=vcio,
                                          due_on=date(2030, 1, 10)),
        "client_owned": ActionItem.objects.create(msp=msp, client=a, text="Sign the order",
                                                  owner_contact=boss_a, due_on=date(2030, 1, 1)),
        "not_yet": ActionItem.objects.create(msp=msp, client=b, text="Book the visit", owner=vcio,
                                             due_on=date(2030, 1, 20)),
        "done": ActionItem.objects.create(msp=msp, client=b, text="Old one", owner=vcio, status="done",
                                          due_on=date(2030, 1, 2), done_at=at(2)),
        "tams": ActionItem.objects.create(msp=msp, client=a, text="Patch the switch", owner=tam,
                                          due_on=date(2030, 1, 3)),
        "other": ActionItem.objects.create(msp=msp, client=d, text="D's item", owner=other_vcio,
                                           due_on=date(2030, 1, 3)),
    }
    standard = f.StandardFactory(category=f.CategoryFactory(msp=msp))
    review = Review.objects.create(msp=msp, client=b, title="B review", tam=tam, status="completed",
                                   completed_at=at(9))
    Answer.objects.create(msp=msp, review=review, standard=standard, category=standard.category,
                          revision=StandardRevision.objects.get(standard=standard), priority="high",
                          response="misaligned")
    proposal = Initiative.objects.create(msp=msp, client=c, title="Replace the firewall", status="proposed")
    Initiative.objects.create(msp=msp, client=d, title="D's proposal", status="proposed")
    world.m, world.items, world.review, world.proposal = m, items, review, proposal
    return world


def test_the_vcios_lists(desk):
    home = vcio_home(msp=desk.msp, user=desk.users[Role.VCIO], role=Role.VCIO, now=NOW)
    m = desk.m
    assert home.week_start == date(2030, 1, 14)
    assert [x.pk for x in home.coming] == [m["held"].pk, m["ready"].pk, m["bare"].pk, m["steering"].pk]
    assert [x.agenda_state for x in home.coming] == ["sent", "ready", "missing", "missing"]
    assert [x.next_week for x in home.coming] == [False, False, True, True]
    # A: 1 logged of 1; B: the meeting held on the 8th counts, 1 of 1; C: 1 of 2 (December's touch is not
    # this month's).
    assert [(t.client.name, t.due, t.done, t.remaining) for t in home.touches.items] == [("Client C", 2, 1, 1)]
    assert home.touches.total == 1
    assert [x.pk for x in home.missed.items] == [m["missed_planned"].pk, m["missed"].pk]
    assert home.missed.total == 2
    assert [x.pk for x in home.overdue.items] == [desk.items["client_owned"].pk, desk.items["mine"].pk]
    assert [r.pk for r in home.reviews] == [desk.review.pk]
    assert home.reviews[0].findings == 1
    assert [p.pk for p in home.proposals] == [desk.proposal.pk]
    assert home.month_label == "January 2030"


def test_the_tams_lists(desk):
    tam = desk.users[Role.TAM]
    home = vcio_home(msp=desk.msp, user=tam, role=Role.TAM, now=NOW)
    m = desk.m
    # The TAM's clients are A, B and C: their meetings and the steering meeting, nothing of D.
    assert [x.pk for x in home.coming] == [m["held"].pk, m["ready"].pk, m["bare"].pk, m["steering"].pk]
    assert [x.pk for x in home.overdue.items] == [desk.items["client_owned"].pk, desk.items["tams"].pk]
    assert [r.pk for r in home.reviews] == [desk.review.pk]
    assert [p.pk for p in home.proposals] == [desk.proposal.pk]


def test_lists_are_limited_and_counted(desk):
    vcio, c = desk.users[Role.VCIO], desk.refs["C"]
    for n in range(12):
        Meeting.objects.create(msp=desk.msp, client=c, kind="check_in", title=f"Missed {n}", organizer=vcio,
                               starts_at=at(1, 10, 2029) + timedelta(days=n), time_zone="America/Chicago",
                               status="missed")
    home = vcio_home(msp=desk.msp, user=vcio, role=Role.VCIO, now=NOW)
    assert len(home.missed.items) == 10
    assert home.missed.total == 14
    assert home.missed.more == 4


def test_the_page_links_each_line_and_keeps_its_queries_bounded(world, login):
    vcio = world.users[Role.VCIO]
    now = timezone.now()
    zone = CHICAGO
    week_start = now.astimezone(zone).date() - timedelta(days=now.astimezone(zone).weekday())
    with scope(msp=world.msp):
        a = world.refs["A"]
        next_week = Meeting.objects.create(
            msp=world.msp, client=a, kind="qbr", title="Business review: Client A", organizer=vcio,
            time_zone="America/Chicago", agenda="1. Your business goals and their progress",
            starts_at=datetime.combine(week_start + timedelta(days=8), datetime.min.time(), tzinfo=zone)
            + timedelta(hours=10))
        missed = Meeting.objects.create(msp=world.msp, client=a, kind="qbr", title="Missed review of A",
                                        organizer=vcio, time_zone="America/Chicago", status="missed",
                                        starts_at=now - timedelta(days=40))
        item = ActionItem.objects.create(msp=world.msp, client=a, text="Send the quote", owner=vcio,
                                         due_on=now.date() - timedelta(days=3))
    http = login(vcio)
    response = http.get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "meetings/home.html"
    html = response.content.decode()
    assert f'<a class="fw-semibold" href="/meetings/{next_week.pk}/">Business review: Client A</a>' in html
    assert "Agenda ready, not sent" in html
    assert f'<a class="text-break" href="/meetings/{missed.pk}/">Missed review of A</a>' in html
    assert f'<a class="text-break" href="/meetings/action-items/{item.pk}/">Send the quote</a>' in html
    assert f'id="home-meeting-{next_week.pk}"' in html
    assert missed.title in html

    with CaptureQueriesContext(connection) as few:
        http.get("/")
    with scope(msp=world.msp):
        for n in range(6):
            client = f.ClientFactory(msp=world.msp, name=f"More {n}", vcio=vcio, tam=world.users[Role.TAM])
            Meeting.objects.create(msp=world.msp, client=client, kind="qbr", title=f"More {n}", organizer=vcio,
                                   time_zone="America/Chicago", status="missed",
                                   starts_at=now - timedelta(days=20 + n))
            ActionItem.objects.create(msp=world.msp, client=client, text=f"More {n}", owner=vcio,
                                      due_on=now.date() - timedelta(days=2))
            Touch.objects.create(msp=world.msp, client=client, kind="call", by=vcio)
    with CaptureQueriesContext(connection) as many:
        assert http.get("/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(("role", "home"), [(Role.OWNER, "/scorecard/"), (Role.VIEWER, "/clients/")])
def test_owners_get_the_scorecard_and_viewers_the_client_list(tenant, login, role, home):
    response = login(tenant.users[role]).get("/")
    assert (response.status_code, response["Location"]) == (302, home)


def test_a_tam_gets_the_home(tenant, login):
    response = login(tenant.users[Role.TAM]).get("/")
    assert response.status_code == 200
    assert "Meetings this week and next" in response.content.decode()


# --- logging a touch from the client page -------------------------------------------------------------


def test_log_a_touch_from_the_client_page(tenant, login):
    client, vcio = tenant.clients[0], tenant.users[Role.VCIO]
    http = login(vcio)
    page = http.get(f"/clients/{client.pk}/").content.decode()
    assert f'action="/clients/{client.pk}/touches/log/"' in page
    assert "<strong>0 of 1</strong> in" in page
    response = http.post(f"/clients/{client.pk}/touches/log/",
                         {"kind": "visit", "contact": str(tenant.contact.pk), "note": "Talked printers"})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/#touches"
    with scopes_disabled():
        touch = Touch.objects.get(client=client)
        assert (touch.kind, touch.by, touch.contact, touch.note) == ("visit", vcio, tenant.contact,
                                                                     "Talked printers")
        assert abs(touch.at - timezone.now()) < timedelta(minutes=1)
        assert Activity.objects.filter(kind="touch_logged", client_id=client.pk, subject_id=touch.pk).count() == 1
    page = http.get(f"/clients/{client.pk}/").content.decode()
    assert "Visit with Alpha Dental logged." in page
    assert "<strong>1 of 1</strong> in" in page
    assert "done for the month" in page


def test_a_touch_on_an_earlier_day_and_the_refusals(tenant, other_tenant, login):
    client, vcio = tenant.clients[0], tenant.users[Role.VCIO]
    http = login(vcio)
    today = timezone.now().astimezone(ZoneInfo(tenant.msp.time_zone)).date()
    yesterday = today - timedelta(days=1)
    http.post(f"/clients/{client.pk}/touches/log/", {"kind": "call", "on": yesterday.isoformat()})
    with scopes_disabled():
        touch = Touch.objects.get(client=client)
    local = touch.at.astimezone(ZoneInfo(tenant.msp.time_zone))
    assert (local.date(), local.hour) == (yesterday, 12)
    tomorrow = today + timedelta(days=2)
    response = http.post(f"/clients/{client.pk}/touches/log/", {"kind": "call", "on": tomorrow.isoformat()},
                         follow=True)
    assert "Nothing was logged. A touch is logged once it has happened." in response.content.decode()
    response = http.post(f"/clients/{client.pk}/touches/log/", {"kind": "fax"}, follow=True)
    assert "Nothing was logged. How: Select a valid choice. fax is not one of the available choices." \
        in response.content.decode()
    with scopes_disabled():
        assert Touch.objects.filter(client=client).count() == 1
    assert login(tenant.users[Role.VIEWER]).post(f"/clients/{client.pk}/touches/log/",
                                                 {"kind": "call"}).status_code == 403
    assert login(tenant.users[Role.TAM]).post(f"/clients/{client.pk}/touches/log/",
                                              {"kind": "call"}).status_code == 403
    assert login(other_tenant.users[Role.OWNER]).post(f"/clients/{client.pk}/touches/log/",
                                                      {"kind": "call"}).status_code == 404
    with scopes_disabled():
        assert Touch.objects.filter(client=client).count() == 1
