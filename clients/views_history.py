"""The change history of a client and everything it holds, read from pghistory's trigger-made events."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from pghistory.models import Events

from msp.models import User
from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from .models import Asset, BusinessObjective, Client, ClientAccess, Contact

# Bookkeeping columns that change on every save and say nothing to a reader.
HIDDEN_FIELDS = {"updated_at", "created_at", "version", "msp", "id", "token_hash"}
WHAT = {
    "clients.ClientEvent": ("client", Client),
    "clients.ContactEvent": ("contact", Contact),
    "clients.BusinessObjectiveEvent": ("objective", BusinessObjective),
    "clients.AssetEvent": ("asset", Asset),
    "clients.ClientAccessEvent": ("portal access", ClientAccess),
}
VERBS = {"insert": "created", "update": "changed"}


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # noqa: BLE001 - a field since removed keeps its raw name
        return name


def describe(event, users: dict[str, str]) -> dict:
    noun, model = WHAT.get(event.pgh_model, ("record", None))
    data = event.pgh_data or {}
    name = data.get("name") or data.get("title") or data.get("email") or ""
    changes = []
    if event.pgh_label == "update" and event.pgh_diff:
        for field, (before, after) in sorted(event.pgh_diff.items()):
            if field in HIDDEN_FIELDS:
                continue
            if field in {"vcio_id", "tam_id", "user_id", "invited_by_id"}:
                before, after = users.get(str(before), before), users.get(str(after), after)
            label = _field_label(model, field) if model else field
            changes.append({"field": label, "before": before, "after": after})
    context = event.pgh_context or {}
    actor = users.get(str(context.get("user")), "") if isinstance(context, dict) else ""
    return {"at": event.pgh_created_at, "noun": noun, "name": name, "verb": VERBS.get(event.pgh_label,
            event.pgh_label), "changes": changes, "actor": actor or "system"}


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_history(request, client_id):
    client = get_in_scope(Client, pk=client_id)
    events = Events.objects.references(client).order_by("-pgh_created_at", "-pgh_id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    user_ids = set()
    for e in page.object_list:
        context = e.pgh_context or {}
        if isinstance(context, dict) and context.get("user"):
            user_ids.add(str(context["user"]))
        for field in ("vcio_id", "tam_id"):
            for value in (e.pgh_diff or {}).get(field, []) or []:
                if value:
                    user_ids.add(str(value))
    users = {str(u.pk): u.display_name
             for u in User.objects.filter(pk__in=[i for i in user_ids if i.isdigit()])}
    entries = [describe(e, users) for e in page.object_list]
    # Updates that touched only bookkeeping columns are noise.
    entries = [e for e in entries if e["verb"] != "changed" or e["changes"]]
    return render(request, "clients/client_history.html", {"client": client, "entries": entries, "page": page})
