"""Every API route under /api/v1/ (viewsets and plain views, found in the URL patterns and checked
against the OpenAPI schema) for the other MSP's tokens and sessions, the second client's portal user and
an anonymous caller: refused, nothing leaked, nothing changed."""

from __future__ import annotations

import pytest

from .harness import Report, VictimVisit, owner_token_client, session, walk_api
from .routes import all_routes
from .snapshot import changed, foreign_references, victim_snapshot

pytestmark = pytest.mark.django_db


def test_no_api_route_shows_or_changes_the_victims_data(world):
    routes = all_routes()
    report = Report()
    visit = VictimVisit(owner=session(world.victim.users["owner"], msp=world.victim.msp),
                        token=owner_token_client(world))
    before = victim_snapshot(world)
    checked, walked = walk_api(world, routes, visit, report)
    report.problems += [f"victim table changed: {t}" for t in changed(before, victim_snapshot(world))]
    report.problems += foreign_references(world)
    assert report.problems == [], f"{len(report.problems)} problems:\n" + "\n".join(report.problems)
    assert ("client-roadmap", "get") in walked
    assert ("client-roadmap-pdf", "post") in walked
    assert checked > 500
