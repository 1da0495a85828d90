"""Combining evaluators' scores (svscore.scoring.aggregate): exact mean and median, one consensus
score, and the spread that sends a criterion to moderation."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from svscore.model.tender import Aggregation
from svscore.scoring import aggregate


@pytest.mark.parametrize(("values", "expected"), [
    ([F(4)], F(4)),
    ([F(1), F(4), F(4)], F(4)),          # odd: the middle score, not the mean (3)
    ([F(4), F(1), F(3)], F(3)),          # order of the evaluators does not matter
    ([F(3), F(4)], F(7, 2)),             # even: halfway between the two middle scores
    ([F(5), F(0), F(2), F(3)], F(5, 2)),
])
def test_median(values, expected):
    assert aggregate.median(values) == expected
    assert aggregate.combine(Aggregation.MEDIAN, values) == expected


def test_mean_is_exact():
    """1, 2 and 2 average to exactly 5/3: a float's 1.6666666666666667 would not tie with another bid's 5/3."""
    mean = aggregate.combine(Aggregation.MEAN, [F(1), F(2), F(2)])
    assert mean == F(5, 3) and isinstance(mean, F)


def test_consensus_is_the_one_agreed_score():
    assert aggregate.combine(Aggregation.CONSENSUS, [F(3)]) == 3
    with pytest.raises(ValueError, match="a consensus is one agreed score"):
        aggregate.combine(Aggregation.CONSENSUS, [F(3), F(4)])


@pytest.mark.parametrize("method", list(Aggregation))
def test_no_scores_is_never_a_score(method):
    with pytest.raises(ValueError, match="no scores to combine"):
        aggregate.combine(method, [])


@pytest.mark.parametrize(("values", "expected"), [([], F(0)), ([F(3)], F(0)), ([F(1), F(4), F(2)], F(3))])
def test_spread_is_highest_less_lowest(values, expected):
    assert aggregate.spread(values) == expected
