"""Proposals awaiting the client's decision, for the vCIO's home."""

from __future__ import annotations

import pytest
from django_scopes import scope

from msp.roles import Role
from roadmaps import services
from roadmaps.selectors import proposals_awaiting_client

pytestmark = pytest.mark.django_db


def test_proposed_initiatives_wait_for_the_client(tenant, other_tenant):
    vcio = tenant.users[Role.VCIO]
    first, second = tenant.clients
    with scope(msp=tenant.msp):
        older = services.initiative_create(client=first, actor=vcio, title="Replace the firewall", status="proposed")
        services.initiative_create(client=first, actor=vcio, title="Idea only", status="idea")
        services.initiative_create(client=first, actor=vcio, title="Already approved", status="approved")
        services.initiative_create(client=second, actor=vcio, title="Second client's Wi-Fi", status="proposed")
        gone = services.initiative_create(client=first, actor=vcio, title="Archived", status="proposed")
        services.initiative_archive(initiative=gone, actor=vcio)
        assert [i.title for i in proposals_awaiting_client(vcio=vcio)] == ["Replace the firewall"]
        assert [i.title for i in proposals_awaiting_client()] == ["Replace the firewall", "Second client's Wi-Fi"]
        assert proposals_awaiting_client(limit=1) == [older]
    with scope(msp=other_tenant.msp):
        assert proposals_awaiting_client() == []
