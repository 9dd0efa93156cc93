"""Reads of the budgets app: the client's budget rolled up by fiscal quarter and year, the horizon, the
snapshot a presented version freezes, and what changed since the last presented version.

Which lines count (docs/budgets.md): a line of an initiative is **approved** when its initiative is
approved, scheduled, in progress or done, **proposed** when it is an idea or proposed, and left out when it
is declined, cancelled or archived. A line of no initiative follows its own decision: **proposed** until the
client approves it, left out once declined. Archived lines are left out of the rollups.

An initiative's price (`InitiativePrice`, `initiative_prices`) is defined here once, for the portal, the
roadmap and budget pages, the roadmap PDF and the API.
"""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, F, Value, When
from django.db.models.functions import Round
from django.utils import timezone

from clients.models import Client
from msp.charts import stacked_bar_chart
from msp.models import Msp
from msp.money import format_money, quantize
from msp.quarters import Quarter, horizon
from roadmaps.choices import InitiativeStatus

from .choices import ExpenseType, LineCategory, LineDecision, LineKind, Pricing
from .models import BudgetLine, BudgetVersion
from .rollups import HUNDRED, ZERO, Amount, line_amounts, line_unit_price, pricing_label

HORIZON_QUARTERS = 12

APPROVED = "approved"
PROPOSED = "proposed"
EXCLUDED = "excluded"

APPROVED_STATUSES = frozenset({InitiativeStatus.APPROVED, InitiativeStatus.SCHEDULED,
                               InitiativeStatus.IN_PROGRESS, InitiativeStatus.DONE})
PROPOSED_STATUSES = frozenset({InitiativeStatus.IDEA, InitiativeStatus.PROPOSED})


# --- the horizon and quarter labels ---------------------------------------------------------------------

def msp_today(client: Client) -> date:
    """Today in the MSP's time zone (also right outside a request, e.g. in a Celery task)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(client.msp.time_zone))


def client_horizon(*, client: Client, today: date | None = None) -> list[Quarter]:
    """The 12 fiscal quarters (three fiscal years) starting at the client's current fiscal quarter."""
    day = today or msp_today(client)
    return horizon(Quarter.containing(day, client.fiscal_year_start_month), HORIZON_QUARTERS)


def quarter_label(day: date | None, fy_start_month: int) -> str:
    """'FY2027 Q2' for the quarter a stored date stands for ('' for none)."""
    if day is None:
        return ""
    return Quarter.containing(day, fy_start_month).label


# --- the budget -----------------------------------------------------------------------------------------

@dataclass
class Rollup:
    """Totals of one quarter, one fiscal year or the whole horizon.

    `one_time`, `recurring` and `total` are Amounts (cost and price); `approved` and `proposed` are price
    totals of the lines that count as approved or proposed (approved + proposed = total.price).
    """

    label: str
    quarter: Quarter | None = None
    fiscal_year: int | None = None
    one_time: Amount = field(default_factory=Amount.zero)
    recurring: Amount = field(default_factory=Amount.zero)
    approved: Decimal = ZERO
    proposed: Decimal = ZERO
    approved_cost: Decimal = ZERO
    proposed_cost: Decimal = ZERO

    @property
    def total(self) -> Amount:
        return self.one_time + self.recurring

    def add(self, amount: Amount, *, kind: str, status: str) -> None:
        if kind == LineKind.ONE_TIME:
            self.one_time += amount
        else:
            self.recurring += amount
        if status == APPROVED:
            self.approved += amount.price
            self.approved_cost += amount.cost
        else:
            self.proposed += amount.price
            self.proposed_cost += amount.cost

    def as_json(self) -> dict:
        data = {"label": self.label, "one_time": self.one_time.as_json(), "recurring": self.recurring.as_json(),
                "total": self.total.as_json(), "approved": str(quantize(self.approved)),
                "proposed": str(quantize(self.proposed))}
        if self.quarter is not None:
            data["start"] = self.quarter.start.isoformat()
        if self.fiscal_year is not None:
            data["fiscal_year"] = self.fiscal_year
        return data


