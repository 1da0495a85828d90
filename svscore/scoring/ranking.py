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


@dataclass(frozen=True)
class Ranked(Generic[T]):
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
    buckets: dict[Fraction | None, list[T]] = {}
    for item in items:
        buckets.setdefault(key(item), []).append(item)
    order = sorted(buckets, key=lambda k: (k is None, -(k or 0)))
    return [buckets[k] for k in order]


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
