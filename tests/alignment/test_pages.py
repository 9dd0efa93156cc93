"""Review pages: client reviews and scheduling, my reviews, the on-site page (htmx and plain posts), results,
evidence, recommendations, the summary, and who may do what."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from alignment import services
from alignment.choices import AlignmentActivity, Response, ReviewStatus
from alignment.models import Evidence, Recommendation, Review
from msp.models import Activity
from msp.roles import Role
from standards.models import Standard, StandardRevision
from tests.alignment.conftest import PNG, answer, answer_all, answers_of, reload, schedule

pytestmark = pytest.mark.django_db

A, M, NA = Response.ALIGNED, Response.MISALIGNED, Response.NOT_APPLICABLE
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return response.content.decode()


def card(response, answer_id) -> str:
    """The HTML of one answer card in a page."""
    body = text(response)
    start = body.index(f'id="answer-{answer_id}"')
    return body[start:body.index("</article>", start)]


# --- client reviews and scheduling ----------------------------------------------------------------------

def test_client_reviews_page_lists_reviews_with_scores_and_trend(tenant, lib, login):
    done = schedule(tenant, categories=[lib.backup], title="Spring review")
    answer_all(tenant, done, {"Offsite copy": A, "Backups monitored": M})
    with scope(msp=tenant.msp):
        services.review_complete(review=done, actor=tenant.users[Role.TAM])
    with scopes_disabled():
        Review.objects.filter(pk=done.pk).update(completed_at=dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC))
    schedule(tenant, title="Summer review", scheduled_for=dt.date(2026, 6, 1))
    response = login(tenant.users[Role.VIEWER]).get(f"/reviews/client/{tenant.clients[0].pk}/")
    assert response.status_code == 200
    rows = [(r.title, r.status, r.answers_done, r.answers_total) for r in response.context["reviews"]]
    assert rows == [("Summer review", "scheduled", 0, 5), ("Spring review", "completed", 2, 2)]
    body = text(response)
    assert "<title>Alignment score of Alpha Dental</title>" in body
    assert "2026-03-12: 62.5" in body
    assert "Schedule a review" not in body  # viewers do not schedule
    assert "Schedule a review" in text(login(tenant.users[Role.VCIO]).get(f"/reviews/client/{tenant.clients[0].pk}/"))


def test_schedule_form_creates_the_review(tenant, lib, login):
    c = login(tenant.users[Role.VCIO])
    url = f"/reviews/client/{tenant.clients[0].pk}/new/"
    page = c.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["tam"].initial == tenant.users[Role.TAM].pk  # the client's TAM
    assert sorted(u.email for u in form.fields["tam"].queryset) == ["owner@alpha.test", "tam@alpha.test",
                                                                    "vcio@alpha.test"]
    response = c.post(url, {"title": "", "scheduled_for": "2026-04-15", "tam": tenant.users[Role.TAM].pk,
                            "categories": [str(lib.email.pk)], "tags": "", "frequencies": ["yearly"]})
    with scopes_disabled():
        review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/"
    assert review.title == "Alignment review April 2026"
    assert sorted(answers_of(review)) == ["Email signature", "MFA on mailboxes"]


def test_schedule_form_shows_an_empty_scope_error(tenant, lib, login):
    response = login(tenant.users[Role.VCIO]).post(
        f"/reviews/client/{tenant.clients[0].pk}/new/",
        {"scheduled_for": "2026-04-15", "tam": tenant.users[Role.TAM].pk, "tags": "nothing-has-this"})
    assert response.status_code == 200
    assert ("No active standard is in this scope (tags nothing-has-this). Widen the scope, or add standards to "
            "the library first.") in text(response)
    with scopes_disabled():
        assert not Review.objects.exists()


def test_my_reviews_for_the_tam_and_open_reviews_for_the_vcio(tenant, lib, login):
    mine = schedule(tenant, title="Dental on site")
    schedule(tenant, title="Logistics on site", client=tenant.clients[1], tam_role=Role.VCIO)
    tam_page = login(tenant.users[Role.TAM]).get("/reviews/")
    assert [r.title for r in tam_page.context["my_reviews"]] == ["Dental on site"]
    assert tam_page.context["open_reviews"] is None
    assert f'href="/reviews/{mine.pk}/answer/">Start</a>' in text(tam_page)
    vcio_page = login(tenant.users[Role.VCIO]).get("/reviews/")
    assert [r.title for r in vcio_page.context["my_reviews"]] == ["Logistics on site"]
    assert sorted(r.title for r in vcio_page.context["open_reviews"]) == ["Dental on site", "Logistics on site"]


# --- the on-site page -----------------------------------------------------------------------------------

def test_answer_page_shows_one_category_and_resumes_where_work_is_left(tenant, lib, login):
    review = schedule(tenant)
    c = login(tenant.users[Role.TAM])
    page = c.get(f"/reviews/{review.pk}/answer/")
    assert page.status_code == 200
    assert page.context["current_category"] == lib.backup.pk
    assert [a.standard.name for a in page.context["answers"]] == ["Backups monitored", "Offsite copy"]
    body = text(page)
    assert "Is a copy of every backup kept off site?" in body
    assert "Do all mailboxes require MFA?" not in body  # another category
    assert '<span id="progress-text">0 of 5 answered</span>' in body
    assert 'accept="image/*" capture="environment"' in body
    assert "js/review.js" in body
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": NA})
    resumed = c.get(f"/reviews/{review.pk}/answer/")
    assert resumed.context["current_category"] == lib.email.pk
    assert '<span id="progress-text">2 of 5 answered</span>' in text(resumed)
    chosen = c.get(f"/reviews/{review.pk}/answer/?category={lib.backup.pk}")
    assert chosen.context["current_category"] == lib.backup.pk


def test_htmx_answer_swaps_the_card_and_updates_the_progress(tenant, lib, login):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    response = login(tenant.users[Role.TAM]).post(f"/reviews/{review.pk}/answers/{a.pk}/",
                                                  {"response": M, "note": "USB disk only", "version": 1}, **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.count("<article") == 1
    assert 'name="version" value="2"' in body
    assert 'data-response="misaligned"' in body
    assert ">USB disk only</textarea>" in body
    assert 'id="review-progress" class="review-progress" hx-swap-oob="true"' in body
    assert '<span id="progress-text">1 of 5 answered</span>' in body
    assert 'id="category-nav" class="mb-3" hx-swap-oob="true"' in body
    stored = answers_of(review)["Offsite copy"]
    assert (stored.response, stored.note, stored.version) == (M, "USB disk only", 2)
    assert reload(review).status == ReviewStatus.IN_PROGRESS


def test_stale_answer_from_a_second_person_is_refused_with_409(tenant, lib, login):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    tam, vcio = login(tenant.users[Role.TAM]), login(tenant.users[Role.VCIO])
    first = tam.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": A, "note": "", "version": 1}, **HTMX)
    assert first.status_code == 200
    second = vcio.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": M, "note": "Not off site",
                                                                  "version": 1}, **HTMX)
    assert second.status_code == 409
    body = text(second)
    assert "Changed by someone else: Aligned. Your answer was not saved." in body
    assert 'name="version" value="2"' in body  # their version, so a new tap overrides knowingly
    stored = answers_of(review)["Offsite copy"]
    assert (stored.response, stored.note, stored.version, stored.answered_by) == (A, "", 2, tenant.users[Role.TAM])


def test_plain_post_without_javascript_redirects_back_to_the_card(tenant, lib, login):
    review = schedule(tenant)
    a = answers_of(review)["MFA on mailboxes"]
    c = login(tenant.users[Role.TAM])
    response = c.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": A, "note": "", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/answer/?category={lib.email.pk}#answer-{a.pk}"
    stale = c.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": M, "note": "", "version": 1}, follow=True)
    assert "MFA on mailboxes: Changed by someone else: Aligned. Your answer was not saved." in text(stale)
    assert answers_of(review)["MFA on mailboxes"].response == A


def test_save_note_keeps_the_response(tenant, lib, login):
    review = schedule(tenant)
    a = answer(tenant, review, "Offsite copy", A)
    response = login(tenant.users[Role.TAM]).post(f"/reviews/{review.pk}/answers/{a.pk}/",
                                                  {"response": "", "note": "Checked the NAS", "version": 2}, **HTMX)
    assert response.status_code == 200
    stored = answers_of(review)["Offsite copy"]
    assert (stored.response, stored.note, stored.version) == (A, "Checked the NAS", 3)


def test_mark_category_not_applicable_from_the_page(tenant, lib, login):
    review = schedule(tenant)
    response = login(tenant.users[Role.TAM]).post(
        f"/reviews/{review.pk}/categories/{lib.backup.pk}/not-applicable/", follow=True)
    assert "Backup: 2 standards marked not applicable." in text(response)
    assert response.context["current_category"] == lib.email.pk
    assert [answers_of(review)[n].response for n in ("Offsite copy", "Backups monitored")] == [NA, NA]


def test_evidence_upload_and_serving(tenant, other_tenant, lib, login):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    c = login(tenant.users[Role.TAM])
    bad = c.post(f"/reviews/{review.pk}/answers/{a.pk}/evidence/",
                 {"file": SimpleUploadedFile("notes.png", b"hello", content_type="image/png")}, **HTMX)
    assert bad.status_code == 400
    assert "“notes.png” is not a JPEG, PNG, WebP or HEIC image. Upload a photo or a screenshot." in text(bad)
    good = c.post(f"/reviews/{review.pk}/answers/{a.pk}/evidence/",
                  {"file": SimpleUploadedFile("rack.png", PNG, content_type="image/png")}, **HTMX)
    assert good.status_code == 200
    with scopes_disabled():
        ev = Evidence.objects.get()
    assert f'src="/reviews/{review.pk}/evidence/{ev.pk}/"' in text(good)
    served = login(tenant.users[Role.VIEWER]).get(f"/reviews/{review.pk}/evidence/{ev.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG
    # Another review's URL, another tenant, a portal user: not found.
    other = schedule(tenant, title="Other")
    assert c.get(f"/reviews/{other.pk}/evidence/{ev.pk}/").status_code == 404
    assert login(other_tenant.users[Role.OWNER]).get(f"/reviews/{review.pk}/evidence/{ev.pk}/").status_code == 404
    assert login(tenant.users[Role.CLIENT]).get(f"/reviews/{review.pk}/evidence/{ev.pk}/").status_code == 404
    removed = c.post(f"/reviews/{review.pk}/evidence/{ev.pk}/remove/", **HTMX)
    assert removed.status_code == 200
    assert c.get(f"/reviews/{review.pk}/evidence/{ev.pk}/").status_code == 404


def test_complete_from_the_page(tenant, lib, login):
    review = schedule(tenant, categories=[lib.backup])
    c = login(tenant.users[Role.TAM])
    refused = c.post(f"/reviews/{review.pk}/complete/", follow=True)
    assert ("2 of 2 standards are still unanswered. Answer them, or mark their category not applicable, before "
            "completing the review.") in text(refused)
    answer(tenant, review, "Offsite copy", A)
    last = answers_of(review)["Backups monitored"]
    swap = c.post(f"/reviews/{review.pk}/answers/{last.pk}/", {"response": M, "note": "", "version": 1}, **HTMX)
    assert 'id="complete-form"' in text(swap)  # the progress block now offers to complete
    done = c.post(f"/reviews/{review.pk}/complete/", follow=True)
    assert "Review completed. Score 62.5." in text(done)
    assert reload(review).status == ReviewStatus.COMPLETED
    # The on-site page of a completed review sends to the results.
    assert c.get(f"/reviews/{review.pk}/answer/")["Location"] == f"/reviews/{review.pk}/"
    late = c.post(f"/reviews/{review.pk}/answers/{last.pk}/", {"response": A, "note": "", "version": 2}, **HTMX)
    assert late.status_code == 400
    assert "its answers can no longer change" in text(late)


# --- results --------------------------------------------------------------------------------------------

@pytest.fixture
def completed(tenant, lib):
    """high aligned + medium misaligned (backup), low aligned + high N/A + medium misaligned (email).
    Score: (5 + 1) / (5 + 3 + 1 + 3) = 50.0; backup 5/8 = 62.5; email 1/4 = 25.0."""
    review = schedule(tenant)
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": M, "Email signature": A,
                                "MFA on mailboxes": NA, "SPF and DMARC": M})
    answer(tenant, review, "Backups monitored", M, note="Nobody reads the backup emails")
    with scope(msp=tenant.msp):
        return services.review_complete(review=review, actor=tenant.users[Role.TAM])


def test_results_page_shows_score_categories_and_findings(tenant, completed, login):
    response = login(tenant.users[Role.VIEWER]).get(f"/reviews/{completed.pk}/")
    assert response.status_code == 200
    body = text(response)
    # Every score carries its red/amber/green band (SCORE_BANDS: green from 75, amber from 60).
    assert 'id="review-score"><span class="rag rag-red" data-band="red">50.0</span></div>' in body
    assert [(c.name, c.score) for c in response.context["scores"].categories] == [
        ("Backup", Decimal("62.5")), ("Email", Decimal("25.0"))]
    rows = re.findall(r"<tr><th scope=\"row\" class=\"fw-normal\">(\w+)</th>((?:<td[^>]*>.*?</td>)+)</tr>", body)
    cell = r"<td[^>]*>(?:<span[^>]*data-band=\"(\w+)\">)?([^<]*)"
    assert [(name, re.findall(cell, cells)) for name, cells in rows] == [
        ("Backup", [("", "1"), ("", "1"), ("", "0"), ("amber", "62.5")]),
        ("Email", [("", "1"), ("", "1"), ("", "1"), ("red", "25.0")])]
    assert [a.standard.name for a in response.context["findings"]] == ["Backups monitored", "SPF and DMARC"]
    assert "Nobody reads the backup emails" in body
    assert "Create recommendation from selected" not in body  # viewers read only
    assert 'name="summary"' not in body


def test_score_shows_a_dash_when_there_is_none(tenant, lib, login):
    review = schedule(tenant)
    body = text(login(tenant.users[Role.VCIO]).get(f"/reviews/{review.pk}/"))
    assert re.search(r'id="review-score">\s*—\s*</div>', body)


def test_old_review_keeps_the_question_it_was_answered_against(tenant, lib, completed, login):
    with scopes_disabled():
        std = lib.s["monitored"]
        StandardRevision.objects.create(msp=tenant.msp, standard=std, number=2,
                                        question="Is every backup job checked each morning?", why="w", how="h")
        Standard.objects.filter(pk=std.pk).update(revision=2, question="Is every backup job checked each morning?")
    body = text(login(tenant.users[Role.VCIO]).get(f"/reviews/{completed.pk}/"))
    assert "Are backup jobs monitored every day?" in body
    assert "Is every backup job checked each morning?" not in body
    new = schedule(tenant, categories=[lib.backup])
    page = text(login(tenant.users[Role.TAM]).get(f"/reviews/{new.pk}/answer/"))
    assert "Is every backup job checked each morning?" in page
    assert "Are backup jobs monitored every day?" not in page


def test_recommendation_from_selected_findings(tenant, completed, login):
    findings = answers_of(completed)
    picked = [findings["Backups monitored"].pk, findings["SPF and DMARC"].pk]
    c = login(tenant.users[Role.VCIO])
    form_page = c.get(f"/reviews/{completed.pk}/recommendations/new/", {"finding": [str(p) for p in picked]})
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form["title"].initial == "Address 2 findings: Backups monitored, SPF and DMARC"
    assert form["findings"].initial == [str(p) for p in picked]
    assert form["priority"].initial == "medium"
    response = c.post(f"/reviews/{completed.pk}/recommendations/new/", {
        "title": "Protect the business from data loss and spoofing", "description": "Monitor backups; DMARC.",
        "impact": "business_risk", "impact_description": "A lost day of work costs more than the fix.",
        "priority": "high", "one_time_cost": "1200.00", "monthly_cost": "45.00", "status": "open",
        "findings": [str(p) for p in picked]})
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{completed.pk}/#recommendations"
    with scopes_disabled():
        rec = Recommendation.objects.get()
        assert sorted(a.pk for a in rec.findings.all()) == sorted(picked)
    assert (rec.client, rec.review, rec.one_time_cost, rec.created_by) == (
        tenant.clients[0], completed, Decimal("1200.00"), tenant.users[Role.VCIO])
    detail = text(c.get(f"/reviews/{completed.pk}/"))
    assert "Protect the business from data loss and spoofing" in detail
    assert "one-time $1,200.00" in detail
    assert "Covers: Backups monitored, SPF and DMARC" in detail

    edit = c.post(f"/reviews/recommendations/{rec.pk}/edit/", {
        "title": "Protect the business", "description": "", "impact": "business_risk", "impact_description": "",
        "priority": "high", "one_time_cost": "", "monthly_cost": "", "status": "planned",
        "findings": [str(picked[0])], "version": 1})
    assert edit.status_code == 302
    rec = reload(rec)
    assert (rec.title, rec.status, rec.version) == ("Protect the business", "planned", 2)
    stale = c.post(f"/reviews/recommendations/{rec.pk}/edit/", {
        "title": "Older edit", "impact": "business_risk", "priority": "low", "status": "open", "version": 1})
    assert stale.status_code == 200
    assert "This recommendation was changed by someone else while you were editing." in text(stale)
    assert c.post(f"/reviews/recommendations/{rec.pk}/archive/").status_code == 302
    assert reload(rec).archived_at is not None


def test_summary_save_and_complete_from_the_page(tenant, completed, login):
    c = login(tenant.users[Role.VCIO])
    version = reload(completed).version
    saved = c.post(f"/reviews/{completed.pk}/summary/", {"summary": "Backups need attention.", "version": version})
    assert saved.status_code == 302
    done = c.post(f"/reviews/{completed.pk}/summary/", {"summary": "Backups need attention now.",
                                                       "version": version + 1, "complete": "1"}, follow=True)
    assert "Technology summary saved and marked completed." in text(done)
    review = reload(completed)
    assert (review.summary, review.summary_completed_by) == ("Backups need attention now.", tenant.users[Role.VCIO])
    stale = c.post(f"/reviews/{completed.pk}/summary/", {"summary": "Old tab", "version": version})
    assert stale.status_code == 409
    assert "This review was changed by someone else while you were writing." in text(stale)
    assert reload(completed).summary == "Backups need attention now."
    with scopes_disabled():
        assert Activity.objects.filter(kind=AlignmentActivity.SUMMARY_COMPLETED).count() == 1


# --- roles ----------------------------------------------------------------------------------------------

def test_role_rules(tenant, other_tenant, lib, login):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    client_id = tenant.clients[0].pk
    viewer, tam = login(tenant.users[Role.VIEWER]), login(tenant.users[Role.TAM])
    # Viewers read; they neither answer nor schedule.
    assert viewer.get(f"/reviews/{review.pk}/").status_code == 200
    assert viewer.get(f"/reviews/{review.pk}/answer/").status_code == 403
    assert viewer.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": A, "version": 1}).status_code == 403
    assert viewer.get(f"/reviews/client/{client_id}/new/").status_code == 403
    # TAMs answer; they do not schedule, recommend or write the summary.
    assert tam.get(f"/reviews/{review.pk}/answer/").status_code == 200
    assert tam.get(f"/reviews/client/{client_id}/new/").status_code == 403
    assert tam.get(f"/reviews/{review.pk}/recommendations/new/").status_code == 403
    assert tam.post(f"/reviews/{review.pk}/summary/", {"summary": "x", "version": 1}).status_code == 403
    assert tam.post(f"/reviews/{review.pk}/cancel/").status_code == 403
    # Portal users and other tenants find nothing.
    portal = login(tenant.users[Role.CLIENT])
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/answer/", "/reviews/",
                f"/reviews/client/{client_id}/"):
        assert portal.get(url).status_code == 404, url
    outsider = login(other_tenant.users[Role.OWNER])
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/answer/", f"/reviews/client/{client_id}/",
                f"/reviews/client/{client_id}/new/"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/reviews/{review.pk}/answers/{a.pk}/", {"response": M, "version": 1}).status_code == 404
    assert outsider.get(f"/reviews/{uuid.uuid4()}/").status_code == 404
    assert answers_of(review)["Offsite copy"].response == ""
