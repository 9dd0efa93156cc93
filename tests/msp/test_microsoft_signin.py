"""Sign in with Microsoft: only an MSP's own Entra tenant, only Microsoft accounts already linked to a member
(by Microsoft's account id, never by email). The decisions run through allauth's own social-login flow with
real SocialLogin objects; nothing talks to Microsoft."""

import base64
import html
import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client as HttpClient
from django.test import RequestFactory
from django_scopes import scopes_disabled

from msp.adapters import INVITATION_SESSION_KEY, NOT_LINKED, NOT_MEMBER, NOT_REGISTERED
from msp.entra import id_token_claims, tenant_of
from msp.models import Invitation, Membership, User
from msp.roles import Role
from msp.services import invitation_create

pytestmark = pytest.mark.django_db

ALPHA_TENANT = uuid.UUID("0b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d")
OTHER_TENANT = uuid.UUID("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a")


@pytest.fixture
def entra(tenant):
    with scopes_disabled():
        tenant.msp.entra_tenant_id = ALPHA_TENANT
        tenant.msp.save(update_fields=["entra_tenant_id"])
    return tenant


def request_as(user=None, path="/accounts/microsoft/login/callback/"):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    request._messages = FallbackStorage(request)
    if user is not None:  # signed in with the password just now (connecting an account asks for that)
        request.session["account_authentication_methods_user"] = str(user.pk)
        request.session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}]
    return request


def complete(request, sociallogin):
    """allauth's callback step after Microsoft answered: lookup, our adapter's checks, then sign-in or link."""
    with context.request_context(request):
        return complete_social_login(request, sociallogin)


def microsoft_login(*, uid: str, tid, email: str, process: str = "login") -> SocialLogin:
    """What allauth builds from Microsoft's answer (msp.entra adds `tid` from the ID token)."""
    account = SocialAccount(provider="microsoft", uid=uid,
                            extra_data={"id": uid, "mail": email, "userPrincipalName": email, "tid": str(tid)})
    sociallogin = SocialLogin(account=account, user=User(email=email))
    sociallogin.state = {"process": process, "next": None}
    return sociallogin


def refusal(response) -> str:
    assert response.status_code == 403
    return html.unescape(response.content.decode())


def test_an_account_of_another_tenant_is_refused(entra):
    vcio = entra.users[Role.VCIO]
    SocialAccount.objects.create(user=vcio, provider="microsoft", uid="oid-vcio", extra_data={})
    response = complete(request_as(), microsoft_login(uid="oid-vcio", tid=OTHER_TENANT,
                                                                   email="vcio@alpha.test"))
    assert NOT_REGISTERED in refusal(response)


def test_the_right_tenant_without_a_link_is_refused_even_with_a_members_email(entra):
    before = User.objects.count()
    request = request_as()
    response = complete(request, microsoft_login(uid="oid-stranger", tid=ALPHA_TENANT,
                                                              email="owner@alpha.test"))
    assert NOT_LINKED in refusal(response)
    assert "_auth_user_id" not in request.session
    assert User.objects.count() == before  # nobody signed up
    assert not SocialAccount.objects.exists()  # and nothing was linked by the email


def test_a_linked_member_of_the_tenants_msp_signs_in(entra):
    vcio = entra.users[Role.VCIO]
    SocialAccount.objects.create(user=vcio, provider="microsoft", uid="oid-vcio", extra_data={})
    request = request_as()
    response = complete(request, microsoft_login(uid="oid-vcio", tid=ALPHA_TENANT,
                                                              email="someone-else@alpha.test"))
    assert response.status_code == 302
    assert request.session["_auth_user_id"] == str(vcio.pk)


