"""The budget pages: what each role sees and may do, forms, presenting, versions, lifecycle acceptance."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from budgets.models import BudgetLine, BudgetVersion
from budgets.selectors import client_horizon
from msp.roles import Role
from roadmaps.models import Initiative, LifecycleDecision
from tests import factories as f

from .conftest import initiative, line, reload

D = Decimal
pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def q(tenant, july):
    with scope(msp=tenant.msp):
        return client_horizon(client=july)


@pytest.fixture
def planned(tenant, july, q):
    """A one-time line of no initiative (3,000 at 30 % markup = 3,900; proposed until the client approves it)
    and a proposed recurring one (2 x 50 at a 20 % margin
    = 62.50 a month -> 375 a quarter) from the second quarter, ending in the third."""
    proposal = initiative(july, "Cloud backup", "proposed")
    return {
        "server": line(tenant, july, "Server <R740>", start=q[0].start, unit_cost="3000", rate="30"),
        "backup": line(tenant, july, "Backup seats", kind="recurring", start=q[1].start, end=q[2].start,
                       quantity="2", unit_cost="50", pricing="margin", rate="20", initiative=proposal),
        "proposal": proposal,
    }


def budget_url(client):
    return reverse("budget_detail", kwargs={"client_id": client.pk})


def test_budget_page_shows_lines_rollups_chart_and_actions_for_the_vcio(tenant, july, q, planned, login):
    response = login(tenant.users[Role.VCIO]).get(budget_url(july))
    assert response.status_code == 200
    body = text(response)
    assert "Server &lt;R740&gt;" in body
    assert "Server <R740>" not in body
    rows = re.findall(r'<tr data-line="[^"]+" data-status="(\w+)"', body)
    assert rows == ["proposed", "proposed"]
    assert "30 % markup" in body
    assert "20 % margin" in body
    assert f"{q[1].label} – {q[2].label}" in body
    assert "$62.50" in body  # the unit price at a 20 % margin
    totals = re.search(r'id="total-price">([^<]+)<', body).group(1)
    assert totals == "$4,650.00"  # 3,900 + 2 x 375
    # The line of no initiative awaits the client too: nothing is approved yet (0 + 4,650 = 4,650).
    assert re.search(r'id="total-approved">([^<]+)<', body).group(1) == "$0.00"
    assert re.search(r'id="total-proposed">([^<]+)<', body).group(1) == "$4,650.00"
    quarter_row = re.search(rf'<tr data-label="{q[1].label}">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"\$[\d,.]+", quarter_row) == ["$0.00", "$0.00", "$300.00", "$375.00", "$300.00", "$375.00",
                                                     "$0.00", "$375.00"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert body.count('class="bar"') == 3  # one-time in q0, recurring in q1 and q2
    for name in ("budget_line_create", "budget_present", "budget_versions"):
        assert reverse(name, kwargs={"client_id": july.pk}) in body
    assert reverse("budget_line_edit", kwargs={"client_id": july.pk, "line_id": planned["server"].pk}) in body


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_tam_and_viewer_read_but_cannot_change(tenant, july, planned, login, role):
    c = login(tenant.users[role])
    body = text(c.get(budget_url(july)))
    assert "$4,650.00" in body
    assert "Add line" not in body
    assert "Present this budget" not in body
    assert "Archive" not in body
    kw = {"client_id": july.pk}
    assert c.get(reverse("budget_line_create", kwargs=kw)).status_code == 403
    assert c.post(reverse("budget_present", kwargs=kw)).status_code == 403
    line_kw = {**kw, "line_id": planned["server"].pk}
    assert c.get(reverse("budget_line_edit", kwargs=line_kw)).status_code == 403
    assert c.post(reverse("budget_line_archive", kwargs=line_kw)).status_code == 403
    assert c.post(reverse("lifecycle_accept", kwargs=kw), {}).status_code == 403
    assert reload(planned["server"]).archived_at is None


def test_portal_users_and_other_tenants_get_404(tenant, other_tenant, july, planned, login):
    kw = {"client_id": july.pk}
    urls = [budget_url(july), reverse("budget_versions", kwargs=kw),
            reverse("budget_line_edit", kwargs={**kw, "line_id": planned["server"].pk})]
    for user in (tenant.users[Role.CLIENT], other_tenant.users[Role.OWNER], other_tenant.users[Role.VCIO]):
        c = login(user)
        for url in urls:
            assert c.get(url).status_code == 404, (user, url)
    # Another client's line under this client's URL is not found either.
    other_line = line(tenant, tenant.clients[1], "Other client", start=dt.date(2027, 1, 1), unit_cost="1")
    url = reverse("budget_line_edit", kwargs={**kw, "line_id": other_line.pk})
    assert login(tenant.users[Role.VCIO]).get(url).status_code == 404


def test_line_form_offers_the_horizon_and_creates_a_line(tenant, july, q, login):
    c = login(tenant.users[Role.OWNER])
    url = reverse("budget_line_create", kwargs={"client_id": july.pk})
    body = text(c.get(url))
    options = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"[^>]*>([^<]+)</option>',
                         body[body.index('name="start_quarter"'):body.index('name="end_quarter"')])
    assert options == [(x.start.isoformat(), x.label) for x in q]
    mine = initiative(july, "Refresh", "approved")
    initiative(tenant.clients[1], "Not this client")
    assert "Refresh (Approved)" in body or "Refresh" in text(c.get(url))
    assert "Not this client" not in text(c.get(url))
    response = c.post(url, {"description": "Switches", "initiative": mine.pk, "category": "hardware",
                            "expense_type": "capex", "kind": "one_time", "start_quarter": q[2].start.isoformat(),
                            "end_quarter": "", "quantity": "3", "unit_cost": "800", "pricing": "margin",
                            "rate": "20"})
    assert response.status_code == 302
    assert response["Location"] == budget_url(july) + "#lines"
    with scopes_disabled():
        made = BudgetLine.objects.get(description="Switches")
    assert (made.initiative, made.start_quarter, made.quantity, made.unit_cost, made.pricing, made.rate) == (
        mine, q[2].start, D("3.00"), D("800.00"), "margin", D("20.00"))
    # An end quarter on a one-time line, and a date that is no quarter of the horizon, are refused.
    response = c.post(url, {"description": "Bad", "category": "hardware", "expense_type": "capex",
                            "kind": "one_time", "start_quarter": "2026-08-01", "end_quarter": q[3].start.isoformat(),
                            "quantity": "1", "unit_cost": "1", "pricing": "markup", "rate": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "start_quarter" in errors
    assert errors["end_quarter"] == ["Only a recurring line has an end quarter; leave it empty for a one-time cost."]


def test_editing_a_stale_line_says_so_and_changes_nothing(tenant, july, q, planned, login):
    c = login(tenant.users[Role.VCIO])
    x = planned["server"]
    url = reverse("budget_line_edit", kwargs={"client_id": july.pk, "line_id": x.pk})
    form = {"description": "Server R750", "category": "hardware", "expense_type": "capex", "kind": "one_time",
            "start_quarter": q[0].start.isoformat(), "end_quarter": "", "quantity": "1", "unit_cost": "3200",
            "pricing": "markup", "rate": "30", "version": "1"}
    assert c.post(url, form).status_code == 302
    response = c.post(url, {**form, "unit_cost": "9999"})  # still version 1
    assert response.status_code == 200
    assert "changed by someone else" in text(response)
    x = reload(x)
    assert (x.description, x.unit_cost, x.version) == ("Server R750", D("3200.00"), 2)


def test_archive_removes_the_line_from_the_budget(tenant, july, planned, login):
    c = login(tenant.users[Role.VCIO])
    url = reverse("budget_line_archive", kwargs={"client_id": july.pk, "line_id": planned["server"].pk})
    assert c.get(url).status_code == 405
    assert c.post(url).status_code == 302
    assert reload(planned["server"]).archived_at is not None
    assert "$750.00" in re.search(r'id="total-price">([^<]+)<', text(c.get(budget_url(july)))).group(0)


def test_present_then_see_the_version_and_the_changes_panel(tenant, july, q, planned, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post(reverse("budget_present", kwargs={"client_id": july.pk}), {"note": "QBR"})
    with scopes_disabled():
        v1 = BudgetVersion.objects.get(client=july)
    assert response.status_code == 302
    assert response["Location"] == reverse("budget_version_detail", kwargs={"client_id": july.pk,
                                                                            "version_id": v1.pk})
    page = text(c.get(response["Location"]))
    assert "Budget v1 of Alpha Dental" in page
    assert "Server &lt;R740&gt;" in page
    assert "QBR" in page
    assert "$4,650.00" in page
    body = text(c.get(budget_url(july)))
    assert f"Changes since v1 presented {v1.presented_at:%Y-%m-%d}" in body
    assert "No changes" in body
    line(tenant, july, "Firewall", start=q[3].start, unit_cost="1000")
    body = text(c.get(budget_url(july)))
    added = re.search(r'<ul class="mb-2" id="changes-added">(.*?)</ul>', body, re.S).group(1)
    assert "Firewall" in added
    panel = body[body.index('id="changes-totals"'):]
    totals = re.search(r"<tfoot.*?</tfoot>", panel, re.S).group(0)
    assert re.findall(r"[+-]?\$[\d,.]+", totals) == ["$4,650.00", "$5,650.00", "+$1,000.00"]
    versions = text(c.get(reverse("budget_versions", kwargs={"client_id": july.pk})))
    assert ">v1</a>" in versions
    assert "$4,650.00" in versions
    c.post(reverse("budget_present", kwargs={"client_id": july.pk}))
    with scopes_disabled():
        assert sorted(BudgetVersion.objects.filter(client=july).values_list("number", flat=True)) == [1, 2]
    assert "Present as v3" in text(c.get(budget_url(july)))


def test_presenting_an_empty_budget_is_refused_with_a_message(tenant, july, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post(reverse("budget_present", kwargs={"client_id": july.pk}), follow=True)
    assert "nothing to present yet" in text(response)
    with scopes_disabled():
        assert not BudgetVersion.objects.exists()


def test_lifecycle_accept_page_creates_the_initiative_and_lines(tenant, july, q, login):
    due = q[4].start + dt.timedelta(days=40)
    with scopes_disabled():
        assets = [f.AssetFactory(client=july, kind="laptop", name=f"LT-{i}", warranty_end=due,
                                 replacement_cost=D("1100")) for i in range(2)]
    c = login(tenant.users[Role.VCIO])
    url = reverse("lifecycle_accept", kwargs={"client_id": july.pk})
    data = {"asset": [a.pk for a in assets], "reason": ["warranty_end"] * 2, "due_date": [due.isoformat()] * 2}
    response = c.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("roadmap_detail", kwargs={"client_id": july.pk})
    with scopes_disabled():
        init = Initiative.objects.get(client=july)
        assert (init.title, init.start_quarter) == ("Replace 2 laptops", q[3].start)
        assert LifecycleDecision.objects.filter(initiative=init, decision="accepted").count() == 2
        assert BudgetLine.objects.filter(initiative=init, unit_cost=D("1100")).count() == 2
    again = c.post(url, data, follow=True)
    assert "Already decided" in text(again)
    with scopes_disabled():
        assert Initiative.objects.filter(client=july).count() == 1
    assert c.post(url, {"asset": [assets[0].pk], "reason": []}, follow=True).status_code == 200
