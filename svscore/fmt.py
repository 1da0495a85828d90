"""How numbers read in messages and explanations: exact inside, rounded only for display."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

LARGEST = 10**15
"""Every number svscore reads is smaller than this in size (a thousand million million): no price,
value, weight, quantity or score comes near it, and beyond it a typing slip or a hostile file
would make sums and rounding lose their exactness."""


def to_decimal(x: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round an exact number half-up (away from zero) to ``places`` decimal places, for display.

    Worked in whole numbers from the exact ratio, so no intermediate rounding can move a value
    across a half, and any size is shown in full. Remembered by value: the same points and scores
    recur across thousands of bids, and equal numbers (2.5, Fraction(5, 2)) round alike.
    """
    if type(x) is Fraction:
        return _rounded(x.numerator, x.denominator, places)
    if isinstance(x, Fraction):
        p, q = x.numerator, x.denominator
    elif isinstance(x, Decimal):
        p, q = x.as_integer_ratio()
    else:
        p, q = int(x), 1
    return _rounded(p, q, places)


@lru_cache(maxsize=4096)  # the values that recur are a few hundred; each bid brings a few of its own, not kept beyond these
def _rounded(p: int, q: int, places: int) -> Decimal:
    """``p / q`` (in lowest terms, ``q`` positive) rounded half-up to ``places``: remembered by the
    two whole numbers, whose hash is far quicker than a Fraction's."""
    n = (2 * abs(p) * 10**places + q) // (2 * q)
    return Decimal(f"{'-' if p < 0 and n else ''}{n}E-{places}")


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
    """£1,234,567 or £1,234.50: how officers write sums; a negative sum as -£5, not £-5."""
    q = to_decimal(x, 2)
    sign, q = ("-", -q) if q < 0 else ("", q)
    return sign + (f"£{q:,.0f}" if q == q.to_integral_value() else f"£{q:,.2f}")


def percent(x: Fraction | Decimal | int, places: int = 2) -> str:
    return f"{number(x, places)}%"


def to_float(x: Fraction | Decimal | int) -> float:
    """The nearest float (for JSON and for estimates that only order exact work): for a Fraction the
    division that ``float()`` does by way of numbers.Rational, which takes about twice as long (a
    results file of 10,000 bids converts a few hundred thousand). Not remembered: hashing a Fraction
    to look it up takes longer than the division."""
    return x.numerator / x.denominator if type(x) is Fraction else float(x)
