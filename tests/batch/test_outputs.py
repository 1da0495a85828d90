"""results.xlsx for many bidders: one Explanations sheet, written in a background process with the
same bytes as when written here."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.batch.outputs import write_outputs
from svscore.batch.run import BatchRun
from svscore.model.loading import load_bids
from svscore.render.results_workbook import BIDDER_SHEETS_LIMIT, results_workbook_bytes
from svscore.scoring.engine import score_tender
from tests.batch.conftest import MEASURES, TENDER
from tests.conftest import EXAMPLES


def many_bidders(n: int, names: dict[int, str] | None = None) -> BatchRun:
    template = load_bids(EXAMPLES / "council-home-care-bids.json").bids[0]
    bids = [template.revised(bidder_id=f"{10_000_000 + i}", bidder=f"Bidder {i:03d} Ltd", price=template.price + i)
            for i in range(n)]
    for i, name in (names or {5: '=HYPERLINK("http://evil.example","win")'}).items():
        bids[i] = bids[i].revised(bidder=name)
    result = score_tender(TENDER, bids, MEASURES)
    return BatchRun(TENDER, result, [], [], [], [], "not checked")


def test_many_bidders_share_one_explanations_sheet():
    n = BIDDER_SHEETS_LIMIT + 5
    run = many_bidders(n)
    wb = load_workbook(io.BytesIO(results_workbook_bytes(run)))
    assert wb.sheetnames == ["Results", "Chart", "Explanations", "Problems"]
    ws = wb["Explanations"]
    header = [c.value for c in ws[1]]
    assert header == ["Bidder", "Criterion", "Name", "Raw", "Points", "Available", "Explanation"]  # one lot: no Lot column
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(b.criteria) for lot in run.result.lots for b in lot.bids)
    assert {r[0] for r in rows} == {b.bidder for lot in run.result.lots for b in lot.bids}
    evil = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("http://evil.example","win")']
    assert evil and all(c.data_type == "s" for c in evil)  # text, never a formula
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:G{len(rows) + 1}"


def test_workbook_made_in_the_background_is_the_same(tmp_path: Path):
    run = many_bidders(BIDDER_SHEETS_LIMIT + 1)
    written = write_outputs(run, tmp_path, {})
    assert written["results.xlsx"].read_bytes() == results_workbook_bytes(run)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {o["name"] for o in manifest["outputs"]} == {"results.xlsx", "results.csv", "results.json"}


def test_a_workbook_made_without_background_processes_is_the_same(monkeypatch):
    """Where processes cannot be forked (Windows), every part of the workbook is made in this one."""
    import os

    run = many_bidders(BIDDER_SHEETS_LIMIT + 1)
    made = results_workbook_bytes(run)
    monkeypatch.delattr(os, "fork")
    assert results_workbook_bytes(run) == made


def test_the_background_work_is_done_in_another_process():
    import os

    from svscore.render.background import in_background as _in_background

    assert _in_background(lambda run: str(os.getpid()).encode(), None)() != str(os.getpid()).encode()


def test_a_failing_background_process_falls_back_to_working_here():
    import os

    from svscore.render.background import in_background as _in_background

    parent = os.getpid()

    def make(run):
        if os.getpid() != parent:
            raise RuntimeError("fails in the background process only")
        return b"made here"

    assert _in_background(make, None)() == b"made here"


def test_a_streamed_background_result_comes_in_pieces_and_a_failure_starts_again(monkeypatch):
    import os

    import svscore.render.background as background

    monkeypatch.setattr(background, "PIECE_BYTES", 1000)
    data = bytes(range(256)) * 40
    got: list[bytes] = []
    background.streamed_in_background(lambda _: data, None)(got.append, got.clear)
    assert len(got) > 1 and b"".join(got) == data  # several pieces, never the whole at once

    parent = os.getpid()

    def make(_):
        if os.getpid() != parent:
            raise RuntimeError("fails in the background process only")
        return b"made here"

    calls: list[str] = []
    got = [b"a piece the failed process gave"]
    background.streamed_in_background(make, None)(got.append, lambda: (calls.append("restart"), got.clear()))
    assert calls == ["restart"] and got == [b"made here"]


def test_a_pending_file_started_again_holds_only_what_came_after(tmp_path: Path):
    import hashlib

    from svscore.atomic import PendingFile

    file = PendingFile(tmp_path / "out.bin")
    file.write(b"half of a workbook from a process that failed")
    file.restart()
    file.write(b"the whole")
    assert (file.size, file.hash.hexdigest()) == (9, hashlib.sha256(b"the whole").hexdigest())
    assert file.commit().read_bytes() == b"the whole"


def test_results_csv_written_in_pieces_is_the_same_text(monkeypatch):
    import dataclasses

    import svscore.render.tables as tables

    run = many_bidders(7)
    result = dataclasses.replace(run.result, warnings=("example measures",), bid_errors=("X bid for lot 9.",))
    whole = tables.to_csv(result)  # in one piece: 8 rows are fewer than CSV_PIECE_ROWS
    monkeypatch.setattr(tables, "CSV_PIECE_ROWS", 2)
    pieces = list(tables.csv_pieces(result))
    assert len(pieces) == 5 and "".join(pieces) == whole  # the header and 8 rows, two rows a piece
    lines = whole.splitlines()
    assert len(lines) == 9 and lines[0].startswith("lot,rank,bidder_id") and lines[0].endswith(",warning")
    assert all(line.endswith(",example measures") for line in lines[1:])  # the warning on every row, a piece or not
    assert lines[-1] == ",,,,not scored,,,,,,,,,,X bid for lot 9.,example measures"  # the bid placed in no lot, last


RICH = "<r><t>Evil {0} \\\\1</t></r></si><si><r><t>Shift</t></r>"
"""XlsxWriter writes text shaped like <r>...</r> unescaped: as a bidder name this one added a
shared string and moved every later bidder's name and id into the wrong row of results.xlsx."""


