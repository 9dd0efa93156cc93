"""An API token is an API credential only, and account changes need a recently confirmed password.

Before this rule a Bearer token was accepted on every path: with a token alone one could add an email
to the account and reset the password to it, mint more tokens, or invite a new owner.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.models import ApiToken, Invitation, Membership
from msp.roles import Role
from msp.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_token(tenant):
    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[Role.OWNER]), name="sync")
    return raw


def bearer(raw: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_token_still_works_under_the_api(tenant, owner_token):
    response = bearer(owner_token).get("/api/v1/clients/")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Alpha Dental", "Alpha Logistics"]


@pytest.mark.parametrize("path", ["/", "/clients/", "/workspace/members/", "/account/api-tokens/",
                                  "/accounts/email/", "/workspace/settings/"])
def test_outside_the_api_a_token_is_no_login(tenant, owner_token, path):
    response = bearer(owner_token).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_token_cannot_add_an_email_mint_tokens_or_invite(tenant, owner_token):
    c = bearer(owner_token)
    owner = tenant.users[Role.OWNER]
    assert c.post("/accounts/email/", {"action_add": "", "email": "thief@evil.test"}).status_code in {302, 403}
    assert c.post("/account/api-tokens/", {"name": "second"}).status_code in {302, 403}
    assert c.post("/workspace/members/", {"email": "thief@evil.test", "role": "owner"}).status_code in {302, 403}
    assert c.post("/accounts/password/reset/", {"email": "thief@evil.test"}).status_code in {200, 302}
    with scopes_disabled():
        assert not EmailAddress.objects.filter(email="thief@evil.test").exists()
        assert list(ApiToken.objects.values_list("name", flat=True)) == ["sync"]
        assert not Invitation.objects.filter(email="thief@evil.test").exists()
    owner.refresh_from_db()
    assert owner.email == "owner@alpha.test"


def test_creating_a_token_asks_for_the_password_again(tenant, login):
    c = login(tenant.users[Role.OWNER], recent=False)
    page = c.get("/account/api-tokens/")
    assert page.status_code == 200  # reading the list needs no confirmation
    response = c.post("/account/api-tokens/", {"name": "Backup report"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with scopes_disabled():
        assert ApiToken.objects.count() == 0


def test_after_confirming_the_password_the_token_is_made(tenant, login):
    owner = tenant.users[Role.OWNER]
    owner.set_password("Right-horse-battery-9")
    owner.save()
    c = login(owner, recent=False)
    response = c.post("/account/api-tokens/", {"name": "Backup report"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    confirmed = c.post(response["Location"], {"password": "Right-horse-battery-9"})
    # allauth replays the suspended POST once the password is confirmed.
    assert confirmed.status_code == 200
    assert "vcio_" in confirmed.content.decode()
    with scopes_disabled():
        assert list(ApiToken.objects.values_list("name", flat=True)) == ["Backup report"]


@pytest.mark.parametrize(("path", "data"), [
    ("/workspace/members/", {"email": "new@alpha.test", "role": "tam"}),
])
def test_inviting_asks_for_the_password_again(tenant, login, path, data):
    c = login(tenant.users[Role.OWNER], recent=False)
    response = c.post(path, data)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with scopes_disabled():
        assert not Invitation.objects.filter(email="new@alpha.test").exists()


def test_changing_a_role_or_removing_a_member_asks_for_the_password_again(tenant, login):
    with scopes_disabled():
        tam = Membership.objects.get(user=tenant.users[Role.TAM])
    c = login(tenant.users[Role.OWNER], recent=False)
    for url, data in ((f"/workspace/members/{tam.pk}/role/", {"role": "owner"}),
                      (f"/workspace/members/{tam.pk}/remove/", {})):
        response = c.post(url, data)
        assert response["Location"].startswith("/accounts/reauthenticate/"), url
    with scopes_disabled():
        tam.refresh_from_db()
        assert (tam.role, tam.removed_at) == (Role.TAM, None)


def test_adding_an_email_asks_for_the_password_again(tenant, login):
    c = login(tenant.users[Role.OWNER], recent=False)
    response = c.post("/accounts/email/", {"action_add": "", "email": "second@alpha.test"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="second@alpha.test").exists()
