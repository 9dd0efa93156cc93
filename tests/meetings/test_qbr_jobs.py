"""The job page of a QBR document names its format while it renders and offers the file once done: the
deck "Rendering the presentation…" and a PowerPoint download, the PDF "Rendering the PDF…" and a PDF one."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from clients import document_jobs
from clients.models import Document
from meetings.choices import MeetingKind
from meetings.services import meeting_create
from msp.models import Job
from msp.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(tenant):
    with scope(msp=tenant.msp):
        return meeting_create(msp=tenant.msp, actor=tenant.users[Role.VCIO], kind=MeetingKind.QBR,
                              client=tenant.clients[0], starts_at=timezone.now() + timedelta(days=7),
                              send_invitations=False)


def status_block(html: str) -> str:
    return re.sub(r"\s+", " ", html.split('id="job-status"', 1)[1].split("</section>", 1)[0])


@pytest.mark.parametrize(("what", "kind", "rendering", "button"), [
    ("qbr-deck", "qbr_deck", "Rendering the presentation…", "Download the PowerPoint deck, edition 1"),
    ("qbr-report", "qbr_report", "Rendering the PDF…", "Download the PDF, edition 1"),
])
def test_the_job_page_follows_the_format(tenant, meeting, login, monkeypatch, django_capture_on_commit_callbacks,
                                         what, kind, rendering, button):
    c = login(tenant.users[Role.VCIO])
    seen = {}
    real = document_jobs.document_renderer(kind)

    def render_and_look(source):
        # Halfway through the job, as someone watching the job page sees it.
        job = Job.objects.get(kind=kind)
        seen["message"] = job.message
        seen["page"] = status_block(c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode())
        return real.render(source)

    monkeypatch.setitem(document_jobs._REGISTRY, kind, dataclasses.replace(real, render=render_and_look))
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/meetings/{meeting.pk}/{what}/")
    with scopes_disabled():
        job = Job.objects.get(kind=kind)
        document = Document.objects.get(client=tenant.clients[0], kind=kind)
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert seen["message"] == rendering
    assert f'<p class="mb-2" id="job-message">{rendering}</p>' in seen["page"]
    assert "Rendering the PDF…" not in seen["page"] if kind == "qbr_deck" else True
    assert "id=\"job-link-1\"" not in seen["page"]

    done = status_block(c.get(f"/jobs/{job.pk}/").content.decode())
    download = f"/clients/{tenant.clients[0].pk}/documents/{document.pk}/download/"
    assert (f'<a class="btn btn-success me-2" href="{download}" id="job-link-1"><i class="bi bi-download" '
            f'aria-hidden="true"></i> {button}</a>') in done
    assert job.links == [{"label": button, "url": download}]
