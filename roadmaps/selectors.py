"""Reads of the roadmap: the 12-quarter board (initiatives placed by quarter, the backlog) and asset lifecycle
suggestions (assets whose warranty, support or expected life ends inside the horizon)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from alignment.choices import RecommendationStatus
from alignment.models import Recommendation
from clients.choices import AssetKind, AssetStatus
from clients.models import Asset, BusinessObjective, Client
from msp.models import User
from msp.quarters import Quarter, horizon

from .choices import InitiativeStatus, LifecycleDecisionKind, LifecycleReason
from .models import Initiative, LifecycleDecision
from .services import lifecycle_date, live_initiative_recommendations

# Statuses still in play, for the "open" filter and the from-recommendations page.
CLOSED_STATUSES = (InitiativeStatus.DECLINED, InitiativeStatus.DONE, InitiativeStatus.CANCELLED)


def roadmap_horizon(*, client: Client, today: date | None = None, count: int = 12) -> list[Quarter]:
    """The client's next `count` fiscal quarters, from the one containing today (12 = three fiscal years)."""
    today = today or timezone.localdate()
    return horizon(Quarter.containing(today, client.fiscal_year_start_month), count)


def client_initiatives(*, client: Client, statuses: Iterable[str] | None = None,
                       categories: Iterable[str] | None = None, include_archived: bool = False,
                       ) -> QuerySet[Initiative]:
    """The client's initiatives in roadmap order (by start quarter, backlog last, then title), with their links."""
    qs = Initiative.objects.filter(client=client)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    statuses = [s for s in (statuses or []) if s]
    categories = [c for c in (categories or []) if c]
    if statuses:
        qs = qs.filter(status__in=statuses)
    if categories:
        qs = qs.filter(category__in=categories)
    return qs.select_related("owner").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.filter(archived_at__isnull=True)
                 .select_related("review").order_by("title")),
        Prefetch("objectives", queryset=BusinessObjective.objects.filter(archived_at__isnull=True).order_by("title")),
        Prefetch("assets", queryset=Asset.objects.filter(archived_at__isnull=True).order_by("kind", "name")),
    )


# --- the board ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Placement:
    """An initiative on the board: from column `column` (0-based, in the horizon) over `span` columns, in lane
    `row`. `clipped_start` / `clipped_end` say it runs on before or after the horizon."""

    initiative: Initiative
    start: Quarter
    end: Quarter
    column: int
    span: int
    row: int
    clipped_start: bool
    clipped_end: bool

    @property
    def grid_column(self) -> str:
        """CSS grid placement: `3 / span 2`."""
        return f"{self.column + 1} / span {self.span}"

    @property
    def label(self) -> str:
        return self.start.label if self.start == self.end else f"{self.start.label} – {self.end.label}"


@dataclass(frozen=True)
class FiscalYear:
    year: int
    first_column: int
    count: int

    @property
    def label(self) -> str:
        return f"FY{self.year}"


@dataclass
class Board:
    """The roadmap over `quarters`: `rows` are lanes of non-overlapping placements (for drawing), `columns[i]`
    the placements that begin in column i; `backlog` has no start quarter; `before` / `after` count initiatives
    entirely before / after the horizon."""

    quarters: list[Quarter]
    placements: list[Placement] = field(default_factory=list)
    rows: list[list[Placement]] = field(default_factory=list)
    columns: list[list[Placement]] = field(default_factory=list)
    backlog: list[Initiative] = field(default_factory=list)
    before: int = 0
    after: int = 0
    initiatives: list[Initiative] = field(default_factory=list)

    @property
    def fiscal_years(self) -> list[FiscalYear]:
        out: list[FiscalYear] = []
        for i, q in enumerate(self.quarters):
            if out and out[-1].year == q.fiscal_year:
                last = out[-1]
                out[-1] = FiscalYear(last.year, last.first_column, last.count + 1)
            else:
                out.append(FiscalYear(q.fiscal_year, i, 1))
        return out

    @property
    def lane_count(self) -> int:
        return max(1, len(self.rows))


def _quarter(value: date, fy_start_month: int) -> Quarter:
    # containing() rather than Quarter(): a row saved before the client's fiscal year moved still places.
    return Quarter.containing(value, fy_start_month)


