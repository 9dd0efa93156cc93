"""A vCIO of an MSP that requires two-factor sign-in adds a passkey (Chromium's virtual authenticator, through
the DevTools WebAuthn domain), then signs in again with password and passkey."""

import pytest
from allauth.mfa.models import Authenticator
from django_scopes import scopes_disabled

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_vcio_adds_a_passkey_and_signs_in_with_it(page_at, tenant, live_server):
    with scopes_disabled():
        tenant.msp.mfa_required = True
        tenant.msp.save(update_fields=["mfa_required"])
    page = page_at()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})

    sign_in(page, "vcio@alpha.test", PASSWORD)
    assert page.url.endswith("/accounts/2fa/")  # sent to set up a second factor first
    page.goto("/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # security settings confirm the password first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state("networkidle")
    page.get_by_label("Name").fill("Laptop passkey")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)  # the passkey is saved, the page moves on
    assert "/accounts/2fa/" in page.url
    with scopes_disabled():
        assert list(Authenticator.objects.filter(user=tenant.users["vcio"]).values_list("type", flat=True)
                    .order_by("type")) == ["recovery_codes", "webauthn"]
    page.goto("/clients/")
    assert page.url.endswith("/clients/")  # the requirement is met

    page.get_by_role("button", name=tenant.users["vcio"].display_name).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    sign_in(page, "vcio@alpha.test", PASSWORD)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/authenticate/" not in url)
    page.goto("/clients/")
    assert page.url.endswith("/clients/")