@pytest.mark.parametrize("n", [4, BIDDER_SHEETS_LIMIT + 2])  # a sheet per bidder; one Explanations sheet
def test_bidder_text_shaped_like_rich_text_stays_text_and_in_its_row(n: int):
    run = many_bidders(n, {1: RICH, 2: " " + RICH})
    data = results_workbook_bytes(run)
    for values in (_calamine(data), _openpyxl(data)):
        results = values["Results"]
        header = results[1]
        by_id = {row[header.index("Bidder id")]: row[header.index("Bidder")] for row in results[2:]}
        assert by_id == {b.bidder_id: b.bidder for lot in run.result.lots for b in lot.bids}
        assert by_id["10000001"] == RICH and by_id["10000002"] == " " + RICH
        chart = values["Chart"]
        assert {row[0] for row in chart[1:]} == set(by_id.values())
        if n > BIDDER_SHEETS_LIMIT:
            assert sum(row[0] == RICH for row in values["Explanations"]) == len(run.result.lots[0].bids[0].criteria)
        else:
            assert any(row[0] == RICH for name in values for row in values[name][:1])  # the bidder's own sheet title


def test_libreoffice_reads_results_with_rich_looking_text_the_same(tmp_path: Path, libreoffice: str):
    from svscore.excel.libreoffice import convert

    source = tmp_path / "results.xlsx"
    source.write_bytes(results_workbook_bytes(many_bidders(4, {1: RICH})))
    (saved,) = convert([source], tmp_path / "lo")
    before, after = _openpyxl(source.read_bytes())["Results"], _openpyxl(saved.read_bytes())["Results"]
    assert [[v for v in row if isinstance(v, str)] for row in after] == [[v for v in row if isinstance(v, str)] for row in before]
    assert after[3][3] == RICH
    numbers = [[v for v in row if isinstance(v, (int, float))] for row in before]
    assert [[v for v in row if isinstance(v, (int, float))] for row in after] == [pytest.approx(r, rel=1e-14) for r in numbers]


def _calamine(data: bytes) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: [[None if v == "" else v for v in row] for row in wb.get_sheet_by_name(n).to_python()] for n in wb.sheet_names}


