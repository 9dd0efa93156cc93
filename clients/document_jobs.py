"""The one client-document rendering pipeline: a background job renders a document, stores it as the
client's next edition (or keeps the newest one when nothing changed), publishes it when asked, and
finishes with the document's download link on the job page.

An app plugs in with a `DocumentRenderer` registered by kind from its AppConfig.ready: how to find the
record a document is made from (its *source*: a review, the client itself...), whether it can be
rendered now, and how to render it (a title and the bytes). Everything else is shared:

- `document_job_enqueue(kind=, client=, source=, actor=, publish=)` checks the source, creates the Job
  (kind = the renderer's kind) and queues the one task `render_client_document` on commit.
- `document_job_run(job_id=)` is the task's body in a worker: load the source again (in the job's tenant
  scope), check it again, render, store with `document_edition_store` (which keeps an unchanged newest
  edition instead of a duplicate), publish if asked, and finish the job with a link to the download.
  Three steps of progress; a refused source fails the job with the reason and stores nothing.
- `document_render_store` renders and stores in the caller's process (the demo seed).

clients is below every app that renders documents, so this module imports none of them; renderers are
looked up by kind. See docs/documents.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from msp.jobs import TRANSIENT_ERRORS, job_create, job_fail, job_progress, job_run, job_succeed
from msp.models import Job, User
from msp.tenancy import TenantTask

from .documents import StoredEdition, document_edition_store, document_publish
from .models import Client, Document

STEPS = 3


@dataclass(frozen=True)
class Rendered:
    """A rendering: the document's title and bytes."""

    title: str
    content: bytes
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class DocumentRenderer:
    """How one kind of client document is made.

    - `kind`: the registry key and the Job kind, e.g. "roadmap_report".
    - `document_kind`: the `clients.choices.DocumentKind` it stores, e.g. "roadmap".
    - `load(source_id)`: the source record inside the tenant's scope, or None when it is gone.
    - `client_of(source)`: the client the document is for.
    - `check(source)`: raise ValidationError (the reason people see) when it cannot be rendered now; run
      when the job is queued and again in the worker, since the source may change in between.
    - `render(source)`: the `Rendered` title and bytes.
    - `job_title(source)`: the heading of the job page.
    - `noun`: "report", "roadmap": in "The report is ready", "No report was made."
    - `gathering`: the job's message while it reads the data.
    - `gone`: why the job fails when the source no longer exists.
    - `rendering`: the job's message while it renders, naming the format ("Rendering the PDF…").
    - `download`: the label of the finished job's download button, with `{edition}`.
    """

    kind: str
    document_kind: str
    load: Callable[[UUID], Any]
    client_of: Callable[[Any], Client]
    check: Callable[[Any], None]
    render: Callable[[Any], Rendered]
    job_title: Callable[[Any], str]
    noun: str = "document"
    gathering: str = "Gathering the data…"
    gone: str = "What the document is made from no longer exists."
    rendering: str = "Rendering the PDF…"
    download: str = "Download edition {edition}"


_REGISTRY: dict[str, DocumentRenderer] = {}


def document_renderer_register(renderer: DocumentRenderer) -> DocumentRenderer:
    """Make a renderer known by its kind (call it from the app's AppConfig.ready)."""
    known = _REGISTRY.get(renderer.kind)
    if known is not None and known is not renderer:
        raise ValueError(f"Another document renderer is already registered as “{renderer.kind}”.")
    _REGISTRY[renderer.kind] = renderer
    return renderer


def document_renderer(kind: str) -> DocumentRenderer:
    """The registered renderer of `kind`; LookupError when no app registered it."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"No document renderer is registered as “{kind}”.") from None


# --- storing ------------------------------------------------------------------------------------------------


@transaction.atomic
def document_store(*, renderer: DocumentRenderer, client: Client, source, rendered: Rendered,
                   actor: User | None, publish: bool) -> StoredEdition:
    """Store a rendering as the client's next edition of the renderer's kind (or keep the unchanged newest
    one), published when asked. An already published edition that is kept stays published."""
    stored = document_edition_store(client=client, kind=renderer.document_kind, title=rendered.title,
                                    content=rendered.content, content_type=rendered.content_type, actor=actor,
                                    source_id=source.pk)
    if publish:
        return StoredEdition(document=document_publish(document=stored.document, actor=actor), kept=stored.kept)
    return stored


def document_render_store(*, kind: str, source, actor: User | None, publish: bool,
                          render: Callable[[Any], Rendered] | None = None) -> StoredEdition:
    """Check, render and store in the caller's process (the demo seed); pages use the background job.
    `render` replaces the renderer's own (e.g. to render for a given day)."""
    renderer = document_renderer(kind)
    renderer.check(source)
    rendered = (render or renderer.render)(source)
    return document_store(renderer=renderer, client=renderer.client_of(source), source=source, rendered=rendered,
                          actor=actor, publish=publish)


