"""Money helpers: Decimal only, formatted in the MSP's currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "CHF": "CHF ",
           "ZAR": "R"}
CENT = Decimal("0.01")


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal, currency: str = "USD") -> str:
    """`$3,000.00`; negative amounts keep their sign in front of the symbol."""
    amount = quantize(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{abs(amount):,.2f}"
