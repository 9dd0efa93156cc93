"""Money and quantities within domain bounds, so every total fits its field; values typed as the schema says."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from budgets.models import BudgetLine
from budgets.selectors import client_horizon
from tests import factories as f

pytestmark = pytest.mark.django_db
JSON = "application/json"


def line_body(client, start, **extra) -> str:
    return json.dumps({"client": str(client.pk), "description": "Licences", "kind": "one_time",
                       "start_quarter": start.isoformat(), "quantity": "1", "unit_cost": "100.00", **extra})


@pytest.fixture
def first_quarter(tenant):
    with scope(msp=tenant.msp):
        return client_horizon(client=tenant.clients[0])[0].start


def test_quantity_and_unit_cost_have_bounds_that_the_error_states(tenant, api, first_quarter):
    c, client = api(), tenant.clients[0]
    post = lambda **extra: c.post("/api/v1/budget-lines/", line_body(client, first_quarter, **extra),  # noqa: E731
                                  content_type=JSON)
    # The values of the report: a quantity of 99,999,999.99 and a unit cost of 9,999,999,999.99.
    huge = post(quantity="99999999.99", unit_cost="9999999999.99")
    assert (huge.status_code, huge.json()) == (400, {
        "quantity": ["Ensure this value is less than or equal to 100000."],
        "unit_cost": ["Ensure this value is less than or equal to 10000000."]})
    price = post(quantity="100000", unit_cost="100.01")
    assert (price.status_code, price.json()) == (400, {"unit_cost": [
        "The line's price (10,001,000.00 in total: quantity x unit price) is above the most one line may be, "
        "10,000,000.00; split it or lower it."]})
    margin = post(quantity="1", unit_cost="5000000", pricing="margin", rate="60", kind="recurring")
    assert (margin.status_code, margin.json()) == (400, {"unit_cost": [
        "The line's price (12,500,000.00 a month: quantity x unit price) is above the most one line may be, "
        "10,000,000.00; split it or lower it."]})
    at_bound = post(quantity="100000", unit_cost="100.00")
    assert (at_bound.status_code, at_bound.json()["unit_price"]) == (201, "100.00")
    with scopes_disabled():
        assert BudgetLine.objects.filter(client=client).count() == 1


def test_a_client_holds_at_most_1000_live_lines(tenant, api, first_quarter):
    client = tenant.clients[0]
    with scopes_disabled():
        BudgetLine.objects.bulk_create([
            BudgetLine(msp=tenant.msp, client=client, description=f"Line {n}", start_quarter=first_quarter,
                       unit_cost=Decimal("1.00")) for n in range(1000)])
    refused = api().post("/api/v1/budget-lines/", line_body(client, first_quarter), content_type=JSON)
    assert (refused.status_code, refused.json()) == (400, {"non_field_errors": [
        "A client's budget holds at most 1,000 live lines; archive old ones first."]})
    other = api().post("/api/v1/budget-lines/", line_body(tenant.clients[1], first_quarter), content_type=JSON)
    assert other.status_code == 201


def test_the_largest_plan_a_client_can_hold_still_fits_the_roadmap_json(tenant, api, first_quarter):
    """1,000 lines, each 10,000,000.00 a month for all 36 months of the plan: 360,000,000,000.00 in total."""
    client = tenant.clients[0]
    with scopes_disabled():
        BudgetLine.objects.bulk_create([
            BudgetLine(msp=tenant.msp, client=client, description=f"Line {n}", kind="recurring",
                       start_quarter=first_quarter, quantity=Decimal("100000"), unit_cost=Decimal("100.00"))
            for n in range(1000)])
    response = api().get(f"/api/v1/clients/{client.pk}/roadmap/")
    assert response.status_code == 200
    plan = response.json()
    assert plan["total"]["recurring"] == {"cost": "360000000000.00", "price": "360000000000.00"}
    assert plan["quarters"][0]["total"] == {"cost": "30000000000.00", "price": "30000000000.00"}


def test_unit_price_is_a_decimal_string_as_the_schema_says(tenant, api, first_quarter):
    c = api()
    schema = c.get("/api/schema/?format=json").json()["components"]["schemas"]
    prop = schema["BudgetLine"]["properties"]["unit_price"]
    assert (prop["type"], prop["format"], prop["readOnly"]) == ("string", "decimal", True)
    created = c.post("/api/v1/budget-lines/", line_body(tenant.clients[0], first_quarter, rate="30", quantity="2",
                                                          unit_cost="1500"), content_type=JSON)
    assert (created.json()["unit_price"], created.json()["unit_cost"]) == ("1950.00", "1500.00")


def test_an_unanswered_answer_is_inside_the_schema(tenant, api):
    c = api()
    schema = c.get("/api/schema/?format=json").json()["components"]["schemas"]
    allowed = [schema[ref["$ref"].rsplit("/", 1)[1]]["enum"]
               for ref in schema["Answer"]["properties"]["response"]["oneOf"]]
    assert allowed == [["aligned", "misaligned", "not_applicable"], [""]]
    with scopes_disabled():
        category = f.CategoryFactory(msp=tenant.msp, name="Backup")
        f.StandardFactory(category=category, name="Offsite copy")
    body = {"client": str(tenant.clients[0].pk), "tam": tenant.users["tam"].pk, "scheduled_for": "2026-09-01"}
    scheduled = c.post("/api/v1/reviews/", json.dumps(body), content_type=JSON)
    assert scheduled.status_code == 201, scheduled.content
    review = c.get(f"/api/v1/reviews/{scheduled.json()['id']}/").json()
    assert [(a["standard_name"], a["response"]) for a in review["answers"]] == [("Offsite copy", "")]
