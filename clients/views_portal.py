"""The client portal: what a client's decision maker sees. Only their own client, never staff pages."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from msp.roles import Perm, can
from msp.tenancy import get_in_scope

from .documents import published_documents
from .selectors import portal_access_for
from .views_documents import document_response


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


@portal_view
def portal_home(request):
    return render(request, "clients/portal/home.html", {
        "client": request.portal_client,
        "documents": published_documents(client=request.portal_client),
    })


@portal_view
@require_GET
def portal_document_download(request, document_id):
    """A published, current document of the portal user's own client; anything else is not found."""
    document = get_in_scope(published_documents(client=request.portal_client).select_related("client"),
                            pk=document_id)
    return document_response(document)
