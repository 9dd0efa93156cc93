"""Client documents: editions and checksums, publishing, staff downloads, the API (portal downloads:
tests/portal/test_documents.py)."""

from __future__ import annotations

import hashlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as HttpClient
from django_scopes import scope, scopes_disabled

from clients import documents
from clients.models import Client, Document
from msp.models import Membership
from msp.roles import Role
from msp.services import api_token_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny stand-in for a report\n%%EOF\n"
ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make(tenant, client=None, *, kind="alignment_report", content=PDF, title="Alignment report", publish=False,
         archive=False):
    client = client or tenant.clients[0]
    owner = tenant.users[Role.OWNER]
    with scope(msp=tenant.msp):
        doc = documents.document_create(client=client, kind=kind, title=title, content=content,
                                        content_type="application/pdf", actor=owner)
        if publish:
            doc = documents.document_publish(document=doc, actor=owner)
        if archive:
            doc = documents.document_archive(document=doc, actor=owner)
    return doc


# --- services -----------------------------------------------------------------------------------------


def test_a_deck_is_stored_and_named_as_a_deck(tenant):
    pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    with scope(msp=tenant.msp):
        doc = documents.document_create(client=tenant.clients[0], kind="qbr_deck", title="QBR deck",
                                        content=b"PK\x03\x04deck", content_type=pptx,
                                        actor=tenant.users[Role.OWNER])
        assert doc.file.name == f"documents/{tenant.msp.pk}/{tenant.clients[0].pk}/{doc.pk}.pptx"
        assert documents.document_filename(doc) == "Alpha-Dental-qbr-deck-e1.pptx"


def test_editions_increment_per_client_and_kind_with_exact_checksums(tenant):
    first = make(tenant, content=b"abc")
    second = make(tenant, content=PDF)
    roadmap = make(tenant, kind="roadmap", title="Roadmap")
    other_client = make(tenant, tenant.clients[1])
    assert (first.edition, second.edition, roadmap.edition, other_client.edition) == (1, 2, 1, 1)
    assert first.checksum == ABC_SHA256
    assert second.checksum == hashlib.sha256(PDF).hexdigest()
    assert (first.size, second.size) == (3, len(PDF))
    assert first.created_by == tenant.users[Role.OWNER]
    assert first.published_at is None
    with scopes_disabled():
        stored = Document.objects.get(pk=second.pk)
        assert stored.file.name == f"documents/{tenant.msp.pk}/{tenant.clients[0].pk}/{second.pk}.pdf"
        with stored.file.open("rb") as fh:
            assert fh.read() == PDF


