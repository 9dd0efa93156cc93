"""The client-document rendering pipeline itself (clients.document_jobs), through a small renderer written here
the way a new app plugs in: a contact card made from a contact. The alignment report and the roadmap PDF have
their own tests (tests/alignment/test_report.py, tests/roadmaps/test_report.py)."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from alignment.reports import ALIGNMENT_REPORT
from clients import document_jobs
from clients.document_jobs import DocumentRenderer, Rendered
from clients.documents import document_archive
from clients.models import Contact, Document
from clients.services import contact_archive, contact_create, contact_update
from msp.celery import app
from msp.models import Job, Membership
from msp.roles import Role
from msp.services import api_token_create
from roadmaps.reports import ROADMAP_REPORT
from tests.conftest import build_tenant
from tests.workers import celery_worker, wait_for

pytestmark = pytest.mark.django_db


class CardTrouble(Exception):
    """Raised by the card renderer when a test wants the rendering itself to fail."""


def _check(contact: Contact) -> None:
    if contact.archived_at is not None:
        raise ValidationError("This contact is archived; restore it before making its card.")


def _render(contact: Contact) -> Rendered:
    if contact.title == "explode":
        raise CardTrouble(contact.name)
    return Rendered(title=f"Contact card: {contact.name}", content=f"{contact.name}\n{contact.email}\n".encode(),
                    content_type="text/plain")


CARD = DocumentRenderer(
    kind="test_contact_card",
    document_kind="other",
    load=lambda contact_id: Contact.objects.select_related("client", "client__msp").filter(pk=contact_id).first(),
    client_of=lambda contact: contact.client,
    check=_check,
    render=_render,
    job_title=lambda contact: f"Contact card: {contact.name}",
    noun="card",
    gathering="Reading the contact…",
    gone="The contact no longer exists.",
)


@pytest.fixture(autouse=True)
def registered(monkeypatch, settings, tmp_path):
    """The test renderer is known to the pipeline for the length of a test; files go to a temporary place."""
    monkeypatch.setitem(document_jobs._REGISTRY, CARD.kind, CARD)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ann(tenant):
    with scope(msp=tenant.msp):
        return contact_create(client=tenant.clients[0], actor=None, name="Ann Lee", email="ann@dental.test")


def enqueue(tenant, contact, capture, *, publish=False, role=Role.VCIO) -> Job:
    with scope(msp=tenant.msp):
        contact = Contact.objects.select_related("client", "client__msp").get(pk=contact.pk)
        with capture(execute=True):
            job = document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client, source=contact,
                                                     actor=tenant.users[role], publish=publish)
    with scopes_disabled():
        return Job.objects.get(pk=job.pk)


def cards(contact) -> list[Document]:
    with scopes_disabled():
        return list(Document.objects.filter(kind="other", client=contact.client_id).order_by("edition"))


def _finished(job) -> bool:
    with scopes_disabled():
        job.refresh_from_db()
    return job.is_finished


def test_a_job_renders_stores_and_links_the_download(tenant, ann, login, django_capture_on_commit_callbacks):
    job = enqueue(tenant, ann, django_capture_on_commit_callbacks)
    [document] = cards(ann)
    content = b"Ann Lee\nann@dental.test\n"
    assert (document.kind, document.edition, document.title, document.source_id) == (
        "other", 1, "Contact card: Ann Lee", ann.pk)
    assert (document.content_type, document.size, document.checksum) == (
        "text/plain", len(content), hashlib.sha256(content).hexdigest())
    assert (document.created_by, document.published_at) == (tenant.users[Role.VCIO], None)

    client_id = tenant.clients[0].pk
    download = f"/clients/{client_id}/documents/{document.pk}/download/"
    assert (job.kind, job.title, job.status, job.progress_done, job.progress_total) == (
        "test_contact_card", "Contact card: Ann Lee", "succeeded", 3, 3)
    assert job.message == "The card is ready: edition 1, not published (publish it from the client's documents)."
    assert job.result == {"document": "Contact card: Ann Lee, edition 1", "edition": 1,
                          "size": f"{len(content)} bytes", "published": "no",
                          "links": [{"label": "Download edition 1", "url": download}],
                          "records": {"document": str(document.pk)}}
    assert (job.subject_id, job.subject_label, job.subject_url, job.payload) == (
        ann.pk, "Alpha Dental documents", f"/clients/{client_id}/documents/", None)

    staff = login(tenant.users[Role.VIEWER])
    page = staff.get(f"/jobs/{job.pk}/").content.decode()
    assert f'<a class="btn btn-success me-2" href="{download}" id="job-link-1">' in page
    assert "Download edition 1" in page
    assert '<dt class="col-sm-3">Records</dt>' not in page  # links and ids are not lines of the summary
    assert '<dt class="col-sm-3">Links</dt>' not in page
    assert '<dt class="col-sm-3">Published</dt><dd class="col-sm-9">no</dd>' in page
    assert staff.get(download).content == content

    # The API's job names the document, whatever app's renderer made it.
    with scopes_disabled():
        membership = Membership.objects.get(user=tenant.users[Role.VIEWER], msp=tenant.msp)
        _, raw = api_token_create(membership=membership, name="tests")
    data = HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/v1/jobs/{job.pk}/").json()
    assert (data["document"]["id"], data["document"]["edition"], data["result"]["links"][0]["url"]) == (
        str(document.pk), 1, download)


def test_nothing_changed_keeps_the_edition_and_publishing_still_applies(tenant, ann,
                                                                         django_capture_on_commit_callbacks):
    first = enqueue(tenant, ann, django_capture_on_commit_callbacks)
    again = enqueue(tenant, ann, django_capture_on_commit_callbacks, publish=True, role=Role.OWNER)
    [document] = cards(ann)
    assert first.records == again.records == {"document": str(document.pk)}
    assert again.message == "Nothing changed since edition 1; kept it. It is published to the client's portal."
    assert again.summary["note"] == "Nothing changed since edition 1; kept it."
    assert (document.edition, document.published_by) == (1, tenant.users[Role.OWNER])
    # Asked not to publish, a kept edition stays as it is (published).
    third = enqueue(tenant, ann, django_capture_on_commit_callbacks)
    assert third.message == "Nothing changed since edition 1; kept it. It is published to the client's portal."
    assert len(cards(ann)) == 1


def test_a_change_an_archived_edition_or_another_source_makes_a_new_edition(tenant, ann,
                                                                             django_capture_on_commit_callbacks):
    enqueue(tenant, ann, django_capture_on_commit_callbacks)
    with scope(msp=tenant.msp):
        contact_update(contact=Contact.objects.get(pk=ann.pk), actor=None, email="ann.lee@dental.test")
    changed = enqueue(tenant, ann, django_capture_on_commit_callbacks)
    assert changed.message.startswith("The card is ready: edition 2,")
    # The newest edition was archived: the same bytes make a new edition rather than bring it back.
    with scope(msp=tenant.msp):
        document_archive(document=cards(ann)[-1], actor=None)
    after_archive = enqueue(tenant, ann, django_capture_on_commit_callbacks)
    assert after_archive.message.startswith("The card is ready: edition 3,")
    # Another contact with the same bytes is another source: its own edition.
    with scope(msp=tenant.msp):
        twin = contact_create(client=tenant.clients[0], actor=None, name="Ann Lee", email="ann.lee@dental.test")
    assert enqueue(tenant, twin, django_capture_on_commit_callbacks).message.startswith(
        "The card is ready: edition 4,")
    assert [(d.edition, d.source_id) for d in cards(ann)] == [(1, ann.pk), (2, ann.pk), (3, ann.pk), (4, twin.pk)]
    assert len({d.checksum for d in cards(ann)}) == 2


def test_a_source_that_cannot_be_rendered_is_refused_or_fails_the_job(tenant, ann):
    with scope(msp=tenant.msp):
        contact = Contact.objects.select_related("client").get(pk=ann.pk)
        job = document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client, source=contact,
                                                 actor=None)
        contact_archive(contact=contact, actor=None)  # between the click and the worker
        done = document_jobs.document_job_run(job_id=job.pk)
        assert (done.status, done.message, done.errors) == (
            "failed", "No card was made.", ["This contact is archived; restore it before making its card."])
        # Queued while archived: refused at once, and no job.
        with pytest.raises(ValidationError, match="This contact is archived"):
            document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client,
                                               source=Contact.objects.get(pk=ann.pk), actor=None)
        with pytest.raises(ValidationError, match="does not belong to this client"):
            document_jobs.document_job_enqueue(kind=CARD.kind, client=tenant.clients[1], source=contact, actor=None)
        # A second delivery of the finished job does nothing.
        assert document_jobs.document_job_run(job_id=job.pk) is None
    with scopes_disabled():
        assert Job.objects.filter(kind=CARD.kind).count() == 1
    assert cards(ann) == []


def test_a_source_gone_or_a_rendering_that_breaks_fails_the_job(tenant, ann):
    with scope(msp=tenant.msp):
        contact = Contact.objects.select_related("client").get(pk=ann.pk)
        gone = document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client, source=contact, actor=None)
        Contact.objects.filter(pk=ann.pk).update(title="explode")
        broken = document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client, source=contact,
                                                    actor=None)
        with pytest.raises(CardTrouble):
            document_jobs.document_job_run(job_id=broken.pk)
        Contact.objects.filter(pk=ann.pk).delete()
        done = document_jobs.document_job_run(job_id=gone.pk)
    assert (done.status, done.message, done.errors) == (
        "failed", "No card was made.", ["The contact no longer exists."])
    with scopes_disabled():
        broken.refresh_from_db()
    assert (broken.status, broken.message) == (
        "failed", "The card could not be made because of an unexpected error. Nothing was stored.")
    assert cards(ann) == []


def test_the_registry_knows_the_apps_renderers_by_kind():
    assert document_jobs.document_renderer("alignment_report") is ALIGNMENT_REPORT
    assert document_jobs.document_renderer("roadmap_report") is ROADMAP_REPORT
    assert document_jobs.document_renderer_register(CARD) is CARD
    with pytest.raises(ValueError, match="already registered"):
        document_jobs.document_renderer_register(dataclasses.replace(CARD, noun="badge"))
    with pytest.raises(LookupError):
        document_jobs.document_renderer("nothing")


@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs the Redis broker (make test)")
def test_a_document_job_is_run_by_a_real_worker(transactional_db, login):
    """Queued on the Redis broker and taken by a worker: the job goes queued -> succeeded."""
    tenant = build_tenant("Worker", "worker")
    app.conf.task_always_eager = False
    try:
        with scope(msp=tenant.msp):
            contact = contact_create(client=tenant.clients[0], actor=None, name="Wes Kay", email="wes@w.test")
            job = document_jobs.document_job_enqueue(kind=CARD.kind, client=contact.client, source=contact,
                                                     actor=tenant.users[Role.VCIO], publish=True)
        with scopes_disabled():
            assert Job.objects.get(pk=job.pk).status == "queued"
        with celery_worker():
            assert wait_for(lambda: _finished(job), seconds=20)
    finally:
        app.conf.task_always_eager = True
    assert (job.status, job.message) == ("succeeded", "The card is ready: edition 1, published to the client's "
                                                      "portal.")
    with scopes_disabled():
        document = Document.objects.get(pk=job.records["document"])
    assert (document.source_id, document.published_at is not None) == (contact.pk, True)
    assert login(tenant.users[Role.VCIO]).get(job.links[0]["url"]).content == b"Wes Kay\nwes@w.test\n"
