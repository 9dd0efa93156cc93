"""Sign-in, signup with a new MSP, password reset and MFA (TOTP + recovery codes); the limits on failed
sign-ins are in test_signin.py."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from msp.models import Membership, Msp, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(email, password=PASSWORD) -> tuple[HttpClient, object]:
    c = HttpClient()
    response = c.post("/accounts/login/", {"login": email, "password": password})
    return c, response


def test_owner_signs_up_and_gets_a_new_msp():
    c = HttpClient()
    response = c.post("/accounts/signup/", {
        "email": "Founder@NewMSP.test", "password1": "Sturdy-pass-2026", "password2": "Sturdy-pass-2026",
        "full_name": "Fran Founder", "msp_name": "Northwind IT",
    })
    assert response.status_code == 302
    user = User.objects.get(email="founder@newmsp.test")
    assert user.full_name == "Fran Founder"
    msp = Msp.objects.get(name="Northwind IT")
    assert msp.slug == "northwind-it"
    assert list(Membership.objects.filter(msp=msp).values_list("user__email", "role")) == [
        ("founder@newmsp.test", "owner")
    ]
    assert msp.mfa_required is True  # a new MSP requires two-factor sign-in of its owners and vCIOs
    home = c.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/accounts/2fa/"  # set up a second factor before anything else
    assert "Northwind IT requires two-factor sign-in" in home.content.decode()


def test_signup_requires_the_msp_name():
    c = HttpClient()
    response = c.post("/accounts/signup/", {
        "email": "x@newmsp.test", "password1": "Sturdy-pass-2026", "password2": "Sturdy-pass-2026",
        "full_name": "X", "msp_name": "",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["msp_name"] == ["This field is required."]
    assert not User.objects.filter(email="x@newmsp.test").exists()
    assert Msp.objects.count() == 0


def test_sign_in_with_email_and_password(tenant):
    c, response = sign_in("vcio@alpha.test")
    assert response.status_code == 302
    assert c.get("/clients/").status_code == 200


def test_wrong_password_is_refused(tenant):
    c, response = sign_in("vcio@alpha.test", "wrong-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert c.get("/clients/").status_code == 302


def test_password_reset_sends_a_working_link(tenant):
    c = HttpClient()
    response = c.post("/accounts/password/reset/", {"email": "tam@alpha.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["tam@alpha.test"]
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = c.get("/" + path, follow=True)
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path
    done = c.post(post_url, {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"})
    assert done.status_code == 302
    _, ok = sign_in("tam@alpha.test", "Brand-new-pass-77")
    assert ok.status_code == 302


def test_totp_enrolment_then_login_needs_the_code(tenant):
    c, _ = sign_in("owner@alpha.test")
    page = c.get("/accounts/2fa/totp/activate/")
    # Security settings ask for the password again first.
    assert page["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    again = c.post(page["Location"], {"password": PASSWORD})
    assert again["Location"] == "/accounts/2fa/totp/activate/"
    page = c.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = c.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = c.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    user = User.objects.get(email="owner@alpha.test")
    assert sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        "recovery_codes", "totp"
    ]
    codes = c.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    unused = codes.context["unused_codes"]
    assert len(unused) == 10

    # A fresh sign-in stops at the second factor; a recovery code completes it.
    fresh, response = sign_in("owner@alpha.test")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert fresh.get("/clients/").status_code == 302
    done = fresh.post("/accounts/2fa/authenticate/", {"code": unused[0]})
    assert done.status_code == 302
    assert fresh.get("/clients/").status_code == 200


def test_logout_ends_the_session(tenant):
    c, _ = sign_in("viewer@alpha.test")
    assert c.get("/clients/").status_code == 200
    c.post("/accounts/logout/")
    assert c.get("/clients/").status_code == 302
