"""Combining evaluators' scores: consensus, mean or median, and the moderation spread."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from svscore.model.tender import Aggregation


def median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def combine(method: Aggregation, values: Sequence[Fraction]) -> Fraction:
    """One score from several evaluators' scores (exact)."""
    if not values:
        raise ValueError("no scores to combine")
    if method is Aggregation.MEDIAN:
        return median(values)
    if method is Aggregation.MEAN:
        return sum(values, Fraction(0)) / len(values)
    if len(values) != 1:
        raise ValueError("a consensus is one agreed score")
    return values[0]


def spread(values: Sequence[Fraction]) -> Fraction:
    return max(values) - min(values) if values else Fraction(0)
