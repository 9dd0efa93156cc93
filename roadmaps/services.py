"""Writes of the roadmap: initiatives (create, change, move between quarters, archive, the client's decision),
initiatives made from recommendations, and decisions on asset lifecycle suggestions.

Quarters are stored as the first day of a quarter of the client's fiscal year (msp.quarters); every write
checks that, and that linked recommendations, objectives and assets are the same client's. This module never
imports budgets: budgets builds on roadmaps and calls these services itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.utils import timezone

from alignment import services as alignment_services
from alignment.choices import RecommendationStatus
from alignment.models import Recommendation
from clients.models import Asset, BusinessObjective, Client
from msp.activities import activity_record
from msp.models import MONTHS, Membership, User
from msp.quarters import Quarter
from msp.records import decision_undo_check, record_archive, record_create, record_update
from msp.roles import STAFF_ROLES
from msp.tenancy import history

from .choices import InitiativeStatus, LifecycleDecisionKind, LifecycleReason, RoadmapActivity
from .models import Initiative, LifecycleDecision

# What a caller may set through initiative_create / initiative_update. The decision fields are written by
# initiative_decide only; client, msp and created_by never change after creation.
EDITABLE_FIELDS = frozenset({"title", "title_confirmed", "description", "category", "priority", "status",
                             "start_quarter", "end_quarter", "owner", "estimated_hours", "proposal_amount"})
LINKS = ("recommendations", "objectives", "assets")
DECISIONS = (InitiativeStatus.APPROVED, InitiativeStatus.DECLINED)


# --- checks ---------------------------------------------------------------------------------------------

def quarter_of(client: Client, value: date) -> Quarter:
    """The client's fiscal quarter that `value` starts; a clear error when it starts none."""
    try:
        return Quarter(value, client.fiscal_year_start_month)
    except ValueError:
        month = dict(MONTHS).get(client.fiscal_year_start_month, client.fiscal_year_start_month)
        raise ValidationError(
            f"{value.isoformat()} is not the first day of a quarter of {client.name}’s fiscal year "
            f"(which starts in {month}). Pick a quarter from the list.") from None


def _check_quarters(client: Client, start: date | None, end: date | None, *, changed: set[str]) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in (("start_quarter", start), ("end_quarter", end)):
        # A stored quarter is left alone (the client's fiscal year may have moved since); new ones are checked.
        if value is not None and name in changed:
            try:
                quarter_of(client, value)
            except ValidationError as exc:
                errors[name] = exc.messages
    if end is not None and start is None:
        errors.setdefault("end_quarter", []).append(
            "An initiative in the backlog has no end quarter; set a start quarter first.")
    elif end is not None and start is not None and end < start and "end_quarter" not in errors:
        errors["end_quarter"] = ["The end quarter cannot come before the start quarter."]
    if errors:
        raise ValidationError(errors)


def _check_owner(client: Client, owner: User | None) -> None:
    if owner is None:
        return
    staff = Membership.objects.filter(msp_id=client.msp_id, user=owner, removed_at__isnull=True,
                                      role__in=STAFF_ROLES, user__is_active=True)
    if not staff.exists():
        raise ValidationError({"owner": "Choose an active staff member of your MSP as the owner."})


def _check_links(client: Client, name: str, objects: Iterable | None, *, keep: Iterable = ()) -> list | None:
    """The linked objects, refused unless each is this client's, in the active tenant scope, and live (an
    archived one may stay linked when it already was)."""
    if objects is None:
        return None
    objects = list(dict.fromkeys(objects))
    model = {"recommendations": Recommendation, "objectives": BusinessObjective, "assets": Asset}[name]
    kept = {o.pk for o in keep}
    found = {pk: archived for pk, archived in model.objects.filter(
        pk__in=[o.pk for o in objects], client=client).values_list("pk", "archived_at")}
    label = model._meta.verbose_name
    errors = []
    for obj in objects:
        if obj.pk not in found:
            errors.append(f"{label.capitalize()} “{obj}” is not one of {client.name}’s.")
        elif found[obj.pk] is not None and obj.pk not in kept:
            errors.append(f"{label.capitalize()} “{obj}” is archived; it cannot be linked.")
    if errors:
        raise ValidationError({name: errors})
    return objects


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS - set(LINKS)
    if unknown:
        raise TypeError(f"Initiatives have no editable field(s) {', '.join(sorted(unknown))}.")


