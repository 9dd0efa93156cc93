"""Writes of alignment reviews: scheduling, answering with versions, evidence, completion, summary, recommendations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from alignment import selectors, services
from alignment.choices import AlignmentActivity, Response, ReviewStatus
from alignment.models import Answer, Evidence, Recommendation, Review
from msp.models import Activity, Notification
from msp.roles import Role
from standards.models import Standard, StandardRevision
from tests import factories as f
from tests.alignment.conftest import HEIC, JPEG, PNG, WEBP, answer, answer_all, answers_of, reload, schedule

pytestmark = pytest.mark.django_db

A, M, NA = Response.ALIGNED, Response.MISALIGNED, Response.NOT_APPLICABLE


# --- scheduling -----------------------------------------------------------------------------------------

def test_schedule_takes_every_active_standard_in_library_order(tenant, lib):
    review = schedule(tenant)
    with scopes_disabled():
        rows = list(Answer.objects.filter(review=review).order_by("position").values_list(
            "standard__name", "category__name", "priority", "position", "response", "revision__number"))
        review = Review.objects.get(pk=review.pk)
    assert rows == [
        ("Backups monitored", "Backup", "medium", 1, "", 1),
        ("Offsite copy", "Backup", "high", 2, "", 1),
        ("Email signature", "Email", "low", 3, "", 1),
        ("MFA on mailboxes", "Email", "high", 4, "", 1),
        ("SPF and DMARC", "Email", "medium", 5, "", 1),
    ]  # the retired "Tape rotation" is not in it
    assert (review.status, review.title, review.scheduled_for) == (ReviewStatus.SCHEDULED, "Review Q1",
                                                                   dt.date(2026, 3, 10))
    assert review.tam == tenant.users[Role.TAM]
    assert review.created_by == tenant.users[Role.VCIO]
    with scopes_disabled():
        note = Notification.objects.get(user=tenant.users[Role.TAM])
    assert note.title == "Review to do: Review Q1 for Alpha Dental"
    assert note.url == f"/reviews/{review.pk}/answer/"


def test_schedule_scope_by_category_tag_and_frequency(tenant, lib):
    def names(review):
        return sorted(answers_of(review))

    assert names(schedule(tenant, categories=[lib.backup])) == ["Backups monitored", "Offsite copy"]
    assert names(schedule(tenant, tags=["Security "])) == ["MFA on mailboxes"]
    assert names(schedule(tenant, frequencies=["quarterly"])) == ["SPF and DMARC"]
    assert names(schedule(tenant, categories=[lib.email], frequencies=["yearly"])) == [
        "Email signature", "MFA on mailboxes"]
    review = schedule(tenant, categories=[lib.email], tags=["security"], frequencies=["yearly"])
    with scopes_disabled():
        review = Review.objects.get(pk=review.pk)
        assert list(review.scope_categories.all()) == [lib.email]
    assert (review.scope_tags, review.scope_frequencies) == (["security"], ["yearly"])


def test_schedule_pins_the_latest_revision(tenant, lib):
    with scopes_disabled():
        std = lib.s["mfa"]
        StandardRevision.objects.create(msp=tenant.msp, standard=std, number=2,
                                        question="Do all mailboxes and admin accounts require MFA?",
                                        why="New why.", how="New how.")
        Standard.objects.filter(pk=std.pk).update(revision=2)
    a = answers_of(schedule(tenant))["MFA on mailboxes"]
    with scopes_disabled():
        assert (a.revision.number, a.revision.question) == (2, "Do all mailboxes and admin accounts require MFA?")


def test_schedule_refuses_an_empty_scope(tenant, lib):
    with pytest.raises(ValidationError) as exc:
        schedule(tenant, categories=[lib.backup], tags=["security"])
    assert exc.value.messages == [
        "No active standard is in this scope (categories Backup; tags security). Widen the scope, or add "
        "standards to the library first."]
    with scopes_disabled():
        assert not Review.objects.exists()


def test_schedule_needs_a_tam_who_can_answer(tenant, other_tenant, lib):
    with pytest.raises(ValidationError) as exc:
        schedule(tenant, tam_role=Role.VIEWER)
    assert exc.value.message_dict == {
        "tam": [f"{tenant.users[Role.VIEWER].display_name} cannot answer reviews; choose a TAM, vCIO or owner "
                "of your MSP."]}
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.review_schedule(client=tenant.clients[0], actor=tenant.users[Role.VCIO], title="",
                                 scheduled_for=None, tam=other_tenant.users[Role.TAM])
    assert list(exc.value.message_dict) == ["tam"]
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.review_schedule(client=tenant.clients[0], actor=tenant.users[Role.VCIO], title="",
                                 scheduled_for=None, tam=None)
    assert exc.value.message_dict == {"tam": ["Assign the TAM who will answer the review."]}


def test_default_title_names_the_month(tenant, lib):
    review = schedule(tenant, title="  ", scheduled_for=dt.date(2026, 5, 4))
    assert review.title == "Alignment review May 2026"


# --- answering ------------------------------------------------------------------------------------------

def test_first_answer_starts_the_review_and_bumps_the_version(tenant, lib):
    review = schedule(tenant)
    a = answer(tenant, review, "Offsite copy", M, note="  USB disk in the server room  ")
    assert (a.response, a.note, a.version, a.answered_by) == (M, "USB disk in the server room", 2,
                                                              tenant.users[Role.TAM])
    review = reload(review)
    assert review.status == ReviewStatus.IN_PROGRESS
    assert review.started_at is not None


def test_stale_answer_is_refused_and_changes_nothing(tenant, lib):
    review = schedule(tenant)
    seen = answers_of(review)["Offsite copy"]  # both people loaded version 1
    with scope(msp=tenant.msp):
        services.answer_set(answer=seen, actor=tenant.users[Role.TAM], response=A, note="first",
                            expected_version=1)
        from msp.tenancy import StaleVersionError

        with pytest.raises(StaleVersionError):
            services.answer_set(answer=answers_of(review)["Offsite copy"], actor=tenant.users[Role.VCIO],
                                response=M, note="second", expected_version=1)
    stored = answers_of(review)["Offsite copy"]
    assert (stored.response, stored.note, stored.version, stored.answered_by) == (A, "first", 2,
                                                                                  tenant.users[Role.TAM])


def test_repeating_the_same_answer_with_an_old_version_is_not_a_conflict(tenant, lib):
    review = schedule(tenant)
    answer(tenant, review, "Offsite copy", A)
    with scope(msp=tenant.msp):
        again = services.answer_set(answer=answers_of(review)["Offsite copy"], actor=tenant.users[Role.TAM],
                                    response=A, note=None, expected_version=1)
    assert (again.response, again.version) == (A, 2)


def test_bulk_answers_all_or_nothing(tenant, lib):
    review = schedule(tenant)
    by_name = answers_of(review)
    answer(tenant, review, "MFA on mailboxes", A)  # now version 2
    changes = [services.AnswerChange(answer_id=by_name["Offsite copy"].pk, version=1, response=M),
               services.AnswerChange(answer_id=by_name["MFA on mailboxes"].pk, version=1, response=M)]
    with scope(msp=tenant.msp), pytest.raises(services.StaleAnswersError) as exc:
        services.answers_bulk_set(review=review, actor=tenant.users[Role.TAM], changes=changes)
    assert exc.value.current == {by_name["MFA on mailboxes"].pk: 2}
    after = answers_of(review)
    assert (after["Offsite copy"].response, after["MFA on mailboxes"].response) == ("", A)


def test_mark_category_not_applicable(tenant, lib):
    review = schedule(tenant)
    answer(tenant, review, "MFA on mailboxes", A)
    with scope(msp=tenant.msp):
        changed = services.category_mark_not_applicable(review=review, category=lib.email,
                                                        actor=tenant.users[Role.TAM])
    assert changed == 3
    after = answers_of(review)
    assert [after[n].response for n in ("Email signature", "MFA on mailboxes", "SPF and DMARC")] == [NA] * 3
    assert [after[n].response for n in ("Offsite copy", "Backups monitored")] == ["", ""]
    assert after["MFA on mailboxes"].version == 3


def test_completed_review_answers_cannot_change(tenant, lib):
    review = schedule(tenant, categories=[lib.backup])
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": M})
    with scope(msp=tenant.msp):
        services.review_complete(review=review, actor=tenant.users[Role.TAM])
        a = answers_of(review)["Offsite copy"]
        with pytest.raises(ValidationError) as exc:
            services.answer_set(answer=a, actor=tenant.users[Role.VCIO], response=M, expected_version=a.version)
    assert exc.value.messages[0].startswith("This review was completed on ")
    assert exc.value.messages[0].endswith("; its answers can no longer change. Schedule a new review to record "
                                          "what has changed.")
    assert answers_of(review)["Offsite copy"].response == A


# --- evidence -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"),
                                                    (WEBP, "image/webp"), (HEIC, "image/heic")])
def test_evidence_accepts_images_by_their_content(tenant, lib, data, content_type):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    with scope(msp=tenant.msp):
        ev = services.evidence_add(answer=a, actor=tenant.users[Role.TAM],
                                   file=SimpleUploadedFile("IMG_0001.bin", data, content_type="text/plain"))
        assert ev.image.read() == data
    assert (ev.content_type, ev.size, ev.original_name) == (content_type, len(data), "IMG_0001.bin")
    assert ev.image.name.endswith("." + content_type.split("/")[1].replace("jpeg", "jpg"))


def test_evidence_refuses_other_files_whatever_their_name(tenant, lib):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.evidence_add(answer=a, actor=tenant.users[Role.TAM],
                                  file=SimpleUploadedFile("photo.jpg", b"%PDF-1.7 not a photo",
                                                          content_type="image/jpeg"))
        assert exc.value.message_dict == {"file": ["“photo.jpg” is not a JPEG, PNG, WebP or HEIC image. Upload a "
                                                   "photo or a screenshot."]}
        with pytest.raises(ValidationError) as exc:
            services.evidence_add(answer=a, actor=tenant.users[Role.TAM],
                                  file=SimpleUploadedFile("big.png", PNG + b"\x00" * (10 * 1024 * 1024)))
        assert exc.value.message_dict == {"file": ["“big.png” is 10.0 MB; a photo may be up to 10 MB."]}
        with pytest.raises(ValidationError) as exc:
            services.evidence_add(answer=a, actor=tenant.users[Role.TAM], file=SimpleUploadedFile("empty.png", b""))
        assert exc.value.message_dict == {"file": ["“empty.png” is empty."]}
    with scopes_disabled():
        assert not Evidence.objects.exists()


def test_evidence_of_exactly_ten_megabytes_is_accepted(tenant, lib):
    review = schedule(tenant)
    a = answers_of(review)["Offsite copy"]
    data = PNG + b"\x00" * (10 * 1024 * 1024 - len(PNG))
    with scope(msp=tenant.msp):
        ev = services.evidence_add(answer=a, actor=tenant.users[Role.TAM], file=SimpleUploadedFile("max.png", data))
    assert ev.size == 10 * 1024 * 1024


# --- completion -----------------------------------------------------------------------------------------

def test_complete_refuses_while_answers_are_missing(tenant, lib):
    review = schedule(tenant)
    answer(tenant, review, "Offsite copy", A)
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.review_complete(review=review, actor=tenant.users[Role.TAM])
    assert exc.value.messages == ["4 of 5 standards are still unanswered. Answer them, or mark their category not "
                                  "applicable, before completing the review."]
    assert reload(review).status == ReviewStatus.IN_PROGRESS


def test_complete_stores_the_score_records_the_activity_and_notifies_the_vcio(tenant, lib, settings,
                                                                               django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://vcio.example"
    review = schedule(tenant)
    mail.outbox.clear()
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": M, "MFA on mailboxes": A,
                                "SPF and DMARC": NA, "Email signature": A})
    with scope(msp=tenant.msp), django_capture_on_commit_callbacks(execute=True):
        done = services.review_complete(review=review, actor=tenant.users[Role.TAM])
    # (5 + 5 + 1) / (5 + 3 + 5 + 1) = 11 / 14 = 78.57 -> 78.6
    assert done.score == Decimal("78.6")
    done = reload(review)
    assert (done.status, done.score, done.completed_by) == (ReviewStatus.COMPLETED, Decimal("78.6"),
                                                            tenant.users[Role.TAM])
    with scopes_disabled():
        activity = Activity.objects.get(kind=AlignmentActivity.REVIEW_COMPLETED)
        note = Notification.objects.get(user=tenant.users[Role.VCIO])
    assert (activity.subject_id, activity.client_id, activity.actor) == (review.pk, tenant.clients[0].pk,
                                                                         tenant.users[Role.TAM])
    assert note.title == "Review completed: Alpha Dental, score 78.6"
    assert note.url == f"/reviews/{review.pk}/"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Alignment review completed: Alpha Dental (score 78.6)"
    assert email.to == ["vcio@alpha.test"]
    assert "Alignment score: 78.6" in email.body
    assert "Aligned: 3 · Misaligned (findings): 1 · Not applicable: 1" in email.body
    assert f"https://vcio.example/reviews/{review.pk}/" in email.body
    with scope(msp=tenant.msp), pytest.raises(ValidationError, match="already completed"):
        services.review_complete(review=reload(review), actor=tenant.users[Role.TAM])
    with scopes_disabled():
        assert Activity.objects.filter(kind=AlignmentActivity.REVIEW_COMPLETED).count() == 1


def test_all_not_applicable_review_completes_without_a_score(tenant, lib, django_capture_on_commit_callbacks):
    review = schedule(tenant, categories=[lib.email])
    with scope(msp=tenant.msp), django_capture_on_commit_callbacks(execute=True):
        services.category_mark_not_applicable(review=review, category=lib.email, actor=tenant.users[Role.TAM])
        done = services.review_complete(review=review, actor=tenant.users[Role.TAM])
    assert done.score is None
    assert mail.outbox[-1].subject == "Alignment review completed: Alpha Dental (no score)"


def test_cancelled_review_is_read_only(tenant, lib):
    review = schedule(tenant)
    with scope(msp=tenant.msp):
        services.review_cancel(review=review, actor=tenant.users[Role.VCIO])
        a = answers_of(review)["Offsite copy"]
        with pytest.raises(ValidationError, match="cancelled"):
            services.answer_set(answer=a, actor=tenant.users[Role.TAM], response=A, expected_version=1)
    assert reload(review).status == ReviewStatus.CANCELLED


# --- summary --------------------------------------------------------------------------------------------

def _completed(tenant, lib) -> Review:
    review = schedule(tenant, categories=[lib.backup])
    answer_all(tenant, review, {"Offsite copy": M, "Backups monitored": M})
    with scope(msp=tenant.msp):
        return services.review_complete(review=review, actor=tenant.users[Role.TAM])


def test_summary_completed_is_recorded_once(tenant, lib):
    review = _completed(tenant, lib)
    vcio = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        with pytest.raises(ValidationError) as exc:
            services.summary_complete(review=review, actor=vcio)
        assert exc.value.message_dict == {"summary": ["Write the technology summary before marking it completed."]}
        review = services.summary_save(review=reload(review), actor=vcio, summary="Backups need work.",
                                       expected_version=reload(review).version)
        first = services.summary_complete(review=review, actor=vcio)
        stamp = first.summary_completed_at
        again = services.summary_complete(review=reload(review), actor=vcio, summary="Backups need work soon.")
    assert again.summary == "Backups need work soon."
    assert again.summary_completed_at == stamp
    with scopes_disabled():
        rows = list(Activity.objects.filter(kind=AlignmentActivity.SUMMARY_COMPLETED)
                    .values_list("subject_id", "actor"))
    assert rows == [(review.pk, vcio.pk)]


def test_summary_cannot_be_completed_before_the_review(tenant, lib):
    review = schedule(tenant)
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.summary_complete(review=review, actor=tenant.users[Role.VCIO], summary="Early")
    assert exc.value.messages == ["Complete the review before marking its technology summary completed."]


def test_stale_summary_is_refused(tenant, lib):
    review = _completed(tenant, lib)
    from msp.tenancy import StaleVersionError

    with scope(msp=tenant.msp), pytest.raises(StaleVersionError):
        services.summary_save(review=review, actor=tenant.users[Role.VCIO], summary="x",
                              expected_version=review.version - 1)
    assert reload(review).summary == ""


# --- recommendations ------------------------------------------------------------------------------------

def test_recommendation_from_two_findings(tenant, lib):
    review = _completed(tenant, lib)
    findings = [answers_of(review)["Offsite copy"], answers_of(review)["Backups monitored"]]
    with scope(msp=tenant.msp):
        rec = services.recommendation_create_from_findings(review=review, findings=findings,
                                                           actor=tenant.users[Role.VCIO], monthly_cost=Decimal("80"))
        assert sorted(a.standard.name for a in rec.findings.all()) == ["Backups monitored", "Offsite copy"]
        assert [a.pk for a in selectors.review_findings(review=review)] == [f.pk for f in findings[::-1]]
    assert (rec.title, rec.priority, rec.client, rec.review, rec.monthly_cost) == (
        "Address 2 findings: Offsite copy, Backups monitored", "high", tenant.clients[0], review, Decimal("80"))
    assert rec.description == ("Findings covered:\n- Offsite copy: Is a copy of every backup kept off site?\n"
                               "- Backups monitored: Are backup jobs monitored every day?")


def test_recommendation_findings_must_be_misaligned_answers_of_the_same_client(tenant, lib):
    review = schedule(tenant)
    answer_all(tenant, review, {"Offsite copy": A, "Backups monitored": M})
    with scopes_disabled():
        other_client_review = Review.objects.create(msp=tenant.msp, client=tenant.clients[1], title="Other")
        foreign = Answer.objects.create(msp=tenant.msp, review=other_client_review, standard=lib.s["mfa"],
                                        revision=StandardRevision.objects.get(standard=lib.s["mfa"]),
                                        category=lib.email, priority="high", response=M)
    by_name = answers_of(review)
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.recommendation_create(client=tenant.clients[0], actor=tenant.users[Role.VCIO], title="Fix",
                                       findings=[by_name["Offsite copy"], by_name["Email signature"], foreign])
    assert exc.value.message_dict == {"findings": [
        "“Offsite copy” is not a finding: it is aligned.",
        "“Email signature” is not a finding: it is not answered yet.",
        "“MFA on mailboxes” is a finding of another client.",
    ]}
    with scopes_disabled():
        assert not Recommendation.objects.exists()


def test_recommendation_update_and_archive(tenant, lib):
    review = _completed(tenant, lib)
    by_name = answers_of(review)
    with scope(msp=tenant.msp):
        rec = services.recommendation_create(client=tenant.clients[0], actor=tenant.users[Role.VCIO],
                                             title="Offsite backups", findings=[by_name["Offsite copy"]])
        assert rec.review == review  # taken from its findings
        rec = services.recommendation_update(recommendation=rec, actor=tenant.users[Role.VCIO], expected_version=1,
                                             title="Offsite backups to the cloud",
                                             findings=[by_name["Offsite copy"], by_name["Backups monitored"]])
        assert (rec.version, rec.findings.count()) == (2, 2)
        services.recommendation_archive(recommendation=rec, actor=tenant.users[Role.VCIO])
        assert list(selectors.review_recommendations(review=review)) == []
    assert reload(rec).archived_at is not None


def test_score_trend_of_a_client(tenant, lib):
    first = _completed(tenant, lib)  # 0.0
    second = schedule(tenant, categories=[lib.backup])
    answer_all(tenant, second, {"Offsite copy": A, "Backups monitored": M})
    with scope(msp=tenant.msp):
        services.review_complete(review=second, actor=tenant.users[Role.TAM])
        with scopes_disabled():
            Review.objects.filter(pk=first.pk).update(completed_at=dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC))
            Review.objects.filter(pk=second.pk).update(completed_at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
        trend = selectors.client_score_trend(client=tenant.clients[0])
        by_category = selectors.client_category_trend(client=tenant.clients[0])
        chart = selectors.client_score_trend_chart(client=tenant.clients[0])
    assert [(p.label, p.value) for p in trend] == [("2025-06-01", Decimal("0.0")), ("2026-03-10", Decimal("62.5"))]
    assert by_category == {"Backup": [("2025-06-01", Decimal("0.0")), ("2026-03-10", Decimal("62.5"))]}
    assert "2026-03-10: 62.5" in chart


def test_reviews_for_tam_lists_open_assigned_reviews(tenant, lib):
    mine = schedule(tenant, title="Mine")
    schedule(tenant, title="Someone else's", tam_role=Role.VCIO)
    done = _completed(tenant, lib)
    with scope(msp=tenant.msp):
        rows = [(r.title, r.answers_done, r.answers_total)
                for r in selectors.reviews_for_tam(user=tenant.users[Role.TAM])]
    assert rows == [("Mine", 0, 5)]
    assert done.pk != mine.pk


def test_tam_of_another_msp_is_not_a_member(tenant, other_tenant, lib):
    """Foreign keys in input are checked inside the tenant: another MSP's category is refused."""
    with scopes_disabled():
        foreign = f.CategoryFactory(msp=other_tenant.msp, name="Theirs")
    with pytest.raises(ValidationError) as exc:
        schedule(tenant, categories=[foreign])
    assert exc.value.message_dict == {"categories": ["Select categories of your own standards library."]}
