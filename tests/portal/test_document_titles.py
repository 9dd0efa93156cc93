"""Documents carry their kind, period and edition, so none of a client's documents reads like another:
three roadmaps made on one day, and business reviews of one quarter, each show a heading of their own in
the portal and on the client's documents page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from clients.documents import document_create, document_publish
from meetings.choices import MeetingKind
from meetings.reports import report_title as review_title
from meetings.services import meeting_create
from msp.roles import Role
from roadmaps.reports import report_title as roadmap_title

pytestmark = pytest.mark.django_db


def test_no_two_documents_of_a_client_read_the_same(tenant, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    vcio = tenant.users[Role.VCIO]
    client = tenant.clients[0]  # January fiscal year
    with scope(msp=tenant.msp):
        october = meeting_create(msp=tenant.msp, actor=vcio, kind=MeetingKind.QBR, client=client,
                                 starts_at=dt.datetime(2026, 10, 6, 14, tzinfo=dt.UTC), send_invitations=False)
        november = meeting_create(msp=tenant.msp, actor=vcio, kind=MeetingKind.QBR, client=client,
                                  starts_at=dt.datetime(2026, 11, 17, 14, tzinfo=dt.UTC), send_invitations=False)
        made = [(roadmap_title(client, dt.date(2026, 11, 21)), "roadmap")] * 3 + [
            (review_title(october, "Business review"), "qbr_report"),
            (review_title(november, "Business review"), "qbr_report"),
            (review_title(november, "Business review deck"), "qbr_deck")]
        for n, (title, kind) in enumerate(made):
            document = document_create(client=client, kind=kind, title=title, content=b"%PDF-1.7 " + bytes([n]),
                                       actor=vcio)
            document_publish(document=document, actor=vcio)
    expected = {
        "Technology roadmap and budget FY2026 Q4 – FY2029 Q3, edition 1",
        "Technology roadmap and budget FY2026 Q4 – FY2029 Q3, edition 2",
        "Technology roadmap and budget FY2026 Q4 – FY2029 Q3, edition 3",
        "Business review FY2026 Q4 (6 October 2026), edition 1",
        "Business review FY2026 Q4 (17 November 2026), edition 2",
        "Business review deck FY2026 Q4 (17 November 2026), edition 1",
    }

    def headings(html: str) -> list[str]:
        return [" ".join(strip_tags(cell.split("</", 1)[0]).split())
                for cell in html.split('class="fw-semibold document-heading">')[1:]]

    portal = headings(login(tenant.users[Role.CLIENT]).get("/portal/").content.decode())
    staff = headings(login(vcio).get(f"/clients/{client.pk}/documents/").content.decode())
    assert len(portal) == len(set(portal)) == 6
    assert set(portal) == set(staff) == expected
    with scopes_disabled():
        assert {str(d) for d in client.documents.all()} == expected
