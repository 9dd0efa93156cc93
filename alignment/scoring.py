"""The alignment score: pure arithmetic, the one definition every page, API and report uses.

score = 100 x (sum of weights of aligned answers) / (sum of weights of aligned + misaligned answers),
with weights high 5, medium 3, low 1. Not-applicable and unanswered standards are left out. The result
has one decimal (half up); with nothing aligned or misaligned there is no score (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from standards.choices import PRIORITY_WEIGHTS

from .choices import Response

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Tally:
    aligned_weight: int = 0
    misaligned_weight: int = 0
    aligned: int = 0
    misaligned: int = 0
    not_applicable: int = 0
    unanswered: int = 0

    @property
    def score(self) -> Decimal | None:
        total = self.aligned_weight + self.misaligned_weight
        if total == 0:
            return None
        return (Decimal(100) * self.aligned_weight / total).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def answered(self) -> int:
        return self.aligned + self.misaligned + self.not_applicable

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


def tally(answers: Iterable[tuple[str, str]]) -> Tally:
    """`answers`: (response, priority) pairs; response '' means not answered yet."""
    aw = mw = a = m = na = un = 0
    for response, priority in answers:
        weight = PRIORITY_WEIGHTS[priority]
        if response == Response.ALIGNED:
            aw, a = aw + weight, a + 1
        elif response == Response.MISALIGNED:
            mw, m = mw + weight, m + 1
        elif response == Response.NOT_APPLICABLE:
            na += 1
        else:
            un += 1
    return Tally(aw, mw, a, m, na, un)


def score(answers: Iterable[tuple[str, str]]) -> Decimal | None:
    return tally(answers).score


def tally_by_category(answers: Iterable[tuple[object, str, str]]) -> dict[object, Tally]:
    """`answers`: (category key, response, priority) triples -> a Tally per category, in first-seen order."""
    grouped: dict[object, list[tuple[str, str]]] = {}
    for key, response, priority in answers:
        grouped.setdefault(key, []).append((response, priority))
    return {key: tally(items) for key, items in grouped.items()}


def average(scores: Iterable[Decimal]) -> Decimal | None:
    """The mean of some scores, one decimal (half up); None for none."""
    values = list(scores)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