def test_a_linked_account_whose_user_is_not_in_that_msp_is_refused(entra, other_tenant):
    bravo_owner = other_tenant.users[Role.OWNER]
    SocialAccount.objects.create(user=bravo_owner, provider="microsoft", uid="oid-bravo", extra_data={})
    response = complete(request_as(), microsoft_login(uid="oid-bravo", tid=ALPHA_TENANT,
                                                                   email="owner@bravo.test"))
    assert NOT_MEMBER in refusal(response)


@pytest.fixture
def configured(settings):
    """The app registered in Entra, as MICROSOFT_CLIENT_ID / _SECRET set it up (msp/settings.py)."""
    settings.MICROSOFT_CLIENT_ID = "app-id"
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {**settings.SOCIALACCOUNT_PROVIDERS["microsoft"], "APPS": [
        {"client_id": "app-id", "secret": "app-secret", "settings": {"tenant": "organizations"}}]}}


def test_a_signed_in_member_links_their_microsoft_account(entra, configured):
    tam = entra.users[Role.TAM]
    request = request_as(tam)
    response = complete(request, microsoft_login(uid="oid-tam", tid=ALPHA_TENANT,
                                                              email="tam@alpha.test", process="connect"))
    assert response.status_code == 302
    assert list(SocialAccount.objects.values_list("user__email", "uid")) == [("tam@alpha.test", "oid-tam")]


def test_an_account_linked_to_someone_else_cannot_be_connected_again(entra):
    SocialAccount.objects.create(user=entra.users[Role.VCIO], provider="microsoft", uid="oid-vcio", extra_data={})
    response = complete(request_as(entra.users[Role.TAM]), microsoft_login(
        uid="oid-vcio", tid=ALPHA_TENANT, email="vcio@alpha.test", process="connect"))
    assert NOT_LINKED in refusal(response)
    assert SocialAccount.objects.get().user == entra.users[Role.VCIO]


def jwt(claims: dict) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJub25lIn0.{part}.c2ln"


def test_the_tenant_is_read_from_an_id_token_issued_to_this_app():
    token = jwt({"aud": "app-id", "tid": str(ALPHA_TENANT), "oid": "x"})
    assert tenant_of({"id_token": token}, "app-id") == str(ALPHA_TENANT)
    assert tenant_of({"id_token": token}, "another-app") is None
    assert tenant_of({}, "app-id") is None
    assert id_token_claims("not.a-jwt") == {}
    assert id_token_claims("a.!!!.c") == {}


def test_microsoft_sign_in_is_off_until_configured(db):
    assert HttpClient().get("/accounts/microsoft/login/").status_code == 404
    assert HttpClient().get("/accounts/microsoft/login/callback/").status_code == 404


def test_once_configured_members_find_where_to_link_microsoft(tenant, login, settings):
    menu = 'href="/accounts/3rdparty/">Connected accounts</a>'
    assert menu not in login(tenant.users[Role.TAM]).get("/clients/").content.decode()
    settings.MICROSOFT_CLIENT_ID = "app-id"
    assert menu in login(tenant.users[Role.TAM]).get("/clients/").content.decode()


def test_once_configured_sign_in_goes_to_microsoft_for_work_accounts(configured):
    response = HttpClient().post("/accounts/microsoft/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?")
    assert "client_id=app-id" in response["Location"]
    query = parse_qs(urlsplit(response["Location"]).query)
    assert set(query["scope"][0].split()) == {"openid", "profile", "email", "User.Read"}  # openid: the ID token


# --- accepting an emailed invitation with Microsoft ---------------------------------------------------------


@pytest.fixture
def invited(entra, configured):
    """A pending TAM invitation of the first MSP, and the person's session after "Accept with Microsoft"."""

    with scopes_disabled():
        invitation, link = invitation_create(msp=entra.msp, email="new.tam@alpha.test", role=Role.TAM,
                                             actor=entra.users[Role.OWNER])
    token = link.rstrip("/").rsplit("/", 1)[-1]
    request = request_as()
    request.session[INVITATION_SESSION_KEY] = token
    return invitation, token, request


