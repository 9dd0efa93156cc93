"""The client portal: what a client's decision maker sees. Only their own client, never staff pages."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from msp.roles import Perm, can

from .selectors import portal_access_for


def portal_view(view):
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

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@portal_view
def portal_home(request):
    return render(request, "clients/portal/home.html", {"client": request.portal_client})
