"""Accepting asset lifecycle suggestions: an initiative on the roadmap plus budget lines for the
replacement costs (budgets builds on roadmaps, so the combined write lives here)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from clients.models import Client
from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from . import services


def _back(client: Client) -> str:
    """The roadmap page the suggestions were shown on; the budget page until that page exists."""
    try:
        return reverse("roadmap_detail", kwargs={"client_id": client.pk})
    except NoReverseMatch:
        return reverse("budget_detail", kwargs={"client_id": client.pk})


@require_perm(Perm.EDIT_BUDGETS)
@require_POST
def lifecycle_accept(request, client_id):
    """POST `asset`, `reason` and `due_date`, repeated once per accepted suggestion (in the same order)."""
    client = get_in_scope(Client, pk=client_id)
    assets, reasons, dates = (request.POST.getlist(name) for name in ("asset", "reason", "due_date"))
    if not (len(assets) == len(reasons) == len(dates)):
        messages.error(request, "Each suggestion needs its asset, reason and date. Nothing was accepted.")
        return redirect(_back(client))
    try:
        initiative = services.lifecycle_accept(client=client, actor=request.user,
                                               suggestions=list(zip(assets, reasons, dates, strict=True)))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        lines = initiative.budget_lines.filter(archived_at__isnull=True).count()
        messages.success(request, f"“{initiative.title}” added to the roadmap as an idea, with {lines} budget "
                                  f"line{'s' if lines != 1 else ''} for the replacement costs.")
    return redirect(_back(client))
