from django.shortcuts import render

from msp.permissions import require_perm
from msp.roles import Perm

from . import selectors


@require_perm(Perm.VIEW_CLIENTS)
def client_list(request):
    qs = selectors.client_list()
    return render(request, "clients/client_list.html", {"clients": qs, "totals": selectors.client_totals(qs)})
