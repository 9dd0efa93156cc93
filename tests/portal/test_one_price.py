"""One definition of an initiative's price (budgets.selectors.InitiativePrice), shown the same in the
portal, on the roadmap and budget pages, in the roadmap PDF and over the API, with exact figures.

Figures (budgets.rollups: markup = cost x (1 + r), margin = cost / (1 - r)), in the plan's quarters q[..]:
- "Replace the firewall", proposed, quoted 4,500.00: a one-time line 3,000.00 at 30 % markup = 3,900.00 in
  q[1], and a recurring line 10 x 12.00 at a 25 % margin = 16.00 a unit, 160.00 a month, q[1] to q[4]
  (4 quarters x 480.00 = 1,920.00): budgeted 5,820.00 over the plan; its price is the quote.
- "Cloud backup", proposed, no quote: one-time 1,000.00 at 30 % markup = 1,300.00 in q[2].
"""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.utils.html import strip_tags
from django_scopes import scope

from budgets import services as budget_services
from budgets.selectors import client_horizon
from clients.models import Client
from msp.roles import Role
from roadmaps import reports
from roadmaps import services as roadmap_services

pytestmark = pytest.mark.django_db

FIREWALL = ("Quoted price $4,500.00 · Budgeted: $3,900.00 one-time, $160.00 per month; "
            "$5,820.00 over the plan")
BACKUP = "Budgeted: $1,300.00 one-time; $1,300.00 over the plan"


@pytest.fixture
def plan(tenant):
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        client = Client.objects.select_related("msp", "vcio").get(pk=tenant.clients[0].pk)
        q = client_horizon(client=client)
        firewall = roadmap_services.initiative_create(
            client=client, actor=vcio, title="Replace the firewall", status="proposed", start_quarter=q[1].start,
            end_quarter=q[4].start, proposal_amount=Decimal("4500.00"))
        budget_services.budget_line_create(
            client=client, actor=vcio, initiative=firewall, description="Firewall", kind="one_time",
            start_quarter=q[1].start, quantity=Decimal("1"), unit_cost=Decimal("3000.00"), pricing="markup",
            rate=Decimal("30"))
        budget_services.budget_line_create(
            client=client, actor=vcio, initiative=firewall, description="Firewall support", kind="recurring",
            start_quarter=q[1].start, end_quarter=q[4].start, quantity=Decimal("10"), unit_cost=Decimal("12.00"),
            pricing="margin", rate=Decimal("25"))
        backup = roadmap_services.initiative_create(
            client=client, actor=vcio, title="Cloud backup", status="proposed", start_quarter=q[2].start)
        budget_services.budget_line_create(
            client=client, actor=vcio, initiative=backup, description="Backup appliance", kind="one_time",
            start_quarter=q[2].start, quantity=Decimal("1"), unit_cost=Decimal("1000.00"), pricing="markup",
            rate=Decimal("30"))
    return {"client": client, "firewall": firewall, "backup": backup}


def words(html: str) -> str:
    return " ".join(strip_tags(html).split())


def between(text: str, start: str, end: str) -> str:
    at = text.index(start)
    return text[at:text.index(end, at)]


def test_portal_pages_pdf_and_api_show_the_same_price(tenant, plan, login, tmp_path):
    client = plan["client"]
    portal = words(login(tenant.users[Role.CLIENT]).get("/portal/").content.decode())
    assert FIREWALL in between(portal, "Replace the firewall", "Approve")
    assert BACKUP in between(portal, "Cloud backup", "Approve")

    staff = login(tenant.users[Role.VCIO])
    roadmap = staff.get(f"/roadmaps/client/{client.pk}/").content.decode()
    card = roadmap[roadmap.index(f'id="initiative-{plan["firewall"].pk}"'):]
    assert FIREWALL in words(card[:card.index("</article>")])
    card = roadmap[roadmap.index(f'id="initiative-{plan["backup"].pk}"'):]
    assert BACKUP in words(card[:card.index("</article>")])

    budget = staff.get(f"/budgets/client/{client.pk}/").content.decode()
    listed = words(between(budget, 'id="initiative-prices"', "</section>"))
    assert f"Replace the firewall (Proposed) · {FIREWALL}" in listed
    assert f"Cloud backup (Proposed) · {BACKUP}" in listed
    # The quote ranks the firewall first (4,500.00 against 1,300.00).
    assert listed.index("Replace the firewall") < listed.index("Cloud backup")

    with scope(msp=tenant.msp):
        content = reports.roadmap_report_pdf(client=client)
    path = tmp_path / "roadmap.pdf"
    path.write_bytes(content)
    pdf = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    by_quarter = between(pdf, "Initiatives by quarter", "Budget by fiscal year")
    assert f"Price: {FIREWALL}" in by_quarter
    assert f"Price: {BACKUP}" in by_quarter

    data = staff.get(f"/api/v1/clients/{client.pk}/roadmap/").json()
    items = {i["title"]: i for q in data["quarters"] for i in q["initiatives"]}
    assert {k: items["Replace the firewall"][k] for k in ("price", "budgeted", "one_time", "monthly",
                                                          "proposal_amount")} == {
        "price": "4500.00", "budgeted": "5820.00", "one_time": "3900.00", "monthly": "160.00",
        "proposal_amount": "4500.00"}
    assert {k: items["Cloud backup"][k] for k in ("price", "budgeted", "one_time", "monthly",
                                                  "proposal_amount")} == {
        "price": "1300.00", "budgeted": "1300.00", "one_time": "1300.00", "monthly": "0.00",
        "proposal_amount": None}