def test_document_create_refuses_bad_input_and_stores_nothing(tenant, settings):
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError, match="The document is empty"):
            documents.document_create(client=tenant.clients[0], kind="alignment_report", title="x", content=b"",
                                      actor=None)
        with pytest.raises(ValidationError, match="Unknown document kind"):
            documents.document_create(client=tenant.clients[0], kind="invoice", title="x", content=PDF, actor=None)
        with pytest.raises(ValidationError, match="title"):
            documents.document_create(client=tenant.clients[0], kind="roadmap", title="", content=PDF, actor=None)
        Client.objects.filter(pk=tenant.clients[1].pk).update(archived_at="2026-01-01T00:00:00Z")
        with pytest.raises(ValidationError, match="archived"):
            documents.document_create(client=tenant.clients[1], kind="roadmap", title="x", content=PDF, actor=None)
        assert not Document.objects.exists()
    stored = list((settings.MEDIA_ROOT).rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else []
    assert stored == []  # the file of the refused title was removed again


def test_another_tenants_client_is_not_found(tenant, other_tenant):
    with scope(msp=other_tenant.msp), pytest.raises(Client.DoesNotExist):
        documents.document_create(client=tenant.clients[0], kind="roadmap", title="x", content=PDF, actor=None)
    with scopes_disabled():
        assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_renderings_get_consecutive_editions(tenant):
    """Two renderings finishing together: the client row lock gives them editions 1 and 2, no error."""
    barrier = threading.Barrier(2)
    errors, made = [], []

    def render():
        try:
            barrier.wait(timeout=10)
            with scope(msp=tenant.msp):
                made.append(documents.document_create(client=tenant.clients[0], kind="alignment_report",
                                                      title="Report", content=PDF, actor=None).edition)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(made) == [1, 2]


def test_publish_unpublish_archive(tenant):
    vcio = tenant.users[Role.VCIO]
    doc = make(tenant)
    with scope(msp=tenant.msp):
        doc = documents.document_publish(document=doc, actor=vcio)
        assert doc.published_at is not None
        assert doc.published_by == vcio
        assert list(documents.published_documents(client=tenant.clients[0])) == [doc]
        doc = documents.document_unpublish(document=doc, actor=vcio)
        assert (doc.published_at, doc.published_by) == (None, None)
        assert list(documents.published_documents(client=tenant.clients[0])) == []
        doc = documents.document_publish(document=doc, actor=vcio)
        doc = documents.document_archive(document=doc, actor=vcio)
        assert doc.archived_at is not None
        assert doc.published_at is None
        assert list(documents.document_list(client=tenant.clients[0])) == []
        assert list(documents.document_list(client=tenant.clients[0], archived=True)) == [doc]
        with pytest.raises(ValidationError, match="archived"):
            documents.document_publish(document=doc, actor=vcio)


def test_filename_is_safe_and_readable(tenant):
    doc = make(tenant)
    doc.client.name = 'Café "Zürich" / Co. <script>'
    doc.edition = 12
    doc.kind = "roadmap"
    assert documents.document_filename(doc) == "Cafe-Zurich-Co-script-roadmap-e12.pdf"


# --- staff pages --------------------------------------------------------------------------------------


def test_staff_document_list(tenant, login):
    published = make(tenant, content=b"abc", title="Alignment report: Review 2026", publish=True)
    draft = make(tenant, title="Alignment report: Review 2026")
    make(tenant, tenant.clients[1], title="Logistics only")
    base = f"/clients/{tenant.clients[0].pk}/documents"
    page = login(tenant.users[Role.VCIO]).get(f"{base}/").content.decode()
    # The same title, told apart by the edition.
    assert '<td class="fw-semibold document-heading">Alignment report: Review 2026, edition 1</td>' in page
    assert '<td class="fw-semibold document-heading">Alignment report: Review 2026, edition 2</td>' in page
    assert "Logistics only" not in page
    assert f'<code title="SHA-256 {ABC_SHA256}">{ABC_SHA256[:12]}</code>' in page
    assert page.count("> Published</span>") == 1
    assert page.count(">Not published</span>") == 1
    assert f'action="{base}/{published.pk}/unpublish/"' in page
    assert f'action="{base}/{published.pk}/publish/"' not in page
    assert f'action="{base}/{draft.pk}/publish/"' in page
    assert f'action="{base}/{draft.pk}/archive/"' in page
    assert f'href="{base}/{published.pk}/download/"' in page
    viewer_page = login(tenant.users[Role.VIEWER]).get(f"{base}/").content.decode()
    assert f'href="{base}/{published.pk}/download/"' in viewer_page
    assert 'action="' not in viewer_page.split('id="documents"')[1]  # no publish, unpublish or archive forms
    assert "No archived documents." in login(tenant.users[Role.VIEWER]).get(f"{base}/?archived=1").content.decode()


def test_staff_publish_and_unpublish_pages(tenant, login):
    doc = make(tenant)
    base = f"/clients/{tenant.clients[0].pk}/documents/{doc.pk}"
    vcio = login(tenant.users[Role.VCIO])
    response = vcio.post(f"{base}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{tenant.clients[0].pk}/documents/"
    with scopes_disabled():
        doc.refresh_from_db()
    assert doc.published_by == tenant.users[Role.VCIO]
    assert login(tenant.users[Role.TAM]).post(f"{base}/unpublish/").status_code == 403
    assert login(tenant.users[Role.VIEWER]).post(f"{base}/archive/").status_code == 403
    assert vcio.post(f"{base}/unpublish/").status_code == 302
    with scopes_disabled():
        doc.refresh_from_db()
    assert doc.published_at is None
    assert vcio.get(f"{base}/publish/").status_code == 405
    assert vcio.post(f"{base}/archive/").status_code == 302
    with scopes_disabled():
        doc.refresh_from_db()
    assert doc.archived_at is not None
    vcio.post(f"{base}/publish/")
    with scopes_disabled():
        doc.refresh_from_db()
    assert doc.published_at is None  # an archived document is never published


def test_staff_download(tenant, other_tenant, login):
    doc = make(tenant)
    url = f"/clients/{tenant.clients[0].pk}/documents/{doc.pk}/download/"
    response = login(tenant.users[Role.VIEWER]).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Alpha-Dental-alignment-report-e1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Cache-Control"] == "private, no-store"
    # Under another client's URL, from another MSP, or as a portal user: not found.
    wrong_client = f"/clients/{tenant.clients[1].pk}/documents/{doc.pk}/download/"
    assert login(tenant.users[Role.VIEWER]).get(wrong_client).status_code == 404
    assert login(other_tenant.users[Role.OWNER]).get(url).status_code == 404
    assert login(tenant.users[Role.CLIENT]).get(url).status_code == 404


def test_a_damaged_file_is_not_served(tenant, login, caplog):
    doc = make(tenant)
    with open(doc.file.path, "wb") as fh:
        fh.write(PDF.replace(b"tiny", b"TINY"))
    url = f"/clients/{tenant.clients[0].pk}/documents/{doc.pk}/download/"
    response = login(tenant.users[Role.VCIO]).get(url)
    assert response.status_code == 500
    assert b"does not match the checksum" in response.content
    assert b"TINY" not in response.content
    assert f"document {doc.pk}: stored file" in caplog.text


# --- API ----------------------------------------------------------------------------------------------


def bearer(tenant, role=Role.VIEWER, **headers) -> HttpClient:
    with scopes_disabled():
        _, raw = api_token_create(membership=Membership.objects.get(user=tenant.users[role], msp=tenant.msp),
                                  name="tests")
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {raw}", **headers)


def test_api_lists_filters_and_downloads(tenant, other_tenant):
    report = make(tenant, content=b"abc", publish=True)
    roadmap = make(tenant, kind="roadmap", title="Roadmap")
    other = make(tenant, tenant.clients[1], title="Logistics")
    make(tenant, title="Archived", archive=True)
    make(other_tenant, title="Bravo")
    api = bearer(tenant)

    listed = api.get("/api/v1/documents/").json()
    assert listed["count"] == 3
    row = next(r for r in listed["results"] if r["id"] == str(report.pk))
    assert row == {
        "id": str(report.pk), "client": str(tenant.clients[0].pk), "kind": "alignment_report",
        "title": "Alignment report", "edition": 1, "content_type": "application/pdf", "size": 3,
        "checksum": ABC_SHA256, "source_id": None, "created_by": tenant.users[Role.OWNER].pk,
        "created_at": row["created_at"], "published": True, "published_at": row["published_at"],
        "published_by": tenant.users[Role.OWNER].pk, "archived_at": None,
        "download_url": f"http://testserver/api/v1/documents/{report.pk}/download/",
    }

    def ids(query):
        return {r["id"] for r in api.get(f"/api/v1/documents/?{query}").json()["results"]}

    assert ids(f"client={tenant.clients[1].pk}") == {str(other.pk)}
    assert ids("kind=roadmap") == {str(roadmap.pk)}
    assert ids("published=true") == {str(report.pk)}
    assert ids("published=false") == {str(roadmap.pk), str(other.pk)}
    assert len(ids("archived=true")) == 1

    detail = api.get(f"/api/v1/documents/{report.pk}/")
    assert detail.status_code == 200
    assert detail.json()["checksum"] == ABC_SHA256

    download = api.get(row["download_url"])
    assert download.status_code == 200
    assert download.content == b"abc"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Alpha-Dental-alignment-report-e1.pdf"'
    assert bearer(tenant, HTTP_ACCEPT="application/pdf").get(row["download_url"]).content == b"abc"
    missing = bearer(tenant, HTTP_ACCEPT="application/pdf").get(f"/api/v1/documents/{other_tenant.msp.pk}/download/")
    assert missing.status_code == 404


def test_api_is_read_only_and_scoped(tenant, other_tenant, login):
    doc = make(tenant)
    owner = bearer(tenant, Role.OWNER)
    assert owner.post("/api/v1/documents/", {}, content_type="application/json").status_code == 405
    assert owner.delete(f"/api/v1/documents/{doc.pk}/").status_code == 405
    assert bearer(other_tenant).get(f"/api/v1/documents/{doc.pk}/download/").status_code == 404
    assert bearer(other_tenant).get("/api/v1/documents/").json()["count"] == 0
    assert login(tenant.users[Role.CLIENT]).get(f"/api/v1/documents/{doc.pk}/download/").status_code == 404
