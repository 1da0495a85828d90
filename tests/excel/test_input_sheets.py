"""The input sheets: score dropdowns restricted to each criterion's scale."""

from __future__ import annotations

from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen, validations

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")


def test_scores_have_dropdowns_restricted_to_each_scale():
    wb = reopen(build_evaluation(HOME, 0, MEASURES, 3))
    lay = EvaluationLayout(HOME, 0, 3, MEASURES)
    dvs = validations(wb["Scores"])
    q1 = lay.block_row("evaluator", "Q1", 0)  # the tender combines by mean: each evaluator scores on the scale
    assert dvs[f"E{q1}:G{q1}"] == "list:=Lists!$C$2:$C$7"
    pf = lay.score_rows["PF1"]
    assert dvs[f"E{pf}:G{pf}"] == 'list:"pass,fail"'
    lists = wb["Lists"]
    assert [lists.cell(r, 3).value for r in range(1, 8)] == ["0-5", 0, 1, 2, 3, 4, 5]
    assert wb["Scores"].cell(q1, 5).protection.locked is False
    assert wb["Scores"].cell(lay.score_rows["Q1"], 5).protection.locked is True


CENTRAL = load_tender(EXAMPLES / "central-digital-marks.json")


def test_under_mean_or_median_each_evaluators_score_is_combined_by_a_native_formula():
    for rule, fn in (("mean", "AVERAGE"), ("median", "MEDIAN")):
        tender = HOME.revised(evaluation=HOME.evaluation.revised(aggregation=rule))
        wb = reopen(build_evaluation(tender, 0, MEASURES, 3))
        lay = EvaluationLayout(tender, 0, 3, MEASURES)
        own = ",".join(lay.block_cell("evaluator", "Q2", 1, e) for e in range(lay.EVALUATOR_SLOTS))
        assert wb["Scores"][lay.score_cell("Q2", 1)].value == f'=IF(COUNT({own})=0,"",{fn}({own}))'
        spread = wb["Scores"][lay.block_cell("spread", "Q2", 1)].value
        assert lay.detail("evaluation.moderation_spread") in spread and f"MAX({own})-MIN({own})" in spread
        name = wb["Scores"][lay.evaluator_name_cell(2)]
        assert name.value == "Evaluator 3" and name.protection.locked is False
        just = wb["Scores"][lay.block_cell("evaluator_justification", "Q2", 1, 2)]
        assert just.protection.locked is False


def test_every_setup_detail_no_formula_uses_is_locked():
    for tender, combines in ((HOME, True), (CENTRAL, False)):
        wb = reopen(build_evaluation(tender, 0, MEASURES if combines else None, 3))
        lay = EvaluationLayout(tender, 0, 3, MEASURES if combines else None)
        setup = wb["Setup"]
        assert setup[lay.detail_cell("evaluation.aggregation")].protection.locked is True
        assert setup[lay.detail_cell("social_value_policy.minimum_percent")].protection.locked is True
        # the moderation spread drives the spread flags, which exist only where evaluators' scores are combined
        assert setup[lay.detail_cell("evaluation.moderation_spread")].protection.locked is not combines


def test_under_consensus_each_score_has_a_justification_and_a_moderation_note_cell():
    wb = reopen(build_evaluation(CENTRAL, 0, None, 3))
    lay = EvaluationLayout(CENTRAL, 0, 3, None)
    assert not lay.combines
    scores = wb["Scores"]
    for cid in lay.score_rows:
        assert scores[lay.score_cell(cid, 2)].protection.locked is False
        for kind in ("justification", "moderation"):
            cell = scores[lay.block_cell(kind, cid, 2)]
            assert cell.protection.locked is False and cell.alignment.wrap_text, (kind, cid)


def test_social_value_sheet_asks_a_reason_for_any_deliverability_below_100():
    from svscore.excel.evaluation import build_evaluation as build
    from svscore.excel.layout import EvaluationLayout as Layout
    from svscore.model.loading import load_measures, load_tender
    from tests.conftest import EXAMPLES as EX

    tender = load_tender(EX / "council-home-care.json")
    measures = load_measures(EX / "measures-illustrative.json")
    lay = Layout(tender, 0, 10, measures)
    ws = build(tender, 0, measures, 10)["Social Value"]
    h = lay.sv_reason_header()
    assert ws.cell(h, 1).value.startswith("Reason for a deliverability below 100%: ")
    assert ws.cell(lay.sv_reason_row(0), 1).value == measures.measures[0].id
    cell = ws.cell(lay.sv_reason_row(0), lay.sv_col(0))
    assert cell.protection.locked is False and cell.alignment.wrap_text
    rules = [(str(rng.sqref), r.formula[0]) for rng in ws.conditional_formatting for r in rng.rules]
    assert any("<100" in f and str(lay.sv_reason_row(0)) in sq for sq, f in rules)
