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
