"""The alignment report PDF: rendered in a Celery task (eager here), stored as a client document, checked by
its text (pdftotext) and page count (pdfinfo)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from alignment import reports
from alignment.models import Answer, Recommendation, Review
from clients.document_jobs import document_job_run
from clients.models import Client, Document
from msp.choices import JobStatus
from msp.models import Job, Msp
from msp.roles import Role
from standards.models import StandardRevision
from tests import factories as f

pytestmark = pytest.mark.django_db

UTC = dt.UTC
OLD_WHY = "If the only copy of your data sits in the office, a fire or ransomware takes the business down with it."
NEW_WHY = "Rewritten by the standards committee after the review."
NOTE = "Backups go to a USB disk that never leaves the server room."
SUMMARY = "Your network is in good shape overall.\nTyped by hand: <script>alert(1)</script> stays text."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def answer(review, standard, response, *, note="", position=0, revision=None):
    return Answer.objects.create(
        msp=review.msp, review=review, standard=standard, category=standard.category, priority=standard.priority,
        revision=revision or StandardRevision.objects.get(standard=standard, number=1), response=response,
        note=note, position=position)


@pytest.fixture
def built(tenant):
    """A completed review by hand: two categories, aligned / misaligned / N/A answers with priorities.

    Backup: high aligned (5), high misaligned (5), low N/A            -> 5/10  = 50.0
    Email security: medium aligned x2 (6), low aligned (1), low misaligned (1) -> 7/8 = 87.5
    Overall: 12 / 18 = 66.7
    """
    with scopes_disabled():
        Msp.objects.filter(pk=tenant.msp.pk).update(name="Northwind Managed IT")
        Client.objects.filter(pk=tenant.clients[0].pk).update(name="Lakeshore Family Dental")
        client = Client.objects.get(pk=tenant.clients[0].pk)
        msp = client.msp
        backup = f.CategoryFactory(msp=msp, name="Backup", position=1)
        email = f.CategoryFactory(msp=msp, name="Email security", position=2)
        offsite = f.StandardFactory(category=backup, name="Offsite backup copy", priority="high", why=OLD_WHY,
                                    question="Is a copy of every backup kept away from the office?")
        monitored = f.StandardFactory(category=backup, name="Backup jobs monitored", priority="high")
        tape = f.StandardFactory(category=backup, name="Tape rotation", priority="low")
        mfa = f.StandardFactory(category=email, name="MFA on mailboxes", priority="medium")
        spf = f.StandardFactory(category=email, name="SPF, DKIM and DMARC", priority="medium")
        alerts = f.StandardFactory(category=email, name="Mailbox size alerts", priority="low")
        signature = f.StandardFactory(category=email, name="Standard email signature", priority="low",
                                      why="A consistent signature makes phishing easier to spot.")
        tam = tenant.users[Role.TAM]
        earlier = Review.objects.create(msp=msp, client=client, title="Review 2025", status="completed",
                                        completed_at=dt.datetime(2025, 3, 10, 15, tzinfo=UTC),
                                        score=Decimal("50.0"))
        review = Review.objects.create(msp=msp, client=client, title="Annual review 2026", tam=tam,
                                       status="completed", completed_at=dt.datetime(2026, 3, 12, 15, tzinfo=UTC),
                                       score=Decimal("66.7"), summary=SUMMARY)
        Review.objects.create(msp=msp, client=client, title="Follow-up still open", status="in_progress")
        found = answer(review, offsite, "misaligned", note=NOTE, position=1)
        answer(review, monitored, "aligned", position=2)
        answer(review, tape, "not_applicable", position=3)
        answer(review, mfa, "aligned", position=4)
        answer(review, spf, "aligned", position=5)
        answer(review, alerts, "aligned", position=6)
        answer(review, signature, "misaligned", note="Everyone writes their own.", position=7)
        # The library moves on after the review: the report keeps the text the TAM answered against.
        StandardRevision.objects.create(msp=msp, standard=offsite, number=2, question=offsite.question,
                                        why=NEW_WHY, how=offsite.how)
        type(offsite).objects.filter(pk=offsite.pk).update(why=NEW_WHY, revision=2)
        rec = Recommendation.objects.create(
            msp=msp, client=client, review=review, title="Move backups off site", priority="high",
            description="Send an encrypted copy of every nightly backup to a cloud vault.",
            impact="business_risk", impact_description="A fire no longer ends the business.",
            one_time_cost=Decimal("1200.00"), monthly_cost=Decimal("45.00"))
        rec.findings.add(found, through_defaults={"msp": rec.msp})
        Recommendation.objects.create(msp=msp, client=client, review=review, title="Dismissed idea",
                                      status="dismissed", one_time_cost=Decimal("999.00"))
        Recommendation.objects.create(msp=msp, client=client, review=review, title="Archived idea",
                                      archived_at=dt.datetime(2026, 3, 13, tzinfo=UTC))
    return review, earlier


def make_report(login, tenant, review, django_capture_on_commit_callbacks, *, publish: bool, role=Role.VCIO):
    data = {"publish": "on"} if publish else {}
    with django_capture_on_commit_callbacks(execute=True):
        return login(tenant.users[role]).post(f"/reviews/{review.pk}/report/", data)


def test_report_is_rendered_stored_and_published(tenant, built, login, django_capture_on_commit_callbacks):
    review, earlier = built
    response = make_report(login, tenant, review, django_capture_on_commit_callbacks, publish=True)
    with scopes_disabled():
        job = Job.objects.get(kind="alignment_report")
        document = Document.objects.get(source_id=review.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.message == "The report is ready: edition 1, published to the client's portal."
    download_url = f"/clients/{review.client_id}/documents/{document.pk}/download/"
    assert job.result == {"document": "Alignment report: Annual review 2026 (2026-03-12), edition 1",
                          "edition": 1, "size": f"{document.size} bytes", "published": "yes",
                          "links": [{"label": "Download edition 1", "url": download_url}],
                          "records": {"document": str(document.pk)}}
    assert job.subject_url == f"/clients/{review.client_id}/documents/"
    job_page = login(tenant.users[Role.VCIO]).get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/clients/{review.client_id}/documents/"' in job_page
    assert "Back to Lakeshore Family Dental documents" in job_page
    assert f'href="{download_url}"' in job_page

    assert document.kind == "alignment_report"
    assert document.edition == 1
    assert document.title == "Alignment report: Annual review 2026 (2026-03-12)"
    assert document.client_id == review.client_id
    assert document.content_type == "application/pdf"
    assert document.published_at is not None
    assert document.published_by == tenant.users[Role.VCIO]
    assert document.created_by == tenant.users[Role.VCIO]
    data = document.file.read()
    assert data.startswith(b"%PDF-")
    assert document.size == len(data)
    assert document.checksum == hashlib.sha256(data).hexdigest()

    text = pdf_text(document.file.path)
    pages = pdf_pages(document.file.path)
    # Cover
    assert "Lakeshore Family Dental" in text
    assert "Northwind Managed IT" in text
    assert "Annual review 2026" in text
    assert "12 March 2026" in text
    # Score with one decimal, and the trend over completed reviews (dates and stored scores)
    assert re.search(r"66\.7\s+out of 100", text)
    assert "2025-03-10" in text
    assert "2026-03-12" in text
    assert "Follow-up still open" not in text
    # Category breakdown: met, not met, not applicable, score
    assert re.search(r"Backup\s+1\s+1\s+1\s+50\.0\n", text)
    assert re.search(r"Email security\s+3\s+1\s+0\s+87\.5\n", text)
    assert re.search(r"Overall\s+4\s+2\s+1\s+66\.7\n", text)
    # Top risks: the pinned revision's why, the TAM's note, high priority first
    flat = " ".join(text.split())
    assert OLD_WHY in flat
    assert NEW_WHY not in flat
    assert NOTE in flat
    assert flat.index("1. Offsite backup copy") < flat.index("2. Standard email signature")
    # Recommendations with money in the MSP's currency; dismissed and archived ones left out
    assert "Move backups off site" in text
    assert "$1,200.00 one-time" in flat
    assert "$45.00 per month" in flat
    assert "Business impact: Business risk" in flat
    assert "Dismissed idea" not in text
    assert "$999.00" not in text
    assert "Archived idea" not in text
    # The technology summary, with the typed markup shown as text
    assert "Your network is in good shape overall." in text
    assert "<script>alert(1)</script> stays text." in text
    # Page numbers from @page counters agree with the real page count
    assert pages >= 2
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text

    # Published: the client's portal user downloads exactly these bytes.
    portal = login(tenant.users[Role.CLIENT])
    home = portal.get("/portal/").content.decode()
    assert "Alignment report: Annual review 2026 (2026-03-12)" in home
    download = portal.get(f"/portal/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert download.content == data
    assert download["Content-Disposition"] == (
        'attachment; filename="Lakeshore-Family-Dental-alignment-report-e1.pdf"')


def test_a_second_report_is_the_next_edition_and_unpublished(tenant, built, login,
                                                             django_capture_on_commit_callbacks):
    review, _ = built
    make_report(login, tenant, review, django_capture_on_commit_callbacks, publish=True)
    with scopes_disabled():  # the vCIO adds advice, so the report changes
        Recommendation.objects.create(msp=tenant.msp, client=review.client, review=review, title="Add MFA",
                                      priority="medium")
    response = make_report(login, tenant, review, django_capture_on_commit_callbacks, publish=False,
                           role=Role.OWNER)
    assert response.status_code == 302
    with scopes_disabled():
        docs = list(Document.objects.filter(source_id=review.pk).order_by("edition"))
        job = Job.objects.filter(kind="alignment_report").order_by("-created_at").first()
    assert [(d.edition, d.published_at is not None) for d in docs] == [(1, True), (2, False)]
    assert job.result["published"] == "no"
    assert job.message.startswith("The report is ready: edition 2, not published")


def test_the_report_of_an_older_review_shows_the_trend_up_to_it(tenant, built):
    _, earlier = built
    with scope(msp=tenant.msp):
        data = reports.alignment_report_data(review=Review.objects.get(pk=earlier.pk))
    assert data.trend_count == 1
    assert data.score == "—"  # it has no answers: nothing applicable, no score
    assert data.categories == []
    assert data.risks == []


@pytest.mark.parametrize("status", ["scheduled", "in_progress", "cancelled"])
def test_a_review_that_is_not_completed_gets_no_report(tenant, built, login, status,
                                                       django_capture_on_commit_callbacks):
    review, _ = built
    with scopes_disabled():
        Review.objects.filter(pk=review.pk).update(status=status)
    c = login(tenant.users[Role.VCIO])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/reviews/{review.pk}/report/", {"publish": "on"},
                          HTTP_REFERER=f"http://testserver/clients/{review.client_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/clients/{review.client_id}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only a completed review has an alignment report. Complete the review first."]
    with django_capture_on_commit_callbacks(execute=True):
        # Without a page to go back to, the error is shown on the review's page.
        assert c.post(f"/reviews/{review.pk}/report/")["Location"] == f"/reviews/{review.pk}/"
        foreign = c.post(f"/reviews/{review.pk}/report/", HTTP_REFERER="https://evil.test/")
        assert foreign["Location"] == f"/reviews/{review.pk}/"
    with scopes_disabled():
        assert not Job.objects.filter(kind="alignment_report").exists()
        assert not Document.objects.exists()
    with scope(msp=tenant.msp), pytest.raises(ValidationError, match="Only a completed review"):
        reports.alignment_report_enqueue(review=Review.objects.get(pk=review.pk), actor=tenant.users[Role.VCIO])


def test_a_review_reopened_before_the_worker_runs_fails_the_job(tenant, built):
    review, _ = built
    with scope(msp=tenant.msp):
        # Queued while completed (the task waits for the commit, which a test transaction never makes)...
        job = reports.alignment_report_enqueue(review=Review.objects.select_related("client").get(pk=review.pk),
                                               actor=tenant.users[Role.VCIO], publish=True)
        Review.objects.filter(pk=review.pk).update(status="in_progress")
        # ...and run by the worker after the review was reopened.
        done = document_job_run(job_id=job.pk)
        assert done.status == JobStatus.FAILED
        assert done.message == "No report was made."
        assert done.errors == ["Only a completed review has an alignment report. Complete the review first."]
        assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.TAM, Role.VIEWER])
def test_only_owner_and_vcio_make_reports(tenant, built, login, role, django_capture_on_commit_callbacks):
    review, _ = built
    response = make_report(login, tenant, review, django_capture_on_commit_callbacks, publish=True, role=role)
    assert response.status_code == 403
    with scopes_disabled():
        assert not Document.objects.exists()


def test_report_page_is_post_only_and_scoped(tenant, other_tenant, built, login):
    review, _ = built
    assert login(tenant.users[Role.VCIO]).get(f"/reviews/{review.pk}/report/").status_code == 405
    assert login(other_tenant.users[Role.VCIO]).post(f"/reviews/{review.pk}/report/").status_code == 404
    assert login(tenant.users[Role.CLIENT]).post(f"/reviews/{review.pk}/report/").status_code == 404