def _record_proposal(initiative: Initiative, actor: User | None) -> None:
    """A proposed initiative with a price is a proposal sent; the playbook counts it (once per initiative)."""
    if initiative.status == InitiativeStatus.PROPOSED and initiative.proposal_amount is not None:
        activity_record(msp=initiative.msp, kind=RoadmapActivity.PROPOSAL_SENT, actor=actor,
                        client_id=initiative.client_id, subject_id=initiative.pk)


def _set_links(initiative: Initiative, actor: User | None, links: dict) -> None:
    with history(actor):
        for name, objects in links.items():
            if objects is not None:
                getattr(initiative, name).set(objects, through_defaults={"msp": initiative.msp})


# --- initiatives ----------------------------------------------------------------------------------------

@transaction.atomic
def _check_wording(title: str, confirmed: bool, status: str) -> None:
    if not confirmed and status not in (InitiativeStatus.IDEA, InitiativeStatus.CANCELLED):
        raise ValidationError({"title_confirmed": f"Confirm that “{title}” speaks the client's business language "
                                                  "before it goes further than an idea."})


def client_facing_titles_check(*, client: Client) -> None:
    """Refuse to make a client document while a live recommendation or initiative of `client` still carries a
    title drafted from findings that the vCIO has not confirmed; the error names them (three at most)."""
    recommendations = Recommendation.objects.filter(client=client, archived_at__isnull=True, title_confirmed=False)
    initiatives = Initiative.objects.filter(client=client, archived_at__isnull=True, title_confirmed=False)
    # Up to three of each in one query (a union), recommendations first, each kind by title.
    first = (recommendations.order_by("title").values_list(Value(0), Value("recommendation"), "title")[:3]
             .union(initiatives.order_by("title").values_list(Value(1), Value("initiative"), "title")[:3], all=True))
    drafts = [f"{kind} “{t}”" for _, kind, t in sorted(first, key=lambda row: (row[0], row[2]))]
    if drafts:
        total = recommendations.count() + initiatives.count()
        more = f" and {total - 3} more" if total > 3 else ""
        raise ValidationError(f"Before this reaches {client.name}, confirm the business wording of "
                              f"{', '.join(drafts[:3])}{more}: open each, write what the client gains, and tick "
                              "“Title ready for the client”.")


def initiative_create(*, client: Client, actor: User | None, title: str, **fields) -> Initiative:
    """A new initiative of `client`. `recommendations`, `objectives` and `assets` are lists of that client's
    records, linked after the save; no start quarter puts it in the backlog."""
    _check_fields(fields)
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before planning for it.")
    links = {name: _check_links(client, name, fields.pop(name, None)) for name in LINKS}
    _check_quarters(client, fields.get("start_quarter"), fields.get("end_quarter"),
                    changed={"start_quarter", "end_quarter"})
    _check_owner(client, fields.get("owner"))
    _check_wording(title, fields.get("title_confirmed", True), fields.get("status", InitiativeStatus.IDEA))
    initiative = record_create(Initiative, msp=client.msp, actor=actor, client=client, title=(title or "").strip(),
                               created_by=actor, **fields)
    _set_links(initiative, actor, links)
    _record_proposal(initiative, actor)
    return initiative


@transaction.atomic
def initiative_update(*, initiative: Initiative, actor: User | None, expected_version: int | None,
                      **fields) -> Initiative:
    """Change an initiative; refused when someone saved it since `expected_version`. A link list left out (or
    None) keeps the links. Setting the status to approved or declined records who decided and when."""
    _check_fields(fields)
    client = initiative.client
    if initiative.archived_at is not None:
        raise ValidationError(f"“{initiative.title}” is archived; it can no longer change.")
    if client.is_archived:
        raise ValidationError(f"{client.name} is archived; restore it before changing its roadmap.")
    links = {name: _check_links(client, name, fields.pop(name, None), keep=getattr(initiative, name).all())
             for name in LINKS}
    changed = {name for name in ("start_quarter", "end_quarter")
               if name in fields and fields[name] != getattr(initiative, name)}
    _check_quarters(client, fields.get("start_quarter", initiative.start_quarter),
                    fields.get("end_quarter", initiative.end_quarter), changed=changed)
    if "owner" in fields and fields["owner"] != initiative.owner:
        _check_owner(client, fields["owner"])
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    status = fields.get("status", initiative.status)
    _check_wording(fields.get("title", initiative.title), fields.get("title_confirmed", initiative.title_confirmed),
                   status)
    if status != initiative.status:
        if status in DECISIONS:
            fields.update(decided_at=timezone.now(), decided_by=actor)
        elif status in (InitiativeStatus.IDEA, InitiativeStatus.PROPOSED):
            # Back to the drawing board: the earlier decision no longer stands.
            fields.update(decided_at=None, decided_by=None)
    initiative = record_update(initiative, actor=actor, expected_version=expected_version, **fields)
    _set_links(initiative, actor, links)
    _record_proposal(initiative, actor)
    return initiative


