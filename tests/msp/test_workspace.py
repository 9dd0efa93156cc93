"""The MSP workspace: inviting staff, roles, removing members, switching MSPs and settings."""

import re

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django_scopes import scopes_disabled

from msp.models import Invitation, Membership, Msp, User
from msp.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form; emails are queued on commit, so run those callbacks."""

    def _invite(c, email, role):
        with django_capture_on_commit_callbacks(execute=True):
            return c.post("/workspace/members/", {"email": email, "role": role})

    return _invite


def link_path(body: str) -> str:
    return re.search(r"http://[^/\s]+(/invitations/\S+/)", body).group(1)


def test_owner_invites_a_new_person_who_creates_an_account(tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    response = invite(owner, "New.Person@Alpha.test", Role.TAM)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@alpha.test"]
    assert mail.outbox[0].subject == "You are invited to Alpha on vCIO"
    path = link_path(mail.outbox[0].body)

    guest = HttpClient()
    page = guest.get(path)
    assert page.status_code == 200
    assert "join Alpha as TAM" in page.content.decode()
    done = guest.post(path, {"full_name": "Nia Person", "password1": "Fresh-pass-2026", "password2": "Fresh-pass-2026"})
    assert done.status_code == 302
    user = User.objects.get(email="new.person@alpha.test")
    assert user.full_name == "Nia Person"
    assert Membership.objects.get(user=user).role == "tam"
    assert guest.get("/clients/").status_code == 200
    # The link works once.
    assert HttpClient().get(path).status_code == 404


def test_existing_user_signs_in_to_accept(tenant, other_tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    invite(owner, "owner@bravo.test", Role.VIEWER)
    path = link_path(mail.outbox[0].body)
    anonymous = HttpClient().get(path)
    assert "Sign in to accept" in anonymous.content.decode()
    bravo_owner = login(other_tenant.users[Role.OWNER])
    assert bravo_owner.post(path).status_code == 302
    roles = dict(Membership.objects.filter(user__email="owner@bravo.test").values_list("msp__slug", "role"))
    assert roles == {"alpha": "viewer", "bravo": "owner"}


def test_invitation_refused_for_someone_else(tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    invite(owner, "someone@elsewhere.test", Role.VCIO)
    path = link_path(mail.outbox[0].body)
    wrong = login(tenant.users[Role.VIEWER])
    page = wrong.post(path)
    assert "Sign out, then open the link again" in page.content.decode()
    assert not Membership.objects.filter(user__email="someone@elsewhere.test").exists()


def test_inviting_a_current_member_is_a_clear_error(tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    response = invite(owner, "vcio@alpha.test", Role.TAM)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["vcio@alpha.test is already a member of Alpha."]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_only_owners_manage_the_team(tenant, login, invite):
    for role in (Role.VCIO, Role.TAM, Role.VIEWER):
        c = login(tenant.users[role])
        assert c.get("/workspace/members/").status_code == 403
        assert invite(c, "x@y.test", Role.OWNER).status_code == 403
    assert Invitation.objects.count() == 0


def test_change_role_and_remove_member(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    tam_membership = Membership.objects.get(user=tenant.users[Role.TAM])
    assert owner.post(f"/workspace/members/{tam_membership.pk}/role/", {"role": "vcio"}).status_code == 302
    tam_membership.refresh_from_db()
    assert tam_membership.role == "vcio"

    viewer_membership = Membership.objects.get(user=tenant.users[Role.VIEWER])
    assert owner.post(f"/workspace/members/{viewer_membership.pk}/remove/").status_code == 302
    viewer_membership.refresh_from_db()
    assert viewer_membership.removed_at is not None
    # The removed person no longer reaches the workspace.
    assert login(tenant.users[Role.VIEWER]).get("/clients/").url == "/workspace/new/"


def test_last_owner_cannot_step_down(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    membership = Membership.objects.get(user=tenant.users[Role.OWNER])
    page = owner.post(f"/workspace/members/{membership.pk}/role/", {"role": "viewer"}, follow=True)
    assert "An MSP needs at least one owner; make someone else owner first." in page.content.decode()
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_user_in_two_msps_switches_between_them(tenant, login):
    with scopes_disabled():
        second = f.MspFactory(name="Second Shop", slug="second")
        f.MembershipFactory(msp=second, user=tenant.users[Role.VCIO], role=Role.OWNER)
        f.ClientFactory(msp=second, name="Only In Second")
    c = login(tenant.users[Role.VCIO])
    first = c.get("/clients/").content.decode()
    assert "Alpha Dental" in first
    assert "Only In Second" not in first
    assert c.post("/workspace/switch/", {"msp": str(second.pk)}).status_code == 302
    page = c.get("/clients/").content.decode()
    assert "Only In Second" in page
    assert "Alpha Dental" not in page
    # A workspace the user does not belong to cannot be chosen.
    bravo = f.MspFactory(name="Not Mine", slug="not-mine")
    assert c.post("/workspace/switch/", {"msp": str(bravo.pk)}).status_code == 404


def test_settings_saved_and_stale_edit_refused(tenant, login):
    owner = login(tenant.users[Role.OWNER])
    msp = tenant.msp
    data = {"name": "Alpha IT", "currency": "EUR", "time_zone": "Europe/Berlin", "fiscal_year_start_month": 7,
            "version": msp.version}
    assert owner.post("/workspace/settings/", data).status_code == 302
    msp.refresh_from_db()
    assert (msp.name, msp.currency, msp.time_zone, msp.fiscal_year_start_month, msp.version) == (
        "Alpha IT", "EUR", "Europe/Berlin", 7, 2)
    stale = owner.post("/workspace/settings/", {**data, "name": "Overwrite", "version": 1})
    assert stale.status_code == 200
    assert "changed by someone else" in stale.content.decode()
    msp.refresh_from_db()
    assert msp.name == "Alpha IT"
    assert login(tenant.users[Role.VCIO]).get("/workspace/settings/").status_code == 403


def test_new_user_without_workspace_creates_one(db, login):
    user = f.UserFactory(email="solo@x.test")
    c = login(user)
    assert c.get("/").url == "/workspace/new/"
    assert c.post("/workspace/new/", {"name": "Solo IT"}).status_code == 302
    assert Membership.objects.get(user=user).role == "owner"
    assert Msp.objects.get(slug="solo-it").name == "Solo IT"


def test_reinviting_with_another_role_is_refused_and_changes_nothing(tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    invite(owner, "pat@alpha.test", Role.VIEWER)
    response = invite(owner, "Pat@Alpha.test", Role.OWNER)
    assert response.status_code == 200
    assert ("pat@alpha.test already has a pending invitation as Viewer. Withdraw it first to invite them as "
            "Owner, or invite them as Viewer to send the link again.") in response.content.decode()
    pending = Invitation.objects.pending().filter(email="pat@alpha.test")
    assert list(pending.values_list("role", flat=True)) == ["viewer"]
    assert len(mail.outbox) == 1


def test_reinviting_with_the_same_role_sends_a_new_link_and_says_so(tenant, login, invite):
    owner = login(tenant.users[Role.OWNER])
    invite(owner, "pat@alpha.test", Role.TAM)
    first = link_path(mail.outbox[0].body)
    response = invite(owner, "pat@alpha.test", Role.TAM)
    assert response.status_code == 302
    page = owner.get("/workspace/members/").content.decode()
    assert "Invitation sent again to pat@alpha.test; the earlier link no longer works." in page
    assert len(mail.outbox) == 2
    second = link_path(mail.outbox[1].body)
    assert second != first
    assert HttpClient().get(first).status_code == 404
    assert HttpClient().get(second).status_code == 200
    assert list(Invitation.objects.pending().filter(email="pat@alpha.test").values_list("role", flat=True)) == ["tam"]
