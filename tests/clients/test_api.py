"""/api/v1/ for clients, contacts, business objectives and assets: tenancy, roles, ETags, filters, schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from clients.models import Asset, Client, Contact
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create, api_token_revoke
from tests import factories as f

API = "/api/v1"
JSON = "application/json"


def token_for(user, msp) -> str:
    with scopes_disabled():
        membership = Membership.objects.get(user=user, msp=msp, removed_at__isnull=True)
        _, raw = api_token_create(membership=membership, name="tests")
    return raw


def bearer(raw: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(tenant):
    """api(role) -> a test client sending a Bearer token of that role in the first tenant."""

    def _api(role=Role.OWNER) -> HttpClient:
        return bearer(token_for(tenant.users[role], tenant.msp))

    return _api


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def reload(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)


# --- clients: list, filters, pagination ------------------------------------------------------------


def test_client_list_shows_exactly_the_tenants_clients(tenant, other_tenant, api):
    response = api().get(f"{API}/clients/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert [(c["name"], c["mrr"]) for c in body["results"]] == [
        ("Alpha Dental", "3000.00"), ("Alpha Logistics", "6500.00"),
    ]
    dental = body["results"][0]
    assert dental["id"] == str(tenant.clients[0].pk)
    assert dental["aisp"] == "125.00"
    assert dental["vcio"] == tenant.users[Role.VCIO].pk
    assert dental["tam"] == tenant.users[Role.TAM].pk
    assert dental["version"] == 1
    assert dental["archived_at"] is None
    assert "msp" not in dental


def test_client_list_filters(tenant, api):
    with scopes_disabled():
        f.ClientFactory(msp=tenant.msp, name="Alpha Gone", industry="Retail", status="churned",
                        churn_date=dt.date(2025, 6, 30))
    c = api()
    vcio, tam = tenant.users[Role.VCIO].pk, tenant.users[Role.TAM].pk
    assert names(c.get(f"{API}/clients/", {"status": "churned"})) == ["Alpha Gone"]
    assert names(c.get(f"{API}/clients/", {"status": "active"})) == ["Alpha Dental", "Alpha Logistics"]
    assert names(c.get(f"{API}/clients/", {"vcio": vcio})) == ["Alpha Dental"]
    assert names(c.get(f"{API}/clients/", {"vcio": "none"})) == ["Alpha Gone", "Alpha Logistics"]
    assert names(c.get(f"{API}/clients/", {"tam": tam})) == ["Alpha Dental"]
    assert names(c.get(f"{API}/clients/", {"search": "logist"})) == ["Alpha Logistics"]
    assert names(c.get(f"{API}/clients/", {"search": "retail"})) == ["Alpha Gone"]
    assert names(c.get(f"{API}/clients/", {"ordering": "-mrr"})) == ["Alpha Logistics", "Alpha Dental", "Alpha Gone"]

    bad_status = c.get(f"{API}/clients/", {"status": "lost"})
    assert bad_status.status_code == 400
    assert bad_status.json() == {"status": [
        "Select a valid choice. lost is not one of the available choices. Use one of: onboarding, active, churned."]}
    bad_vcio = c.get(f"{API}/clients/", {"vcio": "bob"})
    assert bad_vcio.status_code == 400
    assert bad_vcio.json() == {"vcio": ["Give a user id or “none”, not “bob”."]}


def test_client_list_pagination(tenant, api):
    with scopes_disabled():
        Client.objects.bulk_create(
            [Client(msp=tenant.msp, name=f"Bulk {n:03d}", fiscal_year_start_month=1) for n in range(208)]
        )
    c = api()
    first = c.get(f"{API}/clients/").json()
    assert first["count"] == 210
    assert len(first["results"]) == 50
    assert first["next"].endswith("/api/v1/clients/?page=2")
    assert first["previous"] is None

    small = c.get(f"{API}/clients/", {"page_size": 5, "page": 2}).json()
    assert names_of(small) == ["Bulk 003", "Bulk 004", "Bulk 005", "Bulk 006", "Bulk 007"]

    capped = c.get(f"{API}/clients/", {"page_size": 1000}).json()
    assert len(capped["results"]) == 200

    assert c.get(f"{API}/clients/", {"page": 99}).status_code == 404


def names_of(body) -> list[str]:
    return [row["name"] for row in body["results"]]


def test_client_list_query_count_does_not_grow_with_rows(tenant, api):
    c = api()
    with CaptureQueriesContext(connection) as few:
        assert c.get(f"{API}/clients/").status_code == 200
    with scopes_disabled():
        for n in range(10):
            f.ClientFactory(msp=tenant.msp, name=f"More {n}", vcio=tenant.users[Role.VCIO])
    with CaptureQueriesContext(connection) as many:
        assert c.get(f"{API}/clients/").json()["count"] == 12
    assert len(many) == len(few)


def test_archived_rows_are_hidden_unless_asked(tenant, api):
    c = api()
    response = c.delete(f"{API}/clients/{tenant.clients[1].pk}/")
    assert response.status_code == 204
    assert names(c.get(f"{API}/clients/")) == ["Alpha Dental"]
    assert names(c.get(f"{API}/clients/", {"archived": "true"})) == ["Alpha Logistics"]
    assert names(c.get(f"{API}/clients/", {"archived": "all"})) == ["Alpha Dental", "Alpha Logistics"]
    assert names(c.get(f"{API}/clients/", {"archived": "false"})) == ["Alpha Dental"]
    assert c.get(f"{API}/clients/", {"archived": "maybe"}).status_code == 400


# --- clients: create and validation ----------------------------------------------------------------


def test_create_client_with_only_a_name(tenant, api):
    with scopes_disabled():
        tenant.msp.fiscal_year_start_month = 4
        tenant.msp.save()
    response = api().post(f"{API}/clients/", {"name": "Alpha Bakery"}, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Alpha Bakery"
    assert body["status"] == "onboarding"
    assert body["mrr"] == "0.00"
    assert body["aisp"] is None
    assert body["fiscal_year_start_month"] == 4
    assert body["vcio"] is None
    assert body["version"] == 1
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"http://testserver{API}/clients/{body['id']}/"
    with scopes_disabled():
        row = Client.objects.get(pk=body["id"])
        assert row.msp_id == tenant.msp.pk
        assert row.fiscal_year_start_month == 4


def test_msp_in_input_is_ignored(tenant, other_tenant, api):
    response = api().post(f"{API}/clients/", {"name": "Sneaky", "msp": str(other_tenant.msp.pk)}, content_type=JSON)
    assert response.status_code == 201
    with scopes_disabled():
        assert Client.objects.get(pk=response.json()["id"]).msp_id == tenant.msp.pk


def test_create_client_with_full_figures(tenant, api):
    payload = {"name": "Alpha Law", "industry": "Legal", "status": "active", "mrr": "1500", "aisp": "125",
               "user_count": 12, "complexity": 8, "vcio": tenant.users[Role.VCIO].pk,
               "tam": tenant.users[Role.TAM].pk, "fiscal_year_start_month": 7}
    response = api(Role.VCIO).post(f"{API}/clients/", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["mrr"], body["aisp"], body["complexity"]) == ("1500.00", "125.00", 8)
    assert body["fiscal_year_start_month"] == 7
    with scopes_disabled():
        row = Client.objects.get(pk=body["id"])
        assert row.mrr == Decimal("1500.00")
        assert row.vcio_id == tenant.users[Role.VCIO].pk


@pytest.mark.parametrize(("payload", "errors"), [
    ({"name": "X", "complexity": 11}, {"complexity": ["Ensure this value is less than or equal to 10."]}),
    ({"name": "X", "complexity": 0}, {"complexity": ["Ensure this value is greater than or equal to 1."]}),
    ({"name": "X", "mrr": "-1.00"}, {"mrr": ["Ensure this value is greater than or equal to 0."]}),
    ({"name": "X", "mrr": "12.345"}, {"mrr": ["Ensure that there are no more than 2 decimal places."]}),
    ({"name": "X", "mrr": "lots"}, {"mrr": ["A valid number is required."]}),
    ({"name": "alpha DENTAL"}, {"name": ["A client with this name already exists."]}),
    ({"name": "X", "status": "churned"}, {"churn_date": ["A churned client needs a churn date."]}),
    ({"name": "X", "status": "lost"}, {"status": ['"lost" is not a valid choice.']}),
    ({"name": "X", "fiscal_year_start_month": 13}, {"fiscal_year_start_month": ['"13" is not a valid choice.']}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({}, {"name": ["This field is required."]}),
])
def test_create_client_refuses_bad_input_field_by_field(tenant, api, payload, errors):
    response = api().post(f"{API}/clients/", payload, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == errors
    with scopes_disabled():
        assert Client.objects.filter(msp=tenant.msp).count() == 2


def test_churned_client_with_a_date_is_accepted(api):
    response = api().post(f"{API}/clients/", {"name": "Gone", "status": "churned", "churn_date": "2025-12-31"},
                          content_type=JSON)
    assert response.status_code == 201
    assert response.json()["churn_date"] == "2025-12-31"


def test_vcio_and_tam_must_be_active_staff_of_this_msp(tenant, other_tenant, api):
    c = api()
    foreign = other_tenant.users[Role.VCIO].pk
    response = c.post(f"{API}/clients/", {"name": "X", "vcio": foreign}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"vcio": [f"User {foreign} is not an active staff member of your MSP."]}

    portal_user = tenant.users[Role.CLIENT].pk
    response = c.post(f"{API}/clients/", {"name": "X", "tam": portal_user}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"tam": [f"User {portal_user} is not an active staff member of your MSP."]}

    with scopes_disabled():
        Membership.objects.filter(user=tenant.users[Role.VIEWER]).update(removed_at=timezone.now())
    removed = tenant.users[Role.VIEWER].pk
    response = c.post(f"{API}/clients/", {"name": "X", "tam": removed}, content_type=JSON)
    assert response.status_code == 400
    assert list(response.json()) == ["tam"]

    with scopes_disabled():
        assert Client.objects.filter(msp=tenant.msp).count() == 2
    ok = c.post(f"{API}/clients/", {"name": "X", "tam": tenant.users[Role.OWNER].pk}, content_type=JSON)
    assert ok.status_code == 201
    assert ok.json()["tam"] == tenant.users[Role.OWNER].pk


# --- clients: read one, ETag, If-Match ---------------------------------------------------------------


def test_get_one_client_sends_its_etag(tenant, api):
    c = api()
    response = c.get(f"{API}/clients/{tenant.clients[0].pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["name"] == "Alpha Dental"
    assert response.json()["version"] == 1

    unchanged = c.get(f"{API}/clients/{tenant.clients[0].pk}/", headers={"If-None-Match": '"1"'})
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == '"1"'
    changed = c.get(f"{API}/clients/{tenant.clients[0].pk}/", headers={"If-None-Match": '"7"'})
    assert changed.status_code == 200


def test_patch_needs_a_current_if_match(tenant, api):
    c = api()
    url = f"{API}/clients/{tenant.clients[0].pk}/"

    missing = c.patch(url, {"mrr": "3500.00"}, content_type=JSON)
    assert missing.status_code == 428
    assert missing.json() == {"detail": "Send the record's ETag in an If-Match header to change it."}

    stale = c.patch(url, {"mrr": "3500.00"}, content_type=JSON, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert stale.json() == {
        "detail": "The record was changed by someone else; fetch it again and reapply your change."}

    garbage = c.patch(url, {"mrr": "3500.00"}, content_type=JSON, headers={"If-Match": "*"})
    assert garbage.status_code == 412
    row = reload(tenant.clients[0])
    assert (row.mrr, row.version) == (Decimal("3000.00"), 1)

    ok = c.patch(url, {"mrr": "3500.00"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert ok.status_code == 200
    assert ok.json()["mrr"] == "3500.00"
    assert ok.json()["version"] == 2
    assert ok["ETag"] == '"2"'
    row = reload(tenant.clients[0])
    assert (row.mrr, row.version, row.name) == (Decimal("3500.00"), 2, "Alpha Dental")

    # Someone still holding version 1 is refused; nothing is overwritten.
    again = c.patch(url, {"mrr": "1.00"}, content_type=JSON, headers={"If-Match": 'W/"1"'})
    assert again.status_code == 412
    assert reload(tenant.clients[0]).mrr == Decimal("3500.00")


def test_put_replaces_with_if_match(tenant, api):
    url = f"{API}/clients/{tenant.clients[1].pk}/"
    payload = {"name": "Alpha Freight", "status": "active", "mrr": "7000", "complexity": 4}
    response = api().put(url, payload, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    row = reload(tenant.clients[1])
    assert (row.name, row.mrr, row.complexity, row.version) == ("Alpha Freight", Decimal("7000.00"), 4, 2)


def test_patch_validates_against_the_stored_record(tenant, api):
    c = api()
    url = f"{API}/clients/{tenant.clients[1].pk}/"
    response = c.patch(url, {"status": "churned"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 400
    assert response.json() == {"churn_date": ["A churned client needs a churn date."]}
    response = c.patch(url, {"name": "ALPHA dental"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 400
    assert response.json() == {"name": ["A client with this name already exists."]}
    response = c.patch(url, {"complexity": 11}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.json() == {"complexity": ["Ensure this value is less than or equal to 10."]}
    # Its own name (another case) is fine.
    response = c.patch(url, {"name": "ALPHA LOGISTICS"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert reload(tenant.clients[1]).name == "ALPHA LOGISTICS"


# --- clients: archive and restore --------------------------------------------------------------------


def test_delete_archives_and_the_row_stays(tenant, api):
    c = api()
    url = f"{API}/clients/{tenant.clients[1].pk}/"
    assert c.delete(url).status_code == 204
    row = reload(tenant.clients[1])
    assert row.archived_at is not None
    assert row.version == 2
    # Still readable by id, with its archive date.
    detail = c.get(url)
    assert detail.status_code == 200
    assert detail.json()["archived_at"] is not None
    # An archived client is not edited until restored.
    refused = c.patch(url, {"mrr": "1.00"}, content_type=JSON, headers={"If-Match": '"2"'})
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["This client is archived; restore it before editing."]}
    # Deleting again changes nothing.
    assert c.delete(url).status_code == 204
    assert reload(tenant.clients[1]).version == 2

    restored = c.post(f"{url}restore/")
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None
    assert restored["ETag"] == '"3"'
    assert reload(tenant.clients[1]).archived_at is None


def test_delete_with_a_stale_if_match_is_refused(tenant, api):
    url = f"{API}/clients/{tenant.clients[1].pk}/"
    assert api().delete(url, headers={"If-Match": '"5"'}).status_code == 412
    assert reload(tenant.clients[1]).archived_at is None
    assert api().delete(url, headers={"If-Match": '"1"'}).status_code == 204


def test_restore_refuses_a_name_taken_meanwhile(tenant, api):
    c = api()
    url = f"{API}/clients/{tenant.clients[1].pk}/"
    assert c.delete(url).status_code == 204
    assert c.post(f"{API}/clients/", {"name": "Alpha Logistics"}, content_type=JSON).status_code == 201
    response = c.post(f"{url}restore/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["A client with this name already exists."]}
    assert reload(tenant.clients[1]).archived_at is not None


# --- contacts, objectives, assets ----------------------------------------------------------------------


def test_contact_with_another_tenants_client_is_refused(tenant, other_tenant, api):
    foreign = other_tenant.clients[0].pk
    response = api().post(f"{API}/contacts/", {"client": str(foreign), "name": "Mallory"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"client": [f'Invalid pk "{foreign}" - object does not exist.']}
    with scopes_disabled():
        assert not Contact.objects.filter(name="Mallory").exists()


def test_contact_with_a_malformed_client_id(api):
    response = api().post(f"{API}/contacts/", {"client": "12", "name": "Mallory"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"client": ["Must be a valid UUID."]}


def test_contact_create_update_and_filter(tenant, api):
    c = api()
    payload = {"client": str(tenant.clients[1].pk), "name": "Lou Logistics", "title": "CEO",
               "email": "lou@logistics.test", "is_decision_maker": True}
    created = c.post(f"{API}/contacts/", payload, content_type=JSON)
    assert created.status_code == 201
    body = created.json()
    assert (body["client"], body["name"], body["version"]) == (str(tenant.clients[1].pk), "Lou Logistics", 1)
    with scopes_disabled():
        row = Contact.objects.get(pk=body["id"])
        assert (row.msp_id, row.client_id, row.title) == (tenant.msp.pk, tenant.clients[1].pk, "CEO")

    bad_email = c.post(f"{API}/contacts/", {**payload, "email": "not-an-email"}, content_type=JSON)
    assert bad_email.json() == {"email": ["Enter a valid email address."]}

    assert names(c.get(f"{API}/contacts/")) == ["Alpha Boss", "Lou Logistics"]
    assert names(c.get(f"{API}/contacts/", {"client": str(tenant.clients[0].pk)})) == ["Alpha Boss"]
    assert names(c.get(f"{API}/contacts/", {"search": "lou@"})) == ["Lou Logistics"]

    url = f"{API}/contacts/{body['id']}/"
    moved = c.patch(url, {"client": str(tenant.clients[0].pk)}, content_type=JSON, headers={"If-Match": '"1"'})
    assert moved.status_code == 400
    assert moved.json() == {"client": ["A record cannot move to another client; archive it and create it there."]}
    renamed = c.patch(url, {"phone": "+1 555 0100"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200
    assert renamed.json()["phone"] == "+1 555 0100"
    assert renamed.json()["version"] == 2


def test_nothing_is_added_to_an_archived_client(tenant, api):
    c = api()
    assert c.delete(f"{API}/clients/{tenant.clients[1].pk}/").status_code == 204
    response = c.post(f"{API}/contacts/", {"client": str(tenant.clients[1].pk), "name": "Late"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"client": ["This client is archived; restore it before adding to it."]}


def test_objectives(tenant, api):
    c = api()
    payload = {"client": str(tenant.clients[1].pk), "title": "Go hybrid", "target_date": "2026-09-30",
               "status": "in_progress"}
    created = c.post(f"{API}/objectives/", payload, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["status"] == "in_progress"

    def titles(**params):
        return [o["title"] for o in c.get(f"{API}/objectives/", params).json()["results"]]

    # Without a target date it sorts last.
    assert titles() == ["Go hybrid", tenant.objective.title]
    assert titles(client=str(tenant.clients[0].pk)) == [tenant.objective.title]
    assert titles(status="in_progress") == ["Go hybrid"]
    assert titles(target_date_before="2026-12-31") == ["Go hybrid"]
    bad = c.post(f"{API}/objectives/", {**payload, "target_date": "soon"}, content_type=JSON)
    assert bad.status_code == 400
    assert list(bad.json()) == ["target_date"]


def test_assets_filters_and_money(tenant, api):
    with scopes_disabled():
        f.AssetFactory(client=tenant.clients[0], kind="firewall", name="FW-1", warranty_end=dt.date(2026, 3, 31))
        f.AssetFactory(client=tenant.clients[1], kind="server", name="SRV-OLD", status="retired",
                       warranty_end=dt.date(2024, 1, 31))
        Asset.objects.filter(pk=tenant.asset.pk).update(name="SRV-MAIN", warranty_end=dt.date(2027, 6, 30))
    c = api(Role.TAM)
    assert names(c.get(f"{API}/assets/")) == ["FW-1", "SRV-MAIN", "SRV-OLD"]
    assert names(c.get(f"{API}/assets/", {"client": str(tenant.clients[0].pk)})) == ["FW-1", "SRV-MAIN"]
    assert names(c.get(f"{API}/assets/", {"kind": "server"})) == ["SRV-MAIN", "SRV-OLD"]
    assert names(c.get(f"{API}/assets/", {"status": "retired"})) == ["SRV-OLD"]
    assert names(c.get(f"{API}/assets/", {"warranty_end_before": "2026-03-31"})) == ["FW-1", "SRV-OLD"]
    assert names(c.get(f"{API}/assets/", {"warranty_end_after": "2026-01-01"})) == ["FW-1", "SRV-MAIN"]
    assert names(c.get(f"{API}/assets/", {"warranty_end_after": "2026-01-01", "warranty_end_before": "2026-12-31"})) \
        == ["FW-1"]
    assert names(c.get(f"{API}/assets/", {"ordering": "warranty_end"})) == ["SRV-OLD", "FW-1", "SRV-MAIN"]
    assert c.get(f"{API}/assets/", {"kind": "toaster"}).status_code == 400
    assert c.get(f"{API}/assets/", {"warranty_end_before": "June"}).status_code == 400

    payload = {"client": str(tenant.clients[1].pk), "kind": "ups", "name": "UPS-1", "manufacturer": "APC",
               "model": "Smart-UPS 1500", "serial": "U-1", "replacement_cost": "1500", "warranty_end": "2028-01-31"}
    created = c.post(f"{API}/assets/", payload, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["replacement_cost"] == "1500.00"
    assert created.json()["model"] == "Smart-UPS 1500"
    duplicate = c.post(f"{API}/assets/", {**payload, "name": "UPS-2"}, content_type=JSON)
    assert duplicate.status_code == 400
    assert duplicate.json() == {"serial": ["This client already has an asset with this serial number."]}
    negative = c.post(f"{API}/assets/", {**payload, "serial": "U-2", "replacement_cost": "-5"}, content_type=JSON)
    assert negative.json() == {"replacement_cost": ["Ensure this value is greater than or equal to 0."]}
    with scopes_disabled():
        assert Asset.objects.filter(client=tenant.clients[1], name__startswith="UPS").count() == 1


# --- tenancy: another MSP's ids ----------------------------------------------------------------------


def _foreign_objects(other):
    return {
        "clients": (other.clients[0], {"mrr": "1.00"}),
        "contacts": (other.contact, {"name": "Hacked"}),
        "objectives": (other.objective, {"title": "Hacked"}),
        "assets": (other.asset, {"name": "Hacked"}),
    }


@pytest.mark.parametrize("route", ["clients", "contacts", "objectives", "assets"])
def test_another_tenants_ids_are_not_found(tenant, other_tenant, api, route):
    obj, change = _foreign_objects(other_tenant)[route]
    url = f"{API}/{route}/{obj.pk}/"
    c = api()
    response = c.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": f"No {type(obj).__name__} matches the given query."}
    assert c.patch(url, change, content_type=JSON, headers={"If-Match": '"1"'}).status_code == 404
    assert c.put(url, change, content_type=JSON, headers={"If-Match": '"1"'}).status_code == 404
    assert c.delete(url).status_code == 404
    after = reload(obj)
    assert after.version == 1
    assert after.archived_at is None
    field, _ = next(iter(change.items()))
    assert str(getattr(after, field)) != "Hacked"
    assert not any(row["id"] == str(obj.pk) for row in c.get(f"{API}/{route}/", {"archived": "all"}).json()["results"])


def test_restore_of_another_tenants_client_is_not_found(tenant, other_tenant, api):
    assert api().post(f"{API}/clients/{other_tenant.clients[0].pk}/restore/").status_code == 404


def test_malformed_id_is_not_found(api):
    assert api().get(f"{API}/clients/not-a-uuid/").status_code == 404


# --- authentication and roles ------------------------------------------------------------------------


def test_anonymous_request_is_unauthorized(tenant):
    response = HttpClient().get(f"{API}/clients/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_unauthorized(tenant):
    response = bearer("vcio_not-a-real-token").get(f"{API}/clients/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token."}


def test_revoked_token_is_unauthorized(tenant):
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.OWNER], msp=tenant.msp)
        token, raw = api_token_create(membership=membership, name="old")
    c = bearer(raw)
    assert c.get(f"{API}/clients/").status_code == 200
    api_token_revoke(token=token)
    response = c.get(f"{API}/clients/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token."}


def test_token_of_a_removed_membership_is_unauthorized(tenant):
    c = bearer(token_for(tenant.users[Role.VCIO], tenant.msp))
    assert c.get(f"{API}/clients/").status_code == 200
    with scopes_disabled():
        # Removed directly, without the service revoking the tokens: the membership check alone must hold.
        Membership.objects.filter(user=tenant.users[Role.VCIO], msp=tenant.msp).update(removed_at=timezone.now())
    assert c.get(f"{API}/clients/").status_code == 401
    assert c.post(f"{API}/clients/", {"name": "X"}, content_type=JSON).status_code == 401


def test_viewer_reads_but_cannot_write(tenant, api):
    c = api(Role.VIEWER)
    assert c.get(f"{API}/clients/").json()["count"] == 2
    assert c.get(f"{API}/assets/{tenant.asset.pk}/").status_code == 200
    response = c.post(f"{API}/clients/", {"name": "X"}, content_type=JSON)
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert c.post(f"{API}/assets/", {"client": str(tenant.clients[0].pk), "name": "X"},
                  content_type=JSON).status_code == 403
    assert c.patch(f"{API}/clients/{tenant.clients[0].pk}/", {"name": "X"}, content_type=JSON,
                   headers={"If-Match": '"1"'}).status_code == 403
    assert c.delete(f"{API}/contacts/{tenant.contact.pk}/").status_code == 403
    assert reload(tenant.contact).archived_at is None
    with scopes_disabled():
        assert Client.objects.filter(msp=tenant.msp).count() == 2


def test_tam_writes_assets_but_not_clients(tenant, api):
    c = api(Role.TAM)
    created = c.post(f"{API}/assets/", {"client": str(tenant.clients[0].pk), "name": "SW-1", "kind": "switch"},
                     content_type=JSON)
    assert created.status_code == 201
    asset_url = f"{API}/assets/{tenant.asset.pk}/"
    assert c.patch(asset_url, {"status": "spare"}, content_type=JSON, headers={"If-Match": '"1"'}).status_code == 200
    assert reload(tenant.asset).status == "spare"
    assert c.delete(asset_url).status_code == 204
    assert reload(tenant.asset).archived_at is not None

    assert c.post(f"{API}/clients/", {"name": "X"}, content_type=JSON).status_code == 403
    assert c.patch(f"{API}/clients/{tenant.clients[0].pk}/", {"mrr": "1.00"}, content_type=JSON,
                   headers={"If-Match": '"1"'}).status_code == 403
    assert c.post(f"{API}/contacts/", {"client": str(tenant.clients[0].pk), "name": "X"},
                  content_type=JSON).status_code == 403
    assert c.delete(f"{API}/clients/{tenant.clients[0].pk}/").status_code == 403
    assert reload(tenant.clients[0]).archived_at is None


def test_portal_user_session_finds_nothing(tenant, login):
    c = login(tenant.users[Role.CLIENT])
    assert c.get(f"{API}/clients/").status_code == 404
    assert c.get(f"{API}/clients/{tenant.clients[0].pk}/").status_code == 404
    assert c.get(f"{API}/contacts/{tenant.contact.pk}/").status_code == 404


def test_staff_session_can_read(tenant, login):
    response = login(tenant.users[Role.VIEWER]).get(f"{API}/clients/")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_token_acts_in_its_own_msp_only(tenant, other_tenant):
    """The same person in two MSPs: each token sees its own MSP's clients."""
    person = tenant.users[Role.VCIO]
    with scopes_disabled():
        f.MembershipFactory(msp=other_tenant.msp, user=person, role=Role.VIEWER)
    assert names(bearer(token_for(person, tenant.msp)).get(f"{API}/clients/")) == ["Alpha Dental", "Alpha Logistics"]
    bravo = bearer(token_for(person, other_tenant.msp))
    assert names(bravo.get(f"{API}/clients/")) == ["Bravo Dental", "Bravo Logistics"]
    assert bravo.post(f"{API}/clients/", {"name": "X"}, content_type=JSON).status_code == 403


