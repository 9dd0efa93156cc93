"""The scorecard's figure families grouped by vCIO, each in one hand-written statement.

Each statement is the SQL of one family of querysets in playbook/scorecard.py (`managed_clients`,
`churned_clients`, `client_meetings`, `approved_one_time_lines`, `period_recommendations`), grouped by the
client's vCIO (None: clients without one): the same rows by the same rules. The querysets stay the definitions
the drill-downs list; building and compiling them as aggregates cost the page more than the database spent
running them, so the page reads these instead, and tests/playbook/test_scorecard.py holds every statement
equal to its queryset grouped, vCIO by vCIO, on two MSPs.

Every statement filters each table on the MSP as well (the indexes lead with it) and runs in the request's
tenant transaction, so row-level security holds as for any query. The shared conditions (a client meeting
due in the period, a missed meeting, the latest alignment scores) are written once below.
"""

from __future__ import annotations

from alignment.choices import RecommendationStatus, ReviewStatus
from budgets.choices import LineDecision, LineKind
from budgets.selectors import APPROVED_STATUSES, UNIT_PRICE_SQL
from clients.choices import ClientStatus
from clients.models import Client
from clients.profile import PROFILE_FIELDS, REVIEW_VALID_FOR
from meetings.choices import MeetingKind, MeetingStatus
from msp.models import Msp
from msp.replica import read_rows

from .periods import Period

STEPS = ["step_pre_planning", "step_review", "step_roadmap", "step_budget", "step_strategy", "step_quarterly"]
FLAGS = [*STEPS, "roadmap_and_budget", "business_knowledge"]  # the yes/no annotations of managed_clients
ROADMAP_PRESENTED = "proposal_sent"  # the activity that presents a roadmap: a proposal sent

# A client meeting (alias m) due in the period up to now, not cancelled (scorecard._client_meetings); _DUE
# also ties it to the client of alias c.
_DUE_IN_PERIOD = ("m.kind <> %(steering)s AND m.status <> %(cancelled)s AND m.starts_at >= %(start_at)s"
                  " AND m.starts_at < %(until)s")
_DUE = "m.msp_id = c.msp_id AND m.client_id = c.id AND " + _DUE_IN_PERIOD
# Missed: marked missed, or still planned after its end (Meeting.is_missed, scorecard._missed_q).
_MISSED = ("(m.status = %(missed)s OR (m.status = %(planned)s"
           " AND m.starts_at + m.duration_minutes * interval '1 minute' <= %(now)s))")
# The client's (alias c) latest two alignment scores completed by the end of the period, newest first
# (scorecard._score): scores.two[1] is the latest, scores.two[2] the one before; scores.latest_at is when the
# latest was completed.
_SCORES = """CROSS JOIN LATERAL (
    SELECT array_agg(t.score ORDER BY t.completed_at DESC, t.id DESC) AS two, max(t.completed_at) AS latest_at FROM (
      SELECT r.score, r.completed_at, r.id FROM alignment_review r WHERE r.msp_id = c.msp_id AND r.client_id = c.id
        AND r.status = %(completed)s AND r.score IS NOT NULL AND r.completed_at < %(end_at)s
      ORDER BY r.completed_at DESC, r.id DESC LIMIT 2) t) scores"""
_PROFILE_FILLED = " AND ".join(f"c.{name} <> ''" for name in PROFILE_FIELDS[1:])  # the text fields of the profile


def _presented(name: str, table: str, at: str, condition: str = "TRUE") -> str:
    """A LEFT JOIN of the rows of `table` dated by `at` (and meeting `condition`), per client: whether one falls
    in the period (`name`.in_period) and in the last 12 months to its end (`name`.in_12)."""
    return ("LEFT JOIN (SELECT t.client_id, bool_or(t." + at + " >= %(start_at)s) AS in_period,"  # noqa: S608
            " bool_or(t." + at + " >= %(last_12)s) AS in_12 FROM " + table + " t"
            " WHERE t.msp_id = %(msp)s AND " + condition + " AND t." + at + " < %(end_at)s"
            " AND t." + at + " >= least(%(start_at)s::timestamptz, %(last_12)s::timestamptz)"
            " GROUP BY t.client_id) " + name + " ON " + name + ".client_id = c.id")


# The managed clients, each with its flags read from one pass over each table (its rows of the period grouped by
# client, then joined), not a subquery per client and flag: meetings held in the period (pre-planning, strategy),
# quarterly reviews due held and missed, and roadmaps (proposals sent) and budgets presented in the period and in
# the last 12 months to its end. A completed review in the period is read per client from the reviews' index,
# only when the latest scored review was completed before the period.
# Each statement starts with SELECT (derived tables, not WITH), so the history middleware leaves it as it is
# (it prefixes its context only to statements that may write). Grouped derived tables are computed once.
_AGGREGATES = """SELECT vcio_id, count(*) AS n, sum(mrr) AS mrr, count(latest_score) AS scored,
  avg(latest_score) AS score,"""
