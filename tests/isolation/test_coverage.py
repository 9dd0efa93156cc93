"""The harness covers everything: every tenant model has victim rows whose text columns all carry
sentinels, every route's placeholders map to a victim row, and the sentinels are seen where they belong
(so a leak could not go unnoticed)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from clients.models import Client
from msp.models import Msp

from .harness import Report, stale_state_bound, victim_visit
from .routes import all_routes, fill
from .world import SENTINEL_RE, coverage_problems, tenant_models

pytestmark = pytest.mark.django_db


def test_every_tenant_model_and_text_column_is_covered(world):
    assert coverage_problems(world) == []
    labels = {m._meta.label for m in tenant_models()}
    # The models the harness is known to reach today; new ones join without being listed here.
    assert {"clients.Client", "clients.ClientEvent", "roadmaps.InitiativeAsset", "standards.StandardFramework",
            "alignment.RecommendationFinding", "msp.Job", "budgets.BudgetVersionEvent"} <= labels
    numbers = sorted(world.sentinels)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) > 150


def test_every_route_placeholder_maps_to_a_victim_row(world):
    problems = [fill(r, world).problem for r in all_routes()]
    assert [p for p in problems if p] == []
    assert stale_state_bound(all_routes()) == []


def test_the_victims_own_pages_show_the_sentinels(world):
    """The detector works: what the victim sees would be a leak for every attacker."""
    report = Report()
    visit = victim_visit(world, all_routes(), report)
    assert report.problems == []
    client_url = f"/clients/{world.client_a.pk}/"
    status, text = visit.pages[client_url]
    assert status == 200
    name = world.objects["clients.Client"].name
    assert SENTINEL_RE.match(name)
    assert name in text
    assert "clients.Client.name" in {s.where for s in world.forbidden_sentinels(text)}
    status, portal_a = visit.pages["/portal/"]
    assert status == 200
    initiative = world.objects["roadmaps.Initiative"].title
    assert initiative in portal_a
    # What client A's portal user sees is a leak for client B's portal user...
    leaked = world.forbidden_sentinels(portal_a, portal_client=world.client_b.pk, portal_user=world.portal_b.pk)
    assert "roadmaps.Initiative.title" in {s.where for s in leaked}
    # ... and client B's own rows and the MSP's name are not.
    with scopes_disabled():
        b_name = Client.objects.get(pk=world.client_b.pk).name
    msp_name = Msp.objects.get(pk=world.victim.msp.pk).name
    assert SENTINEL_RE.match(b_name)
    assert world.forbidden_sentinels(b_name + msp_name, portal_client=world.client_b.pk) == []
    assert [s.where for s in world.forbidden_sentinels(b_name + msp_name)] == ["clients.Client.name", "msp.Msp.name"]
