"""Reads of the playbook: a vCIO's year month by month, counted from the product's own records.

Each actual comes from one kind of record, and each record counts once (msp.activities keeps one activity
per event and subject, so an event saved again is not counted again):

| activity | counted from |
|---|---|
| unique client touches | touches logged plus client meetings held (`touch_logged`, `meeting_held` with a client) |
| escalated issues | escalations logged in the playbook (not archived), by their date |
| client meetings | client meetings held (`meeting_held` with a client; internal steering is not a client meeting) |
| technology summaries completed | `summary_completed` |
| budgets completed | budget versions presented (`budget_presented`) |
| proposals completed | initiatives proposed to the client (`proposal_sent`) |

The vCIO credited is the person who did it (the activity's actor; for a held meeting, who marked it held,
or its organizer). Months are the MSP's calendar months in its time zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from msp.models import Activity, Msp, User
from msp.replica import read_rows
from msp.roles import Role

from .choices import DEFAULT_OBJECTIVES, PACE_BAND, Pace, PlaybookActivity
from .models import Objective

ACTIVITIES = list(PlaybookActivity)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# Activity kinds (registered by the apps that record them) behind each playbook activity.
KINDS: dict[str, tuple[str, ...]] = {
    PlaybookActivity.TOUCHES: ("touch_logged", "meeting_held"),
    PlaybookActivity.MEETINGS: ("meeting_held",),
    PlaybookActivity.SUMMARIES: ("summary_completed",),
    PlaybookActivity.BUDGETS: ("budget_presented",),
    PlaybookActivity.PROPOSALS: ("proposal_sent",),
}
CLIENT_ONLY = {"meeting_held"}  # steering meetings have no client and are not client meetings


@dataclass(frozen=True)
class ActivityPace:
    activity: str
    label: str
    annual: int
    weekly: Decimal  # annual / 52, one decimal
    actual: int
    expected: Decimal  # the objective prorated to the day, one decimal
    pace: str

    @property
    def pace_label(self) -> str:
        return Pace(self.pace).label

    @property
    def difference(self) -> Decimal:
        return Decimal(self.actual) - self.expected


@dataclass(frozen=True)
class PlaybookYear:
    vcio: User
    year: int
    as_of: date
    months: list[tuple[str, list[int]]]  # ("January", [count of each activity, in ACTIVITIES order]) x 12
    totals: dict[str, int]
    paces: list[ActivityPace]


def weekly_target(annual: int) -> Decimal:
    return (Decimal(annual) / 52).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def objectives_for(*, vcio: User, year: int) -> dict[str, int]:
    """The vCIO's objective for each activity in `year`: the owner's, else the default figure."""
    saved = dict(Objective.objects.filter(vcio=vcio, year=year).values_list("activity", "annual"))
    return {a.value: saved.get(a.value, DEFAULT_OBJECTIVES[a]) for a in ACTIVITIES}


def year_fraction(year: int, as_of: date) -> Decimal:
    """How much of `year` has passed by the end of `as_of` (0 before it starts, 1 after it ends)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)


def expected_to_date(annual: int, fraction: Decimal) -> Decimal:
    """The part of a yearly objective due by a day (`fraction` of the year, year_fraction), to one decimal."""
    return (annual * fraction).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pace_of(actual: int, expected: Decimal) -> str:
    if expected == 0:
        return Pace.ON_PACE if actual == 0 else Pace.AHEAD
    if actual >= expected * (1 + PACE_BAND):
        return Pace.AHEAD
    if actual < expected * (1 - PACE_BAND):
        return Pace.BEHIND
    return Pace.ON_PACE


# The year's activities of KINDS by actor, kind and month in the MSP's time zone, then its escalations (kind
# NULL) by vCIO and month: monthly_counts's one statement.
_MONTHLY_SQL = """
SELECT a.actor_id AS user_id, a.kind, extract(month FROM a.occurred_at AT TIME ZONE %(tz)s)::int AS month,
  count(*) AS n
FROM msp_activity a
WHERE a.msp_id = %(msp)s AND a.actor_id IS NOT NULL AND a.kind = ANY(%(kinds)s)
  AND a.occurred_at >= %(start)s AND a.occurred_at < %(end)s
  AND (a.kind <> ALL(%(client_only)s) OR a.client_id IS NOT NULL)
  AND (%(everyone)s OR a.actor_id = ANY(%(users)s))
GROUP BY 1, 2, 3
UNION ALL
SELECT e.vcio_id, NULL, extract(month FROM e.occurred_on)::int, count(*)
FROM playbook_escalation e
WHERE e.msp_id = %(msp)s AND e.archived_at IS NULL AND e.occurred_on >= %(first_day)s AND e.occurred_on < %(next_year)s
  AND (%(everyone)s OR e.vcio_id = ANY(%(users)s))
GROUP BY 1, 3
"""