def roadmap_board(*, client: Client, quarters: list[Quarter], statuses: Iterable[str] | None = None,
                  categories: Iterable[str] | None = None) -> Board:
    """The client's live initiatives placed on `quarters` (consecutive), filtered by status and category."""
    board = Board(quarters=list(quarters), columns=[[] for _ in quarters])
    if not board.quarters:
        return board
    fy = client.fiscal_year_start_month
    first, last = board.quarters[0], board.quarters[-1]
    index = {q.start: i for i, q in enumerate(board.quarters)}
    lane_ends: list[int] = []  # the last column used in each lane
    for initiative in client_initiatives(client=client, statuses=statuses, categories=categories):
        board.initiatives.append(initiative)
        if initiative.start_quarter is None:
            board.backlog.append(initiative)
            continue
        start = _quarter(initiative.start_quarter, fy)
        end = _quarter(initiative.end_quarter, fy) if initiative.end_quarter else start
        if end < first:
            board.before += 1
            continue
        if start > last:
            board.after += 1
            continue
        column = index[max(start, first).start]
        last_column = index[min(end, last).start]
        lane = next((i for i, used in enumerate(lane_ends) if used < column), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(last_column)
            board.rows.append([])
        else:
            lane_ends[lane] = last_column
        placement = Placement(initiative=initiative, start=start, end=end, column=column,
                              span=last_column - column + 1, row=lane, clipped_start=start < first,
                              clipped_end=end > last)
        board.placements.append(placement)
        board.rows[lane].append(placement)
        board.columns[column].append(placement)
    return board


# --- asset lifecycle ------------------------------------------------------------------------------------

REASON_ORDER = {reason: i for i, reason in enumerate(LifecycleReason.values)}

KIND_PLURALS = {
    AssetKind.WORKSTATION: "workstations", AssetKind.LAPTOP: "laptops", AssetKind.SERVER: "servers",
    AssetKind.FIREWALL: "firewalls", AssetKind.SWITCH: "switches", AssetKind.ROUTER: "routers",
    AssetKind.WIRELESS: "wireless access points", AssetKind.STORAGE: "storage devices",
    AssetKind.UPS: "UPS units", AssetKind.PRINTER: "printers", AssetKind.PHONE: "phone systems",
    AssetKind.SOFTWARE: "software licences", AssetKind.CLOUD: "cloud services", AssetKind.OTHER: "other assets",
}
KIND_SINGULARS = {
    AssetKind.WORKSTATION: "workstation", AssetKind.LAPTOP: "laptop", AssetKind.SERVER: "server",
    AssetKind.FIREWALL: "firewall", AssetKind.SWITCH: "switch", AssetKind.ROUTER: "router",
    AssetKind.WIRELESS: "wireless access point", AssetKind.STORAGE: "storage device", AssetKind.UPS: "UPS unit",
    AssetKind.PRINTER: "printer", AssetKind.PHONE: "phone system", AssetKind.SOFTWARE: "software licence",
    AssetKind.CLOUD: "cloud service", AssetKind.OTHER: "other asset",
}


def kind_count(kind: str, count: int) -> str:
    """`4 laptops`, `1 server`."""
    names = KIND_SINGULARS if count == 1 else KIND_PLURALS
    return f"{count} {names.get(kind, kind)}"


@dataclass(frozen=True)
class Suggestion:
    """Replace `asset` in `quarter`, the quarter before the one containing `due_date` (its `reason` date)."""

    asset: Asset
    reason: str
    due_date: date
    quarter: Quarter

    @property
    def kind(self) -> str:
        return self.asset.kind

    @property
    def replacement_cost(self) -> Decimal | None:
        return self.asset.replacement_cost

    @property
    def reason_label(self) -> str:
        return LifecycleReason(self.reason).label

    @property
    def key(self) -> str:
        """A stable id for the page (element ids, test hooks)."""
        return f"{self.asset.pk}-{self.reason}-{self.due_date.isoformat()}"


@dataclass(frozen=True)
class SuggestionGroup:
    """Suggestions of one asset kind in one quarter, with their total replacement cost."""

    kind: str
    quarter: Quarter
    suggestions: list[Suggestion]

    @property
    def count(self) -> int:
        return len(self.suggestions)

    @property
    def total_replacement_cost(self) -> Decimal:
        return sum((s.replacement_cost or Decimal("0") for s in self.suggestions), Decimal("0.00"))

    @property
    def missing_costs(self) -> int:
        """How many have no replacement cost (counted as zero in the total)."""
        return sum(1 for s in self.suggestions if s.replacement_cost is None)

    @property
    def title(self) -> str:
        """`4 laptops`."""
        return kind_count(self.kind, self.count)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.quarter.start.isoformat()}"


