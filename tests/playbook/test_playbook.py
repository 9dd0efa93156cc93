"""The vCIO playbook: objectives and weekly targets, actuals counted once from the records, pace on fixed
dates, the page and the API."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from clients.models import Client
from meetings.services import meeting_create, meeting_mark_held, touch_log
from msp.activities import activity_record
from msp.models import Activity, Membership
from msp.roles import Role
from playbook import services
from playbook.models import Escalation
from playbook.selectors import objectives_for, pace_of, playbook_vcios, playbook_year, weekly_target, year_fraction
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(month: int, day: int, hour: int = 15) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def test_weekly_target_is_annual_over_52_with_one_decimal():
    assert [str(weekly_target(n)) for n in (520, 260, 156, 104, 100, 0)] == ["10.0", "5.0", "3.0", "2.0", "1.9",
                                                                             "0.0"]


def test_pace_is_prorated_to_the_day():
    # 2 July 2027 is day 183 of 365: 520 x 183 / 365 = 260.7 expected.
    fraction = year_fraction(2027, dt.date(2027, 7, 2))
    assert fraction == Decimal(183) / Decimal(365)
    expected = (520 * fraction).quantize(Decimal("0.1"))
    assert expected == Decimal("260.7")
    assert [pace_of(n, expected) for n in (287, 286, 235, 234)] == ["ahead", "on_pace", "on_pace", "behind"]
    assert year_fraction(2027, dt.date(2026, 12, 31)) == 0
    assert year_fraction(2027, dt.date(2028, 1, 1)) == 1
    assert pace_of(0, Decimal(0)) == "on_pace"


def test_objectives_default_then_the_owner_sets_them_all_or_none(tenant):
    vcio, owner = tenant.users[Role.VCIO], tenant.users[Role.OWNER]
    with scope(msp=tenant.msp):
        assert objectives_for(vcio=vcio, year=2026) == {"touches": 520, "escalations": 260, "meetings": 260,
                                                        "summaries": 156, "budgets": 104, "proposals": 260}
        services.objectives_set(msp=tenant.msp, vcio=vcio, year=2026, actor=owner, annual={"touches": 600})
        with pytest.raises(ValidationError) as refused:
            services.objectives_set(msp=tenant.msp, vcio=vcio, year=2026, actor=owner,
                                    annual={"meetings": 300, "budgets": -1, "nonsense": 3})
        assert refused.value.message_dict == {"budgets": ["A whole number from 0 to 100,000."],
                                              "nonsense": ["Not a playbook activity."]}
        with pytest.raises(ValidationError) as refused:
            services.objectives_set(msp=tenant.msp, vcio=tenant.users[Role.TAM], year=2026, actor=owner,
                                    annual={"touches": 1})
        assert refused.value.message_dict == {"vcio": ["Choose a vCIO (or the owner) of your MSP."]}
        got = objectives_for(vcio=vcio, year=2026)
    assert (got["touches"], got["meetings"], got["budgets"]) == (600, 260, 104)


def record_year(tenant):
    """vCIO's 2026: in March two touches logged and one QBR held (a touch too); a steering meeting held in
    March (not a client meeting); in April a technology summary, two budget versions presented and three
    proposals sent, one of them recorded twice; in May two escalations and an archived one. The TAM's touch
    counts for the TAM, not the vCIO."""
    vcio, tam = tenant.users[Role.VCIO], tenant.users[Role.TAM]
    client = tenant.clients[0]
    msp = tenant.msp
    with scope(msp=msp):
        touch_log(client=client, actor=vcio, kind="call", at=at(3, 3))
        touch_log(client=client, actor=vcio, kind="email", at=at(3, 20))
        touch_log(client=client, actor=tam, kind="visit", at=at(3, 21))
        qbr = meeting_create(msp=msp, actor=vcio, client=client, kind="qbr", starts_at=at(3, 10),
                             send_invitations=False)
        meeting_mark_held(meeting=qbr, actor=vcio)
        steering = meeting_create(msp=msp, actor=vcio, kind="steering", starts_at=at(3, 12),
                                  send_invitations=False)
        meeting_mark_held(meeting=steering, actor=vcio)
        activity_record(msp=msp, kind="summary_completed", actor=vcio, client_id=client.pk,
                        subject_id=client.pk, occurred_at=at(4, 2))
        for n in range(2):
            activity_record(msp=msp, kind="budget_presented", actor=vcio, client_id=client.pk,
                            subject_id=uuid.UUID(int=n + 1), occurred_at=at(4, 5 + n))
        for n in range(3):
            activity_record(msp=msp, kind="proposal_sent", actor=vcio, client_id=client.pk,
                            subject_id=uuid.UUID(int=100 + n), occurred_at=at(4, 9))
        activity_record(msp=msp, kind="proposal_sent", actor=vcio, client_id=client.pk,  # sent again: once
                        subject_id=uuid.UUID(int=100), occurred_at=at(4, 20))
        for day in (4, 18):
            services.escalation_create(client=client, actor=vcio, vcio=vcio, occurred_on=dt.date(2026, 5, day),
                                       summary=f"Outage on {day} May", source="ticket")
        gone = services.escalation_create(client=client, actor=vcio, vcio=vcio, occurred_on=dt.date(2026, 5, 25),
                                          summary="Logged by mistake", source="other")
        services.escalation_archive(escalation=gone, actor=vcio)


def test_actuals_come_from_the_records_each_once(tenant):
    record_year(tenant)
    with scope(msp=tenant.msp):
        year = playbook_year(msp=tenant.msp, vcio=tenant.users[Role.VCIO], year=2026, as_of=dt.date(2026, 7, 2))
    by_month = dict(year.months)
    #                      touches escalations meetings summaries budgets proposals
    assert by_month["March"] == [3, 0, 1, 0, 0, 0]
    assert by_month["April"] == [0, 0, 0, 1, 2, 3]
    assert by_month["May"] == [0, 2, 0, 0, 0, 0]
    assert by_month["June"] == [0] * 6
    assert year.totals == {"touches": 3, "escalations": 2, "meetings": 1, "summaries": 1, "budgets": 2,
                           "proposals": 3}
    # 2 July 2026: day 183 of 365. Touches: 520 -> 260.7 expected, 3 done: behind by 257.7.
    touches = year.paces[0]
    assert (touches.annual, touches.weekly, touches.actual, touches.expected, touches.pace, touches.difference) == (
        520, Decimal("10.0"), 3, Decimal("260.7"), "behind", Decimal("-257.7"))
    with scope(msp=tenant.msp):
        tam_year = playbook_year(msp=tenant.msp, vcio=tenant.users[Role.TAM], year=2026, as_of=dt.date(2026, 7, 2))
    assert tam_year.totals["touches"] == 1
    with scopes_disabled():
        assert Activity.objects.filter(kind="proposal_sent").count() == 3


def test_a_month_is_the_msps_month(tenant):
    """An event at 02:00 UTC on 1 April is still 31 March in New York."""
    with scopes_disabled():
        tenant.msp.time_zone = "America/New_York"
        tenant.msp.save(update_fields=["time_zone"])
    with scope(msp=tenant.msp):
        activity_record(msp=tenant.msp, kind="summary_completed", actor=tenant.users[Role.VCIO],
                        subject_id=tenant.clients[0].pk, occurred_at=dt.datetime(2026, 4, 1, 2, tzinfo=UTC))
        year = playbook_year(msp=tenant.msp, vcio=tenant.users[Role.VCIO], year=2026, as_of=dt.date(2026, 12, 31))
    assert dict(year.months)["March"][3] == 1
    assert dict(year.months)["April"][3] == 0
    assert zoneinfo.ZoneInfo("America/New_York")


def test_the_page_owner_sees_everyone_vcio_sees_their_own(tenant, other_tenant, login):
    record_year(tenant)
    vcio = tenant.users[Role.VCIO]
    owner_page = login(tenant.users[Role.OWNER]).get(f"/playbook/?vcio={vcio.pk}&year=2026").content.decode()
    assert "Playbook 2026: " + vcio.display_name in owner_page
    assert ('<tr data-activity="proposals"><th scope="row" class="fw-normal">Proposals completed</th>'
            '<td class="text-end">260</td><td class="text-end">5.0</td><td class="text-end fw-semibold">3</td>'
            ) in owner_page
    assert "Set objectives" in owner_page
    mine = login(vcio)
    assert "Set objectives" not in mine.get("/playbook/?year=2026").content.decode()
    assert mine.get(f"/playbook/?vcio={tenant.users[Role.OWNER].pk}").status_code == 200  # ignored: own playbook
    assert login(tenant.users[Role.TAM]).get("/playbook/").status_code == 403
    other_vcio = other_tenant.users[Role.VCIO]
    assert login(tenant.users[Role.OWNER]).get(f"/playbook/?vcio={other_vcio.pk}").status_code == 404
    assert login(tenant.users[Role.OWNER]).get("/playbook/?year=abc").status_code == 404


def test_the_owner_sets_objectives_on_a_page(tenant, login):
    vcio = tenant.users[Role.VCIO]
    owner = login(tenant.users[Role.OWNER])
    url = f"/playbook/objectives/?vcio={vcio.pk}&year=2026"
    form = {"touches": "600", "escalations": "260", "meetings": "200", "summaries": "156", "budgets": "104",
            "proposals": "260"}
    assert owner.post(url, {**form, "meetings": "-3"}).status_code == 200
    with scope(msp=tenant.msp):
        assert objectives_for(vcio=vcio, year=2026)["meetings"] == 260
    assert owner.post(url, form).status_code == 302
    with scope(msp=tenant.msp):
        assert objectives_for(vcio=vcio, year=2026)["meetings"] == 200
    assert login(vcio).post(url, form).status_code == 403


def test_escalations_are_logged_on_their_page(tenant, login):
    vcio = tenant.users[Role.VCIO]
    c = login(vcio)
    response = c.post("/playbook/escalations/", {"client": tenant.clients[0].pk, "vcio": vcio.pk,
                                                 "occurred_on": "2026-05-04", "summary": " Email down ",
                                                 "source": "call"})
    assert response.status_code == 302
    with scopes_disabled():
        esc = Escalation.objects.get()
    assert (esc.summary, esc.source, esc.occurred_on) == ("Email down", "call", dt.date(2026, 5, 4))
    future = c.post("/playbook/escalations/", {"client": tenant.clients[0].pk, "vcio": vcio.pk,
                                               "occurred_on": "2099-01-01", "summary": "Later", "source": "call"})
    assert "An escalation is logged once it has happened." in future.content.decode()
    assert "Email down" in c.get("/playbook/escalations/").content.decode()
    assert login(tenant.users[Role.VIEWER]).post("/playbook/escalations/", {}).status_code == 403


def test_the_api_gives_the_monthly_table_and_objectives(tenant, login):
    record_year(tenant)
    vcio = tenant.users[Role.VCIO]
    body = login(vcio).get("/api/v1/playbook/activities/?year=2026").json()
    assert body["totals"]["proposals"] == 3
    assert body["months"][2] == {"month": "March", "counts": {"touches": 3, "escalations": 0, "meetings": 1,
                                                              "summaries": 0, "budgets": 0, "proposals": 0}}
    assert login(vcio).get(f"/api/v1/playbook/activities/?vcio={tenant.users[Role.OWNER].pk}").status_code == 404
    bad = login(vcio).get("/api/v1/playbook/activities/?year=0")
    assert (bad.status_code, bad.json()) == (400, {"year": ["A whole number from 2000 to 2100."]})
    owner = login(tenant.users[Role.OWNER])
    created = owner.post("/api/v1/playbook/objectives/", {"vcio": vcio.pk, "year": 2026, "activity": "touches",
                                                          "annual": 700}, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["annual"], created.json()["weekly"]) == (700, "13.5")
    again = owner.post("/api/v1/playbook/objectives/", {"vcio": vcio.pk, "year": 2026, "activity": "touches",
                                                        "annual": 1}, content_type="application/json")
    assert again.status_code == 400
    assert login(vcio).post("/api/v1/playbook/objectives/", {}, content_type="application/json").status_code == 403
    listed = login(vcio).get("/api/v1/playbook/objectives/").json()
    assert [o["annual"] for o in listed["results"]] == [700]
    with scope(msp=tenant.msp):
        assert [u.pk for u in playbook_vcios(msp=tenant.msp)] == [vcio.pk]


def test_who_has_a_playbook(tenant, other_tenant):
    """Active vCIOs of the MSP, and its owners while they are the vCIO of a client not archived; not a removed
    member, an inactive user, a TAM or another MSP's vCIO. By name."""
    msp, owner, vcio = tenant.msp, tenant.users[Role.OWNER], tenant.users[Role.VCIO]
    with scopes_disabled():
        gone, idle, second = (f.UserFactory(email=f"{n}@alpha.test", full_name=n) for n in ("Gone", "Idle", "Abe"))
        for user in (gone, idle, second):
            f.MembershipFactory(msp=msp, user=user, role=Role.VCIO)
        Membership.objects.filter(msp=msp, user=gone).update(removed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        type(idle).objects.filter(pk=idle.pk).update(is_active=False)
        owned = f.ClientFactory(msp=msp, name="Owner's own", vcio=owner)
    with scope(msp=msp):
        by_name = sorted([second, vcio, owner], key=lambda u: (u.full_name, u.email))
        assert [u.pk for u in playbook_vcios(msp=msp)] == [u.pk for u in by_name]
        assert by_name[0] == second  # Abe
        with scopes_disabled():
            Client.objects.filter(pk=owned.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        assert sorted(u.pk for u in playbook_vcios(msp=msp)) == sorted([second.pk, vcio.pk])
    with scope(msp=other_tenant.msp):
        assert [u.pk for u in playbook_vcios(msp=other_tenant.msp)] == [other_tenant.users[Role.VCIO].pk]
