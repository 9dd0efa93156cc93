"""Approve and decline in the portal ask for confirmation first, naming what is decided and its price,
and can be undone by the person who decided for settings.DECISION_UNDO_MINUTES; the vCIO is told of the
undo, and the history keeps both steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory.models
import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from budgets import services as budget_services
from budgets.models import BudgetLine
from budgets.selectors import client_horizon
from clients.models import Client
from msp.models import Notification
from msp.roles import Role
from roadmaps import services
from roadmaps.models import Initiative
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(tenant):
    """A proposed initiative quoted at 4,500.00 and a proposed budget item of 2 x 1,950.00 (1,500 + 30 %)."""
    with scopes_disabled():
        client = Client.objects.get(pk=tenant.clients[0].pk)
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        start = client_horizon(client=client)[1].start
        firewall = services.initiative_create(client=client, actor=vcio, title="Replace the firewall",
                                              status="proposed", start_quarter=start,
                                              proposal_amount=Decimal("4500.00"))
        laptops = budget_services.budget_line_create(
            client=client, actor=vcio, description="Laptops for reception", kind="one_time", start_quarter=start,
            quantity=Decimal("2"), unit_cost=Decimal("1500.00"), pricing="markup", rate=Decimal("30"))
    return {"initiative": firewall, "line": laptops}


KINDS = {"initiative": ("initiatives", Initiative, "status"), "line": ("budget-lines", BudgetLine, "decision")}


def _url(kind, record, what):
    return f"/portal/{KINDS[kind][0]}/{record.pk}/{what}/"


def _state(kind, record):
    model, field = KINDS[kind][1], KINDS[kind][2]
    with scopes_disabled():
        fresh = model.objects.get(pk=record.pk)
    return getattr(fresh, field), fresh.decided_by_id, fresh.decision_note


def _approved(tenant, items, login, kind):
    """(record, its name, the portal user's client) once the portal user approved it."""
    record = items[kind]
    c = login(tenant.users[Role.CLIENT])
    c.post(_url(kind, record, "decide"), {"decision": "approved", "confirm": "yes"})
    return record, SUBJECTS[kind], c


SUBJECTS = {"initiative": "Replace the firewall", "line": "Laptops for reception"}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("kind", "price"), [("initiative", "Quoted price $4,500.00"),
                                             ("line", "Budgeted: $3,900.00 one-time; $3,900.00 over the plan")])
def test_a_decision_asks_for_confirmation_naming_it_and_its_price(tenant, items, login, kind, price):
    record = items[kind]
    subject = SUBJECTS[kind]
    c = login(tenant.users[Role.CLIENT])
    home = c.get("/portal/").content.decode()
    assert 'name="confirm"' not in home  # the portal's buttons lead to the confirmation first

    page = c.post(_url(kind, record, "decide"), {"decision": "approved", "note": "After the audit."})
    assert page.status_code == 200
    text = " ".join(strip_tags(page.content.decode()).split())
    assert f"Approve “{subject}”?" in text
    assert f"Price {price}" in text
    assert "You can undo it for 10 minutes afterwards." in text
    html = page.content.decode()
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert '<input type="hidden" name="decision" value="approved">' in html
    assert ">After the audit.</textarea>" in html
    assert _state(kind, record) == ("proposed", None, "")  # nothing decided yet
    with scopes_disabled():
        assert not Notification.objects.filter(user=tenant.users[Role.VCIO]).exists()

    declined = c.post(_url(kind, record, "decide"), {"decision": "declined"})
    assert f"Decline “{subject}”?" in " ".join(strip_tags(declined.content.decode()).split())

    done = c.post(_url(kind, record, "decide"), {"decision": "approved", "note": "After the audit.",
                                                 "confirm": "yes"})
    assert done.status_code == 302
    assert _state(kind, record) == ("approved", tenant.users[Role.CLIENT].pk, "After the audit.")


