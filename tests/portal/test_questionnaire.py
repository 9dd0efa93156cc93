"""The pre-meeting questionnaire in the portal: the decision maker answers the MSP's statements before a
coming meeting of their own client; the vCIO reads the answers and gaps on the meeting page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from meetings.models import Meeting, QuestionnaireAnswer
from meetings.questionnaire import questionnaire_statement_create
from msp.models import Notification
from msp.roles import Role

pytestmark = pytest.mark.django_db


def meeting(tenant, client, starts, **kw):
    with scopes_disabled():
        return Meeting.objects.create(msp=tenant.msp, client=client, kind=kw.pop("kind", "qbr"), starts_at=starts,
                                      time_zone="America/Chicago", organizer=tenant.users[Role.VCIO],
                                      title=kw.pop("title", "Business review: Alpha Dental"), **kw)


@pytest.fixture
def statements(tenant):
    with scope(msp=tenant.msp):
        return [
            questionnaire_statement_create(msp=tenant.msp, actor=None, text="We test restoring our backups",
                                           service="Backup and recovery"),
            questionnaire_statement_create(msp=tenant.msp, actor=None, text="Staff complain about slow laptops",
                                           service="Helpdesk", describes_problem=True),
            questionnaire_statement_create(msp=tenant.msp, actor=None, text="Everyone signs in with MFA",
                                           service="Security"),
        ]


@pytest.fixture
def coming(tenant):
    return meeting(tenant, tenant.clients[0], timezone.now() + timedelta(days=6))


def answers(m):
    with scopes_disabled():
        return list(QuestionnaireAnswer.objects.filter(meeting=m).order_by("statement__position")
                    .values_list("statement__text", "selected", "answered_by__email"))


def test_the_decision_maker_answers_and_the_vcio_reads_the_gaps(tenant, statements, coming, login):
    portal = login(tenant.users[Role.CLIENT])
    home = portal.get("/portal/").content.decode()
    url = f"/portal/meetings/{coming.pk}/questionnaire/"
    assert f'href="{url}" id="questionnaire-{coming.pk}"' in home
    assert "Answer the questionnaire" in home

    page = portal.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for s in statements:
        assert f'value="{s.pk}"' in html
    assert "checked" not in html

    response = portal.post(url, {"selected": [str(statements[1].pk), str(statements[2].pk)]})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/#meeting-{coming.pk}"
    assert answers(coming) == [("We test restoring our backups", False, "client@alpha.test"),
                               ("Staff complain about slow laptops", True, "client@alpha.test"),
                               ("Everyone signs in with MFA", True, "client@alpha.test")]
    with scopes_disabled():
        note = Notification.objects.get(user=tenant.users[Role.VCIO])
    assert note.title == (f"{tenant.users[Role.CLIENT].display_name} (Alpha Dental) answered the questionnaire "
                          "for “Business review: Alpha Dental”")
    assert note.body == "2 gaps for the agenda."
    assert note.url == f"/meetings/{coming.pk}/#questionnaire"
    assert "Change your questionnaire answers" in portal.get("/portal/").content.decode()
    # Opened again, the earlier answers are ticked.
    again = portal.get(url).content.decode()
    assert again.count("checked") == 2
    assert "saving again replaces those answers" in again

    staff = login(tenant.users[Role.VCIO]).get(f"/meetings/{coming.pk}/").content.decode()
    assert f"by {tenant.users[Role.CLIENT].display_name}. 2 gaps:" in staff
    assert ("<li>Backup and recovery: “We test restoring our backups” is not the case yet</li>"
            "<li>Helpdesk: “Staff complain about slow laptops”</li>") in staff
    assert "Ticked:</span> Everyone signs in with MFA (Security)" in staff


def test_answering_again_replaces_the_answers(tenant, statements, coming, login):
    portal = login(tenant.users[Role.CLIENT])
    url = f"/portal/meetings/{coming.pk}/questionnaire/"
    portal.post(url, {"selected": [str(statements[0].pk)]})
    portal.post(url, {})
    assert answers(coming) == [("We test restoring our backups", False, "client@alpha.test"),
                               ("Staff complain about slow laptops", False, "client@alpha.test"),
                               ("Everyone signs in with MFA", False, "client@alpha.test")]


def test_bad_input_changes_nothing(tenant, other_tenant, statements, coming, login):
    with scope(msp=other_tenant.msp):
        theirs = questionnaire_statement_create(msp=other_tenant.msp, actor=None, text="Bravo's", service="S")
    portal = login(tenant.users[Role.CLIENT])
    response = portal.post(f"/portal/meetings/{coming.pk}/questionnaire/",
                           {"selected": [str(statements[0].pk), str(theirs.pk)]})
    assert response.status_code == 400
    assert (f"Select a valid choice. {theirs.pk} is not one of the available choices."
            in response.content.decode())
    assert answers(coming) == []
    with scopes_disabled():
        assert Notification.objects.count() == 0


@pytest.mark.parametrize("which", ["sibling", "past", "cancelled", "held", "foreign"])
def test_other_meetings_are_not_found(tenant, other_tenant, statements, login, which):
    now = timezone.now()
    target = {
        "sibling": lambda: meeting(tenant, tenant.clients[1], now + timedelta(days=3)),
        "past": lambda: meeting(tenant, tenant.clients[0], now - timedelta(days=3)),
        "cancelled": lambda: meeting(tenant, tenant.clients[0], now + timedelta(days=3), status="cancelled",
                                     cancelled_at=now),
        "held": lambda: meeting(tenant, tenant.clients[0], now - timedelta(minutes=10), status="held",
                                held_at=now),
        "foreign": lambda: meeting(other_tenant, other_tenant.clients[0], now + timedelta(days=3)),
    }[which]()
    portal = login(tenant.users[Role.CLIENT])
    url = f"/portal/meetings/{target.pk}/questionnaire/"
    assert portal.get(url).status_code == 404
    assert portal.post(url, {"selected": [str(statements[0].pk)]}).status_code == 404
    assert answers(target) == []


def test_another_clients_decision_maker_gets_404(tenant, other_tenant, statements, coming, login):
    # Bravo's portal user, with Alpha's meeting id: another tenant, not found.
    response = login(other_tenant.users[Role.CLIENT]).post(f"/portal/meetings/{coming.pk}/questionnaire/",
                                                           {"selected": [str(statements[0].pk)]})
    assert response.status_code == 404
    assert answers(coming) == []


def test_no_statements_no_questionnaire(tenant, coming, login):
    portal = login(tenant.users[Role.CLIENT])
    assert "Answer the questionnaire" not in portal.get("/portal/").content.decode()
    response = portal.get(f"/portal/meetings/{coming.pk}/questionnaire/")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/#meeting-{coming.pk}"


def test_staff_do_not_reach_it(tenant, statements, coming, login):
    assert login(tenant.users[Role.VCIO]).get(f"/portal/meetings/{coming.pk}/questionnaire/").status_code == 404
