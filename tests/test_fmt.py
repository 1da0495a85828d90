"""Display of exact numbers: rounded half up from the exact value, at any size."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from svscore.fmt import money, number, points


def test_rounding_is_half_up_on_the_exact_value():
    assert points(Fraction(1, 8)) == "0.13"
    assert points(Fraction(-1, 8)) == "-0.13"
    assert number(Fraction(2, 3)) == "0.67"
    assert money(Decimal("1234.5")) == "£1,234.50"
    assert points(Decimal("2.675")) == "2.68"  # as written, not as the nearest float (2.67499...)


def test_a_value_just_below_a_half_is_not_rounded_up_by_an_intermediate_step():
    # 0.12499...9 with 31 digits: a 28-digit division would first make it 0.125, then round up.
    just_below = Fraction(125 * 10**28 - 1, 10**31)
    assert points(just_below) == "0.12"


def test_a_huge_derived_value_is_shown_in_full():
    # Inputs are bounded, but products of them (a quantity times a proxy value) can pass 28 digits.
    assert money(Fraction(10**40)) == "£" + format(10**40, ",")
    assert points(Fraction(10**30) + Fraction(1, 4)) == "1000000000000000000000000000000.25"
