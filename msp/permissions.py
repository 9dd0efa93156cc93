"""View decorators that ask the role matrix. Client (portal) users never reach staff pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from .roles import can, is_staff_role

# Every routed view carries the permission it needs in this attribute (deny by default: a view without
# one refuses everyone). Its value is a `msp.roles.Perm` name, or one of the two markers below.
ROUTE_PERMISSION = "route_permission"
PUBLIC = "public"  # no tenant data: sign-in pages, health, invitation links, the API description
SIGNED_IN = "signed_in"  # any signed-in person acting on their own account (create or switch a workspace)


def declare_permission(view, perm: str):
    """Record on `view` the permission its route needs; returns the view."""
    setattr(view, ROUTE_PERMISSION, perm)
    return view


def _gate(request):
    """None when the request may go on to a staff page, else the response to give."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.membership is None:
        return redirect("workspace_create")
    if not is_staff_role(request.role):
        # A portal user must not even learn which staff pages exist.
        raise Http404
    return None


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        denied = _gate(request)
        return denied or view(request, *args, **kwargs)

    return wrapper


def require_perm(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            denied = _gate(request)
            if denied:
                return denied
            if not can(request.role, perm):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
