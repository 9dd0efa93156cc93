"""Confines every request of a client-role user to that user's one client (msp.confinement).

Runs right after msp.tenancy.TenantMiddleware, inside the tenant scope it opens. Staff requests pass
through untouched. A client-role user whose portal access is gone is bound to no client at all, so even
a view that forgot every check would find no tenant row.
"""

from __future__ import annotations

from clients.selectors import portal_access_for
from msp.confinement import bind_client
from msp.roles import Role


class PortalConfinementMiddleware:
    """Sets `request.portal_access` / `request.portal_client` and binds the request to that client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.portal_access = None
        request.portal_client = None
        if getattr(request, "msp", None) is None or getattr(request, "role", None) != Role.CLIENT:
            return self.get_response(request)
        access = portal_access_for(request.user)
        if access is not None:
            request.portal_access = access
            request.portal_client = access.client
        with bind_client(access.client_id if access is not None else None):
            return self.get_response(request)
