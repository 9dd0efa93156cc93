"""Sign-in hardening: two-factor sign-in required for owners and vCIOs, passkeys, and failed passwords that
slow the guesser down without locking the real person out (msp/signin.py, docs/security.md)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.roles import Role
from msp.signin import ACCOUNT_HELD, IP_BLOCKED
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, OWNER_IP = "203.0.113.66", "198.51.100.10"
WRONG = "The email address and/or password you specified are not correct."


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str) -> str:
    """The authenticator app's current code (RFC 6238: HOTP of the 30-second step)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(email, password=PASSWORD, *, ip=OWNER_IP, c=None):
    c = c or HttpClient(REMOTE_ADDR=ip)
    return c, c.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def require_mfa(tenant):
    with scopes_disabled():
        tenant.msp.mfa_required = True
        tenant.msp.save(update_fields=["mfa_required"])


# --- Two-factor sign-in required ----------------------------------------------------------------------


def test_vcio_of_an_mfa_msp_sets_up_totp_before_anything_else(tenant):
    require_mfa(tenant)
    c, response = sign_in("vcio@alpha.test")
    assert response.status_code == 302
    # Every page sends them to the two-factor page; the API too, with a JSON answer.
    for path in ("/", "/clients/", f"/clients/{tenant.clients[0].pk}/"):
        assert c.get(path)["Location"] == "/accounts/2fa/"
    assert c.get("/api/v1/clients/").json() == {"detail": "Set up two-factor sign-in before using the API."}
    page = c.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "Alpha requires two-factor sign-in" in page.content.decode()

    # Setting up TOTP asks for the password again, then the code of the shown secret.
    activate = c.get("/accounts/2fa/totp/activate/")
    c.post(activate["Location"], {"password": PASSWORD}, REMOTE_ADDR=OWNER_IP)
    assert c.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = c.session[SECRET_SESSION_KEY]
    assert c.post("/accounts/2fa/totp/activate/", {"code": "000000" if totp_code(secret) != "000000"
                                                   else "111111"}).status_code == 200  # wrong: refused
    assert c.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}).status_code == 302
    assert c.get("/").status_code == 200  # the vCIO's home
    assert c.get("/clients/").status_code == 200

    # The next sign-in asks for the code; a wrong code is refused, the right one lets them in.
    fresh, response = sign_in("vcio@alpha.test")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert fresh.get("/clients/")["Location"].startswith("/accounts/login/")
    wrong = fresh.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {"code": ["Incorrect code."]}
    assert fresh.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    assert fresh.get("/clients/").status_code == 200


def test_tam_viewer_and_portal_users_may_skip_the_second_factor(tenant, login):
    require_mfa(tenant)
    for role, path in ((Role.TAM, "/clients/"), (Role.VIEWER, "/clients/"), (Role.CLIENT, "/portal/")):
        assert login(tenant.users[role]).get(path).status_code == 200, role
    assert login(tenant.users[Role.OWNER]).get("/scorecard/")["Location"] == "/accounts/2fa/"


def test_an_msp_without_the_requirement_lets_owners_in_with_a_password(tenant, login):
    assert tenant.msp.mfa_required is False
    assert login(tenant.users[Role.OWNER]).get("/scorecard/").status_code == 200


def test_the_owner_turns_the_requirement_on_in_settings(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    form = owner.get("/workspace/settings/").context["form"]
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(mfa_required="on", entra_tenant_id="not-a-uuid")
    refused = owner.post("/workspace/settings/", data)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"entra_tenant_id": [
        "Enter the Directory (tenant) ID from the Entra admin centre, e.g. 6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a."]}
    data["entra_tenant_id"] = "6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a"
    assert owner.post("/workspace/settings/", data).status_code == 302
    tenant.msp.refresh_from_db()
    assert (tenant.msp.mfa_required, str(tenant.msp.entra_tenant_id)) == (
        True, "6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a")
    assert owner.get("/scorecard/")["Location"] == "/accounts/2fa/"


