"""`make bench`: the figures at 400 clients against a tenth-size MSP in the same database.

Seeds both MSPs in bulk (tests/perf/seed.py), then measures every page and operation at both sizes, the runs
interleaved: median and p95 server time, query count and HTML size. Prints a table and writes var/bench.json.
Skipped by `make test` (marker `bench`). Times are printed, not asserted (the machine decides them); what must
not grow with the data is asserted: query counts equal at both sizes and under 20, pages under 150 KB, saving an
answer in at most 6 queries. `BENCH_RUNS` sets the runs per page (default 15); `BENCH_SCALE=0.1` seeds both
MSPs smaller for a quick look; `BENCH_PAGES` (names of the table's rows, comma-separated, e.g.
`BENCH_PAGES="scorecard (owner),survey results"`) measures only those, written to var/bench-pages.json.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from alignment import services as alignment_services
from alignment.choices import Response, ReviewStatus
from alignment.models import Answer, Review
from meetings.agendas import qbr_agenda_text
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import Meeting
from meetings.scheduling import meetings_schedule
from msp.celery import app
from msp.models import Membership
from msp.rls import task_db_tenant
from msp.services import api_token_create
from msp.tenancy import tenant_scope
from roadmaps.reports import roadmap_report_pdf

from .harness import Row, measure_once, measure_pair, measure_service, table, time_sql, time_sql_sequence, write_json
from .seed import LARGE, SMALL, Scale, seed_msp

# The seed is committed (a transactional test, emptied afterwards), so the pages read committed rows as in
# production, not rows of one open transaction with thousands of savepoints.
pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
PAGES = {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}


def wanted(name: str) -> bool:
    """Whether `BENCH_PAGES` (empty: every page and operation) asks for `name`."""
    return not PAGES or name in PAGES

# The floor of the scorecard: its main aggregates (managed clients, MRR, latest and previous alignment score,
# client meetings held and missed) per vCIO, in hand-written SQL.
FLOOR_SQL = """
WITH scored AS (
  SELECT c.vcio_id, c.mrr,
         (SELECT r.score FROM alignment_review r WHERE r.client_id = c.id AND r.status = 'completed'
            AND r.score IS NOT NULL ORDER BY r.completed_at DESC LIMIT 1) AS latest,
         (SELECT r.score FROM alignment_review r WHERE r.client_id = c.id AND r.status = 'completed'
            AND r.score IS NOT NULL ORDER BY r.completed_at DESC OFFSET 1 LIMIT 1) AS previous
  FROM clients_client c WHERE c.msp_id = %s AND c.archived_at IS NULL AND c.status <> 'churned'
), meetings AS (
  SELECT c.vcio_id, count(*) AS scheduled, count(*) FILTER (WHERE m.status = 'held') AS held,
         count(*) FILTER (WHERE m.status = 'missed') AS missed
  FROM meetings_meeting m JOIN clients_client c ON c.id = m.client_id
  WHERE m.msp_id = %s AND m.kind <> 'steering' AND m.status <> 'cancelled' AND m.starts_at >= now() - interval '1 year'
  GROUP BY c.vcio_id
)
SELECT s.vcio_id, count(*), sum(s.mrr), avg(s.latest), avg(s.latest - s.previous), max(m.scheduled), max(m.held),
       max(m.missed)
