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
    q1 = lay.score_rows["Q1"]
    assert dvs[f"E{q1}:G{q1}"] == "list:=Lists!$C$2:$C$7"
    pf = lay.score_rows["PF1"]
    assert dvs[f"E{pf}:G{pf}"] == 'list:"pass,fail"'
    lists = wb["Lists"]
    assert [lists.cell(r, 3).value for r in range(1, 8)] == ["0-5", 0, 1, 2, 3, 4, 5]
    assert wb["Scores"].cell(q1, 5).protection.locked is False


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
    assert ws.cell(h, 1).value == "Reason for a deliverability below 100%"
    assert ws.cell(lay.sv_reason_row(0), 1).value == measures.measures[0].id
    cell = ws.cell(lay.sv_reason_row(0), lay.sv_col(0))
    assert cell.protection.locked is False and cell.alignment.wrap_text
    rules = [(str(rng.sqref), r.formula[0]) for rng in ws.conditional_formatting for r in rng.rules]
    assert any("<100" in f and str(lay.sv_reason_row(0)) in sq for sq, f in rules)