def span_of(initiative: Initiative, fy_start_month: int) -> int:
    """How many quarters an initiative covers (1 when it has no end quarter)."""
    if initiative.start_quarter is None or initiative.end_quarter is None:
        return 1
    start = Quarter.containing(initiative.start_quarter, fy_start_month)
    end = Quarter.containing(initiative.end_quarter, fy_start_month)
    months = (end.start.year - start.start.year) * 12 + end.start.month - start.start.month
    return max(1, months // 3 + 1)


@transaction.atomic
def initiative_move(*, initiative: Initiative, actor: User | None, start_quarter: date | None,
                    expected_version: int | None) -> Initiative:
    """Place the initiative from `start_quarter`, keeping how many quarters it spans; None sends it back to the
    backlog (and clears its end quarter)."""
    if start_quarter is None:
        return initiative_update(initiative=initiative, actor=actor, expected_version=expected_version,
                                 start_quarter=None, end_quarter=None)
    client = initiative.client
    try:
        start = quarter_of(client, start_quarter)
    except ValidationError as exc:
        raise ValidationError({"start_quarter": exc.messages}) from None
    span = span_of(initiative, client.fiscal_year_start_month)
    end = start.shift(span - 1).start if initiative.end_quarter is not None else None
    return initiative_update(initiative=initiative, actor=actor, expected_version=expected_version,
                             start_quarter=start.start, end_quarter=end)


@transaction.atomic
def initiative_archive(*, initiative: Initiative, actor: User | None) -> Initiative:
    return record_archive(initiative, actor=actor)


@transaction.atomic
def initiative_decide(*, initiative: Initiative, actor: User | None, decision: str, note: str = "",
                      expected_version: int | None = None) -> Initiative:
    """The client's decision on a proposed initiative: approved or declined, with who, when and a note."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Decide “approved” or “declined”."})
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.archived_at is not None:
        raise ValidationError(f"“{initiative.title}” is archived; it can no longer be decided.")
    if initiative.status != InitiativeStatus.PROPOSED:
        raise ValidationError({"status": f"Only a proposed initiative can be approved or declined; "
                                         f"“{initiative.title}” is {initiative.get_status_display().lower()}."})
    return record_update(initiative, actor=actor, expected_version=expected_version, status=decision,
                         decided_at=timezone.now(), decided_by=actor, decision_note=(note or "").strip())


@transaction.atomic
def initiative_decision_undo(*, initiative: Initiative, actor: User) -> Initiative:
    """Take back the client's decision shortly after it was made (msp.records.decision_undo_check): the
    initiative is proposed again, with no decision recorded; the history keeps both steps."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    decision_undo_check(what=initiative.title, decided_at=initiative.decided_at,
                        decided_by_id=initiative.decided_by_id, actor=actor,
                        still_decided=initiative.status in DECISIONS and initiative.archived_at is None)
    return record_update(initiative, actor=actor, status=InitiativeStatus.PROPOSED, decided_at=None,
                         decided_by=None, decision_note="")


def live_initiative_recommendations(recommendations: Iterable[Recommendation]) -> set:
    """Ids of those recommendations already on the roadmap (linked to a live initiative)."""
    return set(Initiative.recommendations.through.objects.filter(
        recommendation__in=list(recommendations), initiative__archived_at__isnull=True,
    ).values_list("recommendation_id", flat=True))


