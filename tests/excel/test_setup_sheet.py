"""The Setup sheet: weight checks as formulas flagged in red, tender text that never becomes a formula,
settings in words beside their codes, the threshold decision in short lines, the weights locked once
published with the way to correct one, and a version history to record it."""

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



def _setup():
    tender = load_tender(EXAMPLES / "council-home-care.json")
    measures = load_measures(EXAMPLES / "measures-illustrative.json")
    lay = EvaluationLayout(tender, 0, 10, measures)
    return build_evaluation(tender, 0, measures, 10)["Setup"], lay


def test_settings_are_explained_in_words_beside_their_codes():
    ws, lay = _setup()
    words = ws.cell(lay.detail_row("authority.type"), lay.DETAILS_COL + 3).value
    assert ws[lay.detail_cell("authority.type")].value == "sub_central"  # the code the reader reads
    assert "sub-central authority" in words and words.startswith("=")
    price = ws.cell(lay.detail_row("price.method"), lay.DETAILS_COL + 3).value
    assert "relative to lowest price" in price
    kinds = {ws.cell(lay.criteria_row[w.criterion.id], lay.criteria_col("Kind")).value for w in lay.tree}
    assert "social value" in kinds and "social_value" not in kinds


def test_threshold_reasons_are_short_lines_and_the_warning_speaks_to_an_officer():
    ws, lay = _setup()
    text = ws.cell(lay.decision_row + 6, 4).value
    lines = text.split("\n")
    assert len(lines) >= 5 and all(len(line) <= 400 for line in lines)
    assert any(line.startswith("Please check before relying on this:") for line in lines)
    assert "Warning:" not in text
    heights = [ws.row_dimensions[r].height or 15 for r in range(lay.decision_row + 6, lay.decision_row + 13)]
    assert sum(heights) >= 15 * len(lines)  # every line shows


def test_weights_are_locked_and_the_version_history_says_how_to_correct_one():
    ws, lay = _setup()
    for w in lay.tree:
        cell = ws.cell(lay.criteria_row[w.criterion.id], lay.criteria_col("Weight"))
        assert cell.protection.locked is True
    r = lay.version_history_row
    assert ws.cell(r, 1).value == "Version history"
    assert "Unprotect Sheet" in ws.cell(r + 1, 1).value
    assert [ws.cell(r + 2, c).value for c in (1, 2, 4, 9)] == ["Version", "Date", "Change", "Made by"]
    assert ws.cell(r + 3, 4).protection.locked is False


def test_long_titles_wrap():
    ws, lay = _setup()
    assert ws["A2"].alignment.wrap_text and ws[lay.detail_cell("title")].alignment.wrap_text


def test_minimum_scores_must_be_on_the_scale():
    ws, lay = _setup()
    cell = ws.cell(lay.criteria_row["Q1"], lay.criteria_col("Minimum score")).coordinate
    dv = next(dv for dv in ws.data_validations.dataValidation if cell in str(dv.sqref))
    assert (dv.operator, dv.formula1, dv.formula2) == ("between", "0", "5")