_MANAGED_SQL = _AGGREGATES + """
  count(previous_score) AS trended,
  avg(latest_score - previous_score) FILTER (WHERE previous_score IS NOT NULL) AS trend,
  """ + ", ".join(f"count(*) FILTER (WHERE {name}) AS {name}" for name in FLAGS) + """
FROM (
  SELECT c.vcio_id, c.mrr, scores.two[1] AS latest_score, scores.two[2] AS previous_score,
    coalesce(met.pre_planning, false) AS step_pre_planning,
    -- a review completed in the period: surely when the latest scored one was; else read from the index
    CASE WHEN scores.latest_at >= %(start_at)s THEN true
      ELSE EXISTS (SELECT 1 FROM alignment_review r WHERE r.msp_id = c.msp_id AND r.client_id = c.id
        AND r.status = %(completed)s AND r.completed_at >= %(start_at)s AND r.completed_at < %(end_at)s) END
       AS step_review,
    coalesce(roadmaps.in_period, false) AS step_roadmap,
    coalesce(budgets.in_period, false) AS step_budget,
    coalesce(met.strategy, false) AS step_strategy,
    coalesce(met.qbr_held AND NOT met.qbr_missed, false) AS step_quarterly,
    coalesce(roadmaps.in_12 AND budgets.in_12, false) AS roadmap_and_budget,
    (c.annual_revenue IS NOT NULL AND c.profile_reviewed_at >= %(profile_since)s AND """ + _PROFILE_FILLED + """)
       AS business_knowledge
  FROM clients_client c
  """ + _SCORES + """
  LEFT JOIN (
    SELECT m.client_id,
      bool_or(m.kind = %(pre_planning)s AND m.status = %(held)s) AS pre_planning,
      bool_or(m.kind = %(strategy)s AND m.status = %(held)s) AS strategy,
      bool_or(m.kind = %(qbr)s AND m.starts_at < %(until)s AND m.status = %(held)s) AS qbr_held,
      bool_or(m.kind = %(qbr)s AND m.starts_at < %(until)s AND """ + _MISSED + """) AS qbr_missed
    FROM meetings_meeting m
    WHERE m.msp_id = %(msp)s AND m.starts_at >= %(start_at)s AND m.starts_at < %(end_at)s
      AND m.kind IN (%(pre_planning)s, %(strategy)s, %(qbr)s) AND m.status IN (%(held)s, %(missed)s, %(planned)s)
    GROUP BY m.client_id
  ) met ON met.client_id = c.id
  """ + _presented("roadmaps", "msp_activity", "occurred_at", "t.kind = %(proposal_sent)s") + """
  """ + _presented("budgets", "budgets_budgetversion", "presented_at") + """
  WHERE c.msp_id = %(msp)s AND c.archived_at IS NULL AND c.created_at < %(end_at)s
    AND NOT (c.status = %(churned)s AND c.churn_date IS NOT NULL AND c.churn_date <= %(end)s)
) managed
GROUP BY vcio_id
"""  # noqa: S608 - every name interpolated is ours, every value a parameter

_CHURN_SQL = _AGGREGATES + """
  sum(missed)::int AS missed
FROM (
  SELECT c.vcio_id, c.mrr, scores.two[1] AS latest_score,
    (SELECT count(*) FROM meetings_meeting m WHERE """ + _DUE + """ AND """ + _MISSED + """) AS missed
  FROM clients_client c
  """ + _SCORES + """
  WHERE c.msp_id = %(msp)s AND c.status = %(churned)s AND c.churn_date >= %(start)s AND c.churn_date <= %(end)s
) churned
GROUP BY vcio_id
"""  # noqa: S608

_MEETINGS_SQL = """
SELECT c.vcio_id, count(*) AS scheduled, count(*) FILTER (WHERE m.status = %(held)s) AS held,
  count(*) FILTER (WHERE """ + _MISSED + """) AS missed,
  count(*) FILTER (WHERE m.status = %(held)s AND m.decision_maker_attended) AS dm
FROM meetings_meeting m LEFT JOIN clients_client c ON c.id = m.client_id AND c.msp_id = m.msp_id
WHERE m.msp_id = %(msp)s AND """ + _DUE_IN_PERIOD + """
GROUP BY c.vcio_id
"""  # noqa: S608