@dataclass
class Budget:
    """A client's budget over some fiscal quarters.

    `quarters`: {Quarter: Rollup} in order; `years`: {"FY2027": Rollup} in order (a fiscal year only
    partly inside the quarters counts those quarters); `total`: the whole horizon; `by_initiative`:
    {initiative id: Amount} over the horizon, for every initiative with active lines (declined ones too,
    so a roadmap card can show what it costs; they stay out of the totals); `lines`: the lines that count
    (approved or proposed) and `excluded`: the active lines left out. Each line carries `budget_status`
    ("approved", "proposed" or "excluded"), `unit_price`, `amounts` ({Quarter: Amount}), `horizon_total`
    (Amount), `start_label`, `end_label` and `pricing_label`.
    """

    client: Client
    quarter_list: list[Quarter]
    quarters: dict[Quarter, Rollup]
    years: dict[str, Rollup]
    total: Rollup
    by_initiative: dict[uuid.UUID, Amount]
    lines: list[BudgetLine]
    excluded: list[BudgetLine]

    @property
    def fy_start_month(self) -> int:
        return self.quarter_list[0].fy_start_month if self.quarter_list else self.client.fiscal_year_start_month


def line_status(line: BudgetLine) -> str:
    """approved / proposed / excluded: from the line's initiative, or for a line of no initiative from its
    own decision (proposed until the client approves it; a declined one is left out)."""
    initiative = line.initiative
    if initiative is None:
        if line.decision == LineDecision.APPROVED:
            return APPROVED
        if line.decision == LineDecision.DECLINED:
            return EXCLUDED
        return PROPOSED
    if initiative.archived_at is not None:
        return EXCLUDED
    if initiative.status in APPROVED_STATUSES:
        return APPROVED
    if initiative.status in PROPOSED_STATUSES:
        return PROPOSED
    return EXCLUDED


def _annotate(line: BudgetLine, quarters: list[Quarter], fy_start_month: int) -> BudgetLine:
    line.budget_status = line_status(line)
    line.unit_price = line_unit_price(line)
    line.amounts = line_amounts(line, quarters)
    line.horizon_total = sum(line.amounts.values(), Amount.zero())
    line.start_label = quarter_label(line.start_quarter, fy_start_month)
    line.end_label = quarter_label(line.end_quarter, fy_start_month)
    line.pricing_label = pricing_label(line.pricing, line.rate)
    return line


def client_budget(*, client: Client, quarters: list[Quarter]) -> Budget:
    """The client's budget over `quarters` (usually `client_horizon`), rolled up per quarter, per fiscal
    year and in total; one-time vs recurring, cost vs price, approved vs proposed."""
    fy_start_month = quarters[0].fy_start_month if quarters else client.fiscal_year_start_month
    rollups = {q: Rollup(label=q.label, quarter=q) for q in quarters}
    years: dict[str, Rollup] = {}
    for q in quarters:
        years.setdefault(f"FY{q.fiscal_year}", Rollup(label=f"FY{q.fiscal_year}", fiscal_year=q.fiscal_year))
    total = Rollup(label="Total")
    by_initiative: dict[uuid.UUID, Amount] = {}
    included, excluded = [], []
    qs = BudgetLine.objects.filter(client=client, archived_at__isnull=True).select_related("initiative", "decided_by")
    for line in qs.order_by("start_quarter", "description", "created_at"):
        _annotate(line, quarters, fy_start_month)
        if line.initiative_id is not None:
            by_initiative[line.initiative_id] = by_initiative.get(line.initiative_id, Amount.zero()) \
                + line.horizon_total
        if line.budget_status == EXCLUDED:
            excluded.append(line)
            continue
        included.append(line)
        for q, amount in line.amounts.items():
            if not amount:
                continue
            for rollup in (rollups[q], years[f"FY{q.fiscal_year}"], total):
                rollup.add(amount, kind=line.kind, status=line.budget_status)
    return Budget(client=client, quarter_list=list(quarters), quarters=rollups, years=years, total=total,
                  by_initiative=by_initiative, lines=included, excluded=excluded)


# --- the three-year totals of every client, in one query -----------------------------------------------------

