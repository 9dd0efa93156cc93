"""Staff pages of the roadmap: the 12-quarter board with its backlog and lifecycle suggestions, initiative
create / edit / archive / move, and initiatives from recommendations.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), forms validate,
writes go through roadmaps.services. Costs on the cards are read from budgets' selectors (pages may read
budgets; roadmaps' models and services never import it).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from budgets import selectors as budget_selectors
from clients.models import Asset, Client
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.quarters import Quarter
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import selectors, services
from .choices import LifecycleReason
from .forms import FromRecommendationsForm, InitiativeForm, MoveForm, RoadmapFilterForm
from .models import Initiative


def _today() -> date:
    return timezone.localdate()


def _horizon(client: Client) -> list[Quarter]:
    """The three fiscal years shown: budgets' horizon, so the roadmap and the budget show the same quarters."""
    return list(budget_selectors.client_horizon(client=client, today=_today()))


def _prices(client: Client, quarters: list[Quarter], initiatives: list[Initiative]) -> dict:
    """initiative id -> its price (budgets.selectors.InitiativePrice), as the portal and the PDF show it."""
    budget = budget_selectors.client_budget(client=client, quarters=quarters)
    return budget_selectors.initiative_prices(budget=budget, initiatives=initiatives)


def _client(client_id) -> Client:
    return get_in_scope(Client.objects.select_related("vcio", "tam"), pk=client_id)


def _initiative(initiative_id) -> Initiative:
    return get_in_scope(Initiative.objects.select_related("client", "owner"), pk=initiative_id)


def _roadmap_url(client: Client, anchor: str = "") -> str:
    return reverse("roadmap_detail", kwargs={"client_id": client.pk}) + (f"#{anchor}" if anchor else "")


def _stale(initiative: Initiative) -> str:
    return (f"“{initiative.title}” was changed by someone else since you opened this page. Nothing was saved. "
            "Reload the page to see their changes, then apply yours again.")


