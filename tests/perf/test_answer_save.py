"""Saving one answer on site stays cheap: a fixed, small number of queries whatever the review's size."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from alignment import services
from alignment.choices import Response, ReviewStatus
from alignment.models import Answer, Review
from msp.roles import Role
from msp.tenancy import tenant_scope
from tests.alignment.conftest import answers_of, lib, schedule  # noqa: F401 - the fixture

from .seed import Scale, seed_msp

pytestmark = pytest.mark.django_db

TINY = Scale(vcios=1, clients=1, categories=2, standards_per_category=3, completed_reviews=1, initiatives=1,
             budget_lines=1, contacts=1)


def test_answer_set_costs_at_most_six_queries(tenant, lib):  # noqa: F811
    review = schedule(tenant)
    first = answers_of(review)["Offsite copy"]
    with tenant_scope(tenant.msp):
        # The first answer also starts the review; a later one does not.
        with CaptureQueriesContext(connection) as starting:
            services.answer_set(answer=first, actor=tenant.users[Role.TAM], response=Response.ALIGNED,
                                expected_version=1)
        second = Answer.objects.select_related("review").get(pk=answers_of(review)["MFA on mailboxes"].pk)
        with CaptureQueriesContext(connection) as ctx:
            saved = services.answer_set(answer=second, actor=tenant.users[Role.TAM], response=Response.MISALIGNED,
                                        note=" no MFA on two mailboxes ", expected_version=1)
    assert len(starting.captured_queries) <= 6
    assert len(ctx.captured_queries) <= 5
    stored = answers_of(review)["MFA on mailboxes"]
    assert (stored.response, stored.note, stored.version, stored.answered_by) == (
        Response.MISALIGNED, "no MFA on two mailboxes", 2, tenant.users[Role.TAM])
    assert (saved.version, saved.response) == (2, Response.MISALIGNED)


def _post_answer(seeded, response: str) -> tuple[int, object]:
    """Save the first answer of the client's open review through the on-site page (htmx), counting queries."""
    with scopes_disabled():
        review = Review.objects.get(client=seeded.clients[0], status=ReviewStatus.SCHEDULED)
        answer = Answer.objects.filter(review=review).order_by("position").first()
    web = HttpClient()
    web.force_login(seeded.owner, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/reviews/{review.pk}/answers/{answer.pk}/"
    web.post(url, {"response": Response.NOT_APPLICABLE, "note": "", "version": answer.version},
             HTTP_HX_REQUEST="true")  # starts the review
    with CaptureQueriesContext(connection) as ctx:
        result = web.post(url, {"response": response, "note": "", "version": answer.version + 1},
                          HTTP_HX_REQUEST="true")
    assert result.status_code == 200
    return len(ctx.captured_queries), result


def test_saving_on_the_page_costs_the_same_for_a_small_and_a_large_review():
    small = seed_msp(name="Short", slug="short", scale=replace(TINY, clients=1))
    large = seed_msp(name="Long", slug="long", scale=replace(TINY, clients=1, categories=12, standards_per_category=7,
                                                             completed_reviews=6), seed=5)
    small_queries, _ = _post_answer(small, Response.ALIGNED)
    large_queries, result = _post_answer(large, Response.MISALIGNED)
    assert small_queries == large_queries
    assert large_queries <= 20
    body = result.content.decode()
    assert "1 of 84 answered" in body