@dataclass(frozen=True)
class BudgetTotals:
    """A client's budget over its 12-quarter horizon: what `client_budget(...).total` holds, as prices
    (one-time, recurring, approved, proposed) and the total cost."""

    one_time: Decimal = ZERO
    recurring: Decimal = ZERO
    approved: Decimal = ZERO
    proposed: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.one_time + self.recurring


# The unit price of a line in SQL, following budgets.rollups.unit_price (rounded to cents): `{t}` is the line
# table's alias. The one SQL form of the rule, for every hand-written statement that prices lines
# (tests/budgets/test_price_in_sql.py holds it and `unit_price_expression` equal to the Python rule).
UNIT_PRICE_SQL = ("CASE WHEN {t}.pricing = 'markup' THEN round({t}.unit_cost * (1 + {t}.rate / 100), 2) "
                  "ELSE round({t}.unit_cost / (1 - {t}.rate / 100), 2) END")


def unit_price_expression() -> Case:
    """The same rule as an ORM expression over a budget line's fields, for querysets that price lines."""
    rate = F("rate") / Value(HUNDRED)
    return Case(When(pricing=Pricing.MARKUP, then=Round(F("unit_cost") * (Value(Decimal(1)) + rate), 2)),
                default=Round(F("unit_cost") / (Value(Decimal(1)) - rate), 2),
                output_field=DecimalField(max_digits=14, decimal_places=2))


# Months are counted as year x 12 + month; a date's fiscal quarter starts `(month - fy start) mod 3` months
# before its month. The line's status, unit price (rounded to cents) and per-quarter amount (rounded to cents,
# three months for a recurring line) follow line_status and budgets.rollups exactly.
_TOTALS_SQL = """
WITH lines AS (
  SELECT l.client_id, l.kind, l.quantity, l.unit_cost,
    """ + UNIT_PRICE_SQL.format(t="l") + """ AS unit_price,
    CASE WHEN l.initiative_id IS NULL THEN
           CASE l.decision WHEN 'approved' THEN 'approved' WHEN 'declined' THEN 'excluded' ELSE 'proposed' END
         WHEN i.archived_at IS NOT NULL THEN 'excluded'
         WHEN i.status = ANY(%(approved)s) THEN 'approved'
         WHEN i.status = ANY(%(proposed)s) THEN 'proposed'
         ELSE 'excluded' END AS status,
    %(today_month)s - (%(month)s - c.fiscal_year_start_month + 12) %% 3 AS h0,
    extract(year FROM l.start_quarter)::int * 12 + extract(month FROM l.start_quarter)::int - 1
      - (extract(month FROM l.start_quarter)::int - c.fiscal_year_start_month + 12) %% 3 AS q0,
    extract(year FROM l.end_quarter)::int * 12 + extract(month FROM l.end_quarter)::int - 1
      - (extract(month FROM l.end_quarter)::int - c.fiscal_year_start_month + 12) %% 3 AS q1
  FROM budgets_budgetline l
  JOIN clients_client c ON c.id = l.client_id
  LEFT JOIN roadmaps_initiative i ON i.id = l.initiative_id
  WHERE l.msp_id = %(msp)s AND l.archived_at IS NULL
), counted AS (
  SELECT client_id, kind, status,
    CASE WHEN kind = 'one_time' THEN CASE WHEN q0 >= h0 AND q0 < h0 + 36 THEN 1 ELSE 0 END
         ELSE greatest(0, (least(coalesce(q1 + 3, h0 + 36), h0 + 36) - greatest(q0, h0)) / 3) END AS quarters,
    round(CASE WHEN kind = 'one_time' THEN 1 ELSE 3 END * quantity * unit_price, 2) AS price,
    round(CASE WHEN kind = 'one_time' THEN 1 ELSE 3 END * quantity * unit_cost, 2) AS cost
  FROM lines WHERE status <> 'excluded'
)
SELECT client_id,
  coalesce(sum(quarters * price) FILTER (WHERE kind = 'one_time'), 0),
  coalesce(sum(quarters * price) FILTER (WHERE kind <> 'one_time'), 0),
  coalesce(sum(quarters * price) FILTER (WHERE status = 'approved'), 0),
  coalesce(sum(quarters * price) FILTER (WHERE status = 'proposed'), 0),
  coalesce(sum(quarters * cost), 0)
FROM counted GROUP BY client_id
"""  # noqa: S608 - the one fragment interpolated is ours


