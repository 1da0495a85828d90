"""The award's own facts on the evaluation workbook's Governance sheet (format version 4): the award
notice's publication date and the contract date, each abnormally low tender's s.19(4) decision and
each tie the published rules did not break. A workbook holding them awards with no bids file beside
it, as the equivalent tender and bids file does; a gap names the Governance cell to fill in; a bids
file beside it that gives one of them differently is refused, naming both."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from svscore.award.folder import AwardError
from svscore.errors import WorkbookError
from svscore.excel.governance import SHEET, GovernanceLayout
from svscore.model.bids import BidsFile
from tests.award.conftest import small_bids, small_tender
from tests.award.test_award_sources import _documents
from tests.conftest import run_cli

G = GovernanceLayout()
CONTACT = ("postal_address", "email")
TIED = "Acme Care Ltd; Beacon Services Ltd"


def _bids() -> dict[str, Any]:
    """Acme and Beacon tied for first (the same price and scores), Corner's price abnormally low and
    rejected after the s.19(4) steps, and how the tie was decided: every fact the new tables hold."""
    data = small_bids()
    data["bids"][1].update(price=100000, scores=copy.deepcopy(data["bids"][0]["scores"]))
    for s in data["bids"][1]["scores"]:
        s["justification"] = s["justification"].replace("Acme Care Ltd", "Beacon Services Ltd")
    data["bids"][2]["price"] = 40000
    data["bids"][2]["abnormally_low"] = {"notified_on": "2026-11-02", "response": "No costings were sent.",
                                         "decision": "rejected", "reason": "It did not show it can pay the staff.",
                                         "decided_on": "2026-11-16"}
    data["tie_decisions"] = [{"bidders": ["A", "B"], "winner": "A", "how": "Drawn by lot by the chair, 20 Nov 2026."}]
    return data


GOVERNANCE = {
    ("panel", 0, "Name (as on the score sheets)"): "Sam Lee", ("panel", 0, "Conflict of interest"): "none",
    ("panel", 0, "Declared on"): dt.date(2026, 4, 1),
    ("award_dates", 0, "Contract award notice published on"): dt.date(2026, 12, 18),
    ("award_dates", 0, "Contract entered into on"): dt.date(2027, 1, 11),
    ("abnormally_low", 0, "Bidder"): "Corner Trust",
    ("abnormally_low", 0, "Supplier notified and asked to explain on"): dt.date(2026, 11, 2),
    ("abnormally_low", 0, "Its response"): "No costings were sent.", ("abnormally_low", 0, "Decision"): "rejected",
    ("abnormally_low", 0, "Reason"): "It did not show it can pay the staff.", ("abnormally_low", 0, "Decided on"): dt.date(2026, 11, 16),
    ("ties", 0, "Tied bidders (names, separated by ;)"): TIED, ("ties", 0, "Bidder preferred"): "Acme Care Ltd",
    ("ties", 0, "How it was decided, and by whom"): "Drawn by lot by the chair, 20 Nov 2026.",
}
"""The Governance sheet as the officer fills it for :func:`_bids`."""


def _workbook(tender_path: Path, bids: dict[str, Any], out: Path, governance: dict[tuple[str, int, str], Any]) -> Path:
    """The tender's evaluation workbook with the bids entered and the Governance sheet filled."""
    from tests.award.test_award_sources import _workbook as scored

    scored(tender_path, bids, out)
    wb = load_workbook(out)
    for (key, i, column), v in governance.items():
        wb[SHEET][G.cell(key, i, column)] = v
    wb.save(out)
    return out


