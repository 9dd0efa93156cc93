"""Authentication and permission classes of the API (kept apart from views to avoid import cycles)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication

from .permissions import PUBLIC, ROUTE_PERMISSION, UNDECLARED, drf_permission
from .roles import Perm, can


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; the tenant middleware already resolved the token."""

    keyword = "Bearer"

    def authenticate(self, request):
        django_request = request._request
        token = getattr(django_request, "api_token", None)
        if token is not None:
            return (token.membership.user, token)
        if getattr(django_request, "api_token_rejected", False):
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        return None

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class RolePermission(permissions.BasePermission):
    """Staff of the active MSP only, holding the permission the view declares for this request.

    Deny by default: a view that declares no `read_perm` / `write_perm` (or `action_perms` entry) for the
    request refuses everyone (msp.permissions).
    """

    def has_permission(self, request, view):
        if getattr(view, ROUTE_PERMISSION, None) == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the Bearer challenge
        role = getattr(request._request, "role", None)
        if getattr(request._request, "msp", None) is None or not can(role, Perm.USE_API):
            # No tenant: behave as if nothing is here.
            raise exceptions.NotFound()
        if request.method.upper() not in view.allowed_methods:
            return True  # DRF answers 405 Method Not Allowed
        perm = drf_permission(view, request.method)
        if not perm:
            raise exceptions.PermissionDenied(UNDECLARED)
        return can(role, perm)
