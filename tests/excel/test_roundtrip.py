"""A filled evaluation workbook reads back into the same tender and bids, before and after
LibreOffice opens and saves it; earlier format versions keep reading."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.errors import WorkbookError
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.excel.libreoffice import convert
from svscore.excel.read import read_evaluation
from svscore.excel.workbook import save
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring.engine import score_tender
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.excel.fill import fill_evaluation
from tests.excel.test_formulas_agree import consensus

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
BIDS = consensus(list(load_bids(EXAMPLES / "council-home-care-bids.json").bids))


@pytest.fixture
def filled(tmp_path) -> Path:
    lay = EvaluationLayout(HOME, 0, 8, MEASURES)
    wb = build_evaluation(HOME, 0, MEASURES, 8)
    fill_evaluation(wb, lay, BIDS)
    path = tmp_path / "filled.xlsx"
    save(wb, path)
    return path


def _norm(bids):
    return sorted((b.bidder_id, b.bidder, b.price, tuple(sorted((s.criterion, s.value) for s in b.scores)),
                   tuple(sorted((c.measure, c.quantity, c.deliverability_percent) for c in b.commitments))) for b in bids)


def test_read_back_gives_the_same_tender_and_bids(filled):
    got = read_evaluation(filled)
    assert got.tender == HOME
    assert _norm(got.bids.bids) == _norm(BIDS)
    assert got.measures == MEASURES


def test_read_back_after_libreoffice_open_and_save(filled, tmp_path, libreoffice):
    [saved] = convert([filled], tmp_path / "lo")
    got = read_evaluation(saved)
    assert got.tender == HOME
    assert _norm(got.bids.bids) == _norm(BIDS)


def test_officer_edits_in_setup_are_read(filled, tmp_path):
    lay = EvaluationLayout(HOME, 0, 8, MEASURES)
    wb = load_workbook(filled)
    wb["Setup"].cell(lay.criteria_row["Q1"], 5, 50)
    wb["Setup"].cell(lay.criteria_row["Q2"], 5, 20)
    wb["Setup"][lay.detail_cell("contract.estimated_value")] = "£2,500,000"
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    got = read_evaluation(path)
    q = got.tender.criteria[1]
    assert [c.weight for c in q.children] == [50, 20, 30]
    assert got.tender.contract.estimated_value == Decimal(2_500_000)
    assert any("typed as text" in n.message for n in got.notes)


def test_bad_cells_are_named(filled, tmp_path):
    lay = EvaluationLayout(HOME, 0, 8, MEASURES)
    wb = load_workbook(filled)
    wb["Setup"].cell(lay.criteria_row["Q1"], 5, "forty")
    wb["Prices"].cell(lay.bidder_row(0), 2, "12,5")
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_evaluation(path)
    locations = [str(p) for p in info.value.problems]
    assert f"bad.xlsx › Setup!E{lay.criteria_row['Q1']}: The weight of Q1 must be a number, but is the text 'forty'" in locations


def test_not_an_evaluation_workbook(tmp_path):
    from svscore.excel.bid_return import build_bid_return
    path = tmp_path / "bid.xlsx"
    save(build_bid_return(HOME, 0, MEASURES), path)
    with pytest.raises(WorkbookError, match=r"not an svscore evaluation workbook: this is a bid return workbook \(bidders fill"):
        read_evaluation(path)
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(WorkbookError, match=r"not read: the file is damaged or not an Excel workbook \(it is not a valid \.xlsx zip"):
        read_evaluation(tmp_path / "junk.xlsx")


def test_every_released_format_version_still_reads():
    folder = ROOT / "tests" / "data" / "workbooks"
    versions = sorted(folder.glob("evaluation-v*.xlsx"))
    assert versions, "keep one workbook per released format version"
    for path in versions:
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
        got = read_evaluation(path)
        assert got.tender.reference == expected["tender_reference"]
        result = score_tender(got.tender, got.bids, got.measures).lots[0]
        assert {b.bidder_id: {"status": b.status.value, "rank": b.rank, "total": None if b.total is None else float(b.total)}
                for b in result.bids} == expected["results"]


def test_cli_template_build_and_read(tmp_path, filled):
    r = run_cli("template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(tmp_path / "t"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "BCC-2026-014-bid-return.xlsx", "BCC-2026-014-evaluation.xlsx", "BCC-2026-014-score-sheets.xlsx"]
    r = run_cli("template", "read", str(filled), "--tender-out", str(tmp_path / "t.json"), "--bids-out", str(tmp_path / "b.json"))
    assert r.returncode == 0, r.stderr
    r = run_cli("score", str(tmp_path / "t.json"), str(tmp_path / "b.json"), "--measures", str(EXAMPLES / "measures-illustrative.json"))
    assert r.returncode == 0 and "Brightwater Homecare CIC" in r.stdout


def test_commitments_read_back_year_by_year_as_the_bid_return_gives_them(filled):
    """The Social Value sheet takes each contract year's quantity (format version 3): read back, a
    commitment a measure and year (a quantity given over the contract is typed in year 1)."""
    got = {b.bidder_id: b for b in read_evaluation(filled).bids.bids}
    years = 0
    for b in BIDS:
        want = sorted((c.measure, c.year or 1, c.quantity) for c in b.commitments)
        assert sorted((c.measure, c.year, c.quantity) for c in got[b.bidder_id].commitments) == want, b.bidder
        years = max([years, *(y for _, y, _ in want)])
    assert years == HOME.contract.contract_years == 3


def test_a_version_3_workbook_gives_each_years_commitment_its_deliverability_and_reason():
    got = read_evaluation(ROOT / "tests" / "data" / "workbooks" / "evaluation-v3.xlsx")
    fte = [c for c in got.bids.bids[0].commitments if c.measure == "EX-LOCAL-FTE"]
    assert [(c.year, c.quantity, c.deliverability_percent) for c in fte] == [(1, 12, 75), (2, 12, 75), (3, 12, 75)]
    assert all(c.note == "Two of the three years' local hires depend on a site not yet leased" for c in fte)


def test_a_version_4_workbook_gives_the_governance_sheets_award_facts():
    """The frozen version 4 workbook's award dates, abnormally low tender decision and tie decision
    read as they were written (their positions must never move)."""
    path = ROOT / "tests" / "data" / "workbooks" / "evaluation-v4.xlsx"
    facts = json.loads(path.with_name("evaluation-v4.expected.json").read_text())["award_facts"]
    got = read_evaluation(path).bids
    assert got.notice_published.isoformat() == facts["notice_published"]
    assert got.contract_date.isoformat() == facts["contract_date"]
    assert {b.bidder_id: b.abnormally_low.model_dump(mode="json") for b in got.bids if b.abnormally_low} == facts["abnormally_low"]
    assert [d.model_dump(mode="json") for d in got.tie_decisions] == facts["tie_decisions"]
    assert [m.name for m in got.panel] == facts["panel"]


def test_older_workbooks_give_no_award_facts():
    """A version 1-3 workbook has no award facts: the award takes them from a bids file beside it."""
    for v in (1, 2, 3):
        got = read_evaluation(ROOT / "tests" / "data" / "workbooks" / f"evaluation-v{v}.xlsx")
        assert got.bids.notice_published is None and not got.bids.tie_decisions
        assert not any(b.abnormally_low for b in got.bids.bids)
        assert not got.places.award
