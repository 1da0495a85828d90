"""The what-if grid gives, at every weighting, the winner and margin that re-scoring the re-weighted
tender gives; what the model cannot answer is refused, saying why."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from svscore.analysis.reweight import with_weights
from svscore.analysis.whatif import grid_rows, sensitivity_frame
from svscore.errors import SvscoreError
from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES


def inputs(name):
    tender = load_tender(EXAMPLES / f"{name}.json")
    return tender, load_bids(EXAMPLES / f"{name}-bids.json"), tender_measures(tender)[0]


def decimal(x: Fraction) -> Decimal | None:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return d if Fraction(d) == x else None


def rescored(tender, bids, measures, row):
    weights = {k.removeprefix("weight "): decimal(v) for k, v in row.items() if k.startswith("weight ")}
    if any(v is None for v in weights.values()):
        return None
    return score_tender(with_weights(tender, weights), bids, measures)


@pytest.mark.parametrize(("name", "grid"), [
    ("council-home-care", {"PRICE": range(0, 101, 10)}),
    ("council-home-care", {"PRICE": range(20, 81, 10), "SV": [0, 5, 10, 15, 20]}),
    ("central-digital-marks", {"P": [20, 80, 110, 140, 170]}),
])
def test_every_grid_point_agrees_with_scoring_the_reweighted_tender(name, grid):
    tender, bids, measures = inputs(name)
    rows = grid_rows(tender, bids, measures, grid, exact=True)
    assert rows
    compared = 0
    for row in rows:
        try:
            result = rescored(tender, bids, measures, row)
        except Exception as exc:  # a weighting the tender's own checks refuse (e.g. social value under policy)
            assert "cannot be scored" in str(exc)
            continue
        if result is None:
            continue
        compared += 1
        lot = result.lots[0]
        winners = lot.winners()
        if len(winners) == 1:
            assert row["winner_id"] == winners[0].bidder_id, row
            assert row["total"] == winners[0].total
            ranked = [b for b in lot.bids if b.rank is not None]
            if len(ranked) > 1:
                assert row["margin"] == ranked[0].total - ranked[1].total
        else:
            assert row["winner_id"] is None and row["tie"]
    assert compared >= len(rows) // 2


def test_the_tenders_own_weights_give_its_own_winner():
    tender, bids, measures = inputs("council-home-care")
    result = score_tender(tender, bids, measures)
    (row,) = grid_rows(tender, bids, measures, {"PRICE": [50]}, exact=True)
    assert row["winner_id"] == result.lots[0].winners()[0].bidder_id and row["changed"] is False
    assert row["total"] == result.lots[0].winners()[0].total


def test_a_winner_that_changes_is_marked():
    tender, bids, measures = inputs("council-home-care")
    rows = grid_rows(tender, bids, measures, {"PRICE": range(0, 101, 5)})
    base = score_tender(tender, bids, measures).lots[0].winners()[0].bidder_id
    assert all(r["changed"] == (r["winner_id"] != base) for r in rows)


@pytest.mark.parametrize(("grid", "said"), [({}, "one or two"), ({"A": [1], "B": [1], "C": [1]}, "one or two"),
                                            ({"NOPE": [10]}, "'NOPE'"), ({"PRICE": ["ten"]}, "must be a number")])
def test_a_grid_that_cannot_be_answered_is_refused(grid, said):
    tender, bids, measures = inputs("council-home-care")
    with pytest.raises(SvscoreError, match=said):
        grid_rows(tender, bids, measures, grid)


def test_price_per_quality_point_is_refused_saying_why():
    tender, bids, measures = inputs("council-home-care")
    data = tender.model_dump(mode="python", exclude_unset=True)
    data["price"] = {**data.get("price", {}), "method": "price_per_quality_point"}
    data["criteria"] = [c for c in data["criteria"] if c["id"] != "PRICE"]
    data["criteria"] = [{**c, "weight": Decimal(70) if c["id"] == "QUAL" else Decimal(30)} if c.get("weight") else c
                        for c in data["criteria"]]
    ppqp = type(tender).model_validate(data)
    with pytest.raises(SvscoreError, match="price per quality point"):
        grid_rows(ppqp, bids, measures, {"QUAL": [60]})


def test_sensitivity_as_a_frame():
    pytest.importorskip("pandas")
    tender, bids, measures = inputs("council-home-care")
    result = score_tender(tender, bids, measures)
    frame = sensitivity_frame(result)
    lines = result.lots[0].sensitivity.lines
    assert list(frame["criterion"]) == [x.criterion_id for x in lines]
    assert list(frame["message"]) == [x.message() for x in lines]


def test_a_weighting_below_the_social_value_minimum_is_marked():
    tender, bids, measures = inputs("council-home-care")
    rows = {r["weight PRICE"]: r for r in grid_rows(tender, bids, measures, {"PRICE": [50, 70]}, exact=True)}
    assert rows[50]["social value %"] == 15 and rows[50]["below social value minimum"] is False
    assert rows[70]["social value %"] == 9 and rows[70]["below social value minimum"] is True
    from svscore.rules.checks import check_tender

    codes = {f.code for f in check_tender(with_weights(tender, {"PRICE": 70, "QUAL": 21, "SV": 9})).findings}
    assert "social_value.below_minimum" in codes  # the tender's own checks agree


def test_what_if_on_the_command_line_writes_the_same_grid(tmp_path):
    import csv
    import json

    from tests.conftest import run_cli

    tender, bids, measures = inputs("council-home-care")
    out = tmp_path / "grid.csv"
    r = run_cli("what-if", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"),
                "--vary", "PRICE=40:80:10", "-o", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    expected = grid_rows(tender, bids, measures, {"PRICE": range(40, 81, 10)})
    assert [x["winner_id"] for x in rows] == [x["winner_id"] for x in expected]
    assert [float(x["margin"]) for x in rows] == pytest.approx([x["margin"] for x in expected], rel=1e-9)
    r = run_cli("what-if", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"),
                "--vary", "PRICE=50", "--vary", "SV=10,15", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [x["weight SV"] for x in json.loads(r.stdout)["rows"]] == [10, 15]


@pytest.mark.parametrize(("vary", "said"), [("PRICE", "CRITERION=FROM:TO:STEP"), ("PRICE=1:x", "FROM:TO:STEP"),
                                            ("PRICE=10:0:5", "step above 0"), ("PRICE=0:100:0.0001", "at most"),
                                            ("NOPE=1", "'NOPE'")])
def test_what_if_refuses_a_grid_it_cannot_answer(vary, said):
    from tests.conftest import run_cli

    r = run_cli("what-if", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"), "--vary", vary)
    assert r.returncode == 2 and said in r.stderr, r.stderr


def test_a_tie_the_rules_cannot_break_is_said_as_the_engine_says_it():
    tender, bids, measures = inputs("council-home-care")
    winner = score_tender(tender, bids, measures).lots[0].winners()[0]
    twin = next(b for b in bids.bids if b.bidder_id == winner.bidder_id).model_copy(
        update={"bidder_id": "99999999", "bidder": "Twin Care Ltd"})
    field = [*bids.bids, twin]
    engine = score_tender(tender, field, measures).lots[0]
    assert {winner.bidder_id, "99999999"} in [set(t) for t in engine.ties]
    (row,) = grid_rows(tender, field, measures, {"PRICE": [50]})
    assert set(row["tie"].split(", ")) == {winner.bidder_id, "99999999"} and row["winner_id"] is None
