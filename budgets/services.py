"""Writes of the budgets app: budget lines, presenting a version, and accepting asset lifecycle suggestions
(an initiative on the roadmap plus budget lines for the replacement costs, in one transaction).

Views and the API call these; they never save models themselves. Every write goes through msp.records
(tenant check, full_clean, version check, history with the acting user).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import Asset, Client
from msp.activities import activity_record
from msp.models import MONTHS, User
from msp.quarters import Quarter
from msp.records import decision_undo_check, record_archive, record_create, record_update
from roadmaps import selectors as roadmap_selectors
from roadmaps import services as roadmap_services
from roadmaps.choices import InitiativeCategory, InitiativeStatus, LifecycleReason
from roadmaps.models import Initiative, LifecycleDecision

from .choices import BudgetActivity, ExpenseType, LineCategory, LineDecision, LineKind, Pricing
from .models import BudgetLine, BudgetVersion
from .selectors import budget_changes_since_presented, budget_snapshot, client_budget, client_horizon

__all__ = [
    "budget_changes_since_presented",
    "budget_line_archive",
    "budget_line_create",
    "budget_line_decide",
    "budget_line_update",
    "budget_present",
    "lifecycle_accept",
]

LINE_FIELDS = frozenset({"initiative", "description", "category", "expense_type", "kind", "start_quarter",
                         "end_quarter", "quantity", "unit_cost", "pricing", "rate"})
# What the client approved on a line of no initiative: changing any of these (or linking the line to an
# initiative) makes it a new proposal, so an approval never covers work or money the client did not see.
DECIDED_FIELDS = frozenset({"initiative", "description", "kind", "start_quarter", "end_quarter", "quantity",
                            "unit_cost", "pricing", "rate"})
LINE_DECISIONS = (LineDecision.APPROVED, LineDecision.DECLINED)
NOTE_LIMIT = 2000


# --- budget lines ---------------------------------------------------------------------------------------

def _quarter_error(client: Client, day: date) -> str:
    month = dict(MONTHS).get(client.fiscal_year_start_month, client.fiscal_year_start_month)
    nearest = Quarter.containing(day, client.fiscal_year_start_month)
    return (f"{day.isoformat()} is not the first day of a quarter of {client.name}’s fiscal year (which starts "
            f"in {month}). Use the quarter’s first day, e.g. {nearest.start.isoformat()} for {nearest.label}.")


def _check_line(client: Client, values: dict, *, checked: set[str]) -> None:
    """Refuse a line whose quarters are not the client's fiscal quarters, whose end quarter is wrong, or
    whose initiative is another client's. `values` are the line's values after the write; `checked` the
    fields this write sets (a stored quarter is left alone: the client's fiscal year may have moved since)."""
    errors: dict[str, list[str]] = {}
    for name in ("start_quarter", "end_quarter"):
        day = values.get(name)
        if day is None or name not in checked:
            continue
        if not isinstance(day, date):
            errors[name] = ["Give the quarter as a date (its first day)."]
            continue
        try:
            Quarter(day, client.fiscal_year_start_month)
        except ValueError:
            errors[name] = [_quarter_error(client, day)]
    start, end = values.get("start_quarter"), values.get("end_quarter")
    if end is not None and "end_quarter" not in errors:
        if values.get("kind") != LineKind.RECURRING:
            errors["end_quarter"] = ["Only a recurring line has an end quarter; leave it empty for a one-time cost."]
        elif isinstance(start, date) and end < start:
            errors["end_quarter"] = ["The end quarter cannot come before the start quarter."]
    initiative = values.get("initiative")
    if initiative is not None and "initiative" in checked:
        if initiative.client_id != client.pk:
            errors["initiative"] = [f"Choose an initiative of {client.name}’s roadmap."]
        elif initiative.archived_at is not None:
            errors["initiative"] = [f"The initiative “{initiative.title}” is archived."]
    if values.get("pricing") == Pricing.MARGIN and values.get("rate") is not None \
            and Decimal(values["rate"]) >= 100:
        errors["rate"] = ["A margin must be below 100 % (a 100 % margin would need an infinite price)."]
    if errors:
        raise ValidationError(errors)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - LINE_FIELDS
    if unknown:
        raise TypeError(f"Budget lines have no editable field(s) {', '.join(sorted(unknown))}.")


@transaction.atomic
def budget_line_create(*, client: Client, actor: User | None, **fields) -> BudgetLine:
    """A new line in `client`'s budget. Quarters are first days of the client's fiscal quarters."""
    _check_fields(fields)
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before changing its budget.")
    _check_line(client, fields, checked=set(fields))
    return record_create(BudgetLine, msp=client.msp, actor=actor, client=client, **fields)


@transaction.atomic
def budget_line_update(*, line: BudgetLine, actor: User | None, expected_version: int | None = None,
                       **fields) -> BudgetLine:
    """Change a line; refused (StaleVersionError) when someone saved it since `expected_version`."""
    fields.pop("client", None)  # a line stays with its client
    _check_fields(fields)
    client = line.client
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before changing its budget.")
    if line.archived_at is not None:
        raise ValidationError("This budget line is archived; it can no longer change.")
    stored = BudgetLine.objects.get(pk=line.pk)  # a form may already have changed `line` in memory
    values = {name: fields.get(name, getattr(stored, name)) for name in LINE_FIELDS}
    checked = {name for name in fields if fields[name] != getattr(stored, name)}
    _check_line(client, values, checked=checked)
    if stored.decision != LineDecision.PROPOSED and checked & DECIDED_FIELDS:
        fields.update(decision=LineDecision.PROPOSED, decided_at=None, decided_by=None, decision_note="")
    return record_update(line, actor=actor, expected_version=expected_version, **fields)


@transaction.atomic
def budget_line_decide(*, line: BudgetLine, actor: User | None, decision: str, note: str = "",
                       expected_version: int | None = None) -> BudgetLine:
    """The client's decision on a proposed line of no initiative: approved or declined, with who (the
    decision maker in the portal, or the staff member recording their answer), when and a note.

    A line of an initiative is decided with its initiative and is refused here."""
    if decision not in LINE_DECISIONS:
        raise ValidationError({"decision": "Decide “approved” or “declined”."})
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"decision_note": f"Keep the note under {NOTE_LIMIT} characters."})
    line = BudgetLine.objects.select_for_update(of=("self",)).select_related("client", "initiative").get(pk=line.pk)
    if line.client.is_archived:
        raise ValidationError(f"{line.client.name} is archived; restore it before changing its budget.")
    if line.archived_at is not None:
        raise ValidationError(f"The budget line “{line}” is archived; it can no longer be decided.")
    if line.initiative_id is not None:
        raise ValidationError(f"The budget line “{line}” belongs to “{line.initiative.title}”; it is approved or "
                              "declined with that initiative.")
    if line.decision != LineDecision.PROPOSED:
        raise ValidationError({"decision": f"Only a proposed budget line can be approved or declined; “{line}” is "
                                           f"{line.get_decision_display().lower()}."})
    return record_update(line, actor=actor, expected_version=expected_version, decision=decision,
                         decided_at=timezone.now(), decided_by=actor, decision_note=note)


