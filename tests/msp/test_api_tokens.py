"""Personal API tokens: the create_api_token command and the /account/api-tokens/ page."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.models import ApiToken, Membership, hash_secret
from msp.roles import Role
from msp.services import api_token_create, api_token_revoke
from tests import factories as f

CLIENTS = "/api/v1/clients/"
PAGE = "/account/api-tokens/"
RAW = re.compile(r"vcio_[A-Za-z0-9_-]{20,}")


def run(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def client_names(raw: str) -> list[str]:
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(CLIENTS)
    assert response.status_code == 200
    return [c["name"] for c in response.json()["results"]]


# --- the management command --------------------------------------------------------------------------


def test_command_prints_a_working_token_on_its_last_line(tenant, other_tenant):
    lines = run("vcio@alpha.test", "--name", "PSA sync")
    raw = lines[-1]
    assert RAW.fullmatch(raw)
    assert "PSA sync" in lines[0]
    assert client_names(raw) == ["Alpha Dental", "Alpha Logistics"]
    token = ApiToken.objects.get(key_hash=hash_secret(raw))
    assert token.name == "PSA sync"
    assert token.prefix == raw[:12]
    assert token.membership.user.email == "vcio@alpha.test"
    assert token.membership.msp == tenant.msp


def test_command_default_name_and_email_case(tenant):
    raw = run("TAM@Alpha.TEST")[-1]
    assert ApiToken.objects.get(key_hash=hash_secret(raw)).name == "Command line"


def test_command_unknown_email(tenant):
    with pytest.raises(CommandError, match=r"^No user with the email address nobody@alpha\.test\.$"):
        run("nobody@alpha.test")
    assert ApiToken.objects.count() == 0


def test_command_needs_msp_when_the_user_has_several(tenant, other_tenant):
    with scopes_disabled():
        f.MembershipFactory(msp=other_tenant.msp, user=tenant.users[Role.VCIO], role=Role.VIEWER)
    with pytest.raises(CommandError, match=r"belongs to several MSPs \(alpha, bravo\); choose one with --msp SLUG"):
        run("vcio@alpha.test")
    assert ApiToken.objects.count() == 0
    raw = run("vcio@alpha.test", "--msp", "bravo")[-1]
    assert client_names(raw) == ["Bravo Dental", "Bravo Logistics"]


def test_command_refuses_an_msp_the_user_is_not_staff_of(tenant, other_tenant):
    with pytest.raises(CommandError, match=r"vcio@alpha\.test is not an active staff member of the MSP “bravo”\."):
        run("vcio@alpha.test", "--msp", "bravo")


def test_command_refuses_portal_users_and_removed_members(tenant):
    with pytest.raises(CommandError, match=r"client@alpha\.test is not an active staff member of any MSP\."):
        run("client@alpha.test")
    Membership.objects.filter(user=tenant.users[Role.VIEWER]).update(removed_at="2026-01-01T00:00:00Z")
    with pytest.raises(CommandError, match="not an active staff member"):
        run("viewer@alpha.test")
    assert ApiToken.objects.count() == 0


def test_command_refuses_a_blank_name(tenant):
    with pytest.raises(CommandError, match="Give the token a name"):
        run("owner@alpha.test", "--name", "  ")


# --- the web page ------------------------------------------------------------------------------------


def test_page_shows_a_new_token_once_then_only_its_prefix(tenant, login):
    c = login(tenant.users[Role.TAM])
    response = c.post(PAGE, {"name": "Backup report"})
    assert response.status_code == 200
    shown = RAW.findall(response.content.decode())
    assert len(shown) == 1
    raw = shown[0]
    token = ApiToken.objects.get(key_hash=hash_secret(raw))
    assert (token.name, token.membership.user, token.membership.msp) == (
        "Backup report", tenant.users[Role.TAM], tenant.msp)
    assert client_names(raw) == ["Alpha Dental", "Alpha Logistics"]

    page = c.get(PAGE).content.decode()
    assert raw not in page
    assert f"{raw[:12]}…" in page
    assert "Backup report" in page


def test_page_needs_a_name(tenant, login):
    response = login(tenant.users[Role.OWNER]).post(PAGE, {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_page_lists_only_my_tokens_in_this_msp(tenant, other_tenant, login):
    with scopes_disabled():
        mine = Membership.objects.get(user=tenant.users[Role.OWNER], msp=tenant.msp)
        theirs = Membership.objects.get(user=tenant.users[Role.VCIO], msp=tenant.msp)
        api_token_create(membership=mine, name="Mine")
        api_token_create(membership=theirs, name="Colleague's")
    page = login(tenant.users[Role.OWNER]).get(PAGE).content.decode()
    assert "Mine" in page
    assert "Colleague" not in page


def test_revoke_from_the_page(tenant, login):
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.OWNER], msp=tenant.msp)
        token, raw = api_token_create(membership=membership, name="Old sync")
    assert client_names(raw) == ["Alpha Dental", "Alpha Logistics"]
    c = login(tenant.users[Role.OWNER])
    response = c.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(CLIENTS).status_code == 401
    assert "revoked" in c.get(PAGE).content.decode()


def test_revoking_someone_elses_token_is_not_found(tenant, other_tenant, login):
    with scopes_disabled():
        colleague = Membership.objects.get(user=tenant.users[Role.VCIO], msp=tenant.msp)
        stranger = Membership.objects.get(user=other_tenant.users[Role.OWNER], msp=other_tenant.msp)
        colleague_token, colleague_raw = api_token_create(membership=colleague, name="Theirs")
        stranger_token, _ = api_token_create(membership=stranger, name="Foreign")
    c = login(tenant.users[Role.OWNER])
    assert c.post(f"{PAGE}{colleague_token.pk}/revoke/").status_code == 404
    assert c.post(f"{PAGE}{stranger_token.pk}/revoke/").status_code == 404
    colleague_token.refresh_from_db()
    stranger_token.refresh_from_db()
    assert colleague_token.revoked_at is None
    assert stranger_token.revoked_at is None
    assert client_names(colleague_raw) == ["Alpha Dental", "Alpha Logistics"]


def test_revoke_needs_post(tenant, login):
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.OWNER], msp=tenant.msp)
        token, _ = api_token_create(membership=membership, name="Keep")
    assert login(tenant.users[Role.OWNER]).get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_portal_user_has_no_token_page(tenant, login):
    c = login(tenant.users[Role.CLIENT])
    assert c.get(PAGE).status_code == 404
    assert c.post(PAGE, {"name": "Sneaky"}).status_code == 404
    assert ApiToken.objects.count() == 0


def test_anonymous_is_sent_to_login(db):
    response = HttpClient().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_history_records_creation_and_revocation_not_each_use(tenant):
    from django.apps import apps

    event_model = apps.get_model("msp", "ApiTokenEvent")
    membership = Membership.objects.get(user=tenant.users[Role.VCIO])
    token, raw = api_token_create(membership=membership, name="history")
    client = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/clients/").status_code == 200
    assert client.get("/api/v1/clients/").status_code == 200
    api_token_revoke(token=token)
    events = event_model.objects.filter(pgh_obj_id=token.pk).order_by("pgh_id")
    labels = list(events.values_list("pgh_label", flat=True))
    assert labels == ["insert", "update"]
    assert "key_hash" not in {f.name for f in event_model._meta.fields}
