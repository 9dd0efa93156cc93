"""Staff pages of the clients app: list, create, detail, edit, archive, children and portal access."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from clients.models import Asset, BusinessObjective, Client, ClientAccess, Contact
from msp.models import Membership
from msp.roles import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The fixtures create ten users; the production hasher would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _get(model, **lookup):
    with scopes_disabled():
        return model.objects.get(**lookup)


def _names(response) -> list[str]:
    return [c.name for c in response.context["clients"]]


def _client_post(client, **changes) -> dict:
    """A complete edit form for `client`, as the page would post it, with `changes` applied."""
    data = {
        "name": client.name, "industry": client.industry, "status": client.status, "mrr": str(client.mrr),
        "aisp": str(client.aisp or ""), "user_count": client.user_count or "",
        "endpoint_count": client.endpoint_count or "", "complexity": client.complexity or "",
        "fiscal_year_start_month": client.fiscal_year_start_month, "vcio": client.vcio_id or "",
        "tam": client.tam_id or "", "churn_date": "", "churn_reason": "", "notes": client.notes,
        "version": client.version,
    }
    data.update(changes)
    return data


# --- list -----------------------------------------------------------------------------------------------

def test_list_shows_own_clients_with_totals(tenant, other_tenant, login):
    response = login(tenant.users[Role.VIEWER]).get("/clients/")
    assert response.status_code == 200
    assert _names(response) == ["Alpha Dental", "Alpha Logistics"]
    assert response.context["totals"] == {"count": 2, "mrr": Decimal("9500.00")}
    body = response.content.decode()
    assert '<div class="stat" id="total-mrr">$9,500.00</div>' in body
    assert "$6,500.00" in body
    assert "Bravo" not in body
    assert "New client" not in body  # viewers cannot create


def test_list_filters_and_totals(tenant, login):
    c = login(tenant.users[Role.OWNER])
    vcio = tenant.users[Role.VCIO]
    with scopes_disabled():
        f.ClientFactory(msp=tenant.msp, name="Charlie Clinic", industry="Healthcare", mrr="1500.00",
                        vcio=vcio, status="onboarding", notes="Wants hybrid work")

    by_vcio = c.get("/clients/", {"vcio": vcio.pk})
    assert _names(by_vcio) == ["Alpha Dental", "Charlie Clinic"]
    assert by_vcio.context["totals"] == {"count": 2, "mrr": Decimal("4500.00")}
    assert '<div class="stat" id="total-mrr">$4,500.00</div>' in by_vcio.content.decode()

    unassigned_tam = c.get("/clients/", {"tam": "none"})
    assert _names(unassigned_tam) == ["Alpha Logistics", "Charlie Clinic"]
    assert unassigned_tam.context["totals"] == {"count": 2, "mrr": Decimal("8000.00")}

    assert _names(c.get("/clients/", {"status": "onboarding"})) == ["Charlie Clinic"]
    assert _names(c.get("/clients/", {"q": "health"})) == ["Charlie Clinic"]  # industry
    assert _names(c.get("/clients/", {"q": "HYBRID"})) == ["Charlie Clinic"]  # notes
    assert _names(c.get("/clients/", {"q": "logis"})) == ["Alpha Logistics"]  # name
    assert _names(c.get("/clients/", {"vcio": vcio.pk, "status": "active"})) == ["Alpha Dental"]
    # An unknown filter value is ignored, never a server error.
    assert _names(c.get("/clients/", {"vcio": "not-a-person", "status": "bogus"})) == [
        "Alpha Dental", "Alpha Logistics", "Charlie Clinic"]


def test_list_filter_offers_only_own_active_staff(tenant, other_tenant, login):
    with scopes_disabled():
        gone = f.UserFactory(email="gone@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=gone, role=Role.VCIO, removed_at=timezone.now())
    response = login(tenant.users[Role.OWNER]).get("/clients/")
    values = [v for v, _ in response.context["filter_form"].fields["vcio"].choices]
    expected = {str(tenant.users[r].pk) for r in (Role.OWNER, Role.VCIO, Role.TAM, Role.VIEWER)}
    assert values[:2] == ["", "none"]
    assert set(values[2:]) == expected


def test_list_empty_state_and_pagination(tenant, login):
    with scopes_disabled():
        Client.objects.filter(msp=tenant.msp).update(archived_at=timezone.now())
    c = login(tenant.users[Role.OWNER])
    empty = c.get("/clients/").content.decode()
    assert "No clients yet." in empty
    assert "Add your first client" in empty

    with scopes_disabled():
        for i in range(51):
            f.ClientFactory(msp=tenant.msp, name=f"Client {i:02d}", mrr="100.00")
    first = c.get("/clients/")
    assert len(first.context["clients"]) == 50
    assert first.context["totals"] == {"count": 51, "mrr": Decimal("5100.00")}
    assert _names(c.get("/clients/", {"page": 2})) == ["Client 50"]


# --- create, detail, edit -------------------------------------------------------------------------------

def test_create_with_only_a_name(tenant, login):
    with scopes_disabled():
        tenant.msp.fiscal_year_start_month = 7
        tenant.msp.save()
    c = login(tenant.users[Role.VCIO])
    assert "New client" in c.get("/clients/").content.decode()
    response = c.post("/clients/new/", {"name": "Delta Dentists"})
    client = _get(Client, name="Delta Dentists")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/"
    assert client.msp_id == tenant.msp.pk
    assert (client.status, client.mrr, client.fiscal_year_start_month, client.version) == (
        "onboarding", Decimal("0.00"), 7, 1)
    assert (client.vcio_id, client.tam_id, client.aisp, client.user_count, client.complexity) == (
        None, None, None, None, None)


def test_create_validates_and_changes_nothing(tenant, other_tenant, login):
    c = login(tenant.users[Role.OWNER])
    outsider = other_tenant.users[Role.VCIO]
    response = c.post("/clients/new/", {"name": "Alpha Dental", "vcio": outsider.pk, "complexity": 11})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["vcio"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert errors["complexity"] == ["Ensure this value is less than or equal to 10."]
    duplicate = c.post("/clients/new/", {"name": "alpha dental"})
    assert duplicate.context["form"].non_field_errors() == ["A client with this name already exists."]
    churned = c.post("/clients/new/", {"name": "Echo", "status": "churned"})
    assert churned.context["form"].errors["churn_date"] == ["A churned client needs a churn date."]
    with scopes_disabled():
        assert Client.objects.filter(msp=tenant.msp).count() == 2


def test_viewer_and_tam_cannot_create(tenant, login):
    for role in (Role.VIEWER, Role.TAM):
        c = login(tenant.users[role])
        assert c.get("/clients/new/").status_code == 403
        assert c.post("/clients/new/", {"name": "Sneaky"}).status_code == 403
    with scopes_disabled():
        assert not Client.objects.filter(name="Sneaky").exists()


def test_detail_shows_key_facts_and_sections(tenant, login):
    client = tenant.clients[0]
    today = timezone.localdate()
    with scopes_disabled():
        Client.objects.filter(pk=client.pk).update(status="churned", churn_date=date(2025, 6, 30),
                                                   churn_reason="Acquired", notes="Prefers mornings",
                                                   endpoint_count=31, fiscal_year_start_month=4)
        f.AssetFactory(client=client, name="Old firewall", warranty_end=today - timedelta(days=3))
        f.AssetFactory(client=client, name="Soon server", end_of_support=today + timedelta(days=200))
        f.AssetFactory(client=client, name="Fine laptop", warranty_end=today + timedelta(days=800))
        f.AssetFactory(client=client, name="Unsupported switch", end_of_support=today - timedelta(days=1))
        f.AssetFactory(client=client, name="Retired NAS", status="retired", end_of_support=today - timedelta(days=9))
    response = login(tenant.users[Role.TAM]).get(f"/clients/{client.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("$3,000.00", "$125.00", "24", "31", "5 / 10", "April", tenant.users[Role.VCIO].display_name,
                 tenant.users[Role.TAM].display_name, "2025-06-30: Acquired", "Prefers mornings",
                 "Alpha Boss", tenant.objective.title, "2 need attention"):
        assert text in body, text
    flags = {row["asset"].name: row["flag"] for row in response.context["assets"]}
    # Only what needs the vCIO: support ended (red) or ending within 12 months (amber). A warranty that ran
    # out on a supported asset, and retired kit, are not flagged.
    assert flags == {"Old firewall": None, "Soon server": "soon", "Fine laptop": None, "Unsupported switch": "past",
                     "Retired NAS": None, tenant.asset.name: None}
    assert body.count('data-band="red"') == 1
    assert body.count('data-band="amber"') == 1
    # A TAM may keep assets but not edit the client or manage the portal.
    assert f"/clients/{client.pk}/edit/" not in body
    assert f"/clients/{client.pk}/assets/import/" in body
    assert "/portal/invite/" not in body


def test_edit_saves_and_bumps_version(tenant, login):
    client = tenant.clients[1]
    c = login(tenant.users[Role.VCIO])
    page = c.get(f"/clients/{client.pk}/edit/")
    assert '<input type="hidden" name="version" value="1"' in page.content.decode()
    response = c.post(f"/clients/{client.pk}/edit/", _client_post(
        client, mrr="7000.00", vcio=tenant.users[Role.VCIO].pk, complexity=4))
    assert response.status_code == 302
    saved = _get(Client, pk=client.pk)
    assert (saved.mrr, saved.vcio_id, saved.complexity, saved.version) == (
        Decimal("7000.00"), tenant.users[Role.VCIO].pk, 4, 2)


def test_stale_edit_is_refused_and_changes_nothing(tenant, login):
    client = tenant.clients[1]
    alice, bob = login(tenant.users[Role.VCIO]), login(tenant.users[Role.OWNER])
    assert bob.post(f"/clients/{client.pk}/edit/", _client_post(client, notes="Bob was here")).status_code == 302
    response = alice.post(f"/clients/{client.pk}/edit/", _client_post(client, name="Alice's name", mrr="1.00"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This client was changed by someone else while you were editing. Nothing was saved. "
        "Reload the page to see their changes, then apply yours again."]
    saved = _get(Client, pk=client.pk)
    assert (saved.name, saved.mrr, saved.notes, saved.version) == (
        "Alpha Logistics", Decimal("6500.00"), "Bob was here", 2)


def test_edit_without_version_is_refused(tenant, login):
    client = tenant.clients[1]
    data = _client_post(client, name="No version")
    del data["version"]
    response = login(tenant.users[Role.OWNER]).post(f"/clients/{client.pk}/edit/", data)
    assert response.status_code == 200
    assert _get(Client, pk=client.pk).name == "Alpha Logistics"


# --- archive and restore --------------------------------------------------------------------------------

def test_archive_hides_from_list_but_keeps_the_row(tenant, login):
    client = tenant.clients[1]
    c = login(tenant.users[Role.VCIO])
    assert c.get(f"/clients/{client.pk}/archive/").status_code == 405
    response = c.post(f"/clients/{client.pk}/archive/")
    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    listing = c.get("/clients/")
    assert _names(listing) == ["Alpha Dental"]
    assert listing.context["totals"] == {"count": 1, "mrr": Decimal("3000.00")}
    assert _names(c.get("/clients/", {"archived": "1"})) == ["Alpha Logistics"]
    saved = _get(Client, pk=client.pk)
    assert saved.archived_at is not None
    # Archived clients are read-only until restored.
    assert c.post(f"/clients/{client.pk}/contacts/new/", {"name": "Late"}).status_code == 302
    with scopes_disabled():
        assert not Contact.objects.filter(name="Late").exists()

    assert c.post(f"/clients/{client.pk}/restore/").status_code == 302
    assert _get(Client, pk=client.pk).archived_at is None
    assert _names(c.get("/clients/")) == ["Alpha Dental", "Alpha Logistics"]


def test_only_archivers_archive(tenant, login):
    client = tenant.clients[1]
    for role in (Role.TAM, Role.VIEWER):
        assert login(tenant.users[role]).post(f"/clients/{client.pk}/archive/").status_code == 403
    assert _get(Client, pk=client.pk).archived_at is None


# --- isolation ------------------------------------------------------------------------------------------

def test_portal_user_gets_404_on_staff_pages(tenant, login):
    c = login(tenant.users[Role.CLIENT])
    client = tenant.clients[0]
    for url in ("/clients/", "/clients/new/", f"/clients/{client.pk}/", f"/clients/{client.pk}/edit/",
                f"/clients/{client.pk}/contacts/{tenant.contact.pk}/edit/"):
        assert c.get(url).status_code == 404, url


def test_another_tenants_ids_are_404(tenant, other_tenant, login):
    c = login(other_tenant.users[Role.OWNER])
    client = tenant.clients[0]
    base = f"/clients/{client.pk}"
    for url in (f"{base}/", f"{base}/edit/", f"{base}/contacts/new/", f"{base}/contacts/{tenant.contact.pk}/edit/",
                f"{base}/objectives/{tenant.objective.pk}/edit/", f"{base}/assets/{tenant.asset.pk}/edit/"):
        assert c.get(url).status_code == 404, url
    for url in (f"{base}/archive/", f"{base}/contacts/{tenant.contact.pk}/archive/",
                f"{base}/assets/{tenant.asset.pk}/archive/", f"{base}/portal/{tenant.access.pk}/revoke/"):
        assert c.post(url).status_code == 404, url
    # The other tenant's own client with this tenant's child ids is a 404 too.
    own = other_tenant.clients[0]
    assert c.get(f"/clients/{own.pk}/contacts/{tenant.contact.pk}/edit/").status_code == 404
    assert c.post(f"/clients/{own.pk}/portal/invite/", {"contact": tenant.contact.pk}).status_code == 302
    with scopes_disabled():
        assert _get(Client, pk=client.pk).archived_at is None
        assert ClientAccess.objects.filter(contact=tenant.contact).count() == 1


def test_child_must_belong_to_the_client_in_the_url(tenant, login):
    c = login(tenant.users[Role.OWNER])
    other_client = tenant.clients[1]
    assert c.get(f"/clients/{other_client.pk}/contacts/{tenant.contact.pk}/edit/").status_code == 404
    assert c.post(f"/clients/{other_client.pk}/assets/{tenant.asset.pk}/archive/").status_code == 404
    assert _get(Asset, pk=tenant.asset.pk).archived_at is None


# --- contacts, objectives, assets -----------------------------------------------------------------------

def test_contact_create_edit_stale_and_archive(tenant, login):
    client = tenant.clients[0]
    c = login(tenant.users[Role.VCIO])
    created = c.post(f"/clients/{client.pk}/contacts/new/",
                     {"name": "Dana Park", "title": "CEO", "email": "dana@example.test", "is_decision_maker": "on"})
    assert created.status_code == 302
    assert created["Location"] == f"/clients/{client.pk}/#contacts"
    contact = _get(Contact, name="Dana Park")
    assert (contact.client_id, contact.msp_id, contact.email, contact.is_decision_maker, contact.version) == (
        client.pk, tenant.msp.pk, "dana@example.test", True, 1)

    url = f"/clients/{client.pk}/contacts/{contact.pk}/edit/"
    form = {"name": "Dana Park", "title": "Owner", "email": "dana@example.test", "phone": "", "version": 1}
    assert c.post(url, form).status_code == 302
    stale = c.post(url, {**form, "title": "Stale title"})
    assert stale.context["form"].non_field_errors()[0].startswith(
        "This contact was changed by someone else while you were editing.")
    saved = _get(Contact, pk=contact.pk)
    assert (saved.title, saved.is_decision_maker, saved.version) == ("Owner", False, 2)

    assert c.post(f"/clients/{client.pk}/contacts/{contact.pk}/archive/").status_code == 302
    assert _get(Contact, pk=contact.pk).archived_at is not None
    assert c.get(url).status_code == 404
    detail = c.get(f"/clients/{client.pk}/")
    assert [x.name for x in detail.context["contacts"]] == ["Alpha Boss"]


def test_objective_create_and_edit(tenant, login):
    client = tenant.clients[1]
    c = login(tenant.users[Role.OWNER])
    assert c.post(f"/clients/{client.pk}/objectives/new/",
                  {"title": "Pass a HIPAA audit", "target_date": "2026-09-30", "status": "planned"}).status_code == 302
    objective = _get(BusinessObjective, title="Pass a HIPAA audit")
    assert (objective.client_id, objective.target_date, objective.status) == (client.pk, date(2026, 9, 30), "planned")
    assert c.post(f"/clients/{client.pk}/objectives/{objective.pk}/edit/",
                  {"title": "Pass a HIPAA audit", "status": "in_progress", "version": 1}).status_code == 302
    saved = _get(BusinessObjective, pk=objective.pk)
    assert (saved.status, saved.target_date, saved.version) == ("in_progress", None, 2)
    assert c.post(f"/clients/{client.pk}/objectives/{objective.pk}/archive/").status_code == 302
    assert _get(BusinessObjective, pk=objective.pk).archived_at is not None


def test_asset_pages_for_tams_with_field_named_model(tenant, login):
    client = tenant.clients[0]
    c = login(tenant.users[Role.TAM])
    response = c.post(f"/clients/{client.pk}/assets/new/", {
        "name": "Core switch", "kind": "switch", "manufacturer": "Aruba", "model": "CX 6100", "serial": "SW-1",
        "status": "in_service", "warranty_end": "2027-01-31", "expected_life_years": 7,
        "replacement_cost": "2400.00"})
    assert response.status_code == 302
    asset = _get(Asset, serial="SW-1")
    assert (asset.model, asset.warranty_end, asset.replacement_cost) == ("CX 6100", date(2027, 1, 31),
                                                                         Decimal("2400.00"))
    duplicate = c.post(f"/clients/{client.pk}/assets/new/", {"name": "Copy", "kind": "switch", "serial": "SW-1",
                                                             "status": "in_service"})
    assert duplicate.context["form"].non_field_errors() == [
        "This client already has an asset with this serial number."]
    assert login(tenant.users[Role.VIEWER]).post(f"/clients/{client.pk}/assets/{asset.pk}/archive/").status_code == 403
    assert c.post(f"/clients/{client.pk}/assets/{asset.pk}/archive/").status_code == 302
    assert _get(Asset, pk=asset.pk).archived_at is not None


# --- portal access --------------------------------------------------------------------------------------

def test_invite_and_revoke_portal_access(tenant, login):
    client = tenant.clients[0]
    with scopes_disabled():
        contact = f.ContactFactory(client=client, name="Finance Lead", email="Finance@Example.test")
        f.ContactFactory(client=client, name="No Email", email="")
    c = login(tenant.users[Role.VCIO])
    page = c.get(f"/clients/{client.pk}/").content.decode()
    assert "Invite Finance Lead" in page
    assert "Invite No Email" not in page
    assert "Invite Alpha Boss" not in page  # already has access

    response = c.post(f"/clients/{client.pk}/portal/invite/", {"contact": contact.pk}, follow=True)
    assert "Portal invitation sent to Finance Lead &lt;finance@example.test&gt;." in response.content.decode()
    access = _get(ClientAccess, contact=contact)
    assert (access.state, access.email, access.invited_by_id, access.client_id) == (
        "invited", "finance@example.test", tenant.users[Role.VCIO].pk, client.pk)
    again = c.post(f"/clients/{client.pk}/portal/invite/", {"contact": contact.pk}, follow=True)
    assert "Finance Lead already has portal access or a pending invitation." in again.content.decode()
    with scopes_disabled():
        assert ClientAccess.objects.filter(contact=contact).count() == 1

    revoke = c.post(f"/clients/{client.pk}/portal/{tenant.access.pk}/revoke/")
    assert revoke.status_code == 302
    assert revoke["Location"] == f"/clients/{client.pk}/#portal"
    assert _get(ClientAccess, pk=tenant.access.pk).state == "revoked"
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.CLIENT], msp=tenant.msp)
    assert membership.removed_at is not None


def test_invite_refuses_other_clients_contacts_and_non_managers(tenant, login):
    client = tenant.clients[1]
    vcio = login(tenant.users[Role.VCIO])
    response = vcio.post(f"/clients/{client.pk}/portal/invite/", {"contact": tenant.contact.pk}, follow=True)
    assert "Choose a contact of this client." in response.content.decode()
    for role in (Role.TAM, Role.VIEWER):
        assert login(tenant.users[role]).post(f"/clients/{tenant.clients[0].pk}/portal/invite/",
                                              {"contact": tenant.contact.pk}).status_code == 403
        assert login(tenant.users[role]).post(
            f"/clients/{tenant.clients[0].pk}/portal/{tenant.access.pk}/revoke/").status_code == 403
    assert _get(ClientAccess, pk=tenant.access.pk).state == "active"


def test_list_and_detail_queries_do_not_grow_with_rows(tenant, login, django_assert_max_num_queries):
    c = login(tenant.users[Role.OWNER])
    client = tenant.clients[0]
    with scopes_disabled():
        for i in range(30):
            f.ClientFactory(msp=tenant.msp, name=f"Extra {i}", vcio=tenant.users[Role.VCIO],
                            tam=tenant.users[Role.TAM])
            f.AssetFactory(client=client)
            f.ContactFactory(client=client)
    # Each request's transaction adds four statements here (savepoint, set role and tenant, put them back,
    # release); in production it is one statement, the set_config, between BEGIN and COMMIT.
    with django_assert_max_num_queries(16):
        assert len(c.get("/clients/").context["clients"]) == 32
    # The meetings section (meetings.templatetags.meetings) reads a fixed four: upcoming, missed and held
    # meetings, open action items.
    with django_assert_max_num_queries(19):
        assert len(c.get(f"/clients/{client.pk}/").context["assets"]) == 31
