"""Staff pages of a client's documents: the list, downloads, publishing to the portal, archiving.

Every document is fetched inside the tenant scope *and* under the client of the URL, so another MSP's
id, or another client's document under this client's URL, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import get_in_scope

from . import documents
from .models import Client, Document

# Publishing a document shows it to the client: the people who own the client relationship decide
# (owner and vCIO), the same people who may edit the client.
PUBLISH_PERM = Perm.EDIT_CLIENTS

DAMAGED_MESSAGE = ("This document could not be served: its stored file is missing or does not match the "
                   "checksum recorded when it was made. The problem has been logged; render the document "
                   "again or ask your administrator.")


def document_response(document: Document) -> HttpResponse:
    """The file as an attachment, checked against its checksum first (500 with a clear text if damaged).

    Shared by the staff page, the portal and the API, so every download has the same headers.
    """
    try:
        content = documents.document_read(document)
    except documents.DocumentIntegrityError:
        return HttpResponse(DAMAGED_MESSAGE, status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.document_filename(document)}"'
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # Private to the signed-in person; a shared cache must never keep a client's document.
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{document.checksum}"'
    return response


def _client(client_id) -> Client:
    return get_in_scope(Client, pk=client_id)


def _document(client: Client, document_id) -> Document:
    return get_in_scope(Document.objects.select_related("client"), pk=document_id, client=client)


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def client_documents(request, client_id):
    client = _client(client_id)
    archived = request.GET.get("archived") == "1"
    return render(request, "clients/documents.html", {
        "client": client,
        "documents": documents.document_list(client=client, archived=archived),
        "archived": archived,
        "can_publish": can(request.role, PUBLISH_PERM),
    })


@require_perm(Perm.VIEW_CLIENTS)
@require_GET
def document_download(request, client_id, document_id):
    return document_response(_document(_client(client_id), document_id))


def _change(request, client_id, document_id, *, change, done: str):
    client = _client(client_id)
    document = _document(client, document_id)
    try:
        change(document=document, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(document=document))
    return redirect("client_documents", client_id=client.pk)


@require_perm(PUBLISH_PERM)
@require_POST
def document_publish(request, client_id, document_id):
    return _change(request, client_id, document_id, change=documents.document_publish,
                   done="“{document}” is published: the client's portal users can download it now.")


@require_perm(PUBLISH_PERM)
@require_POST
def document_unpublish(request, client_id, document_id):
    return _change(request, client_id, document_id, change=documents.document_unpublish,
                   done="“{document}” is no longer in the client's portal.")


@require_perm(PUBLISH_PERM)
@require_POST
def document_archive(request, client_id, document_id):
    return _change(request, client_id, document_id, change=documents.document_archive,
                   done="“{document}” is archived (and out of the portal). Find it under “Show archived”.")
