"""The lot competition (svscore.scoring.competition): relative price and social value scores over
the competing bids only, gates, evaluators' panels, one bid per company, abnormally low prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from svscore.scoring.engine import score_tender
from svscore.scoring.result import Status
from tests.conftest import bid, make_tender
from tests.scoring.conftest import MEASURES, by_name, ev_bid, evaluators_tender, sv_bid, sv_tender


def test_disqualified_bid_does_not_set_lowest_price():
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Quality", "kind": "quality", "weight": 40, "scale": "0-5", "minimum_score": 2},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    r = by_name(score_tender(t, [bid("Cheap", 50, Q=1, SV=5), bid("A", 100, Q=3, SV=3), bid("B", 200, Q=3, SV=3)]))
    assert r["Cheap"].status is Status.DISQUALIFIED
    assert r["Cheap"].reasons == ("Scored 1 on Q (Quality), below the minimum score of 2.",)
    assert r["A"].points_on("P") == 50 and r["B"].points_on("P") == 25


def test_minimum_total_quality_percent():
    t = make_tender(minimum_quality_percent=60)
    r = by_name(score_tender(t, [bid("A", 100, Q=2, SV=5), bid("B", 100, Q=3, SV=0)]))
    assert r["A"].status is Status.DISQUALIFIED
    assert r["A"].reasons == ("Scored 40% of the available quality points, below the minimum of 60%.",)
    assert r["B"].status is Status.RANKED  # exactly 60% is not below


def test_abnormally_low_is_flagged_never_excluded():
    r = by_name(score_tender(make_tender(), [bid("A", 70, Q=3, SV=3), bid("B", 100, Q=3, SV=3), bid("C", 100, Q=3, SV=3)]))
    flags = [f for f in r["A"].flags if f.code == "abnormally_low"]
    assert len(flags) == 1 and "s.19(4)" in flags[0].message
    assert r["A"].status is Status.RANKED and r["A"].rank == 1
    # exactly 20% below is not "more than" 20% below
    r2 = by_name(score_tender(make_tender(), [bid("A", 80, Q=3, SV=3), bid("B", 100, Q=3, SV=3)]))
    assert not any(f.code == "abnormally_low" for f in r2["A"].flags)


@pytest.mark.parametrize(("price", "flagged"), [("79.9999996", False), ("79.9999995", True), ("79.99", True)])
def test_abnormally_low_shortfall_counts_when_it_rounds_above_zero_at_6_places(price, flagged):
    """The workbook's formula rounds the shortfall to 6 places of a pound; the engine must agree."""
    r = by_name(score_tender(make_tender(), [bid("A", Decimal(price), Q=3, SV=3), bid("B", 100, Q=3, SV=3)]))
    assert any(f.code == "abnormally_low" for f in r["A"].flags) is flagged


def test_missing_evaluator_score_makes_bid_incomplete():
    r = by_name(score_tender(evaluators_tender(), [ev_bid("A", 100, {"E1": 3, "E2": 3}), ev_bid("B", 100, {"E1": 3})]))
    assert r["B"].status is Status.INCOMPLETE
    assert r["B"].reasons == ("Missing: Q (Quality) scores from E2.",)


def test_social_value_relative_to_highest_with_deliverability():
    r = by_name(score_tender(sv_tender(), [
        sv_bid("A", 100, {"measure": "JOBS", "quantity": 10}),
        sv_bid("B", 100, {"measure": "JOBS", "quantity": 10, "deliverability_percent": 50, "note": "unproven"},
               {"measure": "HIRE", "quantity": 4, "year": 2})], MEASURES))
    assert r["A"].social_value_pounds == 10000 and r["A"].points_on("SV") == 10
    assert r["B"].social_value_pounds == 5000 and r["B"].points_on("SV") == 5
    expl = next(c.explanation for c in r["B"].criteria if c.criterion_id == "SV")
    assert "× 50% deliverability judged by evaluators (unproven)" in expl
    assert "counts only in the first contract year" in expl


def test_social_value_target_ratio_is_capped():
    r = by_name(score_tender(sv_tender(quantitative_method="target_ratio", target_pence_per_pound=25), [
        sv_bid("A", 100000, {"measure": "JOBS", "quantity": 10}),    # 10p per £1 -> 10 × 10/25 = 4
        sv_bid("B", 100000, {"measure": "JOBS", "quantity": 50})], MEASURES))  # 50p per £1 -> capped at 10
    assert r["A"].points_on("SV") == 4 and r["B"].points_on("SV") == 10


def test_duplicate_bidder_in_a_lot_is_not_double_counted():
    r = score_tender(make_tender(), [bid("A", 100, Q=3, SV=3), bid("A", 90, Q=3, SV=3)])
    assert all(b.status is Status.INVALID for b in r.lots[0].bids)


def test_price_per_quality_point_bid_with_no_quality_points_is_incomplete_and_unranked():
    t = make_tender(price={"method": "price_per_quality_point"}, abnormally_low={"percent_below_mean": 20}, criteria=[
        {"id": "P", "name": "Price", "kind": "price"},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 90, "scale": "0-5"},
        {"id": "SV", "name": "Social value", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    # Z's price would pull the mean of the other prices down so far that A was no longer abnormally low, if Z competed
    r = by_name(score_tender(t, [bid("Z", 1, Q=0, SV=0), bid("A", 70, Q=3, SV=3), bid("B", 100, Q=3, SV=3), bid("C", 100, Q=4, SV=0)]))
    assert r["Z"].status is Status.INCOMPLETE and r["Z"].rank is None and r["Z"].total is None
    assert r["Z"].reasons == ("Missing: quality points to divide the price by (the bid scored 0).",)
    assert [r[n].rank for n in "ABC"] == [1, 3, 2]
    assert any(f.code == "abnormally_low" for f in r["A"].flags)
