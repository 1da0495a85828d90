"""Ranking (svscore.scoring.ranking): exact order and ties, whatever floats would say."""

from __future__ import annotations

from fractions import Fraction as F

from svscore.scoring import ranking


def _ranks(scores):
    return [(r.item, r.rank, r.unresolved) for r in ranking.rank(list(scores), scores.get, [])]


def test_values_level_as_floats_are_ranked_by_their_exact_values():
    tiny = F(1, 10**20)  # far below a float's precision at 1: all three are 1.0 as floats
    assert float(1 + tiny) == float(1 - tiny) == 1.0
    scores = {"low": 1 - tiny, "high": 1 + tiny, "mid": F(1)}
    assert _ranks(scores) == [("high", 1, False), ("mid", 2, False), ("low", 3, False)]


def test_equal_values_tie_and_a_missing_value_ranks_last():
    scores = {"a": F(1, 3), "b": F(2, 6), "c": None, "d": F(1, 2)}
    assert _ranks(scores) == [("d", 1, False), ("a", 2, True), ("b", 2, True), ("c", 4, False)]
