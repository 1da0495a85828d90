"""The Governance sheet: the panel's conflict of interest declarations read into the bids file's
panel, the rest of the meeting's record read back, and each missing declaration named by its cell."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from svscore.errors import WorkbookError
from svscore.excel.governance import SHEET, GovernanceLayout
from svscore.excel.read import read_evaluation
from tests.conftest import run_cli
from tests.excel.test_read_justifications import HOME, HOME_BIDS, MEASURES, _filled

G = GovernanceLayout()


def _governed(tmp_path, panel, extra=None):
    path, _lay = _filled(tmp_path, HOME, MEASURES, HOME_BIDS)
    wb = load_workbook(path)
    ws = wb[SHEET]
    for i, (name, role, conflict, on, details) in enumerate(panel):
        for column, v in (("Name (as on the score sheets)", name), ("Role", role), ("Conflict of interest", conflict),
                          ("Declared on", on), ("Details, and the steps taken to mitigate it", details)):
            ws[G.cell("panel", i, column)] = v
    for (key, i, column), v in (extra or {}).items():
        ws[G.cell(key, i, column)] = v
    wb.save(path)
    return path


PANEL = [("Evaluator A", "Commissioning manager", "none", dt.date(2026, 3, 2), None),
         ("Evaluator B", "Finance lead", "declared", dt.date(2026, 3, 2), "Spouse works for a bidder's subcontractor: did not score Q3"),
         ("Evaluator C", "Service user representative", "none", dt.date(2026, 3, 3), None)]


def test_the_panel_and_the_meetings_record_read_back(tmp_path):
    path = _governed(tmp_path, PANEL, {
        ("moderation_log", 0, "Date"): dt.date(2026, 3, 10), ("moderation_log", 0, "Criterion"): "Q2",
        ("moderation_log", 0, "Bidder"): "Brightwater Homecare CIC", ("moderation_log", 0, "Discussed and agreed"): "Scores of 5, 5, 4 kept.",
        ("recommendation", 0, "Recommended bidder"): "Brightwater Homecare CIC", ("recommendation", 0, "Reason"): "Most advantageous tender",
        ("sign_off", 0, "Name"): "J. Smith", ("sign_off", 0, "Role"): "Head of Procurement", ("sign_off", 0, "Date"): dt.date(2026, 3, 12),
        ("version_history", 0, "Version"): "1.1", ("version_history", 0, "Change"): "Moderated scores entered"})
    got = read_evaluation(path)
    assert [(m.name, m.role, m.conflict, m.declared_on, m.details) for m in got.bids.panel] == [
        (n, r, c, d, x or "") for n, r, c, d, x in PANEL]
    assert got.governance["moderation_log"] == [{"Date": "2026-03-10", "Criterion": "Q2", "Bidder": "Brightwater Homecare CIC",
                                                 "Discussed and agreed": "Scores of 5, 5, 4 kept."}]
    assert got.governance["recommendation"][0]["Recommended bidder"] == "Brightwater Homecare CIC"
    assert got.governance["sign_off"] == [{"Name": "J. Smith", "Role": "Head of Procurement", "Date": "2026-03-12"}]
    assert got.governance["version_history"][0]["Version"] == "1.1"
    assert not [n for n in got.notes if "not on the panel" in n.message]


def test_a_declaration_without_its_answer_date_or_details_is_named_by_its_cell(tmp_path):
    path = _governed(tmp_path, [("Evaluator A", "", None, dt.date(2026, 3, 2), None),
                                ("Evaluator B", "", "declared", None, None)])
    with pytest.raises(WorkbookError) as info:
        read_evaluation(path)
    said = [str(p) for p in info.value.problems]
    assert any(f"Governance!{G.cell('panel', 0, 'Conflict of interest')}: Evaluator A's conflict of interest declaration must be "
               "none or declared" in s for s in said), said
    assert any(f"Governance!{G.cell('panel', 1, 'Declared on')}: Evaluator B's conflict of interest declaration has no date" in s
               for s in said), said
    assert any(f"Governance!{G.cell('panel', 1, 'Details, and the steps taken to mitigate it')}: Evaluator B declared" in s
               for s in said), said


def test_an_evaluator_who_scored_but_is_not_on_the_panel_is_said(tmp_path):
    got = read_evaluation(_governed(tmp_path, PANEL[:2]))
    assert any("Evaluator C scored bids but is not on the panel" in n.message for n in got.notes)


def test_template_read_writes_the_panel_into_the_bids_file_and_the_rest_to_governance_out(tmp_path):
    path = _governed(tmp_path, PANEL, {("sign_off", 0, "Name"): "J. Smith"})
    r = run_cli("template", "read", str(path), "--bids-out", str(tmp_path / "b.json"), "--governance-out", str(tmp_path / "g.json"))
    assert r.returncode == 0, r.stderr
    bids = json.loads((tmp_path / "b.json").read_text())
    assert [m["name"] for m in bids["panel"]] == ["Evaluator A", "Evaluator B", "Evaluator C"]
    assert bids["panel"][1]["conflict"] == "declared" and bids["panel"][1]["declared_on"] == "2026-03-02"
    assert json.loads((tmp_path / "g.json").read_text())["sign_off"] == [{"Name": "J. Smith"}]


def test_the_award_fact_cells_say_what_to_enter_and_validate_it(tmp_path):
    """Each new cell has an input message; the dates take dates, the decision accepted or rejected,
    and the bidder cells offer the Bidders sheet's names."""
    path, lay = _filled(tmp_path, HOME, MEASURES, HOME_BIDS)
    ws = load_workbook(path)[SHEET]
    rules = {c: v for v in ws.data_validations.dataValidation for r in v.sqref.ranges for row in r.cells
             for c in [f"{chr(64 + row[1])}{row[0]}"]}
    for key, column, kind in (("award_dates", "Contract award notice published on", "date"),
                              ("award_dates", "Contract entered into on", "date"),
                              ("abnormally_low", "Supplier notified and asked to explain on", "date"),
                              ("abnormally_low", "Decision", "list"), ("abnormally_low", "Bidder", "list"),
                              ("abnormally_low", "Reason", None), ("ties", "Bidder preferred", "list")):
        v = rules[G.cell(key, 0, column)]
        assert v.type == kind and v.showInputMessage and v.prompt, (key, column)
    assert rules[G.cell("abnormally_low", 0, "Decision")].formula1 == '"accepted,rejected"'
    assert rules[G.cell("ties", 3 - 1, "Bidder preferred")].formula1 == f"={lay.bidders_range('name')}"