@transaction.atomic
def budget_line_decision_undo(*, line: BudgetLine, actor: User) -> BudgetLine:
    """Take back the client's decision on a budget line shortly after it was made
    (msp.records.decision_undo_check): the line is proposed again, with no decision recorded."""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    decision_undo_check(what=str(line), decided_at=line.decided_at, decided_by_id=line.decided_by_id, actor=actor,
                        still_decided=line.decision in LINE_DECISIONS and line.archived_at is None)
    return record_update(line, actor=actor, decision=LineDecision.PROPOSED, decided_at=None, decided_by=None,
                         decision_note="")


@transaction.atomic
def budget_line_archive(*, line: BudgetLine, actor: User | None) -> BudgetLine:
    return record_archive(line, actor=actor)


# --- presenting the budget ------------------------------------------------------------------------------

class BudgetUnchanged(ValidationError):
    """Presenting a budget identical to the last presented version: no new version is made."""

    def __init__(self, version: BudgetVersion):
        self.version = version
        day = date_format(timezone.localtime(version.presented_at), "j M Y")
        super().__init__(f"No change since version {version.number} ({day}); no new version was made.")


@transaction.atomic
def budget_present(*, client: Client, actor: User | None, note: str = "") -> BudgetVersion:
    """Freeze the client's budget over its 12-quarter horizon as the next version (v1, v2...) and record
    the presentation (the playbook counts it). BudgetUnchanged when the budget is exactly the last
    presented version's (the same lines, prices and horizon), so presenting twice makes one version."""
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before presenting its budget.")
    # Lock the client row so two presentations at once get consecutive numbers.
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).values_list("pk", flat=True).get()
    budget = client_budget(client=client, quarters=client_horizon(client=client))
    if not budget.lines:
        raise ValidationError("There is nothing to present yet: add budget lines first.")
    snapshot = json.loads(json.dumps(budget_snapshot(budget), cls=DjangoJSONEncoder))
    last = BudgetVersion.objects.filter(client=client).order_by("-number").first()
    if last is not None and last.snapshot == snapshot:
        raise BudgetUnchanged(last)
    number = (last.number if last is not None else 0) + 1
    version = record_create(BudgetVersion, msp=client.msp, actor=actor, client=client, number=number,
                            snapshot=snapshot, note=(note or "").strip(), presented_by=actor,
                            presented_at=timezone.now())
    activity_record(msp=client.msp, kind=BudgetActivity.BUDGET_PRESENTED, actor=actor, client_id=client.pk,
                    subject_id=version.pk, occurred_at=version.presented_at)
    return version


