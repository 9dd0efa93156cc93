"""A budget line of no initiative is proposed until the client approves it: its own decision (who, when, a
note), recorded by staff on the budget page (or by the decision maker in the portal, tests/portal); the
approved and awaiting figures always add up to the total."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from budgets import services
from budgets.selectors import client_budget
from msp.quarters import Quarter, horizon
from msp.roles import Role

from .conftest import initiative, line, reload

pytestmark = pytest.mark.django_db

D = Decimal
QUARTERS = horizon(Quarter.of(2027, 1, 7))  # FY2027 Q1 .. FY2029 Q4 of a July fiscal year


@pytest.fixture
def lines(tenant, july):
    """Firewalls: one-time, no initiative, 2 x 1,500 at 30 % markup = 3,900.00 (FY2027 Q2).
    Cables: one-time, no initiative, 400 at 25 % markup = 500.00 (FY2027 Q3).
    Backup: one-time, initiative approved, 1,000 at 20 % markup = 1,200.00 (FY2027 Q3)."""
    approved = initiative(july, "Backup upgrade", "approved")
    return {
        "firewalls": line(tenant, july, "Firewalls", start=date(2026, 10, 1), quantity="2", unit_cost="1500",
                          rate="30"),
        "cables": line(tenant, july, "Cables", start=date(2027, 1, 1), unit_cost="400", rate="25"),
        "backup": line(tenant, july, "Backup box", start=date(2027, 1, 1), unit_cost="1000", rate="20",
                       initiative=approved),
    }


def totals(tenant, client) -> tuple[Decimal, Decimal, Decimal]:
    with scope(msp=tenant.msp):
        t = client_budget(client=client, quarters=QUARTERS).total
    assert t.approved + t.proposed == t.total.price
    return t.approved, t.proposed, t.total.price


def decide(tenant, item, decision, *, role=Role.VCIO, note=""):
    with scope(msp=tenant.msp):
        return services.budget_line_decide(line=item, actor=tenant.users[role], decision=decision, note=note)


def test_a_line_of_no_initiative_is_proposed_until_approved(tenant, july, lines):
    assert reload(lines["firewalls"]).decision == "proposed"
    assert totals(tenant, july) == (D("1200.00"), D("4400.00"), D("5600.00"))
    before = timezone.now()
    decided = decide(tenant, lines["firewalls"], "approved", note="  Agreed at the QBR.  ")
    assert (decided.decision, decided.decided_by, decided.decision_note) == (
        "approved", tenant.users[Role.VCIO], "Agreed at the QBR.")
    assert before <= decided.decided_at <= timezone.now()
    assert totals(tenant, july) == (D("5100.00"), D("500.00"), D("5600.00"))
    # Declined: left out of every total, like a declined initiative's lines.
    decide(tenant, lines["cables"], "declined")
    assert totals(tenant, july) == (D("5100.00"), D("0.00"), D("5100.00"))
    with scope(msp=tenant.msp):
        budget = client_budget(client=july, quarters=QUARTERS)
    assert [(x.description, x.budget_status) for x in budget.lines] == [("Firewalls", "approved"),
                                                                         ("Backup box", "approved")]
    assert [x.description for x in budget.excluded] == ["Cables"]


def test_what_cannot_be_decided(tenant, july, lines):
    with pytest.raises(ValidationError) as exc:
        decide(tenant, lines["backup"], "approved")
    assert exc.value.messages == ["The budget line “Backup box” belongs to “Backup upgrade”; it is approved or "
                                  "declined with that initiative."]
    decide(tenant, lines["firewalls"], "approved")
    with pytest.raises(ValidationError) as exc:
        decide(tenant, lines["firewalls"], "declined")
    assert exc.value.message_dict == {"decision": [
        "Only a proposed budget line can be approved or declined; “Firewalls” is approved."]}
    for wrong in ("", "maybe", "proposed"):
        with pytest.raises(ValidationError) as exc:
            decide(tenant, lines["cables"], wrong)
        assert exc.value.message_dict == {"decision": ["Decide “approved” or “declined”."]}
    with pytest.raises(ValidationError) as exc:
        decide(tenant, lines["cables"], "approved", note="x" * 2001)
    assert exc.value.message_dict == {"decision_note": ["Keep the note under 2000 characters."]}
    assert reload(lines["cables"]).decision == "proposed"


def test_changing_what_was_approved_makes_it_a_new_proposal(tenant, july, lines):
    decide(tenant, lines["firewalls"], "approved")
    decide(tenant, lines["cables"], "approved")
    with scope(msp=tenant.msp):
        # A new description of the same cost is a new proposal too; the category alone is not.
        services.budget_line_update(line=reload(lines["firewalls"]), actor=tenant.users[Role.VCIO],
                                    unit_cost=D("1600"))
        services.budget_line_update(line=reload(lines["cables"]), actor=tenant.users[Role.VCIO],
                                    category="services")
    firewalls, cables = reload(lines["firewalls"]), reload(lines["cables"])
    assert (firewalls.decision, firewalls.decided_at, firewalls.decided_by) == ("proposed", None, None)
    assert cables.decision == "approved"
    # 2 x 1,600 x 1.3 = 4,160.00 now awaits the client; cables 500.00 and the backup 1,200.00 stay approved.
    assert totals(tenant, july) == (D("1700.00"), D("4160.00"), D("5860.00"))


def test_staff_record_the_clients_decision_on_the_budget_page(tenant, july, lines, login):
    url = reverse("budget_detail", kwargs={"client_id": july.pk})
    decide_url = reverse("budget_line_decide", kwargs={"client_id": july.pk, "line_id": lines["firewalls"].pk})
    c = login(tenant.users[Role.VCIO])
    page = c.get(url).content.decode()
    assert f'action="{decide_url}"' in page
    assert re.search(r'id="total-approved">([^<]+)<', page).group(1) == "$1,200.00"
    assert re.search(r'id="total-proposed">([^<]+)<', page).group(1) == "$4,400.00"
    response = c.post(decide_url, {"decision": "approved", "note": "Said yes on the phone"})
    assert response.status_code == 302
    assert response["Location"] == url + "#lines"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Recorded: Alpha Dental approved “Firewalls”."]
    firewalls = reload(lines["firewalls"])
    assert (firewalls.decision, firewalls.decided_by, firewalls.decision_note) == (
        "approved", tenant.users[Role.VCIO], "Said yes on the phone")
    page = c.get(url).content.decode()
    assert f'action="{decide_url}"' not in page
    assert re.search(r'id="total-approved">([^<]+)<', page).group(1) == "$5,100.00"
    assert re.search(r'id="total-proposed">([^<]+)<', page).group(1) == "$500.00"
    assert re.search(r'id="total-price">([^<]+)<', page).group(1) == "$5,600.00"
    # Refusals come back as a message and change nothing.
    response = c.post(decide_url, {"decision": "declined"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only a proposed budget line can be approved or declined; “Firewalls” is approved."]
    assert reload(lines["firewalls"]).decision == "approved"


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_only_budget_editors_record_decisions(tenant, july, lines, login, role):
    decide_url = reverse("budget_line_decide", kwargs={"client_id": july.pk, "line_id": lines["cables"].pk})
    assert login(tenant.users[role]).post(decide_url, {"decision": "approved"}).status_code == 403
    assert reload(lines["cables"]).decision == "proposed"


def test_another_msps_line_is_not_found(tenant, other_tenant, july, lines, login):
    decide_url = reverse("budget_line_decide", kwargs={"client_id": july.pk, "line_id": lines["cables"].pk})
    assert login(other_tenant.users[Role.OWNER]).post(decide_url, {"decision": "approved"}).status_code == 404
    assert login(tenant.users[Role.VCIO]).get(decide_url).status_code == 405
    assert reload(lines["cables"]).decision == "proposed"


def test_the_api_shows_the_decision_and_never_sets_it(tenant, july, lines, login):
    decide(tenant, lines["firewalls"], "approved", note="ok")
    c = login(tenant.users[Role.VCIO])
    data = c.get(f"/api/v1/budget-lines/{lines['firewalls'].pk}/").json()
    assert (data["decision"], data["decided_by"], data["decision_note"]) == (
        "approved", tenant.users[Role.VCIO].pk, "ok")
    cables = reload(lines["cables"])
    response = c.patch(f"/api/v1/budget-lines/{cables.pk}/", {"decision": "approved", "description": "Cat6"},
                       content_type="application/json", HTTP_IF_MATCH=f'"{cables.version}"')
    assert response.status_code == 200, response.content
    assert (response.json()["decision"], response.json()["description"]) == ("proposed", "Cat6")
    assert reload(lines["cables"]).decision == "proposed"
