"""The alignment score, exact values: weights high 5 / medium 3 / low 1, N/A left out, one decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from alignment import scoring, selectors
from alignment.choices import Response
from tests.alignment.conftest import answer_all, schedule

pytestmark = pytest.mark.django_db

A, M, NA = Response.ALIGNED, Response.MISALIGNED, Response.NOT_APPLICABLE


def test_weighted_score_of_hand_made_answers():
    # high aligned + medium misaligned + low aligned -> 100 * (5 + 1) / (5 + 3 + 1) = 66.666... -> 66.7
    assert scoring.score([(A, "high"), (M, "medium"), (A, "low")]) == Decimal("66.7")
    assert scoring.score([(A, "high"), (M, "high")]) == Decimal("50.0")
    assert scoring.score([(M, "high"), (A, "low")]) == Decimal("16.7")  # 1/6
    assert scoring.score([(A, "medium")]) == Decimal("100.0")
    assert scoring.score([(M, "low")]) == Decimal("0.0")


def test_not_applicable_and_unanswered_are_left_out():
    base = [(A, "high"), (M, "medium"), (A, "low")]
    assert scoring.score([*base, (NA, "high"), ("", "high")]) == Decimal("66.7")
    tally = scoring.tally([*base, (NA, "high"), ("", "low")])
    assert (tally.aligned, tally.misaligned, tally.not_applicable, tally.unanswered) == (2, 1, 1, 1)
    assert (tally.answered, tally.total) == (4, 5)


def test_no_applicable_answer_means_no_score():
    assert scoring.score([(NA, "high"), (NA, "low")]) is None
    assert scoring.score([]) is None
    assert scoring.score([("", "high")]) is None


def test_review_scores_overall_and_per_category(tenant, lib):
    review = schedule(tenant)
    answer_all(tenant, review, {
        "Offsite copy": A,           # backup, high     -> backup 5 / 8 = 62.5
        "Backups monitored": M,      # backup, medium
        "MFA on mailboxes": M,       # email, high      -> email 3 / 8 = 37.5 (signature N/A)
        "SPF and DMARC": A,          # email, medium
        "Email signature": NA,       # email, low
    })
    with scope(msp=tenant.msp):
        scores = selectors.review_scores(review=review)
    # overall (5 + 3) / (5 + 3 + 5 + 3) = 50.0
    assert scores.score == Decimal("50.0")
    assert [(c.name, c.tally.aligned, c.tally.misaligned, c.tally.not_applicable, c.score)
            for c in scores.categories] == [
        ("Backup", 1, 1, 0, Decimal("62.5")),
        ("Email", 1, 1, 1, Decimal("37.5")),
    ]


def test_category_all_not_applicable_has_no_score(tenant, lib):
    review = schedule(tenant, categories=[lib.email])
    answer_all(tenant, review, {"MFA on mailboxes": NA, "SPF and DMARC": NA, "Email signature": NA})
    with scope(msp=tenant.msp):
        scores = selectors.review_scores(review=review)
        assert selectors.format_score(scores.score) == "—"
    assert scores.score is None
    assert [(c.name, c.score) for c in scores.categories] == [("Email", None)]


def test_unanswered_review_has_no_score(tenant, lib):
    review = schedule(tenant)
    with scope(msp=tenant.msp):
        scores = selectors.review_scores(review=review)
    assert scores.score is None
    assert scores.overall.unanswered == 5