def test_token_use_is_recorded(tenant):
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.OWNER], msp=tenant.msp)
        token, raw = api_token_create(membership=membership, name="sync")
    assert token.last_used_at is None
    bearer(raw).get(f"{API}/clients/")
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- history and schema ------------------------------------------------------------------------------


def test_api_writes_record_the_acting_user(tenant, api):
    import pghistory.models

    response = api(Role.VCIO).patch(f"{API}/clients/{tenant.clients[0].pk}/", {"mrr": "3100.00"},
                                     content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    with scopes_disabled():
        event = (pghistory.models.Events.objects.references(tenant.clients[0])
                 .filter(pgh_label="update").order_by("-pgh_created_at").first())
    assert event is not None
    assert event.pgh_context["user"] == str(tenant.users[Role.VCIO].pk)


def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    for route in ("clients", "contacts", "objectives", "assets"):
        assert set(paths[f"/api/v1/{route}/"]) == {"get", "post"}
        assert set(paths[f"/api/v1/{route}/{{id}}/"]) == {"get", "put", "patch", "delete"}
        patch = paths[f"/api/v1/{route}/{{id}}/"]["patch"]
        if_match = [p for p in patch["parameters"] if p["name"] == "If-Match"]
        assert if_match[0]["required"] is True
    assert "/api/v1/clients/{id}/restore/" in paths
    client_props = schema["components"]["schemas"]["Client"]["properties"]
    assert "msp" not in client_props
    assert client_props["version"]["readOnly"] is True
    list_params = {p["name"] for p in paths["/api/v1/assets/"]["get"]["parameters"]}
    assert {"client", "kind", "status", "warranty_end_before", "warranty_end_after", "archived", "page",
            "page_size", "ordering", "search"} <= list_params


def test_schema_view_serves_json(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/clients/" in json.loads(response.content)["paths"]
