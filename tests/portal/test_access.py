"""The client portal: invitation of a contact, sign-in, seeing only their own client, revocation."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from clients.models import ClientAccess
from clients.services import portal_access_invite, portal_access_revoke
from msp.models import Membership
from msp.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/clients/", "/workspace/members/", "/workspace/settings/", "/account/api-tokens/"]


@pytest.fixture
def invited(tenant, django_capture_on_commit_callbacks):
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[1], name="Dana Decider", email="dana@logistics.test")
    with scope(msp=tenant.msp), django_capture_on_commit_callbacks(execute=True):
        access, link = portal_access_invite(contact=contact, actor=tenant.users[Role.VCIO])
    return access, link


def test_invited_contact_creates_account_and_sees_own_portal(tenant, invited):
    access, link = invited
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your Alpha Logistics portal at Alpha"
    path = re.search(r"http://[^/\s]+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert link.endswith(path)
    c = HttpClient()
    page = c.get(path)
    assert "use the client portal of Alpha Logistics" in page.content.decode()
    done = c.post(path, {"full_name": "Dana Decider", "password1": "Portal-pass-2026",
                         "password2": "Portal-pass-2026"})
    assert done.status_code == 302
    assert c.get("/").url == "/portal/"
    home = c.get("/portal/").content.decode()
    assert "Alpha Logistics" in home
    assert "Alpha Dental" not in home
    assert "No documents have been published yet." in home
    membership = Membership.objects.get(user__email="dana@logistics.test")
    assert membership.role == "client"
    with scopes_disabled():
        access.refresh_from_db()
        assert access.state == "active"


def test_portal_user_cannot_open_staff_pages(tenant, login):
    c = login(tenant.users[Role.CLIENT])
    assert c.get("/portal/").status_code == 200
    for url in STAFF_PAGES + [f"/clients/{tenant.clients[0].pk}/"]:
        assert c.get(url).status_code == 404, url


def test_staff_have_no_portal(tenant, login):
    assert login(tenant.users[Role.VCIO]).get("/portal/").status_code == 404


def test_revoked_access_closes_the_portal(tenant, login):
    c = login(tenant.users[Role.CLIENT])
    assert c.get("/portal/").status_code == 200
    with scope(msp=tenant.msp):
        portal_access_revoke(access=tenant.access, actor=tenant.users[Role.VCIO])
    assert c.get("/portal/").status_code == 404
    assert Membership.objects.get(user=tenant.users[Role.CLIENT]).removed_at is not None


def test_contact_without_email_cannot_be_invited(tenant):
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[0], email="")
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        portal_access_invite(contact=contact, actor=tenant.users[Role.VCIO])
    assert exc.value.message_dict == {"contact": [f"{contact.name} has no email address; add one first."]}
    with scopes_disabled():
        assert ClientAccess.objects.filter(contact=contact).count() == 0


def test_second_invitation_for_same_contact_is_refused(tenant, invited):
    access, _ = invited
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        portal_access_invite(contact=access.contact, actor=tenant.users[Role.VCIO])
    assert exc.value.message_dict == {
        "contact": ["Dana Decider already has portal access or a pending invitation."]}


def test_bad_or_foreign_token_is_not_found(tenant, other_tenant, invited):
    _, link = invited
    path = link.split("8000", 1)[1]
    tampered = path[:-3] + "xx/"
    assert HttpClient().get(tampered).status_code == 404
    # The same secret under another MSP's id finds nothing either.
    parts = path.strip("/").split("/")[1].split(".")
    swapped = f"/invitations/p.{other_tenant.msp.pk.hex}.{parts[2]}/"
    assert HttpClient().get(swapped).status_code == 404
