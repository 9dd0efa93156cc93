"""How often a client meets its vCIO: client meetings a year and unique touches a month.

The default rule scores the client on two things and maps the score to a rhythm (docs/meetings.md):

- **complexity** (1-10): 1-4 scores 0, 5-7 scores 1, 8-10 scores 2; not set counts as 5 (the middle);
- **size**, the larger of MRR and users: below $10,000 MRR and below 100 users scores 0; from $10,000 or
  100 users 1; from $25,000 or 250 users 2.

| points | meetings a year | unique touches a month |
|---|---|---|
| 0-1 | 4 (quarterly) | 1 |
| 2 | 6 (every other month) | 2 |
| 3 or more | 12 (monthly) | 4 |

That reproduces the reference table of DOMAIN.md (A: $3,000, 24 users, complexity 5 -> 1 point ->
quarterly, 1 touch; B: $6,500, 52 users, complexity 3 -> 0 points -> quarterly, 1 touch; C: $1,500, 12
users, complexity 8 -> 2 points -> every other month, 2 touches). It is monotone: a higher MRR, more users
or a higher complexity never gives fewer meetings or touches. Quarterly is the floor because the yearly
cycle (pre-planning, strategy, QBRs) needs at least that.

A vCIO may override either figure per client (Client.meetings_per_year_override,
touches_per_month_override, with a reason). Meetings a year must divide the year evenly (2, 3, 4, 6, 12),
so meetings sit at the same distance from each other every year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Meetings a year the scheduler can spread evenly: a whole number of months apart.
MEETINGS_PER_YEAR_CHOICES = [(2, "2 (every six months)"), (3, "3 (every four months)"), (4, "4 (quarterly)"),
                             (6, "6 (every other month)"), (12, "12 (monthly)")]
MAX_TOUCHES_PER_MONTH = 20

COMPLEXITY_UNKNOWN = 5
SIZE_STEPS = ((Decimal("25000"), 250, 2), (Decimal("10000"), 100, 1))
# points -> (meetings a year, touches a month); above the last row, the last row.
RHYTHMS = ((4, 1), (4, 1), (6, 2), (12, 4))
RHYTHM_WORDS = {2: "every six months", 3: "every four months", 4: "quarterly", 6: "every other month",
                12: "monthly"}


@dataclass(frozen=True)
class Cadence:
    """A client's effective rhythm and why: `meetings_source` / `touches_source` are "rule" or "override"."""

    meetings_per_year: int
    touches_per_month: int
    points: int
    meetings_source: str
    touches_source: str
    explanation: str

    @property
    def months_between_meetings(self) -> int:
        return 12 // self.meetings_per_year


def complexity_points(complexity: int | None) -> int:
    value = COMPLEXITY_UNKNOWN if complexity is None else complexity
    if value >= 8:
        return 2
    if value >= 5:
        return 1
    return 0


def size_points(mrr: Decimal | None, user_count: int | None) -> int:
    mrr = mrr or Decimal("0")
    users = user_count or 0
    for min_mrr, min_users, points in SIZE_STEPS:
        if mrr >= min_mrr or users >= min_users:
            return points
    return 0


def default_rhythm(*, mrr: Decimal | None, user_count: int | None, complexity: int | None) -> tuple[int, int, int]:
    """(meetings a year, touches a month, points) by the default rule."""
    points = complexity_points(complexity) + size_points(mrr, user_count)
    meetings, touches = RHYTHMS[min(points, len(RHYTHMS) - 1)]
    return meetings, touches, points


def _money(value: Decimal | None) -> str:
    return f"${(value or Decimal('0')):,.0f}"


def client_cadence(client) -> Cadence:
    """The effective cadence of a client (rule, or the vCIO's override) with the sentence that explains it."""
    meetings, touches, points = default_rhythm(mrr=client.mrr, user_count=client.user_count,
                                               complexity=client.complexity)
    cx = complexity_points(client.complexity)
    size = size_points(client.mrr, client.user_count)
    complexity_text = (f"complexity {client.complexity}" if client.complexity is not None
                       else "complexity not set (counted as 5)")
    users_text = f"{client.user_count} users" if client.user_count is not None else "users not set"
    rule = (f"The default rule gives {meetings} meetings a year ({RHYTHM_WORDS[meetings]}) and {touches} unique "
            f"touch{'es' if touches != 1 else ''} a month: {complexity_text} scores {cx}, size "
            f"({_money(client.mrr)} MRR, {users_text}) scores {size}, {points} point{'s' if points != 1 else ''} "
            f"in all.")
    m_override, t_override = client.meetings_per_year_override, client.touches_per_month_override
    eff_meetings = m_override if m_override is not None else meetings
    eff_touches = t_override if t_override is not None else touches
    if m_override is None and t_override is None:
        explanation = rule
    else:
        parts = []
        if m_override is not None:
            parts.append(f"{m_override} meetings a year ({RHYTHM_WORDS.get(m_override, 'custom')})")
        if t_override is not None:
            parts.append(f"{t_override} unique touch{'es' if t_override != 1 else ''} a month")
        reason = client.cadence_override_reason.strip()
        explanation = (f"Set by hand: {' and '.join(parts)}" + (f" ({reason})" if reason else "") + ". " + rule)
    return Cadence(
        meetings_per_year=eff_meetings, touches_per_month=eff_touches, points=points,
        meetings_source="override" if m_override is not None else "rule",
        touches_source="override" if t_override is not None else "rule",
        explanation=explanation,
    )
