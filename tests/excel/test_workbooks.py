"""Generated workbooks: validation, protection, metadata, print set-up, determinism."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.excel.bid_return import BidReturnLayout, build_bid_return
from svscore.excel.cells import load_values, metadata
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.excel.pack import template_files
from svscore.excel.score_sheets import build_score_sheets
from svscore.excel.workbook import fingerprint, to_bytes
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES, ROOT

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")


def reopen(wb):
    return load_workbook(io.BytesIO(to_bytes(wb)))


def validations(ws) -> dict[str, str]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng] = f"{dv.type}:{dv.formula1}"
    return out


def test_checked_in_templates_are_rebuilt_byte_for_byte():
    for example in ("council-home-care", "central-digital-marks"):
        tender = load_tender(EXAMPLES / f"{example}.json")
        measures = load_measures(EXAMPLES / tender.social_value.measures_file) if tender.social_value.measures_file else None
        for name, data in template_files(tender, measures, live=True).items():
            on_disk = (ROOT / "workbook_templates" / name).read_bytes()
            assert on_disk == data, f"workbook_templates/{name} is stale: run 'svscore template build'"


def test_same_tender_gives_identical_bytes():
    assert to_bytes(build_evaluation(HOME, 0, MEASURES)) == to_bytes(build_evaluation(HOME, 0, MEASURES))


def test_evaluation_workbook_sheets_metadata_and_protection():
    wb = reopen(build_evaluation(HOME, 0, MEASURES, 10))
    assert wb.sheetnames == ["Setup", "Bidders", "Scores", "Prices", "Social Value", "Results", "Lists", "_svscore"]
    assert wb["_svscore"].sheet_state == "veryHidden" and wb["Lists"].sheet_state == "hidden"
    for name in ("Setup", "Bidders", "Scores", "Prices", "Social Value", "Results", "_svscore"):
        assert wb[name].protection.sheet, name
    meta = {r[0].value: r[1].value for r in wb["_svscore"].iter_rows()}
    assert meta["template_kind"] == "evaluation" and meta["format_version"] == "1"
    assert meta["tender_reference"] == "BCC-2026-014" and len(meta["fingerprint"]) == 64
    lay = EvaluationLayout(HOME, 0, 10, MEASURES)
    setup = wb["Setup"]
    weight = setup.cell(lay.criteria_row["Q1"], 5)
    assert weight.value == 40 and weight.protection.locked is False
    assert setup.cell(lay.criteria_row["Q1"], 9).protection.locked is True  # the formula
    assert setup.cell(lay.criteria_row["Q1"], 9).value == f"=I{lay.criteria_row['QUAL']}*E{lay.criteria_row['Q1']}/100"
    assert setup.page_setup.orientation == "landscape" and int(setup.page_setup.paperSize) == 9  # A4


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


def test_weight_checks_are_formulas_with_red_formatting():
    wb = reopen(build_evaluation(HOME, 0, MEASURES))
    lay = EvaluationLayout(HOME, 0, 10, MEASURES)
    check = wb["Setup"].cell(lay.root_check_row, 11).value
    assert check.startswith("=IF(ROUND(SUM(") and '"ERROR: the top-level criteria add up to "' in check
    rules = [r for rng in wb["Setup"].conditional_formatting for r in rng.rules]
    assert any('<>"OK"' in r.formula[0] for r in rules)


def test_bid_return_workbook_inputs_are_unlocked_and_validated():
    lay = BidReturnLayout(HOME, 0, MEASURES)
    wb = reopen(build_bid_return(HOME, 0, MEASURES))
    assert wb.sheetnames == ["Instructions", "Cover", "Pricing", "Social Value", "Quality", "Declarations", "_svscore"]
    pricing = wb["Pricing"]
    assert pricing[lay.rate_cell(0)].protection.locked is False
    assert pricing["D5"].value == 72000 and pricing["D5"].protection.locked is True
    assert pricing[lay.total_price_cell].value == "=SUM(F5:F8)"
    assert validations(pricing)["E5:E8"] == "decimal:0"
    sv = wb["Social Value"]
    assert sv[lay.qty_cell(0, 0)].protection.locked is False and sv["D5"].protection.locked is True
    assert validations(wb["Cover"])[lay.cover_cell("sme")] == 'list:"Yes,No"'
    assert wb["Quality"][lay.response_cell(0)].protection.locked is False
    meta = metadata(load_values(_tmp(build_bid_return(HOME, 0, MEASURES))))
    assert meta["template_kind"] == "bid_return" and meta["lot"] == "1"
    for ws in wb.worksheets:
        assert ws.protection.sheet


def test_score_sheets_one_per_evaluator_with_justifications():
    wb = reopen(build_score_sheets(HOME, 0, MEASURES, 4, ("Ann", "Bob")))
    assert wb.sheetnames == ["Bidders", "Ann", "Bob", "Lists", "_svscore"]
    ann = wb["Ann"]
    assert ann["D3"].value.startswith('=IF(Bidders!$B$3="","Bidder 1"')
    assert ann["E4"].protection.locked is False  # a justification
    rules = [r for rng in ann.conditional_formatting for r in rng.rules]
    assert any('AND(D4<>"",E4="")' in r.formula[0] for r in rules)



@pytest.mark.parametrize(("names", "message"), [
    ("", "Give at least one evaluator's name"),
    ("Ann/Bob", "Evaluator name 'Ann/Bob' contains /, which Excel sheet names cannot hold."),
    ("Ann,ann", "Evaluator name 'ann' is given twice (names are compared without case)."),
    ("Bidders", "Evaluator name 'Bidders' is taken by a sheet of the workbook; choose another."),
    ("An evaluator with a very long name one", "is longer than 31 characters"),
])
def test_evaluator_names_that_cannot_be_sheets_are_refused(tmp_path, names, message):
    from tests.conftest import run_cli
    r = run_cli("template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(tmp_path), "--evaluators", names)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_fingerprint_is_stable_across_int_and_float():
    assert fingerprint({"A!B1": 100}) == fingerprint({"A!B1": 100.0})
    assert fingerprint({"A!B1": 100}) != fingerprint({"A!B1": 101})


def test_bidder_text_never_becomes_a_formula():
    tender = HOME.revised(title='=HYPERLINK("http://evil","click")')
    wb = reopen(build_evaluation(tender, 0, MEASURES))
    cell = wb["Setup"]["D5"]
    assert cell.value == '=HYPERLINK("http://evil","click")' and cell.data_type == "s"


def _tmp(wb) -> Path:
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as f:
        f.write(to_bytes(wb))
    return Path(f.name)


def test_a_tender_with_errors_gets_no_workbooks(tmp_path):
    from tests.conftest import run_cli
    r = run_cli("template", "build", str(EXAMPLES / "broken-tender.json"), "--out", str(tmp_path / "t"))
    assert r.returncode == 1
    assert "The tender has errors, so its workbooks cannot be built (run 'svscore check')" in r.stderr
    assert "$.criteria[1].children: The weights of the sub-criteria of Q (Quality) add up to 99.9" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "t").exists()
