"""The client portal: what a client's decision maker sees. Only their own client, never staff pages.

Besides the published documents, the portal lists the client's proposed initiatives for the decision
maker to approve or decline (roadmaps.services.initiative_decide records who and when). The portal is
wiring at the top of the layers, so it may read the roadmap and the budget.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from msp.quarters import Quarter
from msp.roles import Perm, can
from msp.tenancy import get_in_scope

from .documents import published_documents
from .models import Client
from .selectors import portal_access_for
from .views_documents import document_response

NOTE_LIMIT = 2000
# How many earlier decisions the portal shows.
DECISIONS_SHOWN = 10


def portal_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.role, Perm.USE_PORTAL):
            raise Http404
        access = portal_access_for(request.user)
        if access is None:
            raise Http404
        request.portal_client = access.client
        return view(request, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Proposal:
    """A proposed initiative as the decision maker sees it."""

    initiative: object
    when: str
    price: Decimal | None
    one_time: Decimal
    monthly: Decimal


def _when(initiative, fy_start_month: int) -> str:
    if initiative.start_quarter is None:
        return "Not scheduled yet"
    start = Quarter.containing(initiative.start_quarter, fy_start_month)
    end = Quarter.containing(initiative.end_quarter, fy_start_month) if initiative.end_quarter else start
    return start.label if start == end else f"{start.label} – {end.label}"


def _initiatives(client: Client):
    from roadmaps.choices import InitiativeStatus
    from roadmaps.models import Initiative

    live = Initiative.objects.filter(client=client, archived_at__isnull=True)
    proposed = list(live.filter(status=InitiativeStatus.PROPOSED))
    decided = list(live.filter(decided_at__isnull=False).exclude(status=InitiativeStatus.PROPOSED)
                   .select_related("decided_by").order_by("-decided_at")[:DECISIONS_SHOWN])
    return proposed, decided


def _proposals(client: Client, initiatives: list) -> list[Proposal]:
    """Each proposal with its price: the quoted price when there is one, else what its budget lines cost
    over the plan; and the one-time and monthly parts of its budget lines."""
    if not initiatives:
        return []
    from budgets.selectors import client_budget, client_horizon
    from roadmaps.reports import InitiativeCost, initiative_costs

    costs = initiative_costs(client_budget(client=client, quarters=client_horizon(client=client)))
    out = []
    for initiative in initiatives:
        cost = costs.get(initiative.pk, InitiativeCost())
        price = initiative.proposal_amount if initiative.proposal_amount is not None else (cost.plan or None)
        out.append(Proposal(initiative=initiative, when=_when(initiative, client.fiscal_year_start_month),
                            price=price, one_time=cost.one_time, monthly=cost.monthly))
    return out


@portal_view
def portal_home(request):
    client = request.portal_client
    proposed, decided = _initiatives(client)
    return render(request, "clients/portal/home.html", {
        "client": client,
        "documents": published_documents(client=client),
        "proposals": _proposals(client, proposed),
        "decided": [(i, _when(i, client.fiscal_year_start_month)) for i in decided],
    })


@portal_view
@require_GET
def portal_document_download(request, document_id):
    """A published, current document of the portal user's own client; anything else is not found."""
    document = get_in_scope(published_documents(client=request.portal_client).select_related("client"),
                            pk=document_id)
    return document_response(document)


@portal_view
@require_POST
def portal_initiative_decide(request, initiative_id):
    """POST `decision` (approved / declined) and an optional `note`: the decision maker's answer to a
    proposed initiative of their own client (another client's is not found)."""
    from roadmaps.models import Initiative
    from roadmaps.services import initiative_decide

    initiative = get_in_scope(Initiative.objects.filter(client=request.portal_client, archived_at__isnull=True),
                              pk=initiative_id)
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "").strip()
    back = reverse("portal_home") + "#approvals"
    if len(note) > NOTE_LIMIT:
        messages.error(request, f"Keep the note under {NOTE_LIMIT} characters; nothing was decided.")
        return redirect(back)
    try:
        with transaction.atomic():
            initiative = initiative_decide(initiative=initiative, actor=request.user, decision=decision,
                                           note=note)
            told = _tell_vcio(request.portal_client, initiative, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    verb = "approved" if initiative.status == "approved" else "declined"
    messages.success(request, f"You {verb} “{initiative.title}”."
                     + (" Your vCIO has been told." if told else ""))
    return redirect(back)


def _tell_vcio(client: Client, initiative, user) -> bool:
    """A notification for the client's vCIO, linking to the roadmap; False when the client has none."""
    from msp.activities import notification_create

    if client.vcio is None:
        return False
    try:
        url = reverse("roadmap_detail", kwargs={"client_id": client.pk})
    except NoReverseMatch:
        url = ""
    verb = "approved" if initiative.status == "approved" else "declined"
    note = f"Their note: {initiative.decision_note}" if initiative.decision_note else ""
    notification_create(msp=client.msp, user=client.vcio, url=url, body=note,
                        title=f"{user.display_name} ({client.name}) {verb} “{initiative.title}”")
    return True