def budget_totals_by_client(*, msp: Msp, today: date | None = None) -> dict[uuid.UUID, BudgetTotals]:
    """{client id: BudgetTotals} of every client of `msp` with live lines, over each client's own horizon
    (the 12 fiscal quarters from its current one, as `client_horizon`), from one SQL query instead of a
    budget per client. A client with no line counting is absent (all zero)."""
    day = today or timezone.localdate(timezone=zoneinfo.ZoneInfo(msp.time_zone))
    params = {"approved": sorted(APPROVED_STATUSES), "proposed": sorted(PROPOSED_STATUSES), "msp": msp.pk,
              "today_month": day.year * 12 + day.month - 1, "month": day.month}
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL, params)
        rows = cursor.fetchall()
    return {client_id: BudgetTotals(*(quantize(Decimal(v)) for v in values)) for client_id, *values in rows}


# --- an initiative's price --------------------------------------------------------------------------

@dataclass(frozen=True)
class InitiativePrice:
    """What an initiative costs the client, defined once for every page, the portal, the PDF and the API.

    `one_time`: the price of its one-time lines falling in the plan; `monthly`: the monthly price of its
    recurring lines running in the plan (quantity x unit price); `budgeted`: the price of all its lines
    over the plan (recurring lines three months per quarter); `quoted`: the price the vCIO quoted in the
    proposal (`Initiative.proposal_amount`), None when none was.

    `price` is the one figure that stands for the initiative: **the quote overrides the budget lines** when
    there is one (it is what the client is asked to approve), else the budgeted price, else None. The
    budget's totals are always sums of lines; a quote never changes them.
    """

    one_time: Decimal = ZERO
    monthly: Decimal = ZERO
    budgeted: Decimal = ZERO
    quoted: Decimal | None = None

    @property
    def price(self) -> Decimal | None:
        if self.quoted is not None:
            return self.quoted
        return self.budgeted or None

    @property
    def is_quoted(self) -> bool:
        return self.quoted is not None

    @property
    def sort_key(self) -> Decimal:
        return self.price or ZERO


NO_PRICE = InitiativePrice()


def _priced(lines, quoted: Decimal | None = None) -> InitiativePrice:
    """The InitiativePrice of some annotated lines (`_annotate`): the one place the parts are added up."""
    one_time = monthly = budgeted = ZERO
    for line in lines:
        if not line.horizon_total:
            continue  # falls outside the plan
        budgeted += line.horizon_total.price
        if line.kind == LineKind.ONE_TIME:
            one_time += line.horizon_total.price
        else:
            monthly += quantize(Decimal(line.quantity) * line.unit_price)
    return InitiativePrice(one_time=quantize(one_time), monthly=quantize(monthly), budgeted=quantize(budgeted),
                           quoted=quantize(quoted) if quoted is not None else None)


def budget_line_price(line: BudgetLine) -> InitiativePrice:
    """The price of one line of a Budget (annotated), defined as an initiative's is: for the budget items
    of no initiative that the client decides on their own."""
    return _priced([line])


def initiative_prices(*, budget: Budget, initiatives) -> dict[uuid.UUID, InitiativePrice]:
    """{initiative id: InitiativePrice} for each of `initiatives`, from `budget`'s lines (its quarters are
    the plan; lines of declined initiatives count here though they are out of the budget's totals)."""
    by_initiative: dict[uuid.UUID, list[BudgetLine]] = {}
    for line in [*budget.lines, *budget.excluded]:
        if line.initiative_id is not None:
            by_initiative.setdefault(line.initiative_id, []).append(line)
    return {i.pk: _priced(by_initiative.get(i.pk, []), i.proposal_amount) for i in initiatives}


# --- lines of no initiative: the client's own decision -----------------------------------------------------

