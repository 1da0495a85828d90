"""Published worked examples, reproduced exactly (sources in shared/reference/uk-procurement-rules.md §5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from svscore.model.tender import PriceMethod
from svscore.scoring.engine import score_tender
from svscore.scoring.price import score_prices
from tests.conftest import bid, make_tender

TOL = 0.005  # the sources print two decimals


def test_brodies_2024_relative_to_lowest_max_100():
    # Brodies (2024): £1.0m, £1.2m, £2.0m relative to lowest, max 100 -> 100, 83.33, 50.
    got = score_prices(PriceMethod.RELATIVE_TO_LOWEST, [Fraction(1_000_000), Fraction(1_200_000), Fraction(2_000_000)], Fraction(100))
    assert [float(p.points) for p in got] == pytest.approx([100, 83.33, 50], abs=TOL)
    assert got[2].points == 50  # exact


def test_impactbids_relative_price_weight_40():
    # impactbids.com: price weight 40; £100, £105, £108 -> 40, 38.10, 37.04.
    got = score_prices(PriceMethod.RELATIVE_TO_LOWEST, [Fraction(100), Fraction(105), Fraction(108)], Fraction(40))
    assert [float(p.points) for p in got] == pytest.approx([40, 38.10, 37.04], abs=TOL)


def test_negometrix_marks_of_200():
    # Negometrix support: Experience 60, QA 40, Time 30, Price 70 (of 200).
    # A: 40/30/20 at 10,000; B: 32/20/22 at 8,000 -> A price 56, total 146; B price 70, total 144: A wins.
    t = make_tender(
        weighting="marks", total_marks=200,
        scales=[{"id": "m60", "minimum": 0, "maximum": 60, "step": 1},
                {"id": "m40", "minimum": 0, "maximum": 40, "step": 1},
                {"id": "m30", "minimum": 0, "maximum": 30, "step": 1}],
        criteria=[{"id": "EXP", "name": "Experience", "kind": "quality", "weight": 60, "scale": "m60"},
                  {"id": "QA", "name": "Quality assurance", "kind": "quality", "weight": 40, "scale": "m40"},
                  {"id": "TIME", "name": "Time", "kind": "quality", "weight": 30, "scale": "m30"},
                  {"id": "PRICE", "name": "Price", "kind": "price", "weight": 70}],
        social_value_policy={"minimum_percent": 0, "mandatory": False},
    )
    lot = score_tender(t, [bid("A", 10000, EXP=40, QA=30, TIME=20), bid("B", 8000, EXP=32, QA=20, TIME=22)]).lots[0]
    a, b = lot.bids
    assert (a.bidder, a.points_on("PRICE"), a.total, a.rank) == ("A", 56, 146, 1)
    assert (b.bidder, b.points_on("PRICE"), b.total, b.rank) == ("B", 70, 144, 2)
    assert lot.total_points == 200


def denfield(tie_breaks=()):
    return make_tender(
        scales=[{"id": "q100", "minimum": 0, "maximum": 100, "step": 1}],
        criteria=[{"id": "Q", "name": "Quality", "kind": "quality", "weight": 50, "scale": "q100"},
                  {"id": "P", "name": "Price", "kind": "price", "weight": 50}],
        social_value_policy={"minimum_percent": 0, "mandatory": False},
        abnormally_low={"percent_below_mean": None}, tie_breaks=list(tie_breaks))


DENFIELD_BIDS = [bid("A", 50, Q=50), bid("B", 75, Q=75), bid("C", 100, Q=100)]


def test_denfield_three_way_example_ties_a_and_c():
    # Denfield, Local Government Lawyer: 50/50, quality of 100, relative price.
    # A (Q50, £50), B (Q75, £75), C (Q100, £100) -> A 75, B 70.83, C 75: A and C tie.
    lot = score_tender(denfield(), DENFIELD_BIDS).lots[0]
    totals = {b.bidder: b.total for b in lot.bids}
    assert totals == {"A": 75, "B": Fraction(425, 6), "C": 75}
    assert float(totals["B"]) == pytest.approx(70.83, abs=TOL)
    ranks = {b.bidder: b.rank for b in lot.bids}
    assert ranks == {"A": 1, "C": 1, "B": 3}
    assert lot.ties == (("A", "C"),)
    assert all(any(f.code == "tie_unresolved" for f in b.flags) for b in lot.bids if b.bidder in "AC")


def test_denfield_tie_broken_by_quality():
    lot = score_tender(denfield([{"rule": "higher_score_on", "criterion": "Q"}]), DENFIELD_BIDS).lots[0]
    assert [(b.bidder, b.rank) for b in lot.bids] == [("C", 1), ("A", 2), ("B", 3)]
    assert lot.ties == ()
    assert any(f.code == "tie_break" for f in lot.bids[0].flags)


def test_denfield_tie_broken_by_price():
    lot = score_tender(denfield([{"rule": "lower_price"}]), DENFIELD_BIDS).lots[0]
    assert [(b.bidder, b.rank) for b in lot.bids] == [("A", 1), ("C", 2), ("B", 3)]