_LINE_PRICE = "round(l.quantity * " + UNIT_PRICE_SQL.format(t="l") + ", 2)"
# Two branches, each read from its index on (msp, decided_at): lines of no initiative the client approved in
# the period, and the lines of initiatives approved in the period.
_NONRECURRING_SQL = """
SELECT c.vcio_id, sum(v.price) AS value FROM (
  SELECT l.client_id, """ + _LINE_PRICE + """ AS price FROM budgets_budgetline l
  WHERE l.msp_id = %(msp)s AND l.decided_at >= %(start_at)s AND l.decided_at < %(end_at)s
    AND l.initiative_id IS NULL AND l.decision = %(approved)s AND l.kind = %(one_time)s AND l.archived_at IS NULL
  UNION ALL
  SELECT l.client_id, """ + _LINE_PRICE + """ FROM roadmaps_initiative i
  JOIN budgets_budgetline l ON l.initiative_id = i.id AND l.msp_id = i.msp_id
  WHERE i.msp_id = %(msp)s AND i.decided_at >= %(start_at)s AND i.decided_at < %(end_at)s
    AND i.archived_at IS NULL AND i.status = ANY(%(approved_statuses)s) AND l.kind = %(one_time)s
    AND l.archived_at IS NULL
) v JOIN clients_client c ON c.id = v.client_id AND c.msp_id = %(msp)s
GROUP BY c.vcio_id
"""  # noqa: S608

_RECOMMENDATIONS_SQL = """
SELECT c.vcio_id, count(*) AS n, count(*) FILTER (WHERE r.status = %(done)s OR EXISTS (
    SELECT 1 FROM roadmaps_initiativerecommendation ir
    JOIN roadmaps_initiative i ON i.id = ir.initiative_id AND i.msp_id = ir.msp_id
    WHERE ir.msp_id = r.msp_id AND ir.recommendation_id = r.id AND i.archived_at IS NULL
      AND i.status = ANY(%(approved_statuses)s))) AS done
FROM alignment_recommendation r JOIN clients_client c ON c.id = r.client_id AND c.msp_id = r.msp_id
WHERE r.msp_id = %(msp)s AND r.archived_at IS NULL AND r.created_at >= %(start_at)s AND r.created_at < %(end_at)s
GROUP BY c.vcio_id
"""


def _params(msp: Msp, period: Period) -> dict:
    return {
        "msp": msp.pk, "start_at": period.start_at, "end_at": period.end_at, "until": period.until,
        "now": period.now, "start": period.start, "end": period.end, "last_12": period.last_12_months_start,
        "profile_since": period.end_at - REVIEW_VALID_FOR, "completed": ReviewStatus.COMPLETED,
        "held": MeetingStatus.HELD, "missed": MeetingStatus.MISSED, "planned": MeetingStatus.PLANNED,
        "cancelled": MeetingStatus.CANCELLED, "steering": MeetingKind.STEERING,
        "pre_planning": MeetingKind.PRE_PLANNING, "strategy": MeetingKind.STRATEGY, "qbr": MeetingKind.QBR,
        "proposal_sent": ROADMAP_PRESENTED, "churned": ClientStatus.CHURNED, "one_time": LineKind.ONE_TIME,
        "approved": LineDecision.APPROVED, "approved_statuses": sorted(APPROVED_STATUSES),
        "done": RecommendationStatus.DONE,
    }


def _by_vcio(sql: str, msp: Msp, period: Period) -> dict[int | None, dict]:
    return {row["vcio_id"]: row for row in read_rows(sql, _params(msp, period), model=Client)}


def managed_by_vcio(*, msp: Msp, period: Period) -> dict[int | None, dict]:
    """The managed clients' figures by vCIO (`managed_clients` grouped), each client's row computed once: n,
    mrr, scored, score, trended, trend and a count per flag of FLAGS. Aggregating the annotated queryset made
    PostgreSQL run each score's subquery again in every aggregate that read it (six times a client)."""
    return _by_vcio(_MANAGED_SQL, msp, period)


def churn_by_vcio(*, msp: Msp, period: Period) -> dict[int | None, dict]:
    """The clients churned in the period by vCIO (`churned_clients` grouped): n, mrr, scored, score (their
    latest alignment scores' average) and missed (their client meetings missed in the period)."""
    return _by_vcio(_CHURN_SQL, msp, period)


def meetings_by_vcio(*, msp: Msp, period: Period) -> dict[int | None, dict]:
    """The client meetings due in the period by the client's vCIO (`client_meetings` grouped): scheduled,
    held, missed and dm (held with a decision maker)."""
    return _by_vcio(_MEETINGS_SQL, msp, period)


def nonrecurring_by_vcio(*, msp: Msp, period: Period) -> dict[int | None, dict]:
    """The one-time value approved in the period by vCIO (`approved_one_time_lines` grouped): value."""
    return _by_vcio(_NONRECURRING_SQL, msp, period)


def recommendations_by_vcio(*, msp: Msp, period: Period) -> dict[int | None, dict]:
    """The recommendations made in the period by vCIO (`period_recommendations` grouped): n and done
    (implemented)."""
    return _by_vcio(_RECOMMENDATIONS_SQL, msp, period)
