"""The portal's documents: a decision maker lists and downloads only their own client's published ones."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from msp.roles import Role
from tests.clients.test_documents import PDF, make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_portal_lists_and_serves_only_its_clients_published_documents(tenant, other_tenant, login):
    published = make(tenant, title="Alignment report: Annual review", publish=True)
    unpublished = make(tenant, title="Draft report")
    archived = make(tenant, title="Old report", publish=True, archive=True)
    sibling = make(tenant, tenant.clients[1], title="Logistics report", publish=True)
    foreign = make(other_tenant, title="Bravo report", publish=True)
    portal = login(tenant.users[Role.CLIENT])

    home = portal.get("/portal/").content.decode()
    assert "Alignment report: Annual review" in home
    assert f'href="/portal/documents/{published.pk}/download/"' in home
    for absent in ("Draft report", "Old report", "Logistics report", "Bravo report",
                   "No documents have been published yet."):
        assert absent not in home

    response = portal.get(f"/portal/documents/{published.pk}/download/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Alpha-Dental-alignment-report-e1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    for doc in (unpublished, archived, sibling, foreign):
        assert portal.get(f"/portal/documents/{doc.pk}/download/").status_code == 404, doc.title


def test_portal_download_needs_a_portal_user(tenant, login):
    doc = make(tenant, publish=True)
    url = f"/portal/documents/{doc.pk}/download/"
    assert login(tenant.users[Role.OWNER]).get(url).status_code == 404
    anonymous = HttpClient().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
