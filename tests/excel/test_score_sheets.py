"""Evaluator score sheets: one sheet per evaluator, names that cannot be sheets refused, each layout
method naming the cell the builder wrote, and a workbook with every position moved read back by the batch."""

from __future__ import annotations

import pytest

from svscore.excel.score_sheets import ScoreSheetLayout, build_score_sheets, score_sheet_layout
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen, shift

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")

SHIFTED_SCORE_SHEETS = {"FIRST_ROW": 7, "FIRST_SCORE_COL": 6, "FIRST_BIDDER_ROW": 6, "BIDDER_ID_COL": 3, "BIDDER_NAME_COL": 5,
                        "LIST_FIRST_ROW": 4}


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


def test_score_sheet_layout_positions():
    evaluators = ("Ann", "Bob")
    lay = score_sheet_layout(HOME, 0, MEASURES, 3, evaluators)
    wb = reopen(build_score_sheets(HOME, 0, MEASURES, 3, evaluators))
    cid = next(iter(lay.rows))
    assert lay.score_cell(cid, 1) == f"F{lay.rows[cid]}" and lay.justification_cell(cid, 1) == f"G{lay.rows[cid]}"
    assert wb["Ann"].cell(lay.rows[cid], 1).value == cid
    assert wb["Ann"][lay.score_cell(cid, 0)].protection.locked is False
    assert wb["Ann"].cell(lay.header_row, lay.score_col(0)).value == f'=IF({lay.bidder_name_ref(0)}="","Bidder 1",{lay.bidder_name_ref(0)})&": score"'
    assert lay.bidder_name_ref(2) == "Bidders!$B$5"
    assert wb["Bidders"].cell(lay.bidder_row(2), lay.BIDDER_NAME_COL).protection.locked is False
    scale = HOME.scales[0]
    assert lay.scale_range(0, len(scale.allowed())) == f"Lists!$A$2:$A${1 + len(scale.allowed())}"
    assert wb["Lists"].cell(lay.LIST_FIRST_ROW - 1, lay.scale_col(0)).value == scale.id


def test_shifted_score_sheets_read_back(monkeypatch, tmp_path):
    from svscore.batch.demo import EVALUATORS, demo_bids, fill_score_sheets
    from svscore.batch.scores import read_score_folder

    shift(monkeypatch, ScoreSheetLayout, SHIFTED_SCORE_SHEETS)
    bids = demo_bids()[:3]
    (tmp_path / "scores.xlsx").write_bytes(fill_score_sheets(HOME, 0, MEASURES, bids, EVALUATORS))
    book = read_score_folder(tmp_path, HOME, MEASURES)
    assert book.problems == []
    assert sorted(book.names.values()) == sorted(b.bidder for b in bids)  # each bidder's name read where it was written
    for b in bids:
        got = sorted((s.criterion, s.evaluator, str(s.value)) for s in book.for_bid(b.bidder_id, "", HOME.all_lots()[0].id))
        want = sorted((cid, e, str(v)) for cid, vs in b.scores.items() for e, v in zip(EVALUATORS, vs, strict=True))
        assert got == want, b.bidder


def _bidder_pages(ws, lay) -> list[tuple[int, int]]:
    """The columns each printed page across holds beyond the repeated ones, from the sheet's page breaks."""
    from openpyxl.utils import column_index_from_string

    repeated = column_index_from_string(ws.print_title_cols.split(":")[-1].replace("$", ""))
    breaks = sorted(b.id for b in ws.col_breaks.brk)  # a break is left of its 0-based column id
    last = lay.justification_col(lay.slots - 1)
    starts = [repeated + 1] + [b + 1 for b in breaks]
    return [(a, (starts[k + 1] - 1) if k + 1 < len(starts) else last) for k, a in enumerate(starts)]


def test_each_printed_page_is_one_evaluator_and_one_bidder_with_the_scale_beside_the_score():
    """Pages break after each bidder's justification, at full size (fit to page would make Excel
    ignore the breaks); the ID, criterion and scale descriptors print on every page, a page holds
    them and one bidder's two columns, and the footer of every page has the evaluator's signature."""
    from svscore.excel.printing import _column_points, _printable

    lay = score_sheet_layout(HOME, 0, MEASURES, 4, ("Ann", "Bob"))
    wb = reopen(build_score_sheets(HOME, 0, MEASURES, 4, ("Ann", "Bob")))
    for name in ("Ann", "Bob"):
        ws = wb[name]
        assert not ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.scale or 100) == 100
        assert _bidder_pages(ws, lay) == [(lay.score_col(i), lay.justification_col(i)) for i in range(lay.slots)]
        assert ws.print_title_cols == "$A:$C" and ws.print_title_rows == f"$1:${lay.header_row}"
        assert _column_points(ws, lay.justification_col(0)) <= _printable(ws)  # the repeated columns and one bidder fit
        cid = next(iter(lay.rows))
        meaning = ws.cell(lay.rows[cid], 3).value
        assert meaning.splitlines()[0] == "0  Unacceptable: no response, or fails to address the requirement"
        assert len(meaning.splitlines()) == len(HOME.scales[0].allowed())
        assert ws.cell(lay.header_row, 3).value == "What each score means"
        assert "Signed (&A)" in ws.oddFooter.left.text and "Date" in ws.oddFooter.left.text
        assert ws.oddFooter.right.text == "&A — page &P of &N" and ws.page_setup.pageOrder == "downThenOver"


def test_a_range_scale_is_described_by_its_range():
    from svscore.excel.score_sheets import descriptors
    from svscore.model.tender import Tender
    from svscore.rules.weights import weighted_tree

    data = HOME.model_dump(mode="json", exclude_defaults=True)
    data["scales"] = [{"id": "0-5", "name": "Marks", "minimum": 0, "maximum": 60, "step": 1}]
    tender = Tender.model_validate(data)
    leaf = next(w for w in weighted_tree(tender, 0) if w.criterion.scale == "0-5")
    assert descriptors(tender, leaf) == "Marks: a score from 0 to 60 in steps of 1"


@pytest.mark.slow
def test_libreoffice_prints_one_bidder_a_page_with_the_descriptors_and_the_signature(tmp_path, libreoffice):
    """As printed: every page of an evaluator's sheet has exactly one bidder's score heading, the
    scale descriptors, the tender's reference and the signature and date line."""
    import subprocess

    from svscore.excel.libreoffice import convert
    from svscore.excel.workbook import to_bytes

    path = tmp_path / "scores.xlsx"
    path.write_bytes(to_bytes(build_score_sheets(HOME, 0, MEASURES, 3, ("Ann",))))
    (pdf,) = convert([path], tmp_path / "pdf", to="pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip() and "Ann — page" in p]
    assert len(pages) >= 3
    seen = []
    for page in pages:
        heads = [i for i in range(1, 4) if f"Bidder {i}: justification" in page]
        assert len(heads) == 1, page
        seen.append(heads[0])
        assert "BCC-2026-014" in page and "Unacceptable: no response" in page
        assert "Signed (Ann):" in page and "Date:" in page
    assert sorted(set(seen)) == [1, 2, 3]