def test_an_invitation_accepted_with_microsoft_makes_the_member_and_links_the_account(invited, entra):
    invitation, _token, request = invited
    login = microsoft_login(uid="oid-new-tam", tid=ALPHA_TENANT, email="New.TAM@alpha.test")
    login.account.extra_data["displayName"] = "Nora Newton"
    response = complete(request, login)
    assert response.status_code == 302
    user = User.objects.get(email="new.tam@alpha.test")
    assert (user.full_name, user.has_usable_password()) == ("Nora Newton", False)
    assert request.session["_auth_user_id"] == str(user.pk)
    assert request.session["active_msp"] == str(entra.msp.pk)
    with scopes_disabled():
        assert list(Membership.objects.filter(user=user).values_list("msp_id", "role")) == [(entra.msp.pk, Role.TAM)]
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    assert list(SocialAccount.objects.values_list("user__email", "uid")) == [("new.tam@alpha.test", "oid-new-tam")]
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new.tam@alpha.test", True, True)]
    # Next time the link alone signs them in.
    again = request_as()
    response = complete(again, microsoft_login(uid="oid-new-tam", tid=ALPHA_TENANT, email="x@alpha.test"))
    assert response.status_code == 302
    assert again.session["_auth_user_id"] == str(user.pk)


def test_an_invitation_is_not_accepted_with_a_microsoft_account_of_another_address(invited):
    invitation, _token, request = invited
    before = User.objects.count()
    response = complete(request, microsoft_login(uid="oid-colleague", tid=ALPHA_TENANT, email="colleague@alpha.test"))
    assert refusal(response).count("This invitation was sent to new.tam@alpha.test, but you signed in to "
                                   "Microsoft as colleague@alpha.test.") == 1
    assert User.objects.count() == before
    assert not SocialAccount.objects.exists()
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_an_invitation_is_not_accepted_from_another_entra_tenant(invited):
    _invitation, _token, request = invited
    response = complete(request, microsoft_login(uid="oid-x", tid=OTHER_TENANT, email="new.tam@alpha.test"))
    assert NOT_REGISTERED in refusal(response)
    assert not User.objects.filter(email="new.tam@alpha.test").exists()


def test_an_invitation_of_another_msp_does_not_open_this_tenant(invited, other_tenant):
    with scopes_disabled():
        _bravo, link = invitation_create(msp=other_tenant.msp, email="new.tam@alpha.test", role=Role.TAM,
                                         actor=other_tenant.users[Role.OWNER])
    _invitation, _token, request = invited
    request.session[INVITATION_SESSION_KEY] = link.rstrip("/").rsplit("/", 1)[-1]
    response = complete(request, microsoft_login(uid="oid-x", tid=ALPHA_TENANT, email="new.tam@alpha.test"))
    assert NOT_LINKED in refusal(response)
    assert not User.objects.filter(email="new.tam@alpha.test").exists()


def test_the_invitation_page_offers_microsoft_and_sends_the_person_there(invited):
    _invitation, token, _request = invited
    browser = HttpClient()
    page = browser.get(f"/invitations/{token}/").content.decode()
    assert f'action="/invitations/{token}/microsoft/"' in page
    assert "Accept with Microsoft" in page
    response = browser.post(f"/invitations/{token}/microsoft/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?")
    assert browser.session["vcio_microsoft_invitation"] == token
    assert browser.post("/invitations/not-a-token/microsoft/").status_code == 404


def test_without_the_msps_entra_tenant_the_invitation_page_offers_only_a_password(tenant, configured):
    with scopes_disabled():
        _invitation, link = invitation_create(msp=tenant.msp, email="new.tam@alpha.test", role=Role.TAM,
                                              actor=tenant.users[Role.OWNER])
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert "Accept with Microsoft" not in HttpClient().get(f"/invitations/{token}/").content.decode()
    assert HttpClient().post(f"/invitations/{token}/microsoft/").status_code == 404