# --- the background job -----------------------------------------------------------------------------------


@transaction.atomic
def document_job_enqueue(*, kind: str, client: Client, source, actor: User | None, publish: bool = False) -> Job:
    """Queue the rendering of a document of `kind` for `client` from `source`; the job page follows it.

    ValidationError (and no job) when the source cannot be rendered now."""
    renderer = document_renderer(kind)
    if renderer.client_of(source).pk != client.pk:
        raise ValidationError("This record does not belong to this client.")
    renderer.check(source)
    return job_create(
        msp=client.msp, kind=renderer.kind, title=renderer.job_title(source)[:200], created_by=actor,
        payload={"source": str(source.pk), "publish": bool(publish)},
        subject_id=source.pk, subject_label=f"{client.name} documents"[:200],
        subject_url=reverse("client_documents", kwargs={"client_id": client.pk}),
        message=f"Waiting for a worker to render the {renderer.noun}…", task=render_client_document,
    )


def _outcome(renderer: DocumentRenderer, stored: StoredEdition) -> tuple[str, dict]:
    document = stored.document
    published = document.published_at is not None
    result = {"document": str(document), "edition": document.edition, "size": f"{document.size} bytes",
              "published": "yes" if published else "no"}
    where = "published to the client's portal." if published else \
        "not published (publish it from the client's documents)."
    if stored.kept:
        note = f"Nothing changed since edition {document.edition}; kept it."
        result["note"] = note
        return f"{note} It is {where}", result
    return f"The {renderer.noun} is ready: edition {document.edition}, {where}", result


def document_job_run(*, job_id) -> Job | None:
    """The job's body, in a worker: gather, render, store (and publish). None when the job was not queued
    (a task delivered twice runs once)."""
    return job_run(job_id=job_id, start="Starting…", body=_render_job, unexpected=_unexpected)


def _unexpected(job: Job) -> str:
    noun = _REGISTRY[job.kind].noun if job.kind in _REGISTRY else "document"
    return f"The {noun} could not be made because of an unexpected error. Nothing was stored."


def _render_job(job: Job) -> Job:
    renderer = document_renderer(job.kind)
    failed = f"No {renderer.noun} was made."
    try:
        job_progress(job=job, done=0, total=STEPS, message=renderer.gathering)
        payload = job.payload or {}
        source = renderer.load(payload["source"])
        if source is None:
            return job_fail(job=job, message=failed, errors=[renderer.gone])
        renderer.check(source)
        job_progress(job=job, done=1, total=STEPS, message=renderer.rendering)
        rendered = renderer.render(source)
        job_progress(job=job, done=2, total=STEPS, message="Storing the document…")
        client = renderer.client_of(source)
        # The edition and the job's success commit together: a worker lost before the commit stored no
        # edition, and a job that succeeded is never started again, so an edition is never made twice.
        with transaction.atomic():
            stored = document_store(renderer=renderer, client=client, source=source, rendered=rendered,
                                    actor=job.created_by, publish=bool(payload.get("publish")))
            return _succeed(job, renderer, client, stored)
    except ValidationError as exc:
        return job_fail(job=job, message=failed, errors=exc.messages)


def _succeed(job: Job, renderer: DocumentRenderer, client: Client, stored: StoredEdition) -> Job:
    document = stored.document
    message, result = _outcome(renderer, stored)
    download = reverse("document_download", kwargs={"client_id": client.pk, "document_id": document.pk})
    return job_succeed(job=job, message=message, result=result,
                       links=[(renderer.download.format(edition=document.edition), download)],
                       records={"document": document.pk})


def job_document(job: Job) -> Document | None:
    """The document a rendering job made or kept (None while it runs, when it failed, or for another kind
    of job). Read in the tenant's scope."""
    document_id = job.records.get("document") if job.kind in _REGISTRY else None
    if document_id is None:
        return None
    return Document.objects.filter(pk=document_id).first()


@shared_task(base=TenantTask, bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=3)
def render_client_document(self, *, job_id: str, msp_id: str) -> None:
    """Render, store (and publish) a client document of any registered kind; progress is on the job."""
    document_job_run(job_id=job_id)
