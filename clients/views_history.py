"""The change history of a client and everything it holds, read from pghistory's trigger-made events."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from pghistory.models import Events

from msp.audit import describe_event, meaningful, user_names
from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from .models import Client

# What the page calls each kind of record.
NOUNS = {
    "clients.ClientEvent": "client",
    "clients.ContactEvent": "contact",
    "clients.BusinessObjectiveEvent": "objective",
    "clients.AssetEvent": "asset",
    "clients.ClientAccessEvent": "portal access",
}


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_history(request, client_id):
    client = get_in_scope(Client, pk=client_id)
    events = Events.objects.references(client).order_by("-pgh_created_at", "-pgh_id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    users = user_names(rows)
    entries = meaningful([describe_event(e, users, NOUNS) for e in rows])
    return render(request, "clients/client_history.html", {"client": client, "entries": entries, "page": page})
