"""The client's decision maker approves or declines proposed initiatives in the portal; who and when are
recorded, the vCIO is told, and nothing else can be decided (or seen) there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory.models
import pytest
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.utils import timezone
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from budgets import services as budget_services
from clients.models import Client
from msp.models import Notification
from msp.roles import Role
from roadmaps import services
from roadmaps.models import Initiative
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def initiative(tenant, title, *, client=None, **fields) -> Initiative:
    with scope(msp=tenant.msp):
        return services.initiative_create(client=client or tenant.clients[0], actor=tenant.users[Role.VCIO],
                                          title=title, **fields)


@pytest.fixture
def proposals(tenant):
    """Two proposals of the first client (January fiscal year; horizon from the current quarter)."""
    with scopes_disabled():
        client = Client.objects.get(pk=tenant.clients[0].pk)
    with scope(msp=tenant.msp):
        start = services.quarter_of(client, D(timezone.localdate().year, 1, 1)).shift(4).start  # next year's Q1
    firewall = initiative(tenant, "Replace the firewall", status="proposed", start_quarter=start,
                          description="The old one is out of support.", proposal_amount=Decimal("4500.00"))
    backup = initiative(tenant, "Cloud backup", status="proposed", start_quarter=start)
    with scope(msp=tenant.msp):
        budget_services.budget_line_create(client=client, actor=tenant.users[Role.VCIO], initiative=backup,
                                           description="Vault seats", kind="recurring", start_quarter=start,
                                           quantity=Decimal("10"), unit_cost=Decimal("12.00"), pricing="margin",
                                           rate=Decimal("25"))
        budget_services.budget_line_create(client=client, actor=tenant.users[Role.VCIO], initiative=backup,
                                           description="Set-up", kind="one_time", start_quarter=start,
                                           unit_cost=Decimal("1000.00"), pricing="markup", rate=Decimal("30"))
    return firewall, backup


def undo_until(record) -> str:
    """The time (HH:MM, the MSP's zone: UTC here) until which a decision can be undone: 10 minutes."""
    return f"{record.decided_at + dt.timedelta(minutes=10):%H:%M}"


def decide(c, item, decision, note=""):
    return c.post(f"/portal/initiatives/{item.pk}/decide/", {"decision": decision, "note": note, "confirm": "yes"})


def test_portal_lists_proposals_with_quarter_and_price(tenant, proposals, login):
    firewall, backup = proposals
    initiative(tenant, "Still an idea", status="idea")
    with scopes_disabled():
        label = services.quarter_of(tenant.clients[0], firewall.start_quarter).label
    home = login(tenant.users[Role.CLIENT]).get("/portal/").content.decode()
    assert "Proposals for your decision" in home
    assert "Replace the firewall" in home
    assert "The old one is out of support." in home
    assert label in home
    words = " ".join(strip_tags(home).split())
    assert "Quoted price $4,500.00" in words  # the quote, no budget lines
    # Without a quote, the price of its budget lines over the plan: 1,300.00 once, 16.00 x 10 a month
    assert "Cloud backup" in home
    assert "Budgeted: $1,300.00 one-time, $160.00 per month; $" in words
    assert "Still an idea" not in home
    assert f'action="/portal/initiatives/{firewall.pk}/decide/"' in home
    assert 'aria-label="Approve Replace the firewall"' in home


def test_approving_records_who_and_when_and_tells_the_vcio(tenant, proposals, login):
    firewall, _ = proposals
    client_user = tenant.users[Role.CLIENT]
    c = login(client_user)
    before = timezone.now()
    response = decide(c, firewall, "approved", "  Go ahead before the audit.  ")
    assert response.status_code == 302
    assert response["Location"] == "/portal/#approvals"
    with scopes_disabled():
        firewall.refresh_from_db()
        note = Notification.objects.get(user=tenant.users[Role.VCIO])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You approved “Replace the firewall”. Your vCIO has been told. Changed your mind? Undo it below until "
        f"{undo_until(firewall)}."]
    assert firewall.status == "approved"
    assert firewall.decided_by == client_user
    assert before <= firewall.decided_at <= timezone.now()
    assert firewall.decision_note == "Go ahead before the audit."
    assert note.title == f"{client_user.display_name} (Alpha Dental) approved “Replace the firewall”"
    assert note.body == "Their note: Go ahead before the audit."
    assert note.url == f"/roadmaps/client/{tenant.clients[0].pk}/"
    home = c.get("/portal/").content.decode()
    decisions = home[home.index('id="portal-decisions"'):]
    assert "Replace the firewall" in decisions
    assert f"by {client_user.display_name} on " in decisions
    assert "Go ahead before the audit." in decisions
    assert f'action="/portal/initiatives/{firewall.pk}/decide/"' not in home
    # The history names the portal user as the one who decided.
    with scopes_disabled():
        event = (pghistory.models.Events.objects.references(firewall).filter(pgh_label="update")
                 .order_by("-pgh_created_at").first())
    assert event.pgh_context["user"] == str(client_user.pk)


