"""The lot's result (svscore.scoring.assemble, adapters): exact totals and ties, the published
tie-break rules, price per quality point ranking and the sensitivity of the winner to the weights."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from svscore.scoring.engine import score_tender
from tests.conftest import bid, make_tender


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


LEVEL = [bid("A", 100, Q=3, SV=3), bid("B", 125, Q=4, SV=4)]  # 50 + 24 + 6 = 40 + 32 + 8 = 80 points each


@pytest.mark.parametrize(("tie_breaks", "bids", "order", "rule"), [
    ([{"rule": "lower_price"}], LEVEL, ["A", "B"], "tie-break 1, lower price"),
    ([{"rule": "higher_score_on", "criterion": "Q"}], LEVEL, ["B", "A"], "tie-break 1, higher score on Q"),
    ([{"rule": "higher_score_on", "criterion": "SV"}, {"rule": "lower_price"}], LEVEL, ["B", "A"],
     "tie-break 1, higher score on SV"),
    # the same price does not separate them, so the second rule is used: 50 + 32 + 2 = 50 + 24 + 10
    ([{"rule": "lower_price"}, {"rule": "higher_score_on", "criterion": "Q"}],
     [bid("A", 100, Q=3, SV=5), bid("B", 100, Q=4, SV=1)], ["B", "A"], "tie-break 2, higher score on Q"),
])
def test_the_published_tie_break_rules_separate_level_bids_in_order(tie_breaks, bids, order, rule):
    lot = score_tender(make_tender(tie_breaks=tie_breaks), bids).lots[0]
    assert lot.bids[0].total == lot.bids[1].total
    assert [(b.bidder, b.rank) for b in lot.bids] == [(order[0], 1), (order[1], 2)]
    message = f"Level on total with another bid; separated by the tie-break rule: {rule}."
    assert all([(f.code, f.message) for f in b.flags] == [("tie_break", message)] for b in lot.bids)
    assert lot.ties == ()


def test_level_bids_no_rule_separates_share_the_rank_for_the_authority_to_decide():
    lot = score_tender(make_tender(tie_breaks=[{"rule": "higher_score_on", "criterion": "P"}]),
                       [bid("A", 100, Q=3, SV=5), bid("B", 100, Q=4, SV=1)]).lots[0]
    assert [(b.bidder, b.rank) for b in lot.bids] == [("A", 1), ("B", 1)]
    assert all([f.code for f in b.flags] == ["tie_unresolved"] for b in lot.bids)
    assert lot.ties == (("A", "B"),)
    assert not lot.sensitivity.applicable and lot.sensitivity.note == "The top bids tie, so there is no single winner to test."


def test_each_justification_reaches_the_result_after_its_evaluator_and_in_order():
    """A result row holds the justifications flat (evaluator, text, ...) and gives them as pairs, in
    the evaluators' order; a score given no justification has none in the row; a group none."""
    from svscore.model.bids import Bid, Score
    from svscore.scoring.result import flat_justifications, justification_pairs

    t = make_tender(evaluation={"aggregation": "mean"})
    scores = (Score(criterion="Q", value=4, evaluator="Asha", justification="Clear mobilisation plan."),
              Score(criterion="Q", value=3, evaluator="Ben", justification="Staffing thin at weekends."),
              Score(criterion="Q", value=4, evaluator="Cai"),
              Score(criterion="SV", value=2, evaluator="Asha", justification="Vague."),
              Score(criterion="SV", value=2, evaluator="Ben", justification="Vague."))
    result = score_tender(t, [Bid(bidder_id="A", bidder="A", price=100, scores=scores)])
    rows = {c.criterion_id: c for c in result.lots[0].bids[0].criteria}
    assert rows["Q"].justified == ("Asha", "Clear mobilisation plan.", "Ben", "Staffing thin at weekends.")
    assert rows["Q"].justifications == (("Asha", "Clear mobilisation plan."), ("Ben", "Staffing thin at weekends."))
    assert rows["SV"].justifications == (("Asha", "Vague."), ("Ben", "Vague."))
    assert rows["Q"].as_dict()["justifications"] == {"Asha": "Clear mobilisation plan.", "Ben": "Staffing thin at weekends."}
    assert rows["P"].justified == () and rows["P"].justifications == ()
    assert flat_justifications(rows["Q"].justifications) == rows["Q"].justified
    assert justification_pairs(()) == ()
    with pytest.raises(ValueError):  # a flat tuple is always evaluator and text
        justification_pairs(("Asha",))