FROM scored s LEFT JOIN meetings m ON m.vcio_id IS NOT DISTINCT FROM s.vcio_id GROUP BY s.vcio_id
"""


def _scaled(scale: Scale) -> Scale:
    factor = float(os.environ.get("BENCH_SCALE", "1"))
    if factor == 1:
        return scale
    return replace(scale, clients=max(4, round(scale.clients * factor)), vcios=max(1, round(scale.vcios * factor)))


class Side:
    """One MSP of the bench: its seed, signed-in clients and the objects its pages are asked for."""

    def __init__(self, seeded):
        self.seeded = seeded
        self.msp = seeded.msp
        self.owner = HttpClient()
        self.owner.force_login(seeded.owner, backend="django.contrib.auth.backends.ModelBackend")
        self.vcio = HttpClient()
        self.vcio.force_login(seeded.vcios[0], backend="django.contrib.auth.backends.ModelBackend")
        with scopes_disabled():
            _, token = api_token_create(membership=Membership.objects.get(user=seeded.owner), name="bench")
            self.client = seeded.clients[len(seeded.clients) // 2]
            self.review = (Review.objects.filter(client=self.client, status=ReviewStatus.COMPLETED)
                           .order_by("-completed_at").first())
            self.open_review = Review.objects.get(client=self.client, status=ReviewStatus.SCHEDULED)
            self.answer = Answer.objects.filter(review=self.open_review).order_by("position").first()
        self.api = HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")
        self.flip = 0

    def save_answer(self):
        """Saving one answer on site (htmx), alternating the response so every save writes."""
        self.flip += 1
        with scopes_disabled():
            version = Answer.objects.filter(pk=self.answer.pk).values_list("version", flat=True).get()
        response = Response.ALIGNED if self.flip % 2 else Response.MISALIGNED
        return self.owner.post(f"/reviews/{self.open_review.pk}/answers/{self.answer.pk}/",
                               {"response": response, "note": "", "version": version}, HTTP_HX_REQUEST="true")

    def save_answer_service(self) -> tuple[float, int]:
        """Time and queries of the service call alone (the tenant's transaction around it is not counted)."""
        self.flip += 1
        with tenant_scope(self.msp):
            answer = Answer.objects.get(pk=self.answer.pk)
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                alignment_services.answer_set(
                    answer=answer, actor=self.seeded.owner, expected_version=answer.version,
                    response=Response.ALIGNED if self.flip % 2 else Response.MISALIGNED)
                ms = (time.perf_counter() - start) * 1000
        return ms, len(ctx.captured_queries)

    def qbr_agenda(self):
        with tenant_scope(self.msp):
            meeting = (Meeting.objects.filter(client=self.client, kind=MeetingKind.QBR, status=MeetingStatus.PLANNED)
                       .select_related("client", "client__msp").order_by("starts_at").first())
            return qbr_agenda_text(meeting=meeting)

    def roadmap_pdf(self):
        with tenant_scope(self.msp):
            return roadmap_report_pdf(client=self.client)


def scorecard_floor(side: Side) -> float:
    """The floor of the scorecard: the median time of its aggregate statements (those that group) run as raw SQL
    in the tenant, as the app role, one after the other as the page runs them, with no ORM, Python or template
    around them."""
    with CaptureQueriesContext(connection) as ctx:
        side.owner.get("/scorecard/")
    statements = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(statements) >= 7, statements
    with tenant_scope(side.msp):
        return time_sql_sequence(statements, runs=RUNS)


def _pages(side: Side) -> dict:
    c, r = side.client.pk, side.review.pk
    return {
        "scorecard (owner)": lambda: side.owner.get("/scorecard/"),
        "vCIO home": lambda: side.vcio.get("/"),
        "client list": lambda: side.owner.get("/clients/"),
        "client page": lambda: side.owner.get(f"/clients/{c}/"),
        "/reviews/": lambda: side.owner.get("/reviews/"),
        "review results": lambda: side.owner.get(f"/reviews/{r}/"),
        "/standards/": lambda: side.owner.get("/standards/"),
        "roadmap page": lambda: side.owner.get(f"/roadmaps/client/{c}/"),
        "budget page": lambda: side.owner.get(f"/budgets/client/{c}/"),
        "roadmap API": lambda: side.api.get(f"/api/v1/clients/{c}/roadmap/"),
        "client API": lambda: side.api.get("/api/v1/clients/"),
        "survey results": lambda: side.owner.get("/surveys/results/"),
        "roadmap PDF request (job)": lambda: side.api.post(f"/api/v1/clients/{c}/roadmap-pdf/", {},
                                                           content_type="application/json"),
        "save one answer (page)": side.save_answer,
    }


@pytest.fixture
def queued_tasks():
    """Tasks go to the broker (Redis) and no worker takes them: a request only queues the PDF, whose render is
    measured on its own."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_bench(queued_tasks):
    started = time.perf_counter()
    large = seed_msp(name="Large MSP", slug="large", scale=_scaled(LARGE))
    small = seed_msp(name="Small MSP", slug="small", scale=_scaled(SMALL), seed=11)
    seeded_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"\nSeeded {large.counts()} and {small.counts()} in {seeded_s:.0f} s "
          f"(then VACUUM ANALYZE in {time.perf_counter() - started - seeded_s:.0f} s)")

    sides = {"small": Side(small), "large": Side(large)}
    rows: list[Row] = []
    if wanted("schedule a year of meetings") or wanted("QBR agenda build"):
        for size, side in sides.items():  # a year of meetings first: the QBR agenda needs a planned QBR
            with scope(msp=side.msp), task_db_tenant(side.msp.pk):  # as the nightly task runs it
                rows.append(measure_once("schedule a year of meetings", size,
                                         lambda side=side: meetings_schedule(msp=side.msp, send_invitations=False)))
    pages = {size: {name: fn for name, fn in _pages(side).items() if wanted(name)} for size, side in sides.items()}
    for name in pages["large"]:
        for size in sides:
            status = getattr(pages[size][name](), "status_code", 200)
            assert status in (200, 202), (name, size, status)
        rows += measure_pair(name, {size: pages[size][name] for size in sides}, runs=RUNS)
    if wanted("save one answer (service)"):
        rows += measure_service("save one answer (service)",
                                {size: side.save_answer_service for size, side in sides.items()}, runs=RUNS)
    if wanted("QBR agenda build"):
        rows += measure_pair("QBR agenda build", {size: side.qbr_agenda for size, side in sides.items()}, runs=RUNS)
    if wanted("roadmap PDF render"):
        rows += measure_pair("roadmap PDF render", {size: side.roadmap_pdf for size, side in sides.items()},
                             runs=max(3, RUNS // 5))
    rows.sort(key=lambda row: (row.page, row.size != "small"))

    floors = {}
    if wanted("scorecard (owner)"):
        floors["scorecard (owner)"] = scorecard_floor(sides["large"])
        hand = time_sql(FLOOR_SQL, [large.msp.pk, large.msp.pk], runs=RUNS)
        print(f"\nThe scorecard's statements: {floors['scorecard (owner)']} ms at the large MSP, "
              f"{scorecard_floor(sides['small'])} ms at the small one; its main aggregates in one hand-written "
              f"statement: {hand} ms")
    print("\n" + table(rows, floors))
    write_json(ROOT / "var" / ("bench-pages.json" if PAGES else "bench.json"), rows, floors)

    by = {(row.page, row.size): row for row in rows}
    for name in pages["large"]:
        big, little = by[(name, "large")], by[(name, "small")]
        assert big.queries == little.queries, f"{name}: {little.queries} queries small, {big.queries} large"
        assert big.queries < 20, f"{name}: {big.queries} queries"
        assert big.bytes <= 150 * 1024, f"{name}: {big.bytes} bytes"
    if wanted("save one answer (service)"):
        assert by[("save one answer (service)", "large")].queries <= 6
