"""Staff pages of a client's budget: lines with rollups and chart, line forms, presenting a version, the
versions presented so far.

Views stay thin: objects are fetched inside the tenant scope (another MSP's id is a 404), forms validate,
every write goes through budgets.services.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from msp.charts import stacked_bar_chart
from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import selectors, services
from .forms import BudgetLineForm, PresentForm
from .models import BudgetLine, BudgetVersion


def _client(client_id) -> Client:
    return get_in_scope(Client.objects.select_related("msp"), pk=client_id)


def _budget_url(client: Client, anchor: str = "") -> str:
    return reverse("budget_detail", kwargs={"client_id": client.pk}) + (f"#{anchor}" if anchor else "")


def _stale() -> str:
    return ("This budget line was changed by someone else while you were editing. Nothing was saved. "
            "Reload the page to see their changes, then apply yours again.")


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def budget_detail(request, client_id):
    client = _client(client_id)
    quarters = selectors.client_horizon(client=client)
    budget = selectors.client_budget(client=client, quarters=quarters)
    currency = request.msp.currency
    initiatives = list({line.initiative_id: line.initiative for line in [*budget.lines, *budget.excluded]
                        if line.initiative is not None}.values())
    prices = selectors.initiative_prices(budget=budget, initiatives=initiatives)
    return render(request, "budgets/budget_detail.html", {
        "client": client,
        "budget": budget,
        "initiative_prices": sorted(((i, prices[i.pk]) for i in initiatives),
                                    key=lambda pair: (-pair[1].sort_key, pair[0].title)),
        "quarter_rollups": list(budget.quarters.values()),
        "year_rollups": list(budget.years.values()),
        "chart": selectors.budget_chart(budget, currency=currency),
        "changes": selectors.budget_changes_since_presented(client=client),
        "versions": list(selectors.version_list(client=client)[:5]),
        "present_form": PresentForm(),
        "can_edit": can(request.role, Perm.EDIT_BUDGETS) and not client.is_archived,
        "currency": currency,
    })


def _line_form_page(request, client: Client, line: BudgetLine | None):
    quarters = selectors.client_horizon(client=client)
    form = BudgetLineForm(request.POST or None, instance=line, client=client, quarters=quarters)
    title = str(line) if line else ""
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if line is None:
                line = services.budget_line_create(client=client, actor=request.user, **fields)
                messages.success(request, f"Budget line “{line}” added.")
            else:
                services.budget_line_update(line=line, actor=request.user, expected_version=form.expected_version,
                                            **fields)
                messages.success(request, f"Budget line “{line}” saved.")
        except StaleVersionError:
            form.add_error(None, _stale())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect(_budget_url(client, "lines"))
    return render(request, "budgets/line_form.html", {"form": form, "client": client, "line": line,
                                                      "title": title})


@require_perm(Perm.EDIT_BUDGETS)
def budget_line_create(request, client_id):
    client = _client(client_id)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before changing its budget.")
        return redirect(_budget_url(client))
    return _line_form_page(request, client, None)


@require_perm(Perm.EDIT_BUDGETS)
def budget_line_edit(request, client_id, line_id):
    client = _client(client_id)
    line = get_in_scope(BudgetLine.objects.select_related("client"), pk=line_id, client=client,
                        archived_at__isnull=True)
    if client.is_archived:
        messages.error(request, f"{client.name} is archived; restore it before changing its budget.")
        return redirect(_budget_url(client))
    return _line_form_page(request, client, line)


@require_perm(Perm.EDIT_BUDGETS)
@require_POST
def budget_line_archive(request, client_id, line_id):
    client = _client(client_id)
    line = get_in_scope(BudgetLine, pk=line_id, client=client)
    services.budget_line_archive(line=line, actor=request.user)
    messages.success(request, f"Budget line “{line}” archived.")
    return redirect(_budget_url(client, "lines"))


@require_perm(Perm.EDIT_BUDGETS)
@require_POST
def budget_line_decide(request, client_id, line_id):
    """POST `decision` (approved / declined) and an optional `note`: staff record the client's answer on a
    proposed line of no initiative (e.g. given in a meeting); the client may also decide it in the portal."""
    client = _client(client_id)
    line = get_in_scope(BudgetLine.objects.select_related("client"), pk=line_id, client=client,
                        archived_at__isnull=True)
    try:
        line = services.budget_line_decide(line=line, actor=request.user, decision=request.POST.get("decision", ""),
                                           note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_budget_url(client, "lines"))
    messages.success(request, f"Recorded: {client.name} {line.get_decision_display().lower()} “{line}”.")
    return redirect(_budget_url(client, "lines"))


@require_perm(Perm.EDIT_BUDGETS)
@require_POST
def budget_present(request, client_id):
    client = _client(client_id)
    form = PresentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long (2,000 characters at most). Nothing was presented.")
        return redirect(_budget_url(client))
    try:
        version = services.budget_present(client=client, actor=request.user, note=form.cleaned_data["note"])
    except services.BudgetUnchanged as exc:
        messages.info(request, exc.messages[0])
        return redirect("budget_version_detail", client_id=client.pk, version_id=exc.version.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_budget_url(client))
    messages.success(request, f"Budget v{version.number} presented. Changes from now on are compared with it.")
    return redirect("budget_version_detail", client_id=client.pk, version_id=version.pk)


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def budget_versions(request, client_id):
    client = _client(client_id)
    return render(request, "budgets/version_list.html", {
        "client": client,
        "versions": selectors.version_list(client=client),
        "currency": request.msp.currency,
    })


def _snapshot_chart(snapshot: dict, currency: str):
    quarters = snapshot.get("quarters") or []
    return stacked_bar_chart(
        [q.get("label", "") for q in quarters],
        [("One-time", [Decimal(q.get("one_time", {}).get("price", "0")) for q in quarters]),
         ("Recurring", [Decimal(q.get("recurring", {}).get("price", "0")) for q in quarters])],
        title="Budget by quarter as presented (price to the client)",
        money_format=lambda v: selectors.short_money(v, currency))


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def budget_version_detail(request, client_id, version_id):
    client = _client(client_id)
    version = get_in_scope(BudgetVersion.objects.select_related("presented_by"), pk=version_id, client=client)
    snapshot = version.snapshot or {}
    currency = snapshot.get("currency") or request.msp.currency
    latest = selectors.last_presented(client=client)
    return render(request, "budgets/version_detail.html", {
        "client": client,
        "version": version,
        "snapshot": snapshot,
        "lines": snapshot.get("lines") or [],
        "quarters": snapshot.get("quarters") or [],
        "years": snapshot.get("years") or [],
        "total": snapshot.get("total") or {},
        "chart": _snapshot_chart(snapshot, currency),
        "currency": currency,
        "is_latest": latest is not None and latest.pk == version.pk,
    })
