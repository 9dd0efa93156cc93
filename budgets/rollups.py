"""Budget arithmetic: the price to the client made from a cost, and a line's amounts per fiscal quarter.

Pure functions over Decimals with no database access, so the budget page, the API, the presented
snapshots and the roadmap PDF all compute the same figures.

Pricing (DOMAIN.md, "Money details"): a **markup** is a percentage of the cost added to it,
price = cost x (1 + rate/100); a **margin** is the share of the price that is profit,
price = cost / (1 - rate/100). Cost 3,000 at 30 % markup sells for 3,900.00 (a 23 % margin); a true 30 %
margin needs 4,285.71. Each line says which one it uses. The unit price is rounded half-up to cents first,
then multiplied by the quantity (and by 3 months for a recurring line's quarter), so a quote's unit price
times its quantity is exactly the line's price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from msp.money import quantize
from msp.quarters import Quarter

from .choices import LineKind, Pricing

HUNDRED = Decimal(100)
MONTHS_PER_QUARTER = 3
ZERO = Decimal("0.00")


def unit_price(unit_cost: Decimal, pricing: str, rate: Decimal) -> Decimal:
    """The price of one unit: markup -> cost x (1 + rate/100); margin -> cost / (1 - rate/100).

    Rounded half-up to cents. A margin of 100 % or more has no price and is refused (ValueError).
    """
    cost, rate = Decimal(unit_cost), Decimal(rate)
    if pricing == Pricing.MARKUP:
        return quantize(cost * (1 + rate / HUNDRED))
    if pricing == Pricing.MARGIN:
        if rate >= HUNDRED:
            raise ValueError("A margin must be below 100 %.")
        return quantize(cost / (1 - rate / HUNDRED))
    raise ValueError(f"Unknown pricing {pricing!r}: use markup or margin.")


def percent(rate: Decimal) -> str:
    """30.00 -> '30', 12.50 -> '12.5'."""
    text = f"{Decimal(rate):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pricing_label(pricing: str, rate: Decimal) -> str:
    """'30 % markup' or '30 % margin'."""
    return f"{percent(rate)} % {'margin' if pricing == Pricing.MARGIN else 'markup'}"


@dataclass(frozen=True)
class Amount:
    """A cost and the price to the client, both Decimal."""

    cost: Decimal = ZERO
    price: Decimal = ZERO

    @classmethod
    def zero(cls) -> Amount:
        return cls(ZERO, ZERO)

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.cost + other.cost, self.price + other.price)

    def __sub__(self, other: Amount) -> Amount:
        return Amount(self.cost - other.cost, self.price - other.price)

    def __bool__(self) -> bool:
        return bool(self.cost or self.price)

    @property
    def profit(self) -> Decimal:
        return self.price - self.cost

    def as_json(self) -> dict[str, str]:
        return {"cost": str(quantize(self.cost)), "price": str(quantize(self.price))}

    @classmethod
    def from_json(cls, data: dict | None) -> Amount:
        data = data or {}
        return cls(Decimal(data.get("cost", "0.00")), Decimal(data.get("price", "0.00")))


class LineLike(Protocol):
    kind: str
    start_quarter: object  # date
    end_quarter: object  # date | None
    quantity: Decimal
    unit_cost: Decimal
    pricing: str
    rate: Decimal


def line_unit_price(line: LineLike) -> Decimal:
    return unit_price(line.unit_cost, line.pricing, line.rate)


def line_quarter_amount(line: LineLike) -> Amount:
    """What the line adds to one quarter it falls in: the whole one-time amount, or 3 months of a
    recurring one."""
    quantity = Decimal(line.quantity)
    months = 1 if line.kind == LineKind.ONE_TIME else MONTHS_PER_QUARTER
    return Amount(quantize(months * quantity * Decimal(line.unit_cost)),
                  quantize(months * quantity * line_unit_price(line)))


def line_amounts(line: LineLike, quarters: list[Quarter]) -> dict[Quarter, Amount]:
    """The line's cost and price in each of `quarters` (every one of them is a key; zero where the line
    does not fall).

    One-time: quantity x unit cost (price: quantity x unit price) in its quarter only. Recurring monthly:
    3 x quantity x the monthly amount in every quarter from its start quarter to its end quarter, both
    included; without an end quarter it runs to the end of `quarters`. The line's dates are read in the
    fiscal year of `quarters` (a date inside a quarter counts as that quarter).
    """
    if not quarters:
        return {}
    fy_start_month = quarters[0].fy_start_month
    first = Quarter.containing(line.start_quarter, fy_start_month)
    if line.kind == LineKind.ONE_TIME:
        last = first
    else:
        last = Quarter.containing(line.end_quarter, fy_start_month) if line.end_quarter else None
    amount = line_quarter_amount(line)
    zero = Amount.zero()
    return {q: amount if first <= q and (last is None or q <= last) else zero for q in quarters}