@transaction.atomic
def initiatives_from_recommendations(*, client: Client, actor: User | None,
                                     recommendations: list[Recommendation]) -> list[Initiative]:
    """One initiative per recommendation, in the backlog as an idea, with its title, description and priority,
    linked to it. Refuses (and creates nothing) when any is already on the roadmap. Open recommendations are
    marked "on the roadmap"."""
    recommendations = list(dict.fromkeys(recommendations))
    if not recommendations:
        raise ValidationError({"recommendations": "Select at least one recommendation."})
    _check_links(client, "recommendations", recommendations)
    on_roadmap = live_initiative_recommendations(recommendations)
    if on_roadmap:
        titles = ", ".join(f"“{r.title}”" for r in recommendations if r.pk in on_roadmap)
        raise ValidationError({"recommendations": f"Already on the roadmap: {titles}. Nothing was created."})
    created = []
    for rec in recommendations:
        created.append(initiative_create(client=client, actor=actor, title=rec.title[:200],
                                         title_confirmed=rec.title_confirmed,
                                         description=rec.description, priority=rec.priority,
                                         status=InitiativeStatus.IDEA, recommendations=[rec]))
        if rec.status == RecommendationStatus.OPEN:
            alignment_services.recommendation_update(recommendation=rec, actor=actor,
                                                     status=RecommendationStatus.PLANNED)
    return created


# --- asset lifecycle ------------------------------------------------------------------------------------

def lifecycle_date(asset: Asset, reason: str) -> date | None:
    """The asset's date for a lifecycle reason (end of life = purchase date + expected life)."""
    if reason == LifecycleReason.WARRANTY_END:
        return asset.warranty_end
    if reason == LifecycleReason.END_OF_SUPPORT:
        return asset.end_of_support
    if reason == LifecycleReason.END_OF_LIFE:
        if asset.purchase_date is None or not asset.expected_life_years:
            return None
        purchased = asset.purchase_date
        year = purchased.year + asset.expected_life_years
        try:
            return purchased.replace(year=year)
        except ValueError:  # bought on 29 February
            return purchased.replace(year=year, day=28)
    raise ValidationError({"reason": f"Unknown lifecycle reason “{reason}”."})


def _check_suggestion(client: Client, asset: Asset, reason: str, due_date: date) -> None:
    if not Asset.objects.filter(pk=asset.pk, client=client).exists():
        raise ValidationError({"asset": f"Asset “{asset}” is not one of {client.name}’s."})
    if reason not in LifecycleReason.values:
        raise ValidationError({"reason": f"Unknown lifecycle reason “{reason}”."})
    if lifecycle_date(asset, reason) != due_date:
        raise ValidationError(
            f"The {LifecycleReason(reason).label.lower()} date of “{asset}” is no longer {due_date.isoformat()}; "
            "reload the roadmap to see the current suggestions.")


@transaction.atomic
def lifecycle_dismiss(*, client: Client, actor: User | None, asset: Asset, reason: str,
                      due_date: date) -> LifecycleDecision:
    """Dismiss one lifecycle suggestion: it stays dismissed for this asset, reason and date."""
    _check_suggestion(client, asset, reason, due_date)
    existing = LifecycleDecision.objects.filter(asset=asset, reason=reason, due_date=due_date).first()
    if existing is not None:
        if existing.decision == LifecycleDecisionKind.DISMISSED:
            return existing
        raise ValidationError(f"This suggestion for “{asset}” was already accepted.")
    return record_create(LifecycleDecision, msp=client.msp, actor=actor, client=client, asset=asset,
                         reason=reason, due_date=due_date, decision=LifecycleDecisionKind.DISMISSED,
                         decided_by=actor)


@transaction.atomic
def lifecycle_record_accepted(*, client: Client, actor: User | None, asset: Asset, reason: str, due_date: date,
                              initiative: Initiative) -> LifecycleDecision:
    """Record that a suggestion was accepted into `initiative` (budgets' accept flow creates the initiative and
    its budget lines, then calls this); the suggestion no longer shows."""
    _check_suggestion(client, asset, reason, due_date)
    if initiative.client_id != client.pk:
        raise ValidationError({"initiative": "Choose an initiative of the same client."})
    if LifecycleDecision.objects.filter(asset=asset, reason=reason, due_date=due_date).exists():
        raise ValidationError(f"This suggestion for “{asset}” was already decided.")
    return record_create(LifecycleDecision, msp=client.msp, actor=actor, client=client, asset=asset,
                         reason=reason, due_date=due_date, decision=LifecycleDecisionKind.ACCEPTED,
                         initiative=initiative, decided_by=actor)