def lines_awaiting_decision(*, client: Client, quarters: list[Quarter]) -> list[tuple[BudgetLine, InitiativePrice]]:
    """The client's live lines of no initiative still awaiting the client's decision, each with its price
    over `quarters` (defined as an initiative's is)."""
    qs = (BudgetLine.objects.filter(client=client, initiative__isnull=True, archived_at__isnull=True,
                                    decision=LineDecision.PROPOSED)
          .order_by("start_quarter", "description", "created_at"))
    fy_start_month = quarters[0].fy_start_month if quarters else client.fiscal_year_start_month
    return [(line, budget_line_price(line)) for line in (_annotate(x, quarters, fy_start_month) for x in qs)]


def line_decisions(*, client: Client, limit: int = 10):
    """The latest decisions on the client's lines of no initiative, newest first."""
    return (BudgetLine.objects.filter(client=client, initiative__isnull=True, archived_at__isnull=True,
                                      decided_at__isnull=False)
            .select_related("decided_by").order_by("-decided_at")[:limit])


def budget_chart(budget: Budget, *, currency: str, width: int = 720, height: int = 260):
    """The stacked bar chart of the budget's price by quarter: one-time and recurring."""
    rollups = list(budget.quarters.values())
    return stacked_bar_chart(
        [r.label for r in rollups],
        [("One-time", [r.one_time.price for r in rollups]), ("Recurring", [r.recurring.price for r in rollups])],
        title="Budget by quarter (price to the client)", width=width, height=height,
        money_format=lambda v: short_money(v, currency))


def short_money(value: Decimal, currency: str) -> str:
    """Money without cents, for chart axes: $12,500."""
    text = format_money(value, currency)
    return text[:-3] if text.endswith(".00") else text


# --- snapshots of presented versions ----------------------------------------------------------------

def _line_json(line: BudgetLine) -> dict:
    initiative = line.initiative
    return {
        "id": str(line.pk),
        "description": line.description,
        "initiative": str(line.initiative_id) if line.initiative_id else None,
        "initiative_title": initiative.title if initiative else "",
        "status": line.budget_status,
        "category": line.category,
        "expense_type": line.expense_type,
        "kind": line.kind,
        "start_quarter": line.start_quarter.isoformat(),
        "start_label": line.start_label,
        "end_quarter": line.end_quarter.isoformat() if line.end_quarter else None,
        "end_label": line.end_label,
        "quantity": str(line.quantity),
        "unit_cost": str(quantize(line.unit_cost)),
        "pricing": line.pricing,
        "rate": str(line.rate),
        "pricing_label": line.pricing_label,
        "unit_price": str(line.unit_price),
        "amounts": {q.start.isoformat(): a.as_json() for q, a in line.amounts.items() if a},
        "total": line.horizon_total.as_json(),
    }


def budget_snapshot(budget: Budget) -> dict:
    """The budget as JSON (money as strings): what a presented version freezes."""
    client = budget.client
    return {
        "client": client.name,
        "currency": client.msp.currency,
        "fy_start_month": budget.fy_start_month,
        "horizon": [q.start.isoformat() for q in budget.quarter_list],
        "quarters": [r.as_json() for r in budget.quarters.values()],
        "years": [r.as_json() for r in budget.years.values()],
        "total": budget.total.as_json(),
        "lines": [_line_json(line) for line in budget.lines],
    }


def snapshot_quarters(snapshot: dict) -> list[Quarter] | None:
    """The quarters a snapshot was taken over (None when it does not say or no longer parses)."""
    try:
        fy = int(snapshot["fy_start_month"])
        return [Quarter(date.fromisoformat(d), fy) for d in snapshot["horizon"]]
    except (KeyError, TypeError, ValueError):
        return None


def version_list(*, client: Client):
    return BudgetVersion.objects.filter(client=client).select_related("presented_by").order_by("-number")


def last_presented(*, client: Client) -> BudgetVersion | None:
    return BudgetVersion.objects.filter(client=client).order_by("-number").first()


# --- changes since the last presented version -----------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class LineChange:
    id: str
    description: str
    fields: list[FieldChange]


@dataclass
class TotalChange:
    label: str
    before: Amount
    after: Amount

    @property
    def difference(self) -> Amount:
        return self.after - self.before


