"""Documents made for a client (alignment reports, roadmap PDFs): writes and reads.

A document is immutable once stored: a new rendering of the same kind for the same client is a new
*edition* (1, 2, 3...), and older editions stay. Each file is kept with its size and SHA-256 checksum;
the checksum is checked again every time the file is served, so a damaged or swapped file is refused
rather than handed to a client. A rendering whose bytes equal the newest edition made from the same
source is not stored again: `document_edition_store` keeps that edition. Publishing puts a document in
the client's portal; archiving takes it out of every everyday list (and out of the portal). See
docs/documents.md.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from msp.models import User
from msp.records import record_archive, record_update
from msp.tenancy import history

from .choices import DocumentKind
from .models import Client, Document

logger = logging.getLogger(__name__)

# Large enough for any report we render; a bigger "document" is a mistake, not a report.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


class DocumentIntegrityError(Exception):
    """The stored file is missing or no longer matches the checksum recorded when it was made."""


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- writes -------------------------------------------------------------------------------------------


@transaction.atomic
def document_create(*, client: Client, kind: str, title: str, content: bytes,
                    content_type: str = "application/pdf", actor: User | None,
                    source_id: UUID | None = None) -> Document:
    """Store `content` as the next edition of this client's documents of `kind`.

    The client's row is locked while the edition is chosen, so two renderings finishing at the same
    moment get editions n and n+1 instead of one of them failing on the unique constraint.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"Unknown document kind “{kind}”."})
    if not content:
        raise ValidationError({"file": "The document is empty."})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": f"The document is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB."})
    # Inside the tenant scope: another tenant's client is simply not found.
    locked = Client.objects.select_for_update(no_key=True).get(pk=client.pk)
    if locked.is_archived:
        raise ValidationError("This client is archived; restore it before adding documents.")
    last = Document.objects.filter(client=locked, kind=kind).aggregate(n=Max("edition"))["n"] or 0
    doc = Document(msp_id=locked.msp_id, client=locked, kind=kind, title=title, edition=last + 1,
                   content_type=content_type, size=len(content), checksum=sha256_hex(content),
                   source_id=source_id, created_by=actor)
    # The path comes from the model's upload_to (documents/<msp>/<client>/<id>.<extension>); the name
    # given here is ignored by it.
    doc.file.save(str(doc.pk), ContentFile(content), save=False)
    try:
        with history(actor):
            doc.full_clean()
            doc.save()
        if not Document.objects.filter(pk=doc.pk).exists():
            raise ValidationError("This document does not belong to the current workspace.")
    except Exception:
        # Leave no file behind for a row that was never saved.
        doc.file.storage.delete(doc.file.name)
        raise
    return doc


@dataclass(frozen=True)
class StoredEdition:
    """The edition a rendering ended up as; `kept` when it was the unchanged newest edition."""

    document: Document
    kept: bool


@transaction.atomic
def document_edition_store(*, client: Client, kind: str, title: str, content: bytes,
                           content_type: str = "application/pdf", actor: User | None,
                           source_id: UUID | None = None) -> StoredEdition:
    """Store a rendering as the next edition, unless nothing changed: when the newest edition of this kind
    for this client and source has the same bytes (checksum and size) and is not archived, keep it.

    Rendering twice with nothing changed in between must not give the client two identical editions to
    tell apart. The client's row is locked first, as in document_create, so two identical renderings
    finishing together also end as one edition.
    """
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).first()
    latest = (Document.objects.filter(client_id=client.pk, kind=kind, source_id=source_id)
              .order_by("-edition").first())
    if (latest is not None and latest.archived_at is None and latest.size == len(content)
            and latest.checksum == sha256_hex(content)):
        return StoredEdition(document=latest, kept=True)
    document = document_create(client=client, kind=kind, title=title, content=content, content_type=content_type,
                               actor=actor, source_id=source_id)
    return StoredEdition(document=document, kept=False)


@transaction.atomic
def document_publish(*, document: Document, actor: User | None) -> Document:
    """Show the document in the client's portal (a no-op when it is already published)."""
    if document.archived_at is not None:
        raise ValidationError("This document is archived; it cannot be published.")
    if document.published_at is not None:
        return document
    return record_update(document, actor=actor, published_at=timezone.now(), published_by=actor)


@transaction.atomic
def document_unpublish(*, document: Document, actor: User | None) -> Document:
    """Take the document out of the client's portal; it stays in the staff list."""
    if document.published_at is None:
        return document
    return record_update(document, actor=actor, published_at=None, published_by=None)


@transaction.atomic
def document_archive(*, document: Document, actor: User | None) -> Document:
    """Archive (never delete): the row and file stay, out of lists and out of the portal."""
    if document.published_at is not None:
        document = record_update(document, actor=actor, published_at=None, published_by=None)
    return record_archive(document, actor=actor)


# --- reads --------------------------------------------------------------------------------------------


def document_list(*, client: Client, archived: bool = False) -> QuerySet[Document]:
    """A client's documents for staff, newest first: active ones, or only the archived ones."""
    return (Document.objects.filter(client=client, archived_at__isnull=not archived)
            .select_related("created_by", "published_by")
            .order_by("-created_at", "kind", "-edition"))


def published_documents(*, client: Client) -> QuerySet[Document]:
    """What the client's portal shows: published, not archived, newest publication first."""
    return (Document.objects.filter(client=client, published_at__isnull=False, archived_at__isnull=True)
            .order_by("-published_at", "kind", "-edition"))


def document_filename(document: Document) -> str:
    """A safe, readable download name, e.g. `Lakeshore-Family-Dental-alignment-report-e3.pdf`.

    ASCII letters, digits and hyphens only, so it needs no quoting in a header and no operating system
    objects to it.
    """
    ascii_name = unicodedata.normalize("NFKD", document.client.name).encode("ascii", "ignore").decode()
    client_part = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:80].strip("-") or "client"
    kind_part = document.kind.replace("_", "-")
    extension = mimetypes.guess_extension(document.content_type.split(";")[0].strip()) or ".bin"
    return f"{client_part}-{kind_part}-e{document.edition}{extension}"


def document_read(document: Document) -> bytes:
    """The stored bytes, checked against the recorded size and checksum (DocumentIntegrityError if not)."""
    try:
        with document.file.open("rb") as fh:
            digest = hashlib.sha256()
            chunks = []
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
                chunks.append(chunk)
    except (FileNotFoundError, ValueError) as exc:
        logger.error("document %s: stored file %r is missing", document.pk, document.file.name)
        raise DocumentIntegrityError("The stored file is missing.") from exc
    content = b"".join(chunks)
    if len(content) != document.size or digest.hexdigest() != document.checksum:
        logger.error("document %s: stored file %r does not match its checksum", document.pk, document.file.name)
        raise DocumentIntegrityError("The stored file does not match its checksum.")
    return content
