"""Every Excel function with every shape Excel can send, and bad inputs with their exact messages."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from svscore.xl import udfs
from svscore.xl.udfs import (
    SV_ABOVETHRESHOLD,
    SV_ACTAPPLIES,
    SV_ACTREASONS,
    SV_EFFECTIVEWEIGHTS,
    SV_PRICESCORES,
    SV_RESULTS,
    SV_SOCIALVALUE,
    SV_THRESHOLD,
    SV_VERSION,
    SV_WEIGHTCHECK,
)

HEADER = ["ID", "Parent", "Name", "Kind", "Weight", "Scale", "Minimum", "Scored by"]
CRITERIA = [
    HEADER,
    ["P", None, "Price", "price", 50.0, None, None, None],
    ["Q", None, "Quality", "quality", 40.0, None, None, None],
    ["Q1", "Q", "   Method", None, 60.0, "0-5", 2.0, None],
    ["Q2", "Q", "Staff", None, 40.0, "0-5", None, ""],
    ["SV", None, "Social value", "social_value", 10.0, "0-5", None, None],
]


def test_every_function_has_the_prefix_and_a_docstring():
    assert sorted(["SV_ABOVETHRESHOLD", "SV_ACTAPPLIES", "SV_ACTREASONS", "SV_EFFECTIVEWEIGHTS",
                                     "SV_PRICESCORES", "SV_RESULTS", "SV_SOCIALVALUE", "SV_THRESHOLD", "SV_VERSION", "SV_WEIGHTCHECK"]) == udfs.FUNCTIONS
    for name in udfs.FUNCTIONS:
        assert getattr(udfs, name).__doc__.strip()


def test_version():
    from svscore import __version__
    assert SV_VERSION() == __version__


# --- weight checks -------------------------------------------------------------------------------

def test_weightcheck_ok_with_header_and_blank_strings():
    assert SV_WEIGHTCHECK(CRITERIA) == [["OK"]]
    with_blanks = [[("" if v is None else v) for v in r] for r in CRITERIA]
    assert SV_WEIGHTCHECK(with_blanks) == [["OK"]]


def test_weightcheck_lists_problems():
    bad = [list(r) for r in CRITERIA]
    bad[3][4] = 33.3
    bad[4][4] = 33.3
    assert SV_WEIGHTCHECK(bad) == [["ERROR: The weights of the sub-criteria of Q (Quality) add up to 66.6, not 100 (short by 33.4)."]]


def test_weightcheck_marks_mode():
    rows = [["P", None, "Price", "price", 70.0, None, None], ["Q", None, "Q", "quality", 130.0, "0-5", None]]
    assert SV_WEIGHTCHECK(rows, "marks", 200.0) == [["OK"]]
    assert SV_WEIGHTCHECK(rows, "marks", 150.0) == [["ERROR: The weights of the top-level criteria add up to 200 marks, not 150 (over by 50)."]]
    assert SV_WEIGHTCHECK(rows, "marks") == "svscore: total_marks: the total marks is missing"


@pytest.mark.parametrize(("cell", "message"), [
    ("forty", "svscore: row 4, column 5: the weight must be a number, but is the text 'forty'"),
    ("#N/A", "svscore: row 4, column 5: the cell holds the Excel error #N/A"),
    ("12,5", "svscore: row 4, column 5: the weight must be a number, but is the text '12,5' (a decimal comma? use a full stop, e.g. 12.50)"),
    # Digits of other scripts are refused, not read as the number the workbook's formulas may not have taken them for.
    ("\uff14\uff10", "svscore: row 4, column 5: the weight must be a number, but is the text '\uff14\uff10'"),
    ("\u0664\u0660", "svscore: row 4, column 5: the weight must be a number, but is the text '\u0664\u0660'"),
])
def test_weightcheck_bad_cells(cell, message):
    bad = [list(r) for r in CRITERIA]
    bad[3][4] = cell
    assert SV_WEIGHTCHECK(bad) == message


def test_weightcheck_structure_errors():
    bad = [list(r) for r in CRITERIA]
    bad[4][1] = "NOPE"
    assert SV_WEIGHTCHECK(bad) == "svscore: criterion Q2: its parent 'NOPE' is not an id in the criteria range"
    bad = [list(r) for r in CRITERIA]
    bad[4][0] = "Q1"
    assert SV_WEIGHTCHECK(bad) == "svscore: row 5: criterion id 'Q1' appears twice"
    assert SV_WEIGHTCHECK(None) == "svscore: the criteria range is empty"
    bad = [list(r) for r in CRITERIA]
    bad[1][3] = "cost"
    assert SV_WEIGHTCHECK(bad) == "svscore: row 2: kind 'cost' is not price, quality, social_value or pass_fail"


def test_effective_weights_spill_in_input_order():
    assert SV_EFFECTIVEWEIGHTS(CRITERIA) == [["P", 50.0], ["Q", 40.0], ["Q1", 24.0], ["Q2", 16.0], ["SV", 10.0]]


# --- price scores --------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["column", "row", "flat"])
def test_price_scores_each_shape(shape):
    prices = [1_000_000.0, 1_200_000.0, 2_000_000.0]
    given = {"column": [[p] for p in prices], "row": [prices], "flat": prices}[shape]
    out = SV_PRICESCORES(given)
    assert [round(r[0], 2) for r in out] == [100.0, 83.33, 50.0]


def test_price_scores_scalar_blanks_and_errors():
    assert SV_PRICESCORES(250.0) == [[100.0]]
    assert SV_PRICESCORES([100.0, None, "", 200.0]) == [[100.0], [""], [""], [50.0]]
    assert SV_PRICESCORES(["£1,250.50", "1,250.50"]) == [[100.0], [100.0]]
    out = SV_PRICESCORES([100.0, "#DIV/0!", 0.0, "abc"])
    assert out == [[100.0], ["svscore: row 2: the cell holds the Excel error #DIV/0!"],
                   ["svscore: row 3: a price must be more than 0"],
                   ["svscore: row 4: the price must be a number, but is the text 'abc'"]]


def test_price_scores_methods_and_bad_method():
    assert SV_PRICESCORES([100.0, 150.0], "deviation_from_lowest", 40) == [[40.0], [20.0]]
    assert SV_PRICESCORES([100.0, 150.0, 200.0], "pro_rata_to_qualification_price", 100, 200) == [[100.0], [50.0], [0.0]]
    assert SV_PRICESCORES([100.0], "pro_rata_to_qualification_price") == "svscore: qualification_price: the qualification price is missing"
    assert SV_PRICESCORES([100.0], "cheapest").startswith("svscore: method: price method 'cheapest' is not one of relative_to_lowest")
    assert SV_PRICESCORES([[1.0, 2.0], [3.0, 4.0]]) == "svscore: expected a single row or column, but got 2 rows × 2 columns"


# --- results -------------------------------------------------------------------------------------

def results(**kw):
    args = {"criteria": CRITERIA, "score_ids": [["Q1"], ["Q2"], ["SV"]],
            "scores": [[4.0, 2.0, None], [3.0, 5.0, None], [5.0, 1.0, None]],
            "bidders": [["Alpha Ltd"], ["Beta plc"], [None]], "prices": [[100.0], [125.0], [None]]}
    args.update(kw)
    return SV_RESULTS(**args)


def test_results_matrix_matches_the_engine():
    out = results()
    assert out[0] == ["Bidder", "Status", "P", "Q", "Q1", "Q2", "SV", "Total", "Rank"]
    alpha, beta = out[1], out[2]
    assert alpha[:2] == ["Alpha Ltd", "ranked"]
    # Alpha: price 50; Q1 4/5*24 = 19.2; Q2 3/5*16 = 9.6; SV 5/5*10 = 10 -> 88.8
    assert alpha[2:] == pytest.approx([50.0, 28.8, 19.2, 9.6, 10.0, 88.8, 1])
    # Beta: price 50 × 100/125 = 40; Q1 2/5 × 24 = 9.6 (2 meets the minimum of 2); Q2 16; SV 2 -> 67.6
    assert beta[:2] == ["Beta plc", "ranked"] and beta[2:] == pytest.approx([40.0, 25.6, 9.6, 16.0, 2.0, 67.6, 2])
    assert len(out) == 3


def test_results_below_minimum_is_disqualified():
    out = results(scores=[[4.0, 1.0, None], [3.0, 5.0, None], [5.0, 1.0, None]])
    assert out[2][1] == "disqualified" and out[2][-2:] == ["", ""]


def test_results_blank_string_slots_and_row_shapes():
    out = results(bidders=["Alpha Ltd", "Beta plc", ""], prices=[100.0, 125.0, ""])
    assert [r[0] for r in out[1:]] == ["Alpha Ltd", "Beta plc"]


def test_results_missing_score_is_incomplete_not_zero():
    out = results(scores=[[4.0, None, None], [3.0, 5.0, None], [5.0, 1.0, None]])
    assert out[2][1] == "incomplete" and out[2][-2] == ""


def test_results_score_off_scale_is_invalid():
    out = results(scores=[[4.0, 7.0, None], [3.0, 5.0, None], [5.0, 1.0, None]])
    assert out[2][1] == "invalid"


def test_results_bad_cell_names_its_place():
    assert results(prices=[[100.0], ["lots"], [None]]) == \
        "svscore: prices row 2 (Beta plc): the price must be a number, but is the text 'lots'"
    assert results(scores=[[4.0, "#VALUE!", None], [3.0, 5.0, None], [5.0, 1.0, None]]) == \
        "svscore: scores row 1, column 2 (Beta plc, Q1): the cell holds the Excel error #VALUE!"


def test_results_tie_breaks_and_bad_tie_break():
    assert results(tie_breaks="higher_score_on:Q; lower_price")[1][1] == "ranked"
    assert results(tie_breaks="coin toss") == "svscore: tie-break 'coin toss': write higher_score_on:ID or lower_price, separated by ;"


# --- thresholds and the Act ----------------------------------------------------------------------

@pytest.mark.parametrize("start", [dt.datetime(2026, 3, 2), dt.date(2026, 3, 2), 46083.0, "2026-03-02", "02/03/2026"])
def test_act_accepts_every_date_shape(start):
    assert SV_THRESHOLD(207720.0, "sub_central", "services", start) == 207720.0
    assert SV_ABOVETHRESHOLD(207720.0, "sub_central", "services", start) == "Yes"
    assert SV_ACTAPPLIES(207720.0, "sub_central", "services", start) == "Yes"


def test_act_vat_basis_and_answers():
    assert SV_ABOVETHRESHOLD(173100.0, "sub_central", "services", "2026-03-02", None, "No") == "Yes"
    assert SV_ABOVETHRESHOLD(173100.0, "sub_central", "services", "2026-03-02", None, True) == "No"
    assert SV_ACTAPPLIES(9e6, "sub_central", "works", "2026-03-02") == "No"
    assert SV_ACTAPPLIES(9e6, "sub_central", "concession", "2026-03-02") == "Uncertain"
    assert SV_ACTAPPLIES(500000.0, "sub_central", "mixed", "2026-03-02", "england", True, 60.0) == "Yes"


def test_act_reasons_spill():
    out = SV_ACTREASONS(207720.0, "sub_central", "services", "2026-03-02")
    assert all(len(r) == 1 for r in out)
    assert out[0][0].startswith("The procurement starts on 02 Mar 2026")
    assert out[-1][0].startswith("Warning: ")


def test_act_bad_inputs():
    assert SV_THRESHOLD(None, "sub_central", "services", "2026-03-02") == "svscore: value: the estimated value is missing"
    assert SV_THRESHOLD(1.0, "parish", "services", "2026-03-02").startswith("svscore: authority: authority type 'parish' is not one of")
    assert SV_THRESHOLD(1.0, "sub_central", "services", "next week") == \
        "svscore: start_date: the procurement start date must be a date (e.g. 2026-03-02 or 02/03/2026), not 'next week'"
    assert SV_THRESHOLD(1.0, "sub_central", "services", "#N/A") == "svscore: start_date: the cell holds the Excel error #N/A"
    assert SV_THRESHOLD(1.0, "council", "services", "2026-03-02") == 207720.0  # 'council' means sub-central


# --- social value --------------------------------------------------------------------------------

MEASURES = [["Measure", "Proxy (£)"], ["JOBS", 1000.0], ["SPEND", 0.15]]


def test_social_value_shapes():
    assert SV_SOCIALVALUE([["JOBS", 10.0]], MEASURES) == 10000.0
    assert SV_SOCIALVALUE([["Measure", "Quantity", "Deliverability"], ["JOBS", 10.0, 50.0], ["SPEND", 1000.0, None]], MEASURES) == 5150.0
    assert SV_SOCIALVALUE([["JOBS", "£10"]], [["JOBS", "x", "FTE", 1000.0]]) == 10000.0


def test_social_value_bad_inputs():
    assert SV_SOCIALVALUE([["NOPE", 1.0]], MEASURES) == "svscore: commitments row 1: measure 'NOPE' is not in the measures table"
    assert SV_SOCIALVALUE([["JOBS", -1.0]], MEASURES) == "svscore: commitments row 1 (JOBS): the commitment has a negative quantity -1"
    assert SV_SOCIALVALUE([["JOBS", 1.0]], [["JOBS", "#REF!"]]) == "svscore: measures row 1 (JOBS): the cell holds the Excel error #REF!"


# --- runs where officers are -----------------------------------------------------------------------

def test_udf_module_imports_no_compiled_reader_and_reports_its_time():
    code = (
        "import sys, time, json\n"
        "t = time.perf_counter()\n"
        "import svscore.xl.udfs\n"
        "own = time.perf_counter() - t\n"
        "modules = sorted(sys.modules)\n"
        "t = time.perf_counter()\n"
        "svscore.xl.udfs.SV_PRICESCORES([[100000], [120000]])\n"
        "first = time.perf_counter() - t\n"
        "t = time.perf_counter()\n"
        "for _ in range(100): svscore.xl.udfs.SV_PRICESCORES([[100000], [120000]])\n"
        "later = (time.perf_counter() - t) / 100\n"
        "print(json.dumps({'seconds': own, 'first': first, 'later': later, 'modules': modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    loaded = {m.split(".")[0] for m in result["modules"]}
    # Off Windows, xlwings' decorators are no-ops and xlwings is not imported (nor, through it, cryptography).
    for forbidden in ("python_calamine", "openpyxl", "jsonschema", "click", "msoffcrypto", "xlsxwriter", "xlwings", "cryptography"):
        assert forbidden not in loaded, forbidden
    # svscore's own code uses nothing of xlwings PRO or Server:
    from pathlib import Path

    import svscore
    for source in Path(svscore.__file__).parent.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "xlwings.pro" not in text and "xlwings.server" not in text, source
    assert result["seconds"] < 10  # reported in the README; a hang would show here
    print(f"import svscore.xl.udfs: {result['seconds']:.3f} s; "
          f"first call {result['first']:.2f} s; later calls {result['later'] * 1000:.2f} ms")


def test_xl_setup_prints_the_settings():
    from tests.conftest import run_cli
    classic = run_cli("xl-setup")
    assert classic.returncode == 0 and '"UDF MODULES","svscore.xl.udfs"' in classic.stdout
    lite = run_cli("xl-setup", "--lite")
    assert "from svscore.xl.udfs import *" in lite.stdout and "requirements.txt" in lite.stdout
