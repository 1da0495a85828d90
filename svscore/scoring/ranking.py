"""Ranking with exact ties: published tie-break rules in order, never input order.

A pure function of exact keys. Totals are ``Fraction`` so bids whose totals are mathematically
equal tie even where floating point would differ in the 15th digit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class TieRule(Generic[T]):
    """One tie-break: a key per item where *higher is better*, and a sentence naming it."""

    description: str
    key: Callable[[T], Fraction | None]


@dataclass(frozen=True, slots=True)
class Ranked(Generic[T]):
    """One item's place: a lot's ranking makes one for every competing bid, so it has slots (so it is
    made as ``Ranked(...)``: a frozen slotted dataclass cannot be made as ``Ranked[T](...)``)."""

    item: T
    rank: int
    broken_by: str | None
    """The tie-break rule that separated this item from a bid with the same total, if any."""
    unresolved: bool


def rank(items: Sequence[T], score: Callable[[T], Fraction | None], rules: Sequence[TieRule[T]]) -> list[Ranked[T]]:
    """Competition ranking (1, 1, 3) by ``score`` (higher is better; none sorts last), then tie-break rules in order."""
    out: list[Ranked[T]] = []
    position = 1
    for group in _groups(list(items), score):
        for sub, broken, unresolved in _break(group, rules, 0, None):
            for item in sub:
                out.append(Ranked(item, position, broken, unresolved))
            position += len(sub)
    return out


def _groups(items: list[T], key: Callable[[T], Fraction | None]) -> list[list[T]]:
    """Items grouped by equal key, best (highest) first; a missing key sorts last."""
    # By (numerator, denominator), which tells Fractions apart exactly as equality does (they are kept
    # in lowest terms) and hashes faster than a Fraction.
    buckets: dict[tuple[int, int] | None, tuple[Fraction | None, list[T]]] = {}
    for item in items:
        k = key(item)
        buckets.setdefault(None if k is None else (k.numerator, k.denominator), (k, []))[1].append(item)
    # Highest first by the float, then the exact value where floats are level: float() never
    # reverses an order (a < b gives float(a) <= float(b)), so this is the exact order, found
    # mostly by comparing floats.
    order = sorted((kv for kv in buckets.values() if kv[0] is not None), reverse=True,
                   key=lambda kv: (kv[0].numerator / kv[0].denominator, kv[0]))  # type: ignore[union-attr]
    unscored = buckets.get(None)
    return [group for _, group in order] + ([unscored[1]] if unscored else [])


def _break(group: list[T], rules: Sequence[TieRule[T]], i: int, broken: str | None
           ) -> Iterator[tuple[list[T], str | None, bool]]:
    if len(group) == 1:
        yield group, broken, False
        return
    if i >= len(rules):
        yield group, None, True
        return
    rule = rules[i]
    subgroups = _groups(group, rule.key)
    if len(subgroups) == 1:
        yield from _break(group, rules, i + 1, broken)
        return
    for sub in subgroups:
        yield from _break(sub, rules, i + 1, rule.description)
