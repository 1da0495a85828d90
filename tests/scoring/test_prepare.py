"""One bid's own data (svscore.scoring.prepare): scale points, prices, pass/fail results,
evaluators' scores combined as the tender says, and commitments against the measures table."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from svscore.model.bids import Bid, Score
from svscore.scoring.engine import score_tender
from svscore.scoring.result import Status
from tests.conftest import bid, make_tender, tender_dict
from tests.scoring.conftest import MEASURES, by_name, ev_bid, evaluators_tender, sv_bid, sv_tender


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


def test_consensus_mode_needs_the_agreed_score():
    t = make_tender(evaluation={"aggregation": "consensus"})
    r = by_name(score_tender(t, [ev_bid("A", 100, {"E1": 3, "E2": 4})]))
    assert r["A"].status is Status.INCOMPLETE
    assert "consensus score for Q" in r["A"].reasons[0]


def test_unknown_measure_is_an_error():
    r = by_name(score_tender(sv_tender(), [sv_bid("A", 100, {"measure": "NOPE", "quantity": 1})], MEASURES))
    assert r["A"].status is Status.INVALID
    assert r["A"].reasons == ("A (A): commitment 1 names measure 'NOPE', which is not in the measures table.",)


# --- which evaluators' scores count, as the tender's evaluation.aggregation says ---------------

def q_row(result, name):
    return next(c for c in by_name(result)[name].criteria if c.criterion_id == "Q")


def test_the_mean_of_evaluators_is_exact_and_explained():
    r = score_tender(evaluators_tender("mean"), [ev_bid("A", 100, {"E1": 1, "E2": 2, "E3": 2})])
    q = q_row(r, "A")
    assert q.raw == F(5, 3) and q.points == F(5, 3) / 5 * 40
    assert q.evaluator_scores == (("E1", 1), ("E2", 2), ("E3", 2))
    assert q.explanation.startswith("Scored 1.67 (mean of E1 1, E2 2, E3 2) on scale '0-5'")


def test_the_median_of_an_even_panel_is_halfway_between_the_middle_scores():
    q = q_row(score_tender(evaluators_tender("median"), [ev_bid("A", 100, {"E1": 1, "E2": 3, "E3": 4, "E4": 5})]), "A")
    assert q.raw == F(7, 2) and q.points == F(7, 2) / 5 * 40
    assert "(median of E1 1, E2 3, E3 4, E4 5)" in q.explanation


def test_one_evaluators_score_is_that_score_under_mean_or_median():
    for method in ("mean", "median"):
        q = q_row(score_tender(evaluators_tender(method), [ev_bid("A", 100, {"E1": 4})]), "A")
        assert q.raw == 4 and "Scored 4 (by E1) on scale" in q.explanation


def test_under_mean_a_consensus_score_counts_when_no_evaluator_scored():
    r = by_name(score_tender(evaluators_tender("mean"), [bid("A", 100, Q=4, SV=3)]))
    assert r["A"].status is Status.RANKED and r["A"].points_on("Q") == F(4, 5) * 40


@pytest.mark.parametrize("method", ["mean", "median"])
def test_a_consensus_beside_evaluators_scores_is_said_not_used(method):
    """Two answers to one question: the tender's rule decides, and the bid says the other was not used."""
    b = Bid(bidder_id="A", bidder="A", price=100, scores=(
        Score(criterion="Q", evaluator="E1", value=1), Score(criterion="Q", evaluator="E2", value=2),
        Score(criterion="Q", value=4), Score(criterion="SV", value=3)))
    result = score_tender(evaluators_tender(method), [b])
    q = q_row(result, "A")
    assert q.raw == F(3, 2)
    (flag,) = [f for f in by_name(result)["A"].flags if f.code == "consensus_not_used"]
    assert "a consensus score of 4" in flag.message and f"by {method}" in flag.message


def test_under_consensus_the_agreed_score_counts_not_the_evaluators():
    b = Bid(bidder_id="A", bidder="A", price=100, scores=(
        Score(criterion="Q", evaluator="E1", value=1), Score(criterion="Q", evaluator="E2", value=2),
        Score(criterion="Q", value=4), Score(criterion="SV", value=3)))
    q = q_row(score_tender(evaluators_tender("consensus"), [b]), "A")
    assert q.raw == 4 and q.evaluator_scores == ()
    assert q.explanation.startswith("Scored 4 on scale '0-5'")


def test_under_consensus_evaluators_scores_alone_are_named_as_missing_the_agreed_score():
    r = by_name(score_tender(evaluators_tender("consensus"), [ev_bid("A", 100, {"E1": 3, "E2": 3})]))
    assert r["A"].status is Status.INCOMPLETE
    assert r["A"].reasons == ("Missing: the consensus score for Q (Quality) (evaluators' individual scores are "
                              "recorded, but not the agreed score).",)


@pytest.mark.parametrize("method", ["consensus", "mean", "median"])
def test_two_consensus_scores_for_one_criterion_are_an_error(method):
    b = Bid(bidder_id="A", bidder="A", price=100, scores=(
        Score(criterion="Q", value=3), Score(criterion="Q", value=4), Score(criterion="SV", value=3)))
    r = by_name(score_tender(evaluators_tender(method), [b]))
    assert r["A"].status is Status.INVALID
    assert r["A"].reasons == ("A (A) has 2 consensus scores for Q (Quality); give one.",)


def test_an_evaluator_scoring_a_criterion_twice_is_an_error():
    b = Bid(bidder_id="A", bidder="A", price=100, scores=(
        Score(criterion="Q", evaluator="E1", value=3), Score(criterion="Q", evaluator="E1", value=4),
        Score(criterion="SV", value=3)))
    r = by_name(score_tender(evaluators_tender("mean"), [b]))
    assert r["A"].status is Status.INVALID
    assert r["A"].reasons == ("A (A): evaluator E1 scored Q (Quality) more than once.",)


def test_bids_given_the_same_scores_get_the_same_outcome_each():
    """A lot's scorer works each distinct set of scores out once: each bid still gets its own flags."""
    r = by_name(score_tender(evaluators_tender("mean", spread=2), [ev_bid("A", 100, {"E1": 1, "E2": 3}),
                                                                   ev_bid("B", 110, {"E1": 1, "E2": 3})]))
    assert r["A"].points_on("Q") == r["B"].points_on("Q") == F(2, 5) * 40
    assert [f.code for f in r["A"].flags] == [f.code for f in r["B"].flags] == ["moderation"]
