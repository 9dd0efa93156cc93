"""Accepting asset lifecycle suggestions: an initiative on the roadmap plus budget lines for the
replacement costs (budgets builds on roadmaps, so the combined write lives here)."""

from django.http import Http404
from django.views.decorators.http import require_POST

from msp.permissions import require_perm
from msp.roles import Perm


@require_perm(Perm.EDIT_CLIENTS)
@require_POST
def lifecycle_accept(request, client_id):
    raise Http404