def monthly_counts(*, msp: Msp, year: int, vcios: list[User] | None = None) -> dict[int, dict[str, list[int]]]:
    """{vcio id: {activity: [12 monthly counts]}} for `year`, in one statement whatever the number of vCIOs."""
    tz = zoneinfo.ZoneInfo(msp.time_zone)
    out: dict[int, dict[str, list[int]]] = {}

    def slot(user_id: int, activity: str) -> list[int]:
        return out.setdefault(user_id, {a.value: [0] * 12 for a in ACTIVITIES})[activity]

    params = {
        "msp": msp.pk, "tz": msp.time_zone, "kinds": sorted({k for ks in KINDS.values() for k in ks}),
        "start": datetime(year, 1, 1, tzinfo=tz), "end": datetime(year + 1, 1, 1, tzinfo=tz),
        "first_day": date(year, 1, 1), "next_year": date(year + 1, 1, 1), "client_only": sorted(CLIENT_ONLY),
        "everyone": vcios is None, "users": [v.pk for v in vcios or []],
    }
    for row in read_rows(_MONTHLY_SQL, params, model=Activity):
        if row["kind"] is None:
            slot(row["user_id"], PlaybookActivity.ESCALATIONS)[row["month"] - 1] += row["n"]
            continue
        for activity, ks in KINDS.items():
            if row["kind"] in ks:
                slot(row["user_id"], activity)[row["month"] - 1] += row["n"]
    return out


def playbook_year(*, msp: Msp, vcio: User, year: int, as_of: date) -> PlaybookYear:
    """The vCIO's year: a row a month, totals, and pace against each objective prorated to `as_of`."""
    counts = monthly_counts(msp=msp, year=year, vcios=[vcio]).get(vcio.pk, {a.value: [0] * 12 for a in ACTIVITIES})
    months = [(MONTHS[m], [counts[a.value][m] for a in ACTIVITIES]) for m in range(12)]
    totals = {a.value: sum(counts[a.value]) for a in ACTIVITIES}
    fraction = year_fraction(year, as_of)
    objectives = objectives_for(vcio=vcio, year=year)
    paces = []
    for a in ACTIVITIES:
        expected = expected_to_date(objectives[a.value], fraction)
        paces.append(ActivityPace(activity=a.value, label=a.label, annual=objectives[a.value],
                                  weekly=weekly_target(objectives[a.value]), actual=totals[a.value],
                                  expected=expected, pace=pace_of(totals[a.value], expected)))
    return PlaybookYear(vcio=vcio, year=year, as_of=as_of, months=months, totals=totals, paces=paces)


# The members with a playbook: active vCIOs, and owners who are the vCIO of a client not archived.
_PLAYBOOK_MEMBERS_SQL = """
SELECT m.user_id FROM msp_membership m JOIN msp_user u ON u.id = m.user_id
WHERE m.msp_id = %s AND m.removed_at IS NULL AND u.is_active
  AND (m.role = %s OR (m.role = %s AND EXISTS (SELECT 1 FROM clients_client c WHERE c.msp_id = m.msp_id
       AND c.vcio_id = m.user_id AND c.archived_at IS NULL)))
"""


def playbook_vcios(*, msp: Msp) -> QuerySet[User]:
    """The people with a playbook, by name: the MSP's active vCIOs, and owners who are a client's vCIO. One
    query whatever the size of the MSP; its condition is one subquery written out (building it from querysets
    cost the scorecard more than running it)."""
    return User.objects.filter(
        pk__in=RawSQL(_PLAYBOOK_MEMBERS_SQL, [msp.pk, Role.VCIO, Role.OWNER]),  # noqa: S611 - every value a parameter
    ).order_by("full_name", "email")