def _posted(request):
    """The posted data of a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- the roadmap ----------------------------------------------------------------------------------------

def _roadmap_context(request, client: Client) -> dict:
    """What the roadmap page shows, filtered by the query string: the page and the in-place board share it."""
    quarters = _horizon(client)
    filter_form = RoadmapFilterForm(request.GET or None)
    filters = filter_form.filters()
    board = selectors.roadmap_board(client=client, quarters=quarters, **filters)
    prices = _prices(client, quarters, board.initiatives)
    for initiative in board.initiatives:
        initiative.price = prices[initiative.pk]
    return {
        "client": client,
        "board": board,
        "quarters": quarters,
        "filter_form": filter_form,
        "filtered": any(filters.values()),
        "can_edit": can(request.role, Perm.EDIT_ROADMAPS) and not client.is_archived,
    }


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def roadmap_detail(request, client_id):
    client = _client(client_id)
    context = _roadmap_context(request, client)
    suggestions = selectors.lifecycle_suggestions(client=client, quarters=context["quarters"])
    context.update({
        "groups": selectors.lifecycle_groups(suggestions),
        "suggestion_count": len(suggestions),
        "open_recommendations": (len(selectors.recommendations_off_roadmap(client=client))
                                 if context["can_edit"] else 0),
    })
    return render(request, "roadmaps/roadmap_detail.html", context)


# --- initiatives ----------------------------------------------------------------------------------------

def _form_page(request, client, form, initiative=None, status=200):
    return render(request, "roadmaps/initiative_form.html",
                  {"client": client, "form": form, "initiative": initiative,
                   "title": initiative.title if initiative else ""}, status=status)


@require_perm(Perm.EDIT_ROADMAPS)
def initiative_create(request, client_id):
    client = _client(client_id)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before planning for it.")
        return redirect("roadmap_detail", client_id=client.pk)
    initial = {}
    quarter = request.GET.get("quarter")
    if quarter:
        initial["start_quarter"] = quarter
    form = InitiativeForm(_posted(request), client=client, msp=request.msp, quarters=_horizon(client),
                          initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(client=client, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Initiative “{initiative.title}” added to the roadmap.")
            return redirect(_roadmap_url(client, f"initiative-{initiative.pk}"))
    return _form_page(request, client, form, status=400 if form.errors else 200)


@require_perm(Perm.EDIT_ROADMAPS)
def initiative_edit(request, initiative_id):
    initiative = _initiative(initiative_id)
    client = initiative.client
    if initiative.archived_at is not None or client.is_archived:
        what = f"“{initiative.title}”" if initiative.archived_at is not None else client.name
        messages.error(request, f"{what} is archived; it can no longer change.")
        return redirect("roadmap_detail", client_id=client.pk)
    form = InitiativeForm(_posted(request), client=client, msp=request.msp, quarters=_horizon(client),
                          initiative=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(initiative=initiative, actor=request.user,
                                       expected_version=form.expected_version, **form.service_fields())
        except StaleVersionError:
            form.add_error(None, _stale(initiative))
            return _form_page(request, client, form, initiative, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Initiative “{initiative.title}” saved.")
            return redirect(_roadmap_url(client, f"initiative-{initiative.pk}"))
    return _form_page(request, client, form, initiative, status=400 if form.errors else 200)


@require_perm(Perm.EDIT_ROADMAPS)
@require_POST
def initiative_archive(request, initiative_id):
    initiative = _initiative(initiative_id)
    services.initiative_archive(initiative=initiative, actor=request.user)
    messages.success(request, f"Initiative “{initiative.title}” archived; it no longer shows on the roadmap.")
    return redirect("roadmap_detail", client_id=initiative.client_id)


@require_perm(Perm.EDIT_ROADMAPS)
@require_POST
def initiative_move(request, initiative_id):
    """A move from the board. htmx (drag and drop, or the arrow keys on a card) gets the board and backlog
    re-rendered in place with the filters of its query string, or the refusal as text with its status;
    `Accept: application/json` gets JSON; a plain form post is redirected back to the roadmap."""
    initiative = _initiative(initiative_id)
    client = initiative.client
    form = MoveForm(request.POST)
    error, status, message = None, 200, ""
    if not form.is_valid():
        error, status = " ".join(e for errors in form.errors.values() for e in errors), 400
    else:
        try:
            initiative = services.initiative_move(initiative=initiative, actor=request.user,
                                                  start_quarter=form.cleaned_data["start_quarter"],
                                                  expected_version=form.cleaned_data["version"])
        except StaleVersionError:
            error, status = (f"“{initiative.title}” was changed by someone else since this page was loaded, so it "
                             "was not moved. Reload the page to see the current roadmap, then move it again."), 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
    if error is None:
        where = (Quarter.containing(initiative.start_quarter, client.fiscal_year_start_month).label
                 if initiative.start_quarter else "the backlog")
        message = f"Moved “{initiative.title}” to {where}."
    if request.headers.get("HX-Request"):
        if error is not None:
            return HttpResponse(error, status=status, content_type="text/plain; charset=utf-8")
        context = _roadmap_context(request, client)
        context["moved"] = {"message": message, "initiative": initiative.pk}
        return render(request, "roadmaps/includes/workspace.html", context)
    if _wants_json(request):
        if error is not None:
            return JsonResponse({"ok": False, "error": error}, status=status)
        messages.success(request, message)  # shown when the page reloads
        return JsonResponse({"ok": True, "message": message, "version": initiative.version,
                             "start_quarter": initiative.start_quarter.isoformat() if initiative.start_quarter
                             else None,
                             "end_quarter": initiative.end_quarter.isoformat() if initiative.end_quarter else None})
    if error is not None:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(_roadmap_url(client, f"initiative-{initiative.pk}"))


# --- from recommendations -------------------------------------------------------------------------------

@require_perm(Perm.EDIT_ROADMAPS)
def from_recommendations(request, client_id):
    client = _client(client_id)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before planning for it.")
        return redirect("roadmap_detail", client_id=client.pk)
    choices = selectors.recommendations_off_roadmap(client=client)
    form = FromRecommendationsForm(_posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.initiatives_from_recommendations(
                client=client, actor=request.user, recommendations=list(form.cleaned_data["recommendations"]))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            count = len(created)
            messages.success(request, f"{count} initiative{'s' if count != 1 else ''} added to the backlog: "
                                      + ", ".join(f"“{i.title}”" for i in created) + ".")
            return redirect(_roadmap_url(client, "backlog"))
    return render(request, "roadmaps/from_recommendations.html",
                  {"client": client, "form": form, "choices": choices,
                   "selected": set(request.POST.getlist("recommendations"))}, status=400 if form.errors else 200)


# --- lifecycle suggestions ------------------------------------------------------------------------------

def _posted_suggestions(request, client: Client) -> list[tuple[Asset, str, date]]:
    """(asset, reason, due date) triples from repeated `asset`, `reason`, `due_date` fields."""
    assets, reasons, dates = (request.POST.getlist(n) for n in ("asset", "reason", "due_date"))
    if not assets or not len(assets) == len(reasons) == len(dates):
        raise ValidationError("Choose at least one suggestion.")
    out = []
    for asset_id, reason, due in zip(assets, reasons, dates, strict=True):
        asset = get_in_scope(Asset, pk=asset_id, client=client)
        if reason not in LifecycleReason.values:
            raise ValidationError(f"Unknown lifecycle reason “{reason}”.")
        try:
            out.append((asset, reason, date.fromisoformat(due)))
        except ValueError:
            raise ValidationError(f"“{due}” is not a date.") from None
    return out


@require_perm(Perm.EDIT_ROADMAPS)
@require_POST
def lifecycle_dismiss(request, client_id):
    client = _client(client_id)
    try:
        with transaction.atomic():  # all of a group or none
            posted = _posted_suggestions(request, client)
            for asset, reason, due in posted:
                services.lifecycle_dismiss(client=client, actor=request.user, asset=asset, reason=reason,
                                           due_date=due)
    except ValidationError as exc:
        messages.error(request, "Nothing was dismissed: " + " ".join(exc.messages))
    else:
        names = ", ".join(f"“{asset.name}”" for asset, _, _ in posted)
        messages.success(request, f"Dismissed the lifecycle suggestion{'s' if len(posted) != 1 else ''} for {names}. "
                                  "They will not be suggested again for these dates.")
    return redirect(_roadmap_url(client, "lifecycle"))
