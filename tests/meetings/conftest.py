"""Fixtures of the meetings tests: the DOMAIN.md reference clients A, B and C under one vCIO and TAM."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope, scopes_disabled

from msp.roles import Role
from tests import factories as f
from tests.conftest import build_tenant

CHICAGO = ZoneInfo("America/Chicago")
# A fixed "now" for the scheduler: Monday 14 January 2030, 08:00 in Chicago (ahead of the real clock, so
# what the scheduler plans can still be moved and cancelled by the services).
NOW = datetime(2030, 1, 14, 8, 0, tzinfo=CHICAGO)

REFERENCE = {  # name: (MRR, users, complexity)
    "A": (Decimal("3000.00"), 24, 5),
    "B": (Decimal("6500.00"), 52, 3),
    "C": (Decimal("1500.00"), 12, 8),
}
# Fixed ids, so each client's slot day (taken from its id) is known: A the 19th, B the 3rd, C the 27th.
IDS = {"A": uuid.UUID(int=1), "B": uuid.UUID(int=7), "C": uuid.UUID(int=13)}


def reference_world():
    """An MSP in Chicago whose vCIO and TAM serve clients A, B and C (each with a decision maker). The
    tenant's own first client is still onboarding (the scheduler leaves it alone), its second has no vCIO."""
    tenant = build_tenant("Alpha", "alpha")
    vcio, tam = tenant.users[Role.VCIO], tenant.users[Role.TAM]
    with scopes_disabled():
        tenant.msp.time_zone = "America/Chicago"
        tenant.msp.save()
        tenant.clients[0].status = "onboarding"
        tenant.clients[0].save()
        refs = {}
        for name, (mrr, users, complexity) in REFERENCE.items():
            client = f.ClientFactory(msp=tenant.msp, id=IDS[name], name=f"Client {name}", mrr=mrr,
                                     aisp=Decimal("125.00"), user_count=users, complexity=complexity, vcio=vcio,
                                     tam=tam)
            f.ContactFactory(client=client, name=f"Boss {name}", email=f"boss-{name.lower()}@client.test")
            refs[name] = client
    tenant.refs = refs
    return tenant


@pytest.fixture
def world(db):
    tenant = reference_world()
    with scope(msp=tenant.msp):
        yield tenant
