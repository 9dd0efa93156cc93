"""The decision maker approves or declines budget items of no initiative in the portal, alongside the
initiatives; until then they are proposed, and the roadmap PDF's approved and awaiting figures add up to
its total before and after."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
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
from roadmaps import reports
from roadmaps import services as roadmap_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(tenant):
    """The first client: "Laptops for reception", no initiative, one-time 2 x 1,500.00 at 30 % markup =
    3,900.00 in q[1]; "Backup seats", approved initiative, recurring 5 x 20.00 at 0 % = 100.00 a month from
    q[0] to q[1] (2 quarters: 600.00). The second client: "Their printer", no initiative, 250.00."""
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)
        q = client_horizon(client=client)
        laptops = budget_services.budget_line_create(
            client=client, actor=vcio, description="Laptops for reception", kind="one_time",
            start_quarter=q[1].start, quantity=Decimal("2"), unit_cost=Decimal("1500.00"), pricing="markup",
            rate=Decimal("30"))
        backup = roadmap_services.initiative_create(client=client, actor=vcio, title="Backup", status="approved",
                                                    start_quarter=q[0].start)
        seats = budget_services.budget_line_create(
            client=client, actor=vcio, initiative=backup, description="Backup seats", kind="recurring",
            start_quarter=q[0].start, end_quarter=q[1].start, quantity=Decimal("5"), unit_cost=Decimal("20.00"),
            pricing="markup", rate=Decimal("0"))
        theirs = budget_services.budget_line_create(
            client=tenant.clients[1], actor=vcio, description="Their printer", kind="one_time",
            start_quarter=client_horizon(client=tenant.clients[1])[1].start, quantity=Decimal("1"),
            unit_cost=Decimal("250.00"), pricing="markup", rate=Decimal("0"))
    return {"client": client, "q": q, "laptops": laptops, "seats": seats, "theirs": theirs}


def decide(c, line, decision, note=""):
    response = c.post(f"/portal/budget-lines/{line.pk}/decide/", {"decision": decision, "note": note,
                                                                 "confirm": "yes"})
    if response.status_code == 302:
        c.get(response["Location"])  # shows (and so uses up) the message
    return response


def pdf_figures(tenant, client, tmp_path) -> tuple[str, str, str]:
    """(approved, awaiting, three-year total) as the roadmap PDF states them."""
    with scope(msp=tenant.msp):
        content = reports.roadmap_report_pdf(client=client)
    path = tmp_path / "roadmap.pdf"
    path.write_bytes(content)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    approved, awaiting = re.search(r"Of the total, (\S+) is for work you have approved and (\S+) for proposals "
                                   r"awaiting your decision", text).groups()
    total = re.findall(r"Three years (\S+) (\S+) (\S+)", text)[-1][2]  # the summary table's last row
    return approved, awaiting, total


def test_portal_lists_budget_items_awaiting_a_decision(tenant, items, login):
    home = login(tenant.users[Role.CLIENT]).get("/portal/").content.decode()
    section = " ".join(strip_tags(home[home.index(">", home.index('id="portal-line-proposals"')) + 1:]).split())
    assert section.startswith(f"Laptops for reception {items['q'][1].label} · Budgeted: $3,900.00 one-time; "
                              "$3,900.00 over the plan")
    assert f'action="/portal/budget-lines/{items["laptops"].pk}/decide/"' in home
    assert 'aria-label="Approve Laptops for reception"' in home
    for absent in ("Backup seats", "Their printer"):  # decided with its initiative; another client's
        assert absent not in home


def test_approving_a_budget_item_records_who_and_when_and_moves_the_pdf_figures(tenant, items, login, tmp_path):
    client = items["client"]
    # 3,900.00 awaits the client, the backup's 600.00 is approved: 600.00 + 3,900.00 = 4,500.00
    assert pdf_figures(tenant, client, tmp_path) == ("$600.00", "$3,900.00", "$4,500.00")
    user = tenant.users[Role.CLIENT]
    c = login(user)
    before = timezone.now()
    response = decide(c, items["laptops"], "approved", "  Before the new hire starts.  ")
    assert response.status_code == 302
    assert response["Location"] == "/portal/#approvals"
    with scopes_disabled():
        line = BudgetLine.objects.get(pk=items["laptops"].pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You approved “Laptops for reception”. Your vCIO has been told. Changed your mind? Undo it below until "
        f"{line.decided_at + dt.timedelta(minutes=10):%H:%M}."]
    with scopes_disabled():
        note = Notification.objects.get(user=tenant.users[Role.VCIO])
        event = (pghistory.models.Events.objects.references(line).filter(pgh_label="update")
                 .order_by("-pgh_created_at").first())
    assert (line.decision, line.decided_by, line.decision_note) == ("approved", user, "Before the new hire starts.")
    assert before <= line.decided_at <= timezone.now()
    assert note.title == f"{user.display_name} (Alpha Dental) approved “Laptops for reception”"
    assert note.body == "Their note: Before the new hire starts."
    assert note.url == f"/budgets/client/{client.pk}/"
    assert event.pgh_context["user"] == str(user.pk)
    home = c.get("/portal/").content.decode()
    assert 'id="portal-line-proposals"' not in home
    decisions = " ".join(strip_tags(home[home.index(">", home.index('id="portal-line-decisions"')) + 1:]).split())
    assert decisions.startswith(f"Approved Laptops for reception · {items['q'][1].label} by {user.display_name} on ")
    assert pdf_figures(tenant, client, tmp_path) == ("$4,500.00", "$0.00", "$4,500.00")


def test_declining_leaves_it_out_of_the_budget(tenant, items, login, tmp_path):
    c = login(tenant.users[Role.CLIENT])
    response = decide(c, items["laptops"], "declined")
    with scopes_disabled():
        line = BudgetLine.objects.get(pk=items["laptops"].pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You declined “Laptops for reception”. Your vCIO has been told. Changed your mind? Undo it below until "
        f"{line.decided_at + dt.timedelta(minutes=10):%H:%M}."]
    assert pdf_figures(tenant, items["client"], tmp_path) == ("$600.00", "$0.00", "$600.00")
    assert "Declined</span>" in c.get("/portal/").content.decode()


def test_what_the_portal_cannot_decide(tenant, items, login):
    c = login(tenant.users[Role.CLIENT])
    assert decide(c, items["theirs"], "approved").status_code == 404  # the second client's
    response = decide(c, items["seats"], "approved")  # decided with its initiative
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The budget line “Backup seats” belongs to “Backup”; it is approved or declined with that initiative."]
    response = decide(c, items["laptops"], "maybe")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Decide “approved” or “declined”."]
    response = decide(c, items["laptops"], "approved", "x" * 2001)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Keep the note under 2000 characters; nothing was decided."]
    assert c.get(f"/portal/budget-lines/{items['laptops'].pk}/decide/").status_code == 405
    for staff in (Role.OWNER, Role.VCIO):
        assert decide(login(tenant.users[staff]), items["laptops"], "approved").status_code == 404
    with scopes_disabled():
        assert set(BudgetLine.objects.values_list("decision", flat=True)) == {"proposed"}
        assert not Notification.objects.exists()
