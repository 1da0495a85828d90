"""How numbers read in messages and explanations: exact inside, rounded only for display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def to_decimal(x: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact number half-up to ``places`` decimal places (display only)."""
    if isinstance(x, Fraction):
        d = Decimal(x.numerator) if x.denominator == 1 else Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(x)
    return d.quantize(_QUANTUM[places] if places in _QUANTUM else Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_QUANTUM = {p: Decimal(1).scaleb(-p) for p in range(0, 10)}


def number(x: Fraction | Decimal | int, places: int = 2) -> str:
    """1, 2.5 or 83.33: rounded for display, trailing zeros dropped."""
    text = f"{to_decimal(x, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points(x: Fraction | Decimal | int) -> str:
    """Points always with two decimals, as score sheets show them: 83.33."""
    return f"{to_decimal(x, 2):f}"


def money(x: Fraction | Decimal | int) -> str:
    """£1,234,567 or £1,234.50: how officers write sums."""
    q = to_decimal(x, 2)
    return f"£{q:,.0f}" if q == q.to_integral_value() else f"£{q:,.2f}"


def percent(x: Fraction | Decimal | int, places: int = 2) -> str:
    return f"{number(x, places)}%"


def as_float(x: Fraction | Decimal | None) -> float | None:
    return None if x is None else float(x)
