"""The page action that makes a client's roadmap PDF: a background job, followed on the job page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clients.models import Client
from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from . import reports

# Making (and optionally publishing) a client-facing document is for the people who own the client
# relationship: owner and vCIO (the same permission publishes documents).
REPORT_PERM = Perm.EDIT_CLIENTS


def _back(request, client: Client) -> str:
    """Where to show an error: the page the form was on, else the client's documents."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return reverse("client_documents", kwargs={"client_id": client.pk})


@require_perm(REPORT_PERM)
@require_POST
def roadmap_report_create(request, client_id):
    """POST (field `publish`: a checkbox) -> the job page."""
    client = get_in_scope(Client.objects.select_related("msp"), pk=client_id)
    publish = request.POST.get("publish") in {"1", "on", "true", "yes"}
    try:
        job = reports.roadmap_report_enqueue(client=client, actor=request.user, publish=publish)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request, client))
    return redirect("job_detail", job_id=job.pk)