def _openpyxl(data: bytes) -> dict[str, list[list]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


AWKWARD_NAMES = {0: "Evil\x07Ltd", 1: "History", 2: "Line\nbreak", 3: "😀" * 30, 4: "'Quoted' [Ltd]: a/b?*"}


def test_bidder_names_that_break_excel_sheet_name_rules_still_give_a_workbook(tmp_path: Path, libreoffice: str):
    from svscore.excel.libreoffice import convert

    run = many_bidders(6, AWKWARD_NAMES)  # a sheet per bidder, named after the bidder
    source = tmp_path / "results.xlsx"
    source.write_bytes(results_workbook_bytes(run))
    wb = load_workbook(source)
    bidder_sheets = wb.sheetnames[2:-1]
    assert bidder_sheets == ["Evil Ltd", "History (2)", "Line break", "😀" * 14, "Quoted   Ltd   a b", "Bidder 005 Ltd"]
    assert all(len(name.encode("utf-16-le")) // 2 <= 31 for name in wb.sheetnames)
    bidders = sorted((b for lot in run.result.lots for b in lot.bids), key=lambda b: b.bidder_id)
    titles = _calamine(source.read_bytes())  # calamine decodes Excel's escape of the control character; openpyxl does not
    assert [titles[name][0][0] for name in bidder_sheets] == [b.bidder for b in bidders]  # each sheet's title: the whole name
    (saved,) = convert([source], tmp_path / "lo")
    assert load_workbook(saved).sheetnames == wb.sheetnames


def test_an_output_open_in_excel_stops_the_writing_before_anything_is_replaced(tmp_path: Path, monkeypatch):
    """On Windows Excel holds an open workbook or CSV so that it cannot be replaced. Nothing is
    written then, so the folder never holds some of this run's outputs and some of the last."""
    from svscore.batch import outputs
    from svscore.batch.run import BatchError

    for name in ("results.xlsx", "results.csv", "results.json", "manifest.json"):
        (tmp_path / name).write_bytes(b"last run")
    monkeypatch.setattr(outputs, "_locked", lambda path: path.name == "results.csv")
    with pytest.raises(BatchError, match=r"results.csv in .* cannot be replaced: open in Excel"):
        write_outputs(many_bidders(6), tmp_path, {})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {n: b"last run" for n in
                                                                   ("results.xlsx", "results.csv", "results.json", "manifest.json")}


def test_a_file_opened_while_writing_is_a_clear_error(tmp_path: Path, monkeypatch):
    import svscore.atomic
    from svscore.batch.run import BatchError

    real = os.replace

    def replace(src, dst):  # Windows refuses to replace a file open in Excel
        if Path(dst).name == "results.json":
            raise PermissionError(13, "Permission denied")
        return real(src, dst)
    monkeypatch.setattr(svscore.atomic.os, "replace", replace)
    with pytest.raises(BatchError, match=r"could not write .*results.json \(Permission denied\): it may be open in Excel.*"
                                         r"\(results.xlsx, results.csv written\)"):
        write_outputs(many_bidders(6), tmp_path, {})
    # The outputs not put in place leave no temporary files behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "results.xlsx"]


def test_any_failure_putting_an_output_in_place_leaves_no_temporary_file_and_says_what_was_written(tmp_path: Path, monkeypatch):
    """A full disk (not only a file open in Excel) while the outputs are put in place: the error
    says which were written, and no temporary file is left (before, only PermissionError was
    handled: the others' temporary files stayed, and a bare OSError was raised)."""
    import errno

    import svscore.atomic
    from svscore.batch.run import BatchError

    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "results.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)
    monkeypatch.setattr(svscore.atomic.os, "replace", replace)
    with pytest.raises(BatchError, match=r"could not write .*results.json \(No space left on device\): run again.*"
                                         r"\(results.xlsx, results.csv written\)"):
        write_outputs(many_bidders(6), tmp_path, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "results.xlsx"]


def test_locked_tells_an_open_file_from_a_free_one(tmp_path: Path):
    from svscore.batch.outputs import _locked

    free = tmp_path / "free.xlsx"
    free.write_bytes(b"x")
    assert not _locked(free) and not _locked(tmp_path / "absent.xlsx")
    assert _locked(tmp_path)  # cannot be opened for writing as a file


def test_results_workbook_reads_and_prints_as_officers_expect(tmp_path):
    """Headings in words, criteria by name; wrapped text in rows tall enough to show it, since Excel
    keeps a row's stored height when it opens a file."""
    from openpyxl import load_workbook

    from svscore.render.results_workbook import LINE_HEIGHT, _lines

    bids = load_bids(EXAMPLES / "council-home-care-bids.json").bids  # one disqualified, one incomplete: reasons to wrap
    run = BatchRun(TENDER, score_tender(TENDER, bids, MEASURES), [], [], [], [], "not checked")
    path = tmp_path / "results.xlsx"
    path.write_bytes(results_workbook_bytes(run))
    ws = load_workbook(path)["Results"]
    header = [c.value for c in ws[2]]
    names = [name for _, name in run.result.lots[0].top_level]
    assert header[:7] == ["Lot", "Rank", "Bidder id", "Bidder", "Status", "Total points", "Price (£)"]
    assert header[7:7 + len(names)] == names and header[-4:] == ["SME", "VCSE", "Flags", "Reasons"]
    reasons = header.index("Reasons")
    tall = 0
    for row in ws.iter_rows(min_row=3):
        text = row[reasons].value or ""
        assert row[reasons].alignment.wrap_text
        if _lines(text, 60) > 1:
            tall += 1
            assert ws.row_dimensions[row[0].row].height >= LINE_HEIGHT * _lines(text, 60)
    assert tall >= 1
    assert ws.column_dimensions["G"].width >= 15  # a seven-figure price shows, not ####


def test_wrapped_lines_are_counted_generously():
    from svscore.render.results_workbook import _lines
    assert _lines("", 10) == 1
    assert _lines("a" * 10, 10) == 1
    assert _lines("aaaaa bbbbb", 10) == 2
    assert _lines("word " * 30, 20) == 8  # 4 five-letter words a line


def test_results_workbook_has_sheets_chart_and_print_setup(batch_run):
    _, out, _ = batch_run
    wb = load_workbook(out / "results.xlsx")
    assert wb.sheetnames[:2] == ["Results", "Chart"] and "Problems" in wb.sheetnames
    assert "Brightwater Homecare CIC" in wb.sheetnames
    import zipfile
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(out / "results.xlsx").namelist()
    ws = wb["Results"]
    assert ws.freeze_panes == "E3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.page_setup.orientation == "landscape"
    problems = [r[4] for r in wb["Problems"].iter_rows(min_row=3, values_only=True)]
    assert any("password-protected" in (p or "") for p in problems)


def test_every_sheet_of_results_is_headed_with_the_tender_and_numbered(batch_run):
    from tests.render.test_pages import unmarked

    _, out, _ = batch_run
    assert unmarked((out / "results.xlsx").read_bytes(), "BCC-2026-014") == []


def test_results_json_written_a_bid_at_a_time_is_the_whole_document_encoded_at_once(tmp_path: Path):
    # results.json is encoded in pieces (a bid, a file at a time) so it is never held whole: the
    # bytes must be those of the whole document encoded at once, as before.
    import dataclasses

    from svscore import __version__
    from svscore.batch.run import FileReport
    from svscore.errors import Problem, Severity

    run = many_bidders(7, names={3: "Bidder \u00e9\u4e2d \"quoted\" Ltd"})
    run = dataclasses.replace(
        run, files=[FileReport(f"bid-{i}.xlsx", 100 + i, "ab" * 32, "scored", f"Bidder {i:03d} Ltd",
                               [Problem(f"bid-{i}.xlsx", "a warning", Severity.WARNING)] if i % 2 else []) for i in range(7)],
        skipped=[("notes.txt", "not an Excel workbook (.txt)")], problems=[Problem("scores", "a problem")])
    write_outputs(run, tmp_path, {})
    whole = run.result.as_dict()
    whole |= {"svscore_version": __version__, "files": [f.as_dict() for f in run.files],
              "skipped": [{"name": "notes.txt", "reason": "not an Excel workbook (.txt)"}],
              "problems": [p.as_dict() for p in run.problems], "received_times_from": run.received_source}
    assert whole["lots"][0]["winner"] and len(whole["lots"][0]["bids"]) == 7
    expected = json.dumps(whole, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert (tmp_path / "results.json").read_bytes() == expected.encode("utf-8")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    import hashlib
    listed = {o["name"]: o for o in manifest["outputs"]}
    for name in ("results.json", "results.csv", "results.xlsx"):
        data = (tmp_path / name).read_bytes()
        assert listed[name] == {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
