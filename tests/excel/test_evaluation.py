"""The evaluation workbook as assembled: its sheets, metadata and protection, and no workbook for a tender with errors."""

from __future__ import annotations

from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")


def test_evaluation_workbook_sheets_metadata_and_protection():
    wb = reopen(build_evaluation(HOME, 0, MEASURES, 10))
    assert wb.sheetnames == ["Setup", "Bidders", "Scores", "Prices", "Social Value", "Results", "Governance", "Lists", "_svscore"]
    assert wb["_svscore"].sheet_state == "veryHidden" and wb["Lists"].sheet_state == "hidden"
    for name in ("Setup", "Bidders", "Scores", "Prices", "Social Value", "Results", "Governance", "_svscore"):
        assert wb[name].protection.sheet, name
    meta = {r[0].value: r[1].value for r in wb["_svscore"].iter_rows()}
    assert meta["template_kind"] == "evaluation" and meta["format_version"] == "4"
    assert meta["tender_reference"] == "BCC-2026-014" and len(meta["fingerprint"]) == 64
    lay = EvaluationLayout(HOME, 0, 10, MEASURES)
    setup = wb["Setup"]
    weight = setup.cell(lay.criteria_row["Q1"], 5)
    assert weight.value == 40 and weight.protection.locked is True  # published: unprotect to correct
    assert setup.cell(lay.criteria_row["Q1"], 9).protection.locked is True  # the formula
    assert setup.cell(lay.criteria_row["Q1"], 9).value == f"=I{lay.criteria_row['QUAL']}*E{lay.criteria_row['Q1']}/100"
    assert setup.page_setup.orientation == "landscape" and int(setup.page_setup.paperSize) == 9  # A4


def test_a_tender_with_errors_gets_no_workbooks(tmp_path):
    from tests.conftest import run_cli
    r = run_cli("template", "build", str(EXAMPLES / "broken-tender.json"), "--out", str(tmp_path / "t"))
    assert r.returncode == 1
    assert "The tender has errors, so its workbooks cannot be built (run 'svscore check')" in r.stderr
    assert "$.criteria[1].children: The weights of the sub-criteria of Q (Quality) add up to 99.9" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "t").exists()
