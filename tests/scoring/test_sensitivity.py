"""Sensitivity: the fast search (float estimates ordering exact work) gives exactly the answer of
an all-exact search over every rival and every bid."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svscore.scoring import sensitivity


def exact_reference(w, winner, points):
    best = None
    for rival, pr in points.items():
        if rival == winner:
            continue
        x = sensitivity.tipping_point(w, points[winner], pr)
        if x is not None and (best is None or abs(x - w) < abs(best - w) or (abs(x - w) == abs(best - w) and x < best)):
            best = x
    if best is None:
        return None
    step = F(1, 10**9) * (1 if best > w else -1)
    beyond = min(F(100), max(F(0), best + step))
    leader = max(sorted(points), key=lambda b: sensitivity.total_at(beyond, w, *points[b]))
    return best, leader


# Points on a coarse grid make exact ties, parallel lines and crossings at the current weight common.
coarse = st.integers(0, 40).map(lambda n: F(n, 4))
fine = st.fractions(min_value=0, max_value=60, max_denominator=10**6)


@st.composite
def fields(draw):
    w = draw(st.sampled_from([F(10), F(30), F(40), F(50), F(60), F(200, 3), F(85)]))
    part = draw(st.sampled_from([coarse, fine]))
    n = draw(st.integers(2, 25))
    points = {}
    for i in range(n):
        s_k, rest = draw(part), draw(part)
        points[f"B{i:02d}"] = (s_k, s_k + rest)
    # Make the first bid the winner at w: the highest total (ties broken by a tiny lift).
    winner = max(points, key=lambda b: points[b][1])
    s, t = points[winner]
    points[winner] = (s, t + F(1, 10**6))
    return w, winner, points


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(fields())
def test_fast_search_is_exact(case):
    w, winner, points = case
    assert sensitivity.smallest_change(w, winner, points) == exact_reference(w, winner, points)


def test_near_parallel_rival_is_still_found():
    # The rival's line is almost parallel to the winner's (slopes differ by 1e-7): no float
    # estimate is trusted, and the exact crossing is still the answer.
    w = F(40)
    points = {"W": (F(20), F(60)), "R": (F(20) + F(1, 10**5), F(60) - F(1, 10**9)), "X": (F(0), F(1))}
    assert sensitivity.smallest_change(w, "W", points) == exact_reference(w, "W", points)


def test_an_unsure_far_crossing_does_not_hide_a_nearer_one():
    # R's line is nearly parallel to the winner's and crosses at 90%; N crosses at 45%. R is
    # tested exactly first, and the search must go on to find N's nearer crossing.
    w = F(40)
    e, u = F(6, 10000), F(-81, 10000)
    e2, u2 = F(5), F(-135, 22)
    points = {"W": (F(20), F(60)), "R": (F(20) + e, F(60) + e + u), "N": (F(20) + e2, F(60) + e2 + u2)}
    assert sensitivity.tipping_point(w, points["W"], points["R"]) == 90
    assert sensitivity.tipping_point(w, points["W"], points["N"]) == 45
    assert sensitivity.smallest_change(w, "W", points) == (F(45), "N")


@st.composite
def level_fields(draw):
    """Fields where many rivals are level with the winner on k (they cross at 100%) or on all
    but k (they cross at 0%), among others drawn freely: the case the search passes over."""
    w, winner, points = draw(fields())
    s, t = points[winner]
    for b in list(points):
        if b != winner and draw(st.booleans()):
            sb, tb = points[b]
            points[b] = (s, s + (tb - sb)) if draw(st.booleans()) else (sb, sb + (t - s))
    leader = max(points, key=lambda b: (points[b][1], b == winner))
    if leader != winner:  # keep the winner ahead at w
        points[winner] = (s, points[leader][1] + F(1, 10**6) + (t - s) * 0)
    return w, winner, points


@settings(max_examples=150, deadline=None)
@given(level_fields())
def test_rivals_level_with_the_winner_at_an_end_are_passed_over_exactly(case):
    # Bids scored alike on a criterion are common: each draws level with the winner only where that
    # criterion is the whole award (or, level on all the rest, where it counts for nothing). They
    # are passed over without exact arithmetic; the answer must be the all-exact search's.
    w, winner, points = case
    assert sensitivity.smallest_change(w, winner, points) == exact_reference(w, winner, points)


@pytest.mark.parametrize("end", [0, 100])
def test_a_field_level_with_the_winner_tips_at_the_end(end):
    w = F(35)
    level = [(F(31), F(95) - F(i + 1, 7)) if end == 100 else (F(31) - F(i + 1, 7), F(95) - F(i + 1, 7)) for i in range(40)]
    points = {"W": (F(31), F(95)), **{f"L{i:02d}": p for i, p in enumerate(level)}}
    assert sensitivity.smallest_change(w, "W", points) == exact_reference(w, "W", points)
    assert sensitivity.smallest_change(w, "W", points)[0] == end