@pytest.mark.parametrize("kind", ["initiative", "line"])
def test_undo_within_the_window_restores_the_proposal_and_tells_the_vcio(tenant, items, login, kind):
    record = items[kind]
    subject = SUBJECTS[kind]
    user = tenant.users[Role.CLIENT]
    c = login(user)
    c.post(_url(kind, record, "decide"), {"decision": "declined", "note": "Not this year.", "confirm": "yes"})
    home = c.get("/portal/").content.decode()
    assert f'action="{_url(kind, record, "undo")}"' in home
    assert f'aria-label="Undo your decision on {subject}"' in home

    response = c.post(_url(kind, record, "undo"))
    assert response.status_code == 302
    assert _messages(response) == [f"Your decision on “{subject}” is undone; it waits for your decision again."]
    assert _state(kind, record) == ("proposed", None, "")
    with scopes_disabled():
        titles = list(Notification.objects.filter(user=tenant.users[Role.VCIO]).order_by("created_at")
                      .values_list("title", flat=True))
        model = KINDS[kind][1]
        fresh = model.objects.get(pk=record.pk)
        events = list(pghistory.models.Events.objects.references(fresh).order_by("pgh_created_at"))
    assert titles == [f"{user.display_name} (Alpha Dental) declined “{subject}”",
                      f"{user.display_name} (Alpha Dental) took back their decision "
                      f"on “{subject}”; it awaits their decision again"]
    field = KINDS[kind][2]
    assert [e.pgh_data[field] for e in events][-3:] == ["proposed", "declined", "proposed"]
    assert events[-1].pgh_context["user"] == str(user.pk)
    assert fresh.decided_at is None
    # It is back among the proposals and can be decided again; the undo is gone.
    home = c.get("/portal/").content.decode()
    assert f'action="{_url(kind, record, "decide")}"' in home
    assert f'action="{_url(kind, record, "undo")}"' not in home
    again = c.post(_url(kind, record, "undo"))
    assert _messages(again) == [f"“{subject}” is no longer as you decided it, so there is nothing to undo."]


@pytest.mark.parametrize("kind", ["initiative", "line"])
def test_after_the_window_undo_is_refused(tenant, items, login, kind, settings):
    record, subject, c = _approved(tenant, items, login, kind)
    model = KINDS[kind][1]
    with scopes_disabled():
        model.objects.filter(pk=record.pk).update(decided_at=timezone.now() - dt.timedelta(minutes=10, seconds=1))
    assert f'action="{_url(kind, record, "undo")}"' not in c.get("/portal/").content.decode()
    response = c.post(_url(kind, record, "undo"))
    assert _messages(response) == [f"The 10 minutes to undo your decision on “{subject}” have passed; ask your "
                                   "vCIO if it should change."]
    assert _state(kind, record)[0] == "approved"
    # The window is a setting.
    settings.DECISION_UNDO_MINUTES = 30
    assert c.post(_url(kind, record, "undo")).status_code == 302
    assert _state(kind, record)[0] == "proposed"


@pytest.mark.parametrize("kind", ["initiative", "line"])
def test_nobody_else_can_undo(tenant, other_tenant, items, login, kind):
    record, subject, c = _approved(tenant, items, login, kind)
    # Another client's portal user, of this MSP or another: not found.
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[1], email="boss@second-client.test")
        neighbour = f.UserFactory(email="neighbour@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=neighbour, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact, user=neighbour)
    assert login(neighbour).post(_url(kind, record, "undo")).status_code == 404
    assert login(other_tenant.users[Role.CLIENT]).post(_url(kind, record, "undo")).status_code == 404
    # Staff never reach the portal's routes; GET is not an undo.
    assert login(tenant.users[Role.VCIO]).post(_url(kind, record, "undo")).status_code == 404
    assert c.get(_url(kind, record, "undo")).status_code == 405
    # A second decision maker of the same client sees no undo and is refused one.
    with scopes_disabled():
        colleague = f.UserFactory(email="colleague@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=colleague, role=Role.CLIENT)
        f.ClientAccessFactory(contact=f.ContactFactory(client=tenant.clients[0], email="cfo@alpha-client.test"),
                              user=colleague)
    other = login(colleague)
    assert f'action="{_url(kind, record, "undo")}"' not in other.get("/portal/").content.decode()
    response = other.post(_url(kind, record, "undo"))
    assert _messages(response) == [f"Only the person who decided “{subject}” can undo that decision."]
    assert _state(kind, record)[0] == "approved"
