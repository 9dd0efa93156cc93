"""The roadmap board on a July fiscal year (placement, spans, clipping, lanes, the backlog) and asset lifecycle
suggestions (the quarter before the date, the earliest reason, end of life, the horizon, decisions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from msp.quarters import Quarter, horizon
from msp.roles import Role
from roadmaps import selectors, services
from roadmaps.choices import LifecycleReason
from roadmaps.models import Initiative
from tests.roadmaps.conftest import asset, create, d

pytestmark = pytest.mark.django_db


def board(tenant, client, quarters, **filters):
    with scope(msp=tenant.msp):
        return selectors.roadmap_board(client=client, quarters=quarters, **filters)


def test_the_horizon_is_twelve_fiscal_quarters(tenant, july, quarters):
    with scope(msp=tenant.msp):
        assert selectors.roadmap_horizon(client=july, today=d("2026-11-21")) == quarters
    assert [q.label for q in quarters][:4] == ["FY2027 Q2", "FY2027 Q3", "FY2027 Q4", "FY2028 Q1"]
    assert (quarters[0].start, quarters[-1].label, quarters[-1].end) == (d("2026-10-01"), "FY2030 Q1",
                                                                         d("2029-09-30"))


def test_board_places_initiatives_by_fiscal_quarter(tenant, july, quarters):
    create(tenant, title="Ended", start_quarter=d("2026-01-01"), end_quarter=d("2026-04-01"))
    create(tenant, title="Started earlier", start_quarter=d("2026-07-01"), end_quarter=d("2026-10-01"))
    create(tenant, title="Backup overhaul", start_quarter=d("2026-10-01"), end_quarter=d("2027-01-01"))
    create(tenant, title="Server refresh", start_quarter=d("2027-04-01"))
    create(tenant, title="Runs past the horizon", start_quarter=d("2029-07-01"), end_quarter=d("2030-01-01"))
    create(tenant, title="Far future", start_quarter=d("2029-10-01"))
    create(tenant, title="Someday")
    create(tenant, title="Other client", client=tenant.clients[1], start_quarter=d("2027-01-01"))
    b = board(tenant, july, quarters)
    rows = [(p.initiative.title, p.column, p.span, p.row, p.clipped_start, p.clipped_end, p.label)
            for p in b.placements]
    assert rows == [
        ("Started earlier", 0, 1, 0, True, False, "FY2027 Q1 – FY2027 Q2"),
        ("Backup overhaul", 0, 2, 1, False, False, "FY2027 Q2 – FY2027 Q3"),
        ("Server refresh", 2, 1, 0, False, False, "FY2027 Q4"),
        ("Runs past the horizon", 11, 1, 0, False, True, "FY2030 Q1 – FY2030 Q3"),
    ]
    assert [p.grid_column for p in b.placements] == ["1 / span 1", "1 / span 2", "3 / span 1", "12 / span 1"]
    assert [[p.initiative.title for p in row] for row in b.rows] == [
        ["Started earlier", "Server refresh", "Runs past the horizon"], ["Backup overhaul"]]
    assert [[p.initiative.title for p in col] for col in b.columns] == [
        ["Started earlier", "Backup overhaul"], [], ["Server refresh"], [], [], [], [], [], [], [], [],
        ["Runs past the horizon"]]
    assert [i.title for i in b.backlog] == ["Someday"]
    assert (b.before, b.after, b.lane_count) == (1, 1, 2)
    assert [i.title for i in b.initiatives] == ["Ended", "Started earlier", "Backup overhaul", "Server refresh",
                                                "Runs past the horizon", "Far future", "Someday"]
    assert [(y.label, y.first_column, y.count) for y in b.fiscal_years] == [
        ("FY2027", 0, 3), ("FY2028", 3, 4), ("FY2029", 7, 4), ("FY2030", 11, 1)]


def test_an_initiative_in_fy2027_q2_over_two_quarters(tenant, july, quarters):
    create(tenant, title="Backup overhaul", start_quarter=Quarter.of(2027, 2, 7).start,
           end_quarter=Quarter.of(2027, 3, 7).start)
    (placement,) = board(tenant, july, quarters).placements
    assert (placement.column, placement.span, placement.start.label, placement.end.label) == (
        0, 2, "FY2027 Q2", "FY2027 Q3")
    # The same initiative on a horizon starting a quarter later is clipped to one column.
    (clipped,) = board(tenant, july, horizon(Quarter.of(2027, 3, 7))).placements
    assert (clipped.column, clipped.span, clipped.clipped_start) == (0, 1, True)


def test_board_filters_by_status_and_category_and_leaves_out_archived(tenant, july, quarters):
    create(tenant, title="Idea security", category="security", start_quarter=d("2026-10-01"))
    create(tenant, title="Proposed security", category="security", status="proposed")
    create(tenant, title="Proposed cloud", category="cloud", status="proposed", start_quarter=d("2027-01-01"))
    gone = create(tenant, title="Archived", category="security", start_quarter=d("2026-10-01"))
    with scope(msp=tenant.msp):
        services.initiative_archive(initiative=gone, actor=tenant.users[Role.VCIO])
    titles = lambda b: [i.title for i in b.initiatives]  # noqa: E731
    assert titles(board(tenant, july, quarters)) == ["Idea security", "Proposed cloud", "Proposed security"]
    assert titles(board(tenant, july, quarters, statuses=["proposed"])) == ["Proposed cloud", "Proposed security"]
    assert titles(board(tenant, july, quarters, categories=["security"])) == ["Idea security", "Proposed security"]
    assert titles(board(tenant, july, quarters, statuses=["proposed"], categories=["security"])) == [
        "Proposed security"]


# --- lifecycle suggestions ------------------------------------------------------------------------------

def suggestions(tenant, client, quarters):
    with scope(msp=tenant.msp):
        return selectors.lifecycle_suggestions(client=client, quarters=quarters)


def rows(found):
    return [(s.asset.name, s.reason, s.due_date, s.quarter.label) for s in found]


def test_suggestion_goes_in_the_quarter_before_the_date(tenant, july):
    # Horizon from FY2027 Q1 so that the quarter before is inside it.
    quarters = horizon(Quarter.of(2027, 1, 7))
    asset(tenant, "LT-01", warranty_end=d("2027-02-15"))  # in FY2027 Q3 (Jan-Mar 2027)
    asset(tenant, "SRV-01", kind="server", end_of_support=d("2028-05-10"))  # in FY2028 Q4 (Apr-Jun 2028)
    found = suggestions(tenant, july, quarters)
    assert rows(found) == [
        ("LT-01", "warranty_end", d("2027-02-15"), "FY2027 Q2"),
        ("SRV-01", "end_of_support", d("2028-05-10"), "FY2028 Q3"),
    ]
    assert found[0].quarter.start == d("2026-10-01")
    assert (found[0].kind, found[0].replacement_cost, found[0].reason_label) == (
        "laptop", Decimal("1600.00"), "Warranty ends")


def test_a_quarter_before_the_horizon_becomes_the_first(tenant, july, quarters):
    asset(tenant, "LT-01", warranty_end=d("2026-11-15"))  # FY2027 Q2: the quarter before is FY2027 Q1
    asset(tenant, "LT-02", warranty_end=d("2027-02-15"))  # FY2027 Q3 -> FY2027 Q2, the first quarter anyway
    assert rows(suggestions(tenant, july, quarters)) == [
        ("LT-01", "warranty_end", d("2026-11-15"), "FY2027 Q2"),
        ("LT-02", "warranty_end", d("2027-02-15"), "FY2027 Q2"),
    ]


def test_the_earliest_reason_wins_and_end_of_life_comes_from_purchase_and_life(tenant, july, quarters):
    asset(tenant, "LT-01", warranty_end=d("2028-03-01"), end_of_support=d("2027-09-01"))
    asset(tenant, "LT-02", purchase_date=d("2024-03-10"), expected_life_years=4, warranty_end=d("2029-01-31"))
    asset(tenant, "LT-03", purchase_date=d("2024-02-29"), expected_life_years=3)  # leap day -> 2027-02-28
    assert rows(suggestions(tenant, july, quarters)) == [
        ("LT-03", "end_of_life", d("2027-02-28"), "FY2027 Q2"),
        ("LT-01", "end_of_support", d("2027-09-01"), "FY2027 Q4"),
        ("LT-02", "end_of_life", d("2028-03-10"), "FY2028 Q2"),
    ]


def test_dates_outside_the_horizon_and_assets_out_of_service_are_ignored(tenant, july, quarters):
    asset(tenant, "Before", warranty_end=d("2026-09-30"))
    asset(tenant, "After", warranty_end=d("2029-10-01"))
    asset(tenant, "Last day", warranty_end=d("2029-09-30"))
    asset(tenant, "Before but supported", warranty_end=d("2026-06-30"), end_of_support=d("2028-11-02"))
    asset(tenant, "Retired", warranty_end=d("2027-02-15"), status="retired")
    asset(tenant, "Spare", warranty_end=d("2027-02-15"), status="spare")
    asset(tenant, "Archived", warranty_end=d("2027-02-15"), archived_at="2026-10-01T00:00:00Z")
    asset(tenant, "Other client", client=tenant.clients[1], warranty_end=d("2027-02-15"))
    asset(tenant, "No dates")
    assert rows(suggestions(tenant, july, quarters)) == [
        ("Before but supported", "end_of_support", d("2028-11-02"), "FY2029 Q1"),
        ("Last day", "warranty_end", d("2029-09-30"), "FY2029 Q4"),
    ]


def test_a_dismissed_suggestion_stays_dismissed(tenant, july, quarters):
    laptop = asset(tenant, "LT-01", warranty_end=d("2027-02-15"), end_of_support=d("2028-02-15"))
    assert rows(suggestions(tenant, july, quarters)) == [("LT-01", "warranty_end", d("2027-02-15"), "FY2027 Q2")]
    with scope(msp=tenant.msp):
        services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                   reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"))
    # The warranty suggestion never comes back; the asset's next date is suggested instead.
    assert rows(suggestions(tenant, july, quarters)) == [("LT-01", "end_of_support", d("2028-02-15"), "FY2028 Q2")]
    assert rows(suggestions(tenant, july, quarters)) == [("LT-01", "end_of_support", d("2028-02-15"), "FY2028 Q2")]
    with scope(msp=tenant.msp):
        services.lifecycle_dismiss(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                   reason=LifecycleReason.END_OF_SUPPORT, due_date=d("2028-02-15"))
    assert suggestions(tenant, july, quarters) == []
    # A new warranty date (extended) is a new suggestion.
    with scopes_disabled():
        laptop.warranty_end = d("2028-08-15")
        laptop.save()
    assert rows(suggestions(tenant, july, quarters)) == [("LT-01", "warranty_end", d("2028-08-15"), "FY2028 Q4")]


def test_an_accepted_asset_suggests_nothing_more(tenant, july, quarters):
    laptop = asset(tenant, "LT-01", warranty_end=d("2027-02-15"), end_of_support=d("2028-02-15"))
    with scope(msp=tenant.msp):
        initiative = services.initiative_create(client=july, actor=tenant.users[Role.VCIO], title="Replace LT-01")
        services.lifecycle_record_accepted(client=july, actor=tenant.users[Role.VCIO], asset=laptop,
                                           reason=LifecycleReason.WARRANTY_END, due_date=d("2027-02-15"),
                                           initiative=initiative)
    assert suggestions(tenant, july, quarters) == []
    with scopes_disabled():
        assert Initiative.objects.get().lifecycle_decisions.get().decision == "accepted"


def test_suggestions_grouped_by_kind_and_quarter(tenant, july, quarters):
    for n in range(4):
        asset(tenant, f"LT-0{n}", warranty_end=d(f"2027-0{4 + n % 2}-1{n}"))  # FY2027 Q4 -> FY2027 Q3
    asset(tenant, "LT-09", warranty_end=d("2027-08-01"), cost=None)  # FY2028 Q1 -> FY2027 Q4
    asset(tenant, "SRV-01", kind="server", warranty_end=d("2027-05-20"), cost="8000.00")
    groups = selectors.lifecycle_groups(suggestions(tenant, july, quarters))
    assert [(g.title, g.quarter.label, g.total_replacement_cost, g.missing_costs, g.count) for g in groups] == [
        ("4 laptops", "FY2027 Q3", Decimal("6400.00"), 0, 4),
        ("1 server", "FY2027 Q3", Decimal("8000.00"), 0, 1),
        ("1 laptop", "FY2027 Q4", Decimal("0.00"), 1, 1),
    ]
    assert [s.asset.name for s in groups[0].suggestions] == ["LT-00", "LT-01", "LT-02", "LT-03"]
