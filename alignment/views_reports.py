"""The page action that makes a review's alignment report: a background job, followed on the job page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from msp.permissions import require_perm
from msp.roles import Perm
from msp.tenancy import get_in_scope

from . import reports
from .models import Review

# Making (and optionally publishing) a client-facing document is for the people who own the client
# relationship: owner and vCIO.
REPORT_PERM = Perm.EDIT_CLIENTS


def _back(request, review: Review) -> str:
    """Where to show an error: the page the form was on, else the review's page, else the documents."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    try:
        return reverse("review_detail", kwargs={"review_id": review.pk})
    except NoReverseMatch:
        return reverse("client_documents", kwargs={"client_id": review.client_id})


@require_perm(REPORT_PERM)
@require_POST
def review_report_create(request, review_id):
    """POST (field `publish`: a checkbox) -> the job page; only a completed review has a report."""
    review = get_in_scope(Review.objects.select_related("client", "msp"), pk=review_id)
    publish = request.POST.get("publish") in {"1", "on", "true", "yes"}
    try:
        job = reports.alignment_report_enqueue(review=review, actor=request.user, publish=publish)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request, review))
    return redirect("job_detail", job_id=job.pk)
