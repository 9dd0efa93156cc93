"""The owner's audit page: every change to the MSP's records (who, when, what changed), filterable, paginated,
with a fixed number of queries, and never another MSP's events."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from clients import services
from msp.roles import Role

pytestmark = pytest.mark.django_db


def change_mrr(tenant, actor, mrr, client=None):
    client = client or tenant.clients[0]
    with scope(msp=tenant.msp):
        client.refresh_from_db()
        services.client_update(client=client, actor=actor, expected_version=client.version, mrr=mrr)


def entries(response):
    assert response.status_code == 200
    return response.context["entries"]


def test_owner_sees_who_changed_what(tenant, login):
    vcio = tenant.users[Role.VCIO]
    change_mrr(tenant, vcio, "3250.00")
    page = login(tenant.users[Role.OWNER]).get("/workspace/audit/")
    changed = [e for e in entries(page) if e["verb"] == "changed"]
    assert [(e["noun"], e["name"], e["actor"], e["changes"], e["record_id"]) for e in changed] == [
        ("client", "Alpha Dental", vcio.display_name, [{"field": "MRR", "before": 3000.0, "after": 3250.0}],
         str(tenant.clients[0].pk))]
    created = {(e["noun"], e["name"]) for e in entries(page) if e["verb"] == "created"}
    assert {("client", "Alpha Dental"), ("client", "Alpha Logistics"), ("MSP", "Alpha")} <= created
    text = html.unescape(page.content.decode())
    assert "3000.0</span> → 3250.0" in text
    assert 'href="/workspace/audit/"' in text  # the navigation links the page


def test_filters_by_record_type_person_dates_and_record(tenant, login):
    vcio, tam = tenant.users[Role.VCIO], tenant.users[Role.TAM]
    change_mrr(tenant, vcio, "3250.00")
    change_mrr(tenant, tam, "7000.00", client=tenant.clients[1])
    owner = login(tenant.users[Role.OWNER])
    by_vcio = entries(owner.get("/workspace/audit/", {"user": vcio.pk}))
    assert [(e["name"], e["actor"]) for e in by_vcio] == [("Alpha Dental", vcio.display_name)]
    one_record = entries(owner.get("/workspace/audit/", {"record_id": str(tenant.clients[1].pk)}))
    assert [(e["verb"], e["name"]) for e in one_record] == [("changed", "Alpha Logistics"),
                                                            ("created", "Alpha Logistics")]
    contacts = entries(owner.get("/workspace/audit/", {"record_type": "clients.Contact"}))
    assert [(e["noun"], e["name"]) for e in contacts] == [("contact", "Alpha Boss")]
    today = timezone.localdate().isoformat()
    assert len(entries(owner.get("/workspace/audit/", {"date_from": today, "date_to": today, "user": tam.pk}))) == 1
    assert entries(owner.get("/workspace/audit/", {"date_from": "2099-01-01"})) == []
    assert entries(owner.get("/workspace/audit/", {"date_to": "2000-01-01"})) == []


def test_bad_filters_are_field_errors(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    page = owner.get("/workspace/audit/", {"record_id": "abc", "date_from": "2026-13-45", "record_type": "x.Y",
                                           "user": "999999"})
    assert page.status_code == 200
    assert page.context["form"].errors == {
        "record_id": ["Enter a record ID such as 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b."],
        "date_from": ["Enter a date such as 2026-01-31."],
        "record_type": ["Select a valid choice. x.Y is not one of the available choices."],
        "user": ["Select a valid choice. 999999 is not one of the available choices."],
    }
    backwards = owner.get("/workspace/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert backwards.context["form"].errors == {"date_to": ["The end date must be on or after the start date."]}
    too_long = owner.get("/workspace/audit/", {"record_id": "a" * 65})
    assert too_long.context["form"].errors == {
        "record_id": ["Ensure this value has at most 64 characters (it has 65)."]}


def test_another_msps_events_never_appear(tenant, other_tenant, login):
    change_mrr(other_tenant, other_tenant.users[Role.VCIO], "9999.00")
    owner = login(tenant.users[Role.OWNER])
    everything = entries(owner.get("/workspace/audit/"))
    assert everything
    names = {e["name"] for e in everything}
    assert not {n for n in names if "Bravo" in str(n) or "bravo" in str(n)}
    bravo_ids = {str(c.pk) for c in other_tenant.clients} | {str(other_tenant.msp.pk)}
    assert not {e["record_id"] for e in everything} & bravo_ids
    assert entries(owner.get("/workspace/audit/", {"record_id": str(other_tenant.clients[0].pk)})) == []
    # Another MSP's people are not offered as a filter either.
    people = dict(owner.get("/workspace/audit/").context["form"].fields["user"].choices)
    assert str(other_tenant.users[Role.VCIO].pk) not in people
    assert str(tenant.users[Role.VCIO].pk) in people


def test_only_owners_open_the_audit_page(tenant, login):
    for role in (Role.VCIO, Role.TAM, Role.VIEWER):
        assert login(tenant.users[role]).get("/workspace/audit/").status_code == 403, role
    assert login(tenant.users[Role.CLIENT]).get("/workspace/audit/").status_code == 404


def count_queries(c, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert c.get("/workspace/audit/", params).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_few_or_many_changes(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    change_mrr(tenant, tenant.users[Role.VCIO], "3000.50")
    few = count_queries(owner)
    for n in range(45):  # forty-five more changes, by three different people
        change_mrr(tenant, tenant.users[(Role.VCIO, Role.TAM, Role.OWNER)[n % 3]], f"{3001 + n}.00")
    many = count_queries(owner)
    assert few == many == 12  # session, user, membership, tenant, the filter's people, count, page, names
    # Paginated: fifty a page, the rest on the next.
    page = owner.get("/workspace/audit/")
    assert page.context["page"].paginator.per_page == 50
    assert page.context["page"].has_next()
