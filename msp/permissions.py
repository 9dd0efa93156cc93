"""Deny by default: every route declares the permission it needs, and one middleware enforces it.

A page view declares its permission with `require_perm(perm, write=...)` (reads need `perm`, every other
method `write`, which defaults to `perm`), `public` (no tenant data: health, invitation links) or
`signed_in` (the visitor's own account, no tenant). An API view declares `read_perm` and `write_perm`
(either may be a property that looks at `self.action`), or `action_perms` for single actions; DRF's
`msp.api_auth.RolePermission` enforces those. A route that declares nothing is refused to everyone, and
tests/msp/test_permission_table.py fails until it is declared and listed in the permission table.

Third-party routes (allauth's account pages, the API description, static files) keep their own checks
and are listed in THIRD_PARTY_ROUTES by the module their views come from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from .roles import Perm, can, is_staff_role
from .tenancy import is_api_path

logger = logging.getLogger(__name__)

# Every page view carries its declaration in this attribute (functools.wraps copies it outwards through
# the other decorators).
ROUTE_PERMISSION = "route_permission"
PUBLIC = "public"  # no tenant data: health, invitation links, the API description
SIGNED_IN = "signed_in"  # any signed-in person acting on their own account (create or switch a workspace)
MARKERS = (PUBLIC, SIGNED_IN)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Views of other packages, by the module they live in: each does its own checks.
THIRD_PARTY_ROUTES: dict[str, str] = {
    "allauth.": PUBLIC,  # sign-in, sign-up, password reset; its account pages require a login themselves
    "drf_spectacular.": PUBLIC,  # the OpenAPI description and its browser
    "django.views.static": PUBLIC,
    "django.contrib.staticfiles.": PUBLIC,
}


@dataclass(frozen=True)
class RoutePermission:
    """What a page route needs: `read` for GET/HEAD/OPTIONS, `write` for every other method."""

    read: str
    write: str

    def for_method(self, method: str) -> str:
        return self.read if method.upper() in SAFE_METHODS else self.write


def declare_permission(view, perm: str, *, write: str | None = None):
    """Record on `view` the permission its route needs; returns the view."""
    setattr(view, ROUTE_PERMISSION, RoutePermission(read=perm, write=write or perm))
    return view


def require_perm(perm: str, *, write: str | None = None):
    """Declare a staff page: reads need `perm`, writes need `write` (default `perm`)."""

    def decorator(view):
        return declare_permission(view, perm, write=write)

    return decorator


def public(view):
    """Declare a route that holds no tenant data and is open to anyone."""
    return declare_permission(view, PUBLIC)


def signed_in(view):
    """Declare a route for any signed-in person, acting on their own account only."""
    return declare_permission(view, SIGNED_IN)


def drf_view_class(view_func):
    """The DRF view class behind a routed callable, or None for a plain Django view."""
    return getattr(view_func, "cls", None)


def drf_permission(view, method: str) -> str | None:
    """The permission an API view instance declares for `method` (its `action` already set), or None."""
    action_perms = getattr(view, "action_perms", None) or {}
    action = getattr(view, "action", None)
    if action in action_perms:
        return action_perms[action]
    attr = "read_perm" if method.upper() in SAFE_METHODS else "write_perm"
    return getattr(view, attr, None)


def drf_route_permissions(view_func) -> dict[str, str | None]:
    """Method -> declared permission of a routed DRF view, for every method it answers (OPTIONS aside)."""
    cls = drf_view_class(view_func)
    if getattr(cls, ROUTE_PERMISSION, None) == PUBLIC:
        return {}
    actions = getattr(view_func, "actions", None)
    if actions:
        pairs = {m.upper(): a for m, a in actions.items() if m in cls.http_method_names}
    else:
        pairs = {m.upper(): None for m in cls.http_method_names if m not in ("options", "head") and hasattr(cls, m)}
    out: dict[str, str | None] = {}
    for method, action in pairs.items():
        if method in ("OPTIONS", "HEAD"):
            continue
        view = cls(**getattr(view_func, "initkwargs", {}))
        view.action = action
        out[method] = drf_permission(view, method)
    return out


def third_party_marker(view_func) -> str | None:
    module = getattr(view_func, "__module__", "") or ""
    cls = drf_view_class(view_func)
    if cls is not None:
        module = cls.__module__
    for prefix, marker in THIRD_PARTY_ROUTES.items():
        if module.startswith(prefix):
            return marker
    return None


def route_declaration(view_func):
    """A page route's RoutePermission, a third-party marker, "drf" for API views, or None (undeclared)."""
    declared = getattr(view_func, ROUTE_PERMISSION, None)
    if declared is not None:
        return declared
    marker = third_party_marker(view_func)
    if marker is not None:
        return RoutePermission(read=marker, write=marker)
    if drf_view_class(view_func) is not None:
        return "drf"
    return None


def _drf_declared(view_func, method: str) -> bool:
    if getattr(drf_view_class(view_func), ROUTE_PERMISSION, None) == PUBLIC:
        return True
    perms = drf_route_permissions(view_func)
    method = "GET" if method.upper() == "HEAD" else method.upper()
    if method == "OPTIONS":
        return all(perms.values())
    if method not in perms:
        return True  # DRF answers 405 itself
    return bool(perms[method])


def _gate(request, perm: str):
    """None when the request may reach a route needing `perm`; otherwise the refusal."""
    if perm == PUBLIC:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if perm == SIGNED_IN:
        return None
    if perm == Perm.USE_PORTAL:
        if not can(request.role, perm):
            raise Http404  # staff, and a client whose access ended, must not learn the portal's pages
        return None
    if request.membership is None:
        return redirect("workspace_create")
    if not is_staff_role(request.role):
        # A portal user must not even learn which staff pages exist.
        raise Http404
    if not can(request.role, perm):
        raise PermissionDenied("Your role does not allow this.")
    return None


UNDECLARED = "This route declares no permission."


def _refuse_undeclared(request):
    logger.error("Route %s declares no permission for %s; refused", request.path_info, request.method)
    if is_api_path(request.path_info):
        return JsonResponse({"detail": UNDECLARED}, status=403)
    raise PermissionDenied(UNDECLARED)


class RoutePermissionMiddleware:
    """Refuses a request before its view runs unless the route's declared permission allows it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        declared = route_declaration(view_func)
        if declared == "drf":
            if not _drf_declared(view_func, request.method):
                return _refuse_undeclared(request)
            return None  # msp.api_auth.RolePermission enforces it with the API's own answers
        if declared is None:
            return _refuse_undeclared(request)
        return _gate(request, declared.for_method(request.method))