@pytest.fixture
def tender(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tender.json").write_text(json.dumps(small_tender()), encoding="utf-8")
    (folder / "bids.json").write_text(json.dumps(_bids()), encoding="utf-8")
    contacts = {"bids": [{"bidder_id": b["bidder_id"], "bidder": b["bidder"], **{k: b[k] for k in CONTACT}} for b in _bids()["bids"]]}
    (folder / "contacts.json").write_text(json.dumps(contacts), encoding="utf-8")
    return {"folder": folder, "tender": folder / "tender.json", "bids": folder / "bids.json",
            "contacts": folder / "contacts.json", "out": tmp_path}


def test_the_governance_sheet_gives_the_award_its_dates_decisions_and_ties(tender):
    """The workbook's award facts read into the bids file exactly as the bids file gives them."""
    from svscore.excel.read import read_evaluation

    got = read_evaluation(_workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)).bids
    want = BidsFile.model_validate(_bids())
    assert (got.notice_published, got.contract_date) == (want.notice_published, want.contract_date)
    assert got.tie_decisions == want.tie_decisions
    assert [b.abnormally_low for b in got.bids] == [b.abnormally_low for b in want.bids]
    assert got.panel == want.panel


def test_a_workbook_with_the_award_facts_gives_the_documents_the_tender_and_bids_file_give(tender):
    """Before, the dates, the s.19(4) decision and the tie decision had to be written in a bids file
    beside the workbook. Now only what the workbook has no place for (contact details) comes from one;
    with no bids file at all, those are the only gaps."""
    from svscore.api import award

    workbook = _workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)
    award(tender["tender"], tender["bids"], tender["out"] / "from-json", ocid_prefix="ocds-h6vhtk")
    made = award(workbook, tender["contacts"], tender["out"] / "from-workbook", ocid_prefix="ocds-h6vhtk")
    assert not made.gaps
    want, got = _documents(tender["out"] / "from-json"), _documents(tender["out"] / "from-workbook")
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    report = got["award-report.docx"]
    assert "Drawn by lot by the chair" in report and "It did not show it can pay the staff." in report

    alone = award(workbook, None, tender["out"] / "alone", ocid_prefix="ocds-h6vhtk", draft=True)
    assert {g.message.split(" (")[0] for g in alone.gaps} == {"no contact postal address", "no contact email address"}, alone.gaps


@pytest.mark.parametrize(("spoil", "bidder", "cell", "words"), [
    ({("award_dates", 0, "Contract award notice published on"): None}, "",
     G.cell("award_dates", 0, "Contract award notice published on"), "no publication date of the contract award notice"),
    ({("abnormally_low", 0, column): None for column in ("Bidder", "Supplier notified and asked to explain on", "Its response",
                                                         "Decision", "Reason", "Decided on")}, "Corner Trust",
     G.cell("abnormally_low", 0, "Bidder"), "flagged as abnormally low and no decision is recorded"),
    ({("ties", 0, column): None for column in ("Tied bidders (names, separated by ;)", "Bidder preferred",
                                               "How it was decided, and by whom")}, "",
     G.cell("ties", 0, "Tied bidders (names, separated by ;)"), "the published tie-break rules do not separate them"),
    ({("ties", 0, "Bidder preferred"): "Corner Trust"}, "", G.cell("ties", 0, "Bidder preferred"), "names 'C' as preferred"),
])
def test_a_gap_in_the_award_facts_names_the_governance_cell_to_fill_in(tender, spoil, bidder, cell, words):
    from svscore.api import award

    workbook = _workbook(tender["tender"], _bids(), tender["folder"] / "gappy.xlsx", {**GOVERNANCE, **spoil})
    with pytest.raises(AwardError) as refused:
        award(workbook, tender["contacts"], tender["out"] / "award", ocid_prefix="ocds-h6vhtk")
    said = str(refused.value)
    line = next((x for x in said.splitlines() if words in x), None)
    assert line is not None, said
    assert f"[gappy.xlsx › Governance!{cell} (the Governance sheet's " in line and (not bidder or bidder in line), line
    assert not (tender["out"] / "award").exists()