def lifecycle_suggestions(*, client: Client, quarters: list[Quarter]) -> list[Suggestion]:
    """Replacement suggestions for the client's live, in-service assets.

    Each of warranty end, end of support and end of expected life (purchase date + expected life) that falls
    inside the horizon (first quarter's start to last quarter's end) is a candidate; the asset's earliest
    undecided one is suggested, placed in the quarter before the one containing that date (the first quarter
    when that is before the horizon). A dismissed suggestion stays dismissed (the asset's next date, if any,
    comes up instead); an asset with an accepted suggestion is being replaced and suggests nothing more.
    Sorted by quarter, kind, asset name.
    """
    if not quarters:
        return []
    fy = client.fiscal_year_start_month
    first, last = quarters[0], quarters[-1]
    assets = list(Asset.objects.filter(client=client, archived_at__isnull=True, status=AssetStatus.IN_SERVICE))
    decisions = list(LifecycleDecision.objects.filter(client=client, asset__in=assets).values_list(
        "asset_id", "reason", "due_date", "decision"))
    decided = {(a, r, d) for a, r, d, _ in decisions}
    accepted = {a for a, _, _, kind in decisions if kind == LifecycleDecisionKind.ACCEPTED}
    out = []
    for asset in assets:
        if asset.pk in accepted:
            continue
        candidates = []
        for reason in LifecycleReason.values:
            due = lifecycle_date(asset, reason)
            if due is None or not first.start <= due <= last.end or (asset.pk, reason, due) in decided:
                continue
            candidates.append((due, REASON_ORDER[reason], reason))
        if not candidates:
            continue
        due, _, reason = min(candidates)
        quarter = max(Quarter.containing(due, fy).previous(), first)
        out.append(Suggestion(asset=asset, reason=reason, due_date=due, quarter=quarter))
    out.sort(key=lambda s: (s.quarter, s.asset.kind, s.asset.name.lower(), s.asset.pk))
    return out


def lifecycle_groups(suggestions: Iterable[Suggestion]) -> list[SuggestionGroup]:
    """Suggestions grouped by (kind, quarter), in quarter then kind order."""
    ordered = sorted(suggestions, key=lambda s: (s.quarter, s.kind, s.asset.name.lower(), s.asset.pk))
    return [SuggestionGroup(kind=kind, quarter=quarter, suggestions=list(items))
            for (quarter, kind), items in groupby(ordered, key=lambda s: (s.quarter, s.kind))]


# --- recommendations ------------------------------------------------------------------------------------

def recommendations_off_roadmap(*, client: Client) -> list[Recommendation]:
    """The client's live open (or planned) recommendations that no live initiative answers yet."""
    recs = list(Recommendation.objects.filter(client=client, archived_at__isnull=True,
                                              status__in=[RecommendationStatus.OPEN, RecommendationStatus.PLANNED])
                .select_related("review").order_by("-created_at"))
    taken = live_initiative_recommendations(recs)
    return [r for r in recs if r.pk not in taken]


def proposals_awaiting_client(*, vcio: User | None = None, tam: User | None = None,
                              limit: int = 10) -> list[Initiative]:
    """Initiatives proposed to a client and not yet approved or declined, longest waiting first.
    `vcio` keeps the proposals of that vCIO's clients, `tam` those of that TAM's clients."""
    qs = (Initiative.objects.filter(status=InitiativeStatus.PROPOSED, archived_at__isnull=True,
                                    client__archived_at__isnull=True)
          .select_related("client").order_by("updated_at", "title"))
    if vcio is not None:
        qs = qs.filter(client__vcio=vcio)
    if tam is not None:
        qs = qs.filter(client__tam=tam)
    return list(qs[:limit])