def test_declining_without_a_note(tenant, proposals, login):
    _, backup = proposals
    c = login(tenant.users[Role.CLIENT])
    response = decide(c, backup, "declined")
    with scopes_disabled():
        backup.refresh_from_db()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"You declined “Cloud backup”. Your vCIO has been told. Changed your mind? Undo it below until "
        f"{undo_until(backup)}."]
    assert (backup.status, backup.decided_by, backup.decision_note) == ("declined", tenant.users[Role.CLIENT], "")
    home = c.get("/portal/").content.decode()
    assert "Declined</span>" in home


@pytest.mark.parametrize("status", ["idea", "approved", "declined", "scheduled", "in_progress", "done",
                                    "cancelled"])
def test_only_proposed_initiatives_can_be_decided(tenant, login, status):
    item = initiative(tenant, "Not a proposal", status=status)
    with scopes_disabled():
        before = Initiative.objects.values().get(pk=item.pk)
    response = decide(login(tenant.users[Role.CLIENT]), item, "approved")
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1
    assert messages[0].startswith("Only a proposed initiative can be approved or declined")
    with scopes_disabled():
        assert Initiative.objects.values().get(pk=item.pk) == before


def test_a_decision_must_be_approve_or_decline(tenant, proposals, login):
    firewall, _ = proposals
    c = login(tenant.users[Role.CLIENT])
    for decision in ("", "maybe", "done"):
        response = decide(c, firewall, decision)
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Decide “approved” or “declined”."]
        assert "Decide “approved” or “declined”." in c.get("/portal/").content.decode()  # shown once
    response = decide(c, firewall, "approved", "x" * 2001)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Keep the note under 2000 characters; nothing was decided."]
    with scopes_disabled():
        firewall.refresh_from_db()
    assert firewall.status == "proposed"
    assert firewall.decided_at is None


def test_another_clients_initiative_is_not_found(tenant, other_tenant, login):
    theirs = initiative(tenant, "Second client's proposal", client=tenant.clients[1], status="proposed")
    archived = initiative(tenant, "Archived proposal", status="proposed")
    with scope(msp=tenant.msp):
        services.initiative_archive(initiative=archived, actor=tenant.users[Role.VCIO])
    foreign = initiative(other_tenant, "Bravo proposal", status="proposed")
    c = login(tenant.users[Role.CLIENT])
    for item in (theirs, archived, foreign):
        assert decide(c, item, "approved").status_code == 404
    home = c.get("/portal/").content.decode()
    assert "Second client's proposal" not in home
    assert "Archived proposal" not in home
    with scopes_disabled():
        assert Initiative.objects.filter(status="proposed").count() == 3


def test_staff_and_other_portal_users_cannot_decide(tenant, proposals, login):
    firewall, _ = proposals
    with scopes_disabled():
        contact = f.ContactFactory(client=tenant.clients[1], name="Second Boss", email="boss2@alpha.test")
        second = f.UserFactory(email="client2@alpha.test")
        f.MembershipFactory(msp=tenant.msp, user=second, role=Role.CLIENT)
        f.ClientAccessFactory(contact=contact, user=second)
    for user in (tenant.users[Role.VCIO], tenant.users[Role.OWNER], second):
        assert decide(login(user), firewall, "approved").status_code == 404
    assert login(tenant.users[Role.CLIENT]).get(f"/portal/initiatives/{firewall.pk}/decide/").status_code == 405
    anonymous = decide(HttpClient(), firewall, "approved")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    with scopes_disabled():
        firewall.refresh_from_db()
    assert firewall.status == "proposed"


def test_the_documents_card_still_works_without_proposals(tenant, login):
    home = login(tenant.users[Role.CLIENT]).get("/portal/").content.decode()
    assert "Nothing is waiting for your decision." in home
    assert "No documents have been published yet." in home
