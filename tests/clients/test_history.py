"""The history page shows who changed what on a client and its records."""

import pytest
from django_scopes import scope

from clients import services
from msp.roles import Role

pytestmark = pytest.mark.django_db


def test_history_lists_changes_with_who_and_what(tenant, login):
    vcio = tenant.users[Role.VCIO]
    client = tenant.clients[0]
    with scope(msp=tenant.msp):
        services.client_update(client=client, actor=vcio, expected_version=client.version, mrr="3250.00")
        services.asset_update(asset=tenant.asset, actor=vcio, expected_version=tenant.asset.version,
                              warranty_end="2027-06-30")
    page = login(tenant.users[Role.VIEWER]).get(f"/clients/{client.pk}/history/")
    assert page.status_code == 200
    entries = page.context["entries"]
    # Both changes share the test's transaction time, so their relative order is not defined.
    changed = {(e["noun"], e["name"], e["actor"]): e["changes"] for e in entries if e["verb"] == "changed"}
    assert changed == {
        ("asset", tenant.asset.name, vcio.display_name): [
            {"field": "warranty end", "before": None, "after": "2027-06-30"}],
        ("client", "Alpha Dental", vcio.display_name): [{"field": "MRR", "before": 3000.0, "after": 3250.0}],
    }
    html = page.content.decode()
    assert "Warranty end" in html
    # Creations made by the fixtures are listed too, by nobody in particular.
    assert {(e["noun"], e["verb"]) for e in entries} >= {("client", "created"), ("asset", "created"),
                                                                ("contact", "created")}


def test_history_of_another_tenants_client_is_not_found(tenant, other_tenant, login):
    c = login(other_tenant.users[Role.OWNER])
    assert c.get(f"/clients/{tenant.clients[0].pk}/history/").status_code == 404
