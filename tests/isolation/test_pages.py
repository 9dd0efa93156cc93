"""Every page route (and every non-API view) for every role of another MSP, the portal user of the
victim's second client and an anonymous visitor: refused, and no sentinel or victim id in any answer."""

from __future__ import annotations

import pytest

from .harness import Report, victim_visit, walk_pages
from .routes import all_routes
from .snapshot import changed, foreign_references, victim_snapshot

pytestmark = pytest.mark.django_db


def test_no_page_route_shows_or_changes_the_victims_data(world):
    routes = all_routes()
    report = Report()
    visit = victim_visit(world, routes, report)
    before = victim_snapshot(world)
    checked = walk_pages(world, routes, visit, report)
    report.problems += [f"victim table changed: {t}" for t in changed(before, victim_snapshot(world))]
    report.problems += foreign_references(world)
    assert report.problems == [], f"{len(report.problems)} problems:\n" + "\n".join(report.problems)
    assert checked > 1000