# --- accepting lifecycle suggestions --------------------------------------------------------------------

def _parse_suggestion(asset_id, reason, due_date) -> tuple[uuid.UUID, str, date]:
    try:
        asset_uuid = asset_id if isinstance(asset_id, uuid.UUID) else uuid.UUID(str(asset_id))
    except ValueError:
        raise ValidationError({"asset": "Choose an asset from the suggestions."}) from None
    if str(reason) not in LifecycleReason.values:
        raise ValidationError({"reason": f"Unknown lifecycle reason “{reason}”."})
    if not isinstance(due_date, date):
        try:
            due_date = date.fromisoformat(str(due_date))
        except ValueError:
            raise ValidationError({"due_date": f"“{due_date}” is not a date (YYYY-MM-DD)."}) from None
    return asset_uuid, str(reason), due_date


def _replacement_title(assets: list[Asset]) -> str:
    """`Replace 4 laptops`, `Replace 2 servers and 1 firewall`."""
    counts = Counter(a.kind for a in assets)
    by_count = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [roadmap_selectors.kind_count(kind, n) for kind, n in by_count]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Replace {text}"[:200]


@transaction.atomic
def lifecycle_accept(*, client: Client, actor: User | None, suggestions: list[tuple]) -> Initiative:
    """Accept lifecycle suggestions, given as (asset id, reason, due date): one initiative (category
    lifecycle, status idea, in the suggestions' quarter, the assets linked), an accepted decision per
    suggestion and a one-time hardware capex budget line per asset at its replacement cost (0 % markup:
    the vCIO sets the price on the budget page). All or nothing; suggestions already decided, or no longer
    suggested, are refused."""
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before planning for it.")
    wanted = list(dict.fromkeys(_parse_suggestion(*s) for s in suggestions))
    if not wanted:
        raise ValidationError("Choose at least one lifecycle suggestion to accept.")
    asset_ids = {a for a, _, _ in wanted}
    assets = {a.pk: a for a in Asset.objects.select_for_update().filter(pk__in=asset_ids, client=client)}
    if set(assets) != asset_ids:
        raise ValidationError({"asset": f"That asset is not one of {client.name}’s."})
    decided = [(assets[a], r, d) for a, r, d in wanted
               if LifecycleDecision.objects.filter(asset_id=a, reason=r, due_date=d).exists()]
    if decided:
        names = ", ".join(f"“{asset}” ({LifecycleReason(r).label.lower()} {d.isoformat()})" for asset, r, d in decided)
        raise ValidationError(f"Already decided, nothing was accepted: {names}.")
    quarters = client_horizon(client=client)
    open_ = {(s.asset.pk, str(s.reason), s.due_date): s
             for s in roadmap_selectors.lifecycle_suggestions(client=client, quarters=quarters)}
    missing = [(assets[a], r, d) for a, r, d in wanted if (a, r, d) not in open_]
    if missing:
        names = ", ".join(f"“{asset}” ({LifecycleReason(r).label.lower()} {d.isoformat()})" for asset, r, d in missing)
        raise ValidationError(f"No longer a lifecycle suggestion, nothing was accepted: {names}. Reload the roadmap.")
    chosen = [open_[key] for key in wanted]
    quarter = min(s.quarter for s in chosen)
    linked = list(dict.fromkeys(s.asset.pk for s in chosen))
    linked_assets = [assets[pk] for pk in linked]
    description = "Replacements suggested by the assets’ lifecycle dates:\n" + "\n".join(
        f"- {s.asset.name}: {LifecycleReason(s.reason).label.lower()} {s.due_date.isoformat()}" for s in chosen)
    initiative = roadmap_services.initiative_create(
        client=client, actor=actor, title=_replacement_title(linked_assets), description=description,
        category=InitiativeCategory.LIFECYCLE, status=InitiativeStatus.IDEA, start_quarter=quarter.start,
        assets=linked_assets)
    for s in chosen:
        roadmap_services.lifecycle_record_accepted(client=client, actor=actor, asset=assets[s.asset.pk],
                                                   reason=s.reason, due_date=s.due_date, initiative=initiative)
    for asset in linked_assets:
        cost = asset.replacement_cost
        budget_line_create(
            client=client, actor=actor, initiative=initiative,
            description=f"Replace {asset.name}" + ("" if cost is not None else " (cost to confirm)"),
            category=LineCategory.HARDWARE, expense_type=ExpenseType.CAPEX, kind=LineKind.ONE_TIME,
            start_quarter=quarter.start, quantity=Decimal("1"), unit_cost=cost or Decimal("0.00"),
            pricing=Pricing.MARKUP, rate=Decimal("0"))
    return initiative
