"""The scoring engine: gates, flags, evaluators, social value, ties, sensitivity and bad bids."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from svscore.errors import ScoringError
from svscore.model.bids import Bid, Commitment, Score
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.model.measures import MeasuresTable
from svscore.scoring.engine import score_tender
from svscore.scoring.result import Status
from tests.conftest import EXAMPLES, bid, make_tender, tender_dict


def by_name(result):
    return {b.bidder: b for b in result.lots[0].bids}


def test_quality_points_are_scale_value_over_max_times_weight():
    r = by_name(score_tender(make_tender(), [bid("A", 100, Q=4, SV=5), bid("B", 200, Q=2, SV=0)]))
    assert r["A"].points_on("Q") == F(4, 5) * 40
    assert r["A"].total == 50 + 32 + 10
    assert r["B"].total == 25 + 16 + 0
    expl = next(c.explanation for c in r["A"].criteria if c.criterion_id == "Q")
    assert expl == "Scored 4 on scale '0-5': 4 ÷ 5 × 40.00 = 32.00 points."


def test_score_off_the_scale_names_bidder_criterion_and_value():
    r = by_name(score_tender(make_tender(), [bid("A", 100, Q=7, SV=3), bid("B", 100, Q=3, SV=3)]))
    assert r["A"].status is Status.INVALID
    assert r["A"].reasons == ("A (A): the score 7 for Q (Quality) is not on scale '0-5' (allowed: 0, 1, 2, 3, 4, 5).",)
    assert r["B"].rank == 1


@pytest.mark.parametrize("bad", [0, -100])
def test_zero_or_negative_price_is_an_error_for_that_bid(bad):
    r = by_name(score_tender(make_tender(), [bid("A", bad, Q=3, SV=3), bid("B", 100, Q=3, SV=3)]))
    assert r["A"].status is Status.INVALID
    assert "is not more than £0" in r["A"].reasons[0]
    assert r["B"].points_on("P") == 50


def test_missing_scores_make_a_bid_incomplete_never_zero():
    r = by_name(score_tender(make_tender(), [bid("A", 100, Q=3), bid("B", None, Q=3, SV=1)]))
    assert r["A"].status is Status.INCOMPLETE and r["A"].total is None
    assert r["A"].reasons == ("Missing: the consensus score for SV (Social value).",)
    assert r["B"].reasons == ("Missing: the price.",)


def test_unknown_criterion_in_scores():
    r = by_name(score_tender(make_tender(), [bid("A", 100, Q=3, SV=3, X=1)]))
    assert r["A"].status is Status.INVALID
    assert "criterion 'X', which is not a scored criterion" in r["A"].reasons[0]


def test_disqualified_bid_does_not_set_lowest_price():
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Quality", "kind": "quality", "weight": 40, "scale": "0-5", "minimum_score": 2},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    r = by_name(score_tender(t, [bid("Cheap", 50, Q=1, SV=5), bid("A", 100, Q=3, SV=3), bid("B", 200, Q=3, SV=3)]))
    assert r["Cheap"].status is Status.DISQUALIFIED
    assert r["Cheap"].reasons == ("Scored 1 on Q (Quality), below the minimum score of 2.",)
    assert r["A"].points_on("P") == 50 and r["B"].points_on("P") == 25


def test_pass_fail_fail_disqualifies_with_reason():
    t = make_tender(criteria=[*tender_dict()["criteria"], {"id": "INS", "name": "Insurance", "kind": "pass_fail"}])
    b = Bid(bidder_id="A", bidder="A", price=100, scores=(
        Score(criterion="Q", value=3), Score(criterion="SV", value=3),
        Score(criterion="INS", value="fail", justification="No certificate.")))
    r = by_name(score_tender(t, [b, bid("B", 120, Q=2, SV=2, INS="pass")]))
    assert r["A"].status is Status.DISQUALIFIED
    assert r["A"].reasons == ("Failed the pass/fail criterion INS (Insurance): No certificate.",)
    assert r["B"].rank == 1


def test_pass_fail_given_a_number_is_an_error():
    t = make_tender(criteria=[*tender_dict()["criteria"], {"id": "INS", "name": "Insurance", "kind": "pass_fail"}])
    r = by_name(score_tender(t, [bid("A", 100, Q=3, SV=3, INS=1)]))
    assert r["A"].status is Status.INVALID and "use 'pass' or 'fail'" in r["A"].reasons[0]


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


def evaluators_tender(method="mean", spread=2):
    return make_tender(evaluation={"aggregation": method, "moderation_spread": spread})


def ev_bid(name, price, q_scores, sv=3):
    scores = [Score(criterion="Q", evaluator=e, value=v) for e, v in q_scores.items()]
    scores.append(Score(criterion="SV", value=sv))
    return Bid(bidder_id=name, bidder=name, price=price, scores=tuple(scores))


def test_mean_and_median_of_evaluators():
    mean = by_name(score_tender(evaluators_tender("mean"), [ev_bid("A", 100, {"E1": 1, "E2": 4, "E3": 4})]))
    assert mean["A"].points_on("Q") == F(3) / 5 * 40
    med = by_name(score_tender(evaluators_tender("median"), [ev_bid("A", 100, {"E1": 1, "E2": 4, "E3": 4})]))
    assert med["A"].points_on("Q") == F(4) / 5 * 40


def test_moderation_spread_is_flagged_with_the_scores():
    r = by_name(score_tender(evaluators_tender(spread=2), [ev_bid("A", 100, {"E1": 1, "E2": 3}), ev_bid("B", 100, {"E1": 2, "E2": 3})]))
    [flag] = [f for f in r["A"].flags if f.code == "moderation"]
    assert flag.message == "Q (Quality): evaluators' scores spread by 2 (at least 2): E1 1, E2 3. Discuss at moderation."
    assert not any(f.code == "moderation" for f in r["B"].flags)


def test_missing_evaluator_score_makes_bid_incomplete():
    r = by_name(score_tender(evaluators_tender(), [ev_bid("A", 100, {"E1": 3, "E2": 3}), ev_bid("B", 100, {"E1": 3})]))
    assert r["B"].status is Status.INCOMPLETE
    assert r["B"].reasons == ("Missing: Q (Quality) scores from E2.",)


def test_consensus_mode_needs_the_agreed_score():
    t = make_tender(evaluation={"aggregation": "consensus"})
    r = by_name(score_tender(t, [ev_bid("A", 100, {"E1": 3, "E2": 4})]))
    assert r["A"].status is Status.INCOMPLETE
    assert "consensus score for Q" in r["A"].reasons[0]


def sv_tender(**sv):
    return make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 60},
                                 {"id": "Q", "name": "Quality", "kind": "quality", "weight": 30, "scale": "0-5"},
                                 {"id": "SV", "name": "Commitments", "kind": "social_value", "weight": 10, "scored_by": "measures"}],
                       social_value={"measures_file": "m.json", **sv})


MEASURES = MeasuresTable.model_validate({"title": "t", "measures": [
    {"id": "JOBS", "description": "local jobs", "unit": "FTE", "proxy_value": 1000},
    {"id": "HIRE", "description": "hires", "unit": "people", "proxy_value": 500, "first_year_only": True}]})


def sv_bid(name, price, *commitments):
    return Bid(bidder_id=name, bidder=name, price=price, scores=(Score(criterion="Q", value=3),),
               commitments=tuple(Commitment(**c) for c in commitments))


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


def test_unknown_measure_is_an_error():
    r = by_name(score_tender(sv_tender(), [sv_bid("A", 100, {"measure": "NOPE", "quantity": 1})], MEASURES))
    assert r["A"].status is Status.INVALID
    assert r["A"].reasons == ("A (A): commitment 1 names measure 'NOPE', which is not in the measures table.",)


def test_measures_table_is_required():
    with pytest.raises(ScoringError, match="measures table"):
        score_tender(sv_tender(), [sv_bid("A", 100)])


def test_tender_with_errors_is_refused():
    with pytest.raises(ScoringError, match="weights of the top-level criteria add up to 90"):
        score_tender(make_tender(criteria=tender_dict()["criteria"][:2]), [])


def test_equal_totals_tie_exactly_where_floats_would_not():
    # Thirds of weights: float totals differ in the last digit, exact ones do not.
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 30},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 60, "children": [
                                  {"id": "Q1", "name": "a", "weight": 10, "scale": "0-5"},
                                  {"id": "Q2", "name": "b", "weight": 20, "scale": "0-5"},
                                  {"id": "Q3", "name": "c", "weight": 70, "scale": "0-5"}]},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    a = bid("A", 100, Q1=0, Q2=0, Q3=1, SV=3)   # Q: 1/5 × 42 = 8.4
    b = bid("B", 100, Q1=1, Q2=3, Q3=0, SV=3)   # Q: 1/5 × 6 + 3/5 × 12 = 8.4
    effective = {"Q1": 6, "Q2": 12, "Q3": 42}
    as_floats = [sum(v / 5 * effective[k] for k, v in scores.items()) for scores in ({"Q1": 0, "Q2": 0, "Q3": 1}, {"Q1": 1, "Q2": 3, "Q3": 0})]
    assert as_floats[0] != as_floats[1]  # 8.4 against 8.399999999999999: floats would rank A first
    lot = score_tender(t, [a, b]).lots[0]
    assert lot.bids[0].total == lot.bids[1].total
    assert lot.ties == (("A", "B"),)


def test_ppqp_ranks_by_price_per_quality_point():
    t = make_tender(price={"method": "price_per_quality_point"},
                    criteria=[{"id": "P", "name": "Price", "kind": "price"},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 90, "scale": "0-5"},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    lot = score_tender(t, [bid("A", 1000, Q=5, SV=5), bid("B", 600, Q=3, SV=0)]).lots[0]
    r = {b.bidder: b for b in lot.bids}
    assert r["A"].price_per_quality_point == 10 and r["B"].price_per_quality_point == F(600, 54)
    assert r["A"].rank == 1
    assert not lot.sensitivity.applicable


def test_sensitivity_finds_the_tipping_weight():
    # Price 50 / Quality 50. A: cheap, weak. B: dear, strong.
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Quality", "kind": "quality", "weight": 50, "scale": "0-5"}],
                    social_value_policy={"minimum_percent": 0, "mandatory": False})
    lot = score_tender(t, [bid("A", 100, Q=2), bid("B", 125, Q=4)]).lots[0]
    # A: 50 + 20 = 70; B: 40 + 40 = 80. B wins. Price share w: A = w + 0.4(100-w); B = 0.8w + 0.8(100-w)=80.
    # Level when w + 40 - 0.4w = 80 -> w = 200/3.
    assert lot.winners()[0].bidder == "B"
    line = {x.criterion_id: x for x in lot.sensitivity.lines}
    assert line["P"].tipping_percent == F(200, 3) and line["P"].new_winner == "A"
    assert line["Q"].tipping_percent == F(100, 3) and line["Q"].new_winner == "A"


def test_sensitivity_reports_no_change():
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Quality", "kind": "quality", "weight": 50, "scale": "0-5"}],
                    social_value_policy={"minimum_percent": 0, "mandatory": False})
    lot = score_tender(t, [bid("A", 100, Q=5), bid("B", 125, Q=4)]).lots[0]
    assert all(x.tipping_percent is None for x in lot.sensitivity.lines)
    assert "no change of its weight within 0-100%" in lot.sensitivity.lines[0].message()


def test_lots_are_scored_separately_and_unknown_lots_reported():
    crit = tender_dict()["criteria"]
    t = make_tender(criteria=[], lots=[{"id": "1", "criteria": crit}, {"id": "2", "criteria": crit}])
    bids = [Bid(bidder_id="A", bidder="A", lot="1", price=100, scores=(Score(criterion="Q", value=3), Score(criterion="SV", value=3))),
            Bid(bidder_id="A", bidder="A", lot="2", price=50, scores=(Score(criterion="Q", value=3), Score(criterion="SV", value=3))),
            Bid(bidder_id="B", bidder="B", lot="9", price=50)]
    r = score_tender(t, bids)
    assert [len(lot.bids) for lot in r.lots] == [1, 1]
    assert "lot '9'" in r.bid_errors[0]


def test_duplicate_bidder_in_a_lot_is_not_double_counted():
    r = score_tender(make_tender(), [bid("A", 100, Q=3, SV=3), bid("A", 90, Q=3, SV=3)])
    assert all(b.status is Status.INVALID for b in r.lots[0].bids)


def test_bundled_example_scores_as_documented():
    t = load_tender(EXAMPLES / "council-home-care.json")
    r = score_tender(t, load_bids(EXAMPLES / "council-home-care-bids.json"), load_measures(EXAMPLES / "measures-illustrative.json"))
    got = {b.bidder: (b.status.value, b.rank) for b in r.lots[0].bids}
    assert got == {"Brightwater Homecare CIC": ("ranked", 1), "Northfield Care Ltd": ("ranked", 2),
                   "Castle Support Services plc": ("ranked", 3), "Dale Valley Care Ltd": ("disqualified", None),
                   "Eden Community Care Ltd": ("incomplete", None)}
    castle = next(b for b in r.lots[0].bids if b.bidder.startswith("Castle"))
    assert castle.points_on("PRICE") == 50  # Dale's lower price does not count: it is disqualified
    assert any(f.code == "abnormally_low" for f in castle.flags)


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
