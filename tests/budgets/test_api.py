"""/api/v1/budget-lines/ and /api/v1/budget-versions/: CRUD with If-Match, validation, tenancy, roles."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from budgets import services
from budgets.models import BudgetLine
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create

from .conftest import initiative, line, reload

D = Decimal
API = "/api/v1"
JSON = "application/json"
pytestmark = pytest.mark.django_db


def api_for(user, msp) -> HttpClient:
    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=user, msp=msp), name="tests")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(tenant):
    return lambda role=Role.VCIO: api_for(tenant.users[role], tenant.msp)


def body(**kw) -> str:
    data = {"description": "Firewall pair", "category": "hardware", "expense_type": "capex", "kind": "one_time",
            "start_quarter": "2026-10-01", "quantity": "2", "unit_cost": "1500.00", "pricing": "markup",
            "rate": "30"}
    return json.dumps({**data, **kw})


def test_create_read_update_archive_with_etags(tenant, july, api):
    c = api()
    created = c.post(f"{API}/budget-lines/", body(client=str(july.pk)), content_type=JSON)
    assert created.status_code == 201, created.content
    data = created.json()
    assert created["ETag"] == '"1"'
    assert {k: data[k] for k in ("start_quarter", "start_quarter_label", "end_quarter", "end_quarter_label",
                                 "quantity", "unit_cost", "unit_price", "version", "initiative")} == {
        "start_quarter": "2026-10-01", "start_quarter_label": "FY2027 Q2", "end_quarter": None,
        "end_quarter_label": None, "quantity": "2.00", "unit_cost": "1500.00", "unit_price": "1950.00",
        "version": 1, "initiative": None}
    url = f"{API}/budget-lines/{data['id']}/"
    got = c.get(url)
    assert (got.status_code, got["ETag"], got.json()["unit_price"]) == (200, '"1"', "1950.00")
    # Read-only fields are ignored; a change needs If-Match.
    assert c.patch(url, json.dumps({"pricing": "margin"}), content_type=JSON).status_code == 428
    changed = c.patch(url, json.dumps({"pricing": "margin", "unit_price": "1.00"}), content_type=JSON,
                      HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    assert (changed["ETag"], changed.json()["unit_price"]) == ('"2"', "2142.86")  # 1,500 / 0.7
    stale = c.patch(url, json.dumps({"quantity": "3"}), content_type=JSON, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    recurring = c.patch(url, json.dumps({"kind": "recurring", "end_quarter": "2027-04-01"}), content_type=JSON,
                        HTTP_IF_MATCH='"2"')
    assert recurring.json()["end_quarter_label"] == "FY2027 Q4"
    assert c.delete(url, HTTP_IF_MATCH='"3"').status_code == 204
    with scopes_disabled():
        archived = BudgetLine.objects.get(pk=data["id"])
    assert (archived.archived_at is not None, archived.quantity, archived.version) == (True, D("2.00"), 4)
    assert c.get(f"{API}/budget-lines/").json()["count"] == 0
    assert c.get(f"{API}/budget-lines/?archived=true").json()["count"] == 1


def test_validation_errors_name_the_field(tenant, july, api):
    c = api()
    bad_quarter = c.post(f"{API}/budget-lines/", body(client=str(july.pk), start_quarter="2026-08-01"),
                         content_type=JSON)
    assert bad_quarter.status_code == 400
    assert bad_quarter.json() == {"start_quarter": [
        "2026-08-01 is not the first day of a quarter of Alpha Dental’s fiscal year (which starts in July). "
        "Use the quarter’s first day, e.g. 2026-07-01 for FY2027 Q1."]}
    end_on_one_time = c.post(f"{API}/budget-lines/", body(client=str(july.pk), end_quarter="2027-01-01"),
                             content_type=JSON)
    assert end_on_one_time.status_code == 400
    assert list(end_on_one_time.json()) == ["end_quarter"]
    margin = c.post(f"{API}/budget-lines/", body(client=str(july.pk), pricing="margin", rate="100"),
                    content_type=JSON)
    assert margin.status_code == 400
    assert "rate" in margin.json()
    with scopes_disabled():
        assert not BudgetLine.objects.exists()


def test_an_initiative_of_another_tenant_or_client_is_refused(tenant, other_tenant, july, api):
    foreign = initiative(other_tenant.clients[0], "Bravo plan")
    sibling = initiative(tenant.clients[1], "Logistics plan")
    c = api()
    response = c.post(f"{API}/budget-lines/", body(client=str(july.pk), initiative=str(foreign.pk)),
                      content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"initiative": [f'Invalid pk "{foreign.pk}" - object does not exist.']}
    response = c.post(f"{API}/budget-lines/", body(client=str(july.pk), initiative=str(sibling.pk)),
                      content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"initiative": ["Choose an initiative of Alpha Dental’s roadmap."]}
    foreign_client = c.post(f"{API}/budget-lines/", body(client=str(other_tenant.clients[0].pk)), content_type=JSON)
    assert foreign_client.status_code == 400
    assert list(foreign_client.json()) == ["client"]
    with scopes_disabled():
        assert not BudgetLine.objects.exists()


def test_a_line_stays_with_its_client(tenant, july, api):
    x = line(tenant, july, "Switch", start=dt.date(2026, 10, 1), unit_cost="800")
    response = api().patch(f"{API}/budget-lines/{x.pk}/", json.dumps({"client": str(tenant.clients[1].pk)}),
                           content_type=JSON, HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert reload(x).client == july


def test_filters(tenant, july, api):
    plan = initiative(july, "Refresh", "approved")
    line(tenant, july, "Laptops", start=dt.date(2026, 10, 1), unit_cost="1000", initiative=plan)
    line(tenant, july, "M365", kind="recurring", start=dt.date(2027, 1, 1), unit_cost="20", category="software")
    line(tenant, tenant.clients[1], "Elsewhere", start=dt.date(2027, 1, 1), unit_cost="5")
    c = api(Role.TAM)

    def names(query):
        response = c.get(f"{API}/budget-lines/?{query}")
        assert response.status_code == 200, response.content
        return sorted(r["description"] for r in response.json()["results"])

    assert names("") == ["Elsewhere", "Laptops", "M365"]
    assert names(f"client={july.pk}") == ["Laptops", "M365"]
    assert names(f"initiative={plan.pk}") == ["Laptops"]
    assert names("kind=recurring") == ["M365"]
    assert names("category=software") == ["M365"]
    assert names("category=hardware&kind=one_time") == ["Elsewhere", "Laptops"]


@pytest.mark.parametrize(("role", "status"), [(Role.OWNER, 201), (Role.VCIO, 201), (Role.TAM, 403),
                                              (Role.VIEWER, 403)])
def test_roles(tenant, july, api, role, status):
    c = api(role)
    assert c.post(f"{API}/budget-lines/", body(client=str(july.pk)), content_type=JSON).status_code == status
    assert c.get(f"{API}/budget-lines/").status_code == 200
    assert c.get(f"{API}/budget-versions/").status_code == 200


def test_versions_are_read_only_and_scoped(tenant, other_tenant, july, api):
    line(tenant, july, "Laptops", start=dt.date(2026, 10, 1), unit_cost="1000")
    with scope(msp=tenant.msp):
        v1 = services.budget_present(client=july, actor=tenant.users[Role.VCIO], note="Annual plan")
    c = api(Role.VIEWER)
    listed = c.get(f"{API}/budget-versions/?client={july.pk}").json()
    assert [(r["number"], r["note"], r["client"]) for r in listed["results"]] == [(1, "Annual plan", str(july.pk))]
    assert "snapshot" not in listed["results"][0]
    assert c.get(f"{API}/budget-versions/?client={tenant.clients[1].pk}").json()["count"] == 0
    detail = c.get(f"{API}/budget-versions/{v1.pk}/").json()
    assert detail["snapshot"]["lines"][0]["description"] == "Laptops"
    assert detail["snapshot"]["total"]["total"] == v1.snapshot["total"]["total"]
    owner = api(Role.OWNER)
    assert owner.post(f"{API}/budget-versions/", "{}", content_type=JSON).status_code == 405
    assert owner.delete(f"{API}/budget-versions/{v1.pk}/").status_code == 405
    bravo = api_for(other_tenant.users[Role.OWNER], other_tenant.msp)
    assert bravo.get(f"{API}/budget-versions/{v1.pk}/").status_code == 404
    assert bravo.get(f"{API}/budget-versions/").json()["count"] == 0