def test_a_bids_file_giving_an_award_fact_differently_is_refused_naming_both(tender):
    from svscore.api import award

    workbook = _workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)
    facts = _bids()
    facts["notice_published"] = "2026-12-21"
    facts["bids"][2]["abnormally_low"]["decision"] = "accepted"
    facts["tie_decisions"][0]["winner"] = "B"
    for b in facts["bids"]:
        del b["scores"], b["price"]
    (tender["folder"] / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    with pytest.raises(AwardError) as refused:
        award(workbook, tender["folder"] / "facts.json", tender["out"] / "award", ocid_prefix="ocds-h6vhtk")
    said = str(refused.value)
    assert "evaluation.xlsx and facts.json give the same facts differently; nothing was written" in said
    assert ("facts.json gives the contract award notice's publication date as 2026-12-21, evaluation.xlsx's Governance sheet "
            "as 2026-12-18") in said, said
    assert "facts.json's abnormally low tender decision for Corner Trust is not the one evaluation.xlsx's Governance sheet gives" in said
    assert "the tie decisions in facts.json are not the ones evaluation.xlsx's Governance sheet gives" in said
    assert not (tender["out"] / "award").exists()


def test_a_bids_file_giving_the_same_award_facts_is_accepted(tender):
    """The same facts on both sides are no disagreement: the full bids file beside the workbook awards."""
    from svscore.api import award

    workbook = _workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)
    assert not award(workbook, tender["bids"], tender["out"] / "award", ocid_prefix="ocds-h6vhtk").gaps


@pytest.mark.parametrize(("spoil", "cell", "words"), [
    ({("abnormally_low", 0, "Decision"): "maybe"}, G.cell("abnormally_low", 0, "Decision"), "must be accepted or rejected"),
    ({("abnormally_low", 0, "Its response"): None}, G.cell("abnormally_low", 0, "Its response"), "has no the supplier's response"),
    ({("abnormally_low", 0, "Bidder"): "Nobody Ltd"}, G.cell("abnormally_low", 0, "Bidder"), "'Nobody Ltd' is not a bidder"),
    ({("ties", 0, "Tied bidders (names, separated by ;)"): "Acme Care Ltd"},
     G.cell("ties", 0, "Tied bidders (names, separated by ;)"), "two or more tied bidders"),
    ({("award_dates", 0, "Contract entered into on"): "soon"}, G.cell("award_dates", 0, "Contract entered into on"), "date"),
])
def test_a_bad_award_fact_is_named_by_its_cell(tender, spoil, cell, words):
    from svscore.excel.read import read_evaluation

    path = _workbook(tender["tender"], _bids(), tender["folder"] / "bad.xlsx", {**GOVERNANCE, **spoil})
    with pytest.raises(WorkbookError) as info:
        read_evaluation(path)
    said = [str(p) for p in info.value.problems]
    assert any(f"Governance!{cell}" in s and words in s for s in said), said


def test_template_read_writes_the_award_facts_into_the_bids_file(tender):
    path = _workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)
    out = tender["out"]
    r = run_cli("template", "read", str(path), "--bids-out", str(out / "b.json"), "--governance-out", str(out / "g.json"))
    assert r.returncode == 0, r.stderr
    written = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert (written["notice_published"], written["contract_date"]) == ("2026-12-18", "2027-01-11")
    assert written["tie_decisions"] == _bids()["tie_decisions"]
    assert written["bids"][2]["abnormally_low"] == _bids()["bids"][2]["abnormally_low"]
    assert sorted(json.loads((out / "g.json").read_text(encoding="utf-8"))) == ["moderation_log", "recommendation", "sign_off",
                                                                               "version_history"]


def test_the_command_awards_the_workbook_with_no_bids_file_as_a_user_runs_it(tender):
    path = _workbook(tender["tender"], _bids(), tender["folder"] / "evaluation.xlsx", GOVERNANCE)
    r = run_cli("award", str(path), "--out", str(tender["out"] / "cli"), "--ocid-prefix", "ocds-h6vhtk", "--draft")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tender["out"] / "cli" / "award-report.docx").is_file()
    said = r.stdout + r.stderr
    assert "no contact postal address" in said  # a draft: the workbook has no place for contact details
    assert "publication date" not in said and "no decision is recorded" not in said and "tie-break" not in said, said
