"""The Setup sheet: weight checks as formulas flagged in red, and tender text that never becomes a formula."""

from __future__ import annotations

from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")


def test_weight_checks_are_formulas_with_red_formatting():
    wb = reopen(build_evaluation(HOME, 0, MEASURES))
    lay = EvaluationLayout(HOME, 0, 10, MEASURES)
    check = wb["Setup"].cell(lay.root_check_row, 11).value
    assert check.startswith("=IF(ROUND(SUM(") and '"ERROR: the top-level criteria add up to "' in check
    rules = [r for rng in wb["Setup"].conditional_formatting for r in rng.rules]
    assert any('<>"OK"' in r.formula[0] for r in rules)


def test_bidder_text_never_becomes_a_formula():
    tender = HOME.revised(title='=HYPERLINK("http://evil","click")')
    wb = reopen(build_evaluation(tender, 0, MEASURES))
    cell = wb["Setup"]["D5"]
    assert cell.value == '=HYPERLINK("http://evil","click")' and cell.data_type == "s"