@dataclass
class BudgetChanges:
    """What differs between the budget now and the last presented version, over that version's quarters."""

    version: BudgetVersion
    added: list[dict]
    removed: list[dict]
    changed: list[LineChange]
    total: TotalChange
    years: list[TotalChange]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.total.difference)


_CATEGORY = dict(LineCategory.choices)
_EXPENSE = dict(ExpenseType.choices)
_KIND = dict(LineKind.choices)
_STATUS = {APPROVED: "Approved", PROPOSED: "Proposed", EXCLUDED: "Left out"}


def _compared_fields(currency: str):
    """(field, label, how to show a snapshot line's value): the fields a change is reported for."""
    def money(key):
        return lambda d: format_money(Decimal(d[key]), currency) if d.get(key) is not None else "—"

    return [
        ("description", "Description", lambda d: d.get("description", "")),
        ("initiative", "Initiative", lambda d: d.get("initiative_title") or "—"),
        ("status", "Counts as", lambda d: _STATUS.get(d.get("status"), d.get("status") or "—")),
        ("category", "Category", lambda d: _CATEGORY.get(d.get("category"), d.get("category") or "—")),
        ("expense_type", "Capex / opex", lambda d: _EXPENSE.get(d.get("expense_type"), d.get("expense_type") or "—")),
        ("kind", "Kind", lambda d: _KIND.get(d.get("kind"), d.get("kind") or "—")),
        ("start_quarter", "Quarter", lambda d: d.get("start_label") or "—"),
        ("end_quarter", "End quarter", lambda d: d.get("end_label") or "open-ended"),
        ("quantity", "Quantity", lambda d: _quantity(d.get("quantity"))),
        ("unit_cost", "Unit cost", money("unit_cost")),
        ("pricing", "Pricing", lambda d: d.get("pricing_label") or "—"),
    ]


def _quantity(value) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _raw(line: dict, name: str):
    # Pricing is reported once, for the method and the rate together; the initiative by its id.
    if name == "pricing":
        return (line.get("pricing"), Decimal(line["rate"]) if line.get("rate") is not None else None)
    if name in {"quantity", "unit_cost"} and line.get(name) is not None:
        return Decimal(line[name])
    return line.get(name)


def budget_changes_since_presented(*, client: Client) -> BudgetChanges | None:
    """Added, removed and changed lines (field by field) and the differences of the totals (whole horizon
    and per fiscal year) between the budget now and the last presented version; None before any is."""
    version = last_presented(client=client)
    if version is None:
        return None
    before = version.snapshot or {}
    quarters = snapshot_quarters(before)
    if quarters is None or (quarters and quarters[0].fy_start_month != client.fiscal_year_start_month):
        quarters = client_horizon(client=client)
    now = budget_snapshot(client_budget(client=client, quarters=quarters))
    currency = client.msp.currency
    old_lines = {line.get("id"): line for line in before.get("lines", []) if line.get("id")}
    new_lines = {line["id"]: line for line in now["lines"]}
    added = [line for key, line in new_lines.items() if key not in old_lines]
    removed = [line for key, line in old_lines.items() if key not in new_lines]
    changed = []
    compared = _compared_fields(currency)
    for key, new in new_lines.items():
        old = old_lines.get(key)
        if old is None:
            continue
        diffs = [FieldChange(name, label, show(old), show(new)) for name, label, show in compared
                 if _raw(old, name) != _raw(new, name)]
        if diffs:
            changed.append(LineChange(id=key, description=new["description"], fields=diffs))
    old_years = {y.get("label"): Amount.from_json(y.get("total")) for y in before.get("years", [])}
    new_years = {y["label"]: Amount.from_json(y["total"]) for y in now["years"]}
    labels = list(dict.fromkeys([*old_years, *new_years]))
    years = [TotalChange(label, old_years.get(label, Amount.zero()), new_years.get(label, Amount.zero()))
             for label in labels]
    total = TotalChange("Total", Amount.from_json(before.get("total", {}).get("total")),
                        Amount.from_json(now["total"]["total"]))
    return BudgetChanges(version=version, added=added, removed=removed, changed=changed, total=total,
                         years=years)
