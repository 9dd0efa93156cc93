"""The MSP-wide selectors and the /reviews/ page at a small scale seeded by the bench seeder: the figures
equal the per-client computations they replace, and the query counts do not grow with the data."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from alignment import scoring
from alignment import selectors as alignment_selectors
from alignment.choices import ReviewStatus
from alignment.models import Answer, Review
from budgets import selectors as budget_selectors
from clients.models import Client
from meetings.models import Meeting, MeetingAttendee
from meetings.scheduling import meetings_schedule
from msp.tenancy import tenant_scope

from .seed import Scale, seed_msp

pytestmark = pytest.mark.django_db

TINY = Scale(vcios=2, clients=6, categories=2, standards_per_category=3, completed_reviews=3, initiatives=5,
             budget_lines=24, contacts=1)


@pytest.fixture
def seeded():
    return seed_msp(name="Tiny MSP", slug="tiny", scale=TINY)


def test_latest_score_by_vcio_equals_the_per_client_figures(seeded):
    with tenant_scope(seeded.msp):
        with CaptureQueriesContext(connection) as ctx:
            by_vcio = alignment_selectors.latest_score_by_vcio()
        expected: dict[int, list[Decimal]] = {}
        for client in Client.objects.all():
            trend = alignment_selectors.client_score_trend(client=client)
            expected.setdefault(client.vcio_id, []).append(trend[-1].value)
    assert len(ctx.captured_queries) == 1
    assert {k: (v.clients, v.average) for k, v in by_vcio.items()} == {
        vcio_id: (len(scores), scoring.average(scores)) for vcio_id, scores in expected.items()}
    assert sorted(v.clients for v in by_vcio.values()) == [3, 3]


def test_budget_totals_by_client_equal_each_client_budget(seeded):
    with tenant_scope(seeded.msp):
        msp = seeded.msp
        with CaptureQueriesContext(connection) as ctx:
            totals = budget_selectors.budget_totals_by_client(msp=msp)
        assert len(ctx.captured_queries) == 1
        assert len(totals) == TINY.clients
        for client in Client.objects.select_related("msp"):
            total = budget_selectors.client_budget(
                client=client, quarters=budget_selectors.client_horizon(client=client)).total
            got = totals[client.pk]
            assert (got.one_time, got.recurring, got.approved, got.proposed, got.cost, got.total) == (
                total.one_time.price, total.recurring.price, total.approved, total.proposed, total.total.cost,
                total.total.price), client.name
    # The seed covers what the rule distinguishes: fiscal years starting in other months, margin pricing,
    # lines before and after the horizon, declined and archived ones.
    assert {c.fiscal_year_start_month for c in seeded.clients} == {1, 4, 7, 10, 2}
    assert all(t.approved and t.proposed and t.recurring for t in totals.values())


def _reviews_page(owner) -> tuple[int, int, object]:
    web = HttpClient()
    web.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    web.get("/reviews/")
    with CaptureQueriesContext(connection) as ctx:
        response = web.get("/reviews/")
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content), response


def test_reviews_page_counts_and_pages_do_not_grow():
    small = seed_msp(name="Few", slug="few", scale=replace(TINY, clients=3))
    large = seed_msp(name="Many", slug="many", scale=replace(TINY, clients=30, completed_reviews=4), seed=3)
    small_queries, _, _ = _reviews_page(small.owner)
    large_queries, large_bytes, response = _reviews_page(large.owner)
    assert small_queries == large_queries
    # 30 open reviews: 25 on the first page, the rest on the second.
    page = response.context["open_page"]
    assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (25, 30, 2)
    assert "Page 1 of 2 (30 reviews)" in response.content.decode()
    # Recently completed: the ten newest of the MSP, with counts equal to the live ones.
    completed = list(response.context["completed"])
    with scopes_disabled():
        newest = list(Review.objects.filter(msp=large.msp, status=ReviewStatus.COMPLETED)
                      .order_by("-completed_at").values_list("pk", flat=True)[:10])
        assert [r.pk for r in completed] == newest
        for review in completed + list(page.object_list):
            answers = Answer.objects.filter(review=review)
            assert (review.answers_total, review.answers_done) == (
                answers.count(), answers.exclude(response="").count())
    assert [r.answers_done for r in completed] == [6] * 10
    assert large_bytes < 150 * 1024


def test_scheduling_a_year_costs_a_few_queries_a_meeting(seeded):
    with scope(msp=seeded.msp), tenant_scope(seeded.msp):
        with CaptureQueriesContext(connection) as ctx:
            summary = meetings_schedule(msp=seeded.msp, send_invitations=False)
        client_meetings = Meeting.objects.filter(planned_by_scheduler=True, client__isnull=False)
        attendees = MeetingAttendee.objects.filter(meeting__in=client_meetings)
        assert (client_meetings.count(), attendees.count()) == (TINY.clients * 4, TINY.clients * 4)
        assert set(attendees.values_list("contact__is_decision_maker", flat=True)) == {True}
    steering = len(summary.created) - TINY.clients * 4
    # Each client (a savepoint here, its own transaction in the task): its lock, row, meetings ahead, the vCIO's
    # calendar, its decision makers, its new meetings in one insert (in a savepoint) and their attendees in
    # another; each steering meeting: its insert in a savepoint. Whatever the number of meetings a client has.
    assert len(ctx.captured_queries) <= 12 * TINY.clients + 3 * steering + 12, len(ctx.captured_queries)