def test_passkeys_are_a_second_factor_and_their_setup_page_renders(tenant, login):
    assert settings.MFA_SUPPORTED_TYPES == ["totp", "webauthn", "recovery_codes"]
    assert settings.MFA_PASSKEY_LOGIN_ENABLED is True
    assert settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is False  # tests run without DEBUG
    require_mfa(tenant)
    c = login(tenant.users[Role.VCIO])
    page = c.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-allauth-onload="allauth.webauthn.forms.addForm"' in html
    assert "/static/mfa/js/webauthn.js" in html
    assert page.context["form"].fields["passwordless"].label == "Passwordless"


# --- Failed passwords: slow the guesser, never lock out the real person ---------------------------------


def test_wrong_passwords_from_one_ip_get_429_and_the_owner_with_mfa_still_signs_in(tenant):
    owner = tenant.users[Role.OWNER]
    secret = with_totp(owner)
    answers = [sign_in("owner@alpha.test", f"guess-{n}", ip=ATTACKER)[1] for n in range(20)]
    assert [r.status_code for r in answers] == [200] * 10 + [429] * 10
    assert WRONG in answers[0].content.decode()
    assert IP_BLOCKED in answers[10].content.decode()
    # The attacker's IP waits even with the right password.
    assert sign_in("owner@alpha.test", ip=ATTACKER)[1].status_code == 429
    # From the owner's own network: the password, then the code.
    c, response = sign_in("owner@alpha.test")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert c.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    assert c.get("/scorecard/").status_code == 200


def test_a_held_account_without_mfa_signs_in_with_the_reset_link(tenant):
    # Guesses from many networks: each IP stays under its limit, the account is held.
    for n in range(6):
        sign_in("owner@alpha.test", f"guess-{n}", ip=f"192.0.2.{n + 1}")
    c, response = sign_in("owner@alpha.test")
    assert response.status_code == 200  # the right password alone no longer signs in...
    assert ACCOUNT_HELD in response.content.decode()
    _, guess = sign_in("owner@alpha.test", "another-guess")
    assert ACCOUNT_HELD in guess.content.decode()  # ...and a wrong one gets the very same answer
    assert c.get("/scorecard/")["Location"].startswith("/accounts/login/")
    # Other accounts are not affected.
    assert sign_in("vcio@alpha.test")[1].status_code == 302

    # The reset email's link signs the owner in.
    c.post("/accounts/password/reset/", {"email": "owner@alpha.test"}, REMOTE_ADDR=OWNER_IP)
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = c.get(link, follow=True)
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = c.post(post_url, {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"})
    assert done.status_code == 302
    assert c.get("/scorecard/").status_code == 200
    # The new password signs in again.
    assert sign_in("owner@alpha.test", "Brand-new-pass-77")[1].status_code == 302


def test_a_held_account_with_mfa_needs_the_code(tenant):
    owner = tenant.users[Role.OWNER]
    secret = with_totp(owner)
    for n in range(6):
        sign_in("owner@alpha.test", f"guess-{n}", ip=f"192.0.2.{n + 1}")
    _, wrong = sign_in("owner@alpha.test", "one-more-guess")
    assert ACCOUNT_HELD in wrong.content.decode()
    c, response = sign_in("owner@alpha.test")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert c.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}).status_code == 302
    assert c.get("/scorecard/").status_code == 200
    assert Authenticator.objects.filter(user=owner, type="totp").count() == 1


def test_counters_use_bounded_expiring_keys(tenant):
    sign_in("owner@alpha.test", "guess", ip=ATTACKER)
    redis = cache._cache.get_client()  # the tests run with Redis, as production does
    keys = sorted(k.decode() for k in redis.keys("*signin:*"))
    assert len(keys) == 2
    assert all(re.fullmatch(r":1:signin:(ip|account):[0-9a-f]{32}", k) for k in keys), keys
    assert all(0 < redis.ttl(k) <= settings.SIGNIN_WINDOW_SECONDS for k in keys)
