"""svscore batch over a real folder of returned workbooks, good and hostile: the run as a user runs it."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.batch.demo import EVALUATORS
from tests.batch.conftest import (
    GOOD,
    MEASURES,
    SCORED,
    TENDER,
    file_report,
    messages,
)
from tests.conftest import run_cli


def test_exit_code_says_some_files_failed(batch_run):
    r, out, _doc = batch_run
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "results.csv", "results.json", "results.xlsx"]


def test_good_bids_are_scored(batch_run):
    _, _, doc = batch_run
    scored = {f["name"] for f in doc["files"] if f["status"] == "scored"}
    assert scored == {"good-09876543.xlsx", "good-CE012345.xlsx", "good-04567890.xlsx", "good-07654321.xlsx",
                      "macro.xlsm", "pound-text-rate.xlsx", "injection.xlsx"}


@pytest.mark.parametrize(("name", "expected"), [
    ("corrupt.xlsx", "damaged or not an Excel workbook"),
    ("encrypted.xlsx", "password-protected (encrypted)"),
    ("zip-bomb.xlsx", "possible zip bomb"),
    ("entity-bomb.xlsx", "declares XML entities"),
    ("other-tender.xlsx", "made for tender 'DRS-2026-0457', not this tender ('BCC-2026-014')"),
    ("missing-rate.xlsx", "required: the rate for line L2 is empty"),
    ("text-rate.xlsx", "The rate for line L2 must be a number, but is the text 'twenty pounds'"),
    ("huge-rate.xlsx", "The rate for line L2 is 1.000E+308, far too large to be a real amount"),
    ("huge-total.xlsx", "far too large to be a real price (svscore reads numbers smaller than 1,000,000,000,000,000): check the rates"),
    ("uncalculated-formula.xlsx", "holds a formula (=20*1.25) with no calculated value: open the file in Excel"),
    ("error-value.xlsx", "holds the error value #DIV/0!: correct the cell"),
    ("duplicate-1.xlsx", "the same bidder returned more than one different workbook (duplicate-1.xlsx, duplicate-2.xlsx)"),
    ("duplicate-2.xlsx", "the same bidder returned more than one different workbook"),
])
def test_each_bad_file_is_reported(batch_run, name, expected):
    _, _, doc = batch_run
    report = file_report(doc, name)
    assert report["status"] in ("rejected", "excluded")
    assert expected in messages(doc, name)


def test_errors_name_file_sheet_and_cell(batch_run):
    _, _, doc = batch_run
    locs = {p["location"] for p in file_report(doc, "missing-rate.xlsx")["problems"]}
    assert "missing-rate.xlsx › Pricing!E6" in locs
    tampered = file_report(doc, "tampered.xlsx")["problems"]
    assert {p["location"] for p in tampered} >= {"tampered.xlsx › Quality!C4", "tampered.xlsx › Social Value!D5"}
    assert any(p["message"] == "protected cell changed: was 14, now 99" for p in tampered)


def test_macro_file_is_flagged_and_still_scored(batch_run):
    _, _, doc = batch_run
    assert file_report(doc, "macro.xlsm")["status"] == "scored"
    assert "macros were not run" in messages(doc, "macro.xlsm")


def test_pound_text_is_read_and_noted(batch_run):
    _, _, doc = batch_run
    assert "typed as text '£10,000.00'; read as 10000.00" in messages(doc, "pound-text-rate.xlsx")


def test_skipped_files_say_why(batch_run):
    _, _, doc = batch_run
    skipped = {s["name"]: s["reason"] for s in doc["skipped"]}
    assert "lock file" in skipped["~$good-09876543.xlsx"]
    assert skipped[".hidden.xlsx"] == "hidden file"
    assert skipped["notes.pdf"] == "not an Excel workbook (.pdf)"


def test_formula_injection_stays_text(batch_run):
    _, out, _ = batch_run
    evil = '=HYPERLINK("http://evil.example","win")'
    rows = list(csv.reader(io.StringIO((out / "results.csv").read_text())))
    assert any(row[3] == "'" + evil for row in rows)
    wb = load_workbook(out / "results.xlsx")
    ws = wb["Results"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") and c.data_type == "f"
                   for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)


def test_good_bids_score_exactly_as_svscore_score(batch_run, folder, tmp_path):
    _, _, doc = batch_run
    # The same bids, written independently as a bids file from the data the workbooks were filled with.
    lines = TENDER.price.pricing_lines
    bids = []
    for b in SCORED:
        price = sum(Decimal(str(line.quantity)) * Decimal(str(rate)) for line, rate in zip(lines, b.rates, strict=True))
        commitments = [{"measure": m, "quantity": q, "year": y + 1} for m, qs in b.quantities.items() for y, q in enumerate(qs) if q]
        scores = [{"criterion": cid, "evaluator": ev, "value": v[i], "justification": f"{ev}: {cid} scored {v[i]} on the evidence in the response."}
                  for cid, v in b.scores.items() for i, ev in enumerate(EVALUATORS)]
        bids.append({"bidder_id": b.bidder_id, "bidder": b.bidder, "sme": b.sme, "vcse": b.vcse, "price": float(price),
                     "commitments": commitments, "scores": scores})
    path = tmp_path / "bids.json"
    path.write_text(json.dumps({"bids": bids}))
    r = run_cli("score", str(folder["tender"]), str(path), "--format", "json")
    assert r.returncode == 0, r.stderr
    expected = {b["bidder_id"]: b for b in json.loads(r.stdout)["lots"][0]["bids"]}
    got = {b["bidder_id"]: b for b in doc["lots"][0]["bids"]}
    assert set(got) == set(expected)
    for k, b in got.items():
        e = expected[k]
        assert (b["status"], b["rank"], b["total"], b["price"]) == (e["status"], e["rank"], e["total"], e["price"]), k
        assert [s["weighted"] for s in b["scores"]] == [s["weighted"] for s in e["scores"]], k
        assert [f["code"] for f in b["flags"]] == [f["code"] for f in e["flags"]], k


def test_inputs_are_never_modified(folder, batch_run):
    import hashlib
    _, out, _ = batch_run
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["inputs"]:
        if entry["name"].startswith("returns/"):
            data = (folder["returns"] / entry["name"].removeprefix("returns/")).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_output_inside_returns_is_refused(folder):
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--out", str(folder["returns"]))
    assert r.returncode == 2 and "outside the returns folder" in r.stderr


def test_output_in_the_scores_folder_is_refused(folder):
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(folder["scores"]),
                "--out", str(folder["scores"]))
    assert r.returncode == 2 and "other than the scores folder" in r.stderr


def test_an_input_is_protected_from_the_output_that_is_the_same_file(tmp_path):
    """An output lands on an input when they are the same file: by name where the file system
    minds case, whatever the case where it does not, and through a link to the folder."""
    from svscore.batch.outputs import _output_over

    out = tmp_path / "out"
    out.mkdir()
    (out / "Results.JSON").write_text("{}")
    (tmp_path / "results.csv").write_text("")
    (tmp_path / "via").symlink_to(out)
    ignores_case = (out / "results.json").exists()
    assert _output_over(out / "Results.JSON", out) == ("results.json" if ignores_case else None)
    assert _output_over(tmp_path / "results.csv", out) is None  # the same name, another folder
    (out / "results.csv").write_text("")
    assert _output_over(tmp_path / "via" / "results.csv", out) == "results.csv"
    assert _output_over(out / "bid.xlsx", out) is None


def test_an_input_named_like_a_result_is_never_overwritten_and_nothing_is_written(folder, tmp_path):
    tender = tmp_path / "results.json"  # the tender file, in the folder chosen for the results
    tender.write_bytes(folder["tender"].read_bytes())
    shutil.copy(folder["root"] / "measures-illustrative.json", tmp_path)
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns)
    before = tender.read_bytes()
    r = run_cli("batch", str(tender), str(returns), "--out", str(tmp_path))
    assert r.returncode == 2 and "holds input files named like the results (results.json)" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert tender.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["measures-illustrative.json", "results.json", "returns"]


def test_strict_makes_any_failure_fatal(folder, tmp_path):
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(folder["scores"]),
                "--out", str(tmp_path / "strict"), "--strict")
    assert r.returncode == 2 and "--strict: stopping" in r.stderr
    assert not (tmp_path / "strict" / "results.json").exists()


def test_a_tender_that_cannot_be_loaded_stops_the_workers(folder, tmp_path):
    import multiprocessing

    from svscore.batch.run import run_batch
    from svscore.errors import TenderFileError
    bad = tmp_path / "tender.json"
    bad.write_text("{not json")
    with pytest.raises(TenderFileError):
        run_batch(bad, folder["returns"], tmp_path / "out")
    assert multiprocessing.active_children() == []


def test_the_garbage_collector_is_paused_only_while_the_batch_runs(folder, tmp_path):
    import gc

    from svscore.batch import run as batch_run_module
    from svscore.errors import TenderFileError
    seen = []
    original = batch_run_module._run

    def spy(*args):
        seen.append(gc.isenabled())
        return original(*args)
    batch_run_module._run = spy
    try:
        assert gc.isenabled()
        batch_run_module.run_batch(folder["tender"], folder["returns"], tmp_path / "out")
        assert seen == [False] and gc.isenabled()
        bad = tmp_path / "tender.json"
        bad.write_text("{not json")
        with pytest.raises(TenderFileError):
            batch_run_module.run_batch(bad, folder["returns"], tmp_path / "out")
        assert seen == [False, False] and gc.isenabled()  # resumed when the run fails too
        gc.disable()
        batch_run_module.run_batch(folder["tender"], folder["returns"], tmp_path / "out")
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()
        batch_run_module._run = original


def test_recursive_finds_workbooks_in_sub_folders(folder, tmp_path):
    returns = tmp_path / "returns"
    (returns / "lot-folder").mkdir(parents=True)
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "lot-folder" / "a.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "b.xlsx")
    flat = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o1"))
    doc = json.loads((tmp_path / "o1" / "results.json").read_text())
    assert [f["name"] for f in doc["files"]] == ["b.xlsx"]
    assert {"name": "lot-folder/", "reason": "a folder (use --recursive to look inside folders)"} in doc["skipped"]
    deep = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o2"), "--recursive")
    assert deep.returncode == 0 and flat.returncode == 0
    doc = json.loads((tmp_path / "o2" / "results.json").read_text())
    assert [f["name"] for f in doc["files"]] == ["b.xlsx", "lot-folder/a.xlsx"]


def test_evaluation_workbook_as_tender_gives_the_scores(folder, tmp_path):
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.layout import EvaluationLayout
    from svscore.excel.workbook import save
    from svscore.model.bids import Bid, Score
    from tests.excel.fill import fill_evaluation
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "b.xlsx")
    consensus = [Bid(bidder_id=b.bidder_id, bidder=b.bidder, scores=tuple(Score(criterion=c, value=v[0]) for c, v in b.scores.items()))
                 for b in GOOD[:2]]
    lay = EvaluationLayout(TENDER, 0, 4, MEASURES)
    wb = build_evaluation(TENDER, 0, MEASURES, 4)
    fill_evaluation(wb, lay, consensus)
    save(wb, tmp_path / "evaluation.xlsx")
    r = run_cli("batch", str(tmp_path / "evaluation.xlsx"), str(returns), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr + r.stdout
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    statuses = {b["bidder"]: b["status"] for b in doc["lots"][0]["bids"]}
    assert statuses == {"Northfield Care Ltd": "ranked", "Brightwater Homecare CIC": "ranked"}


def test_links_are_not_followed(folder, tmp_path):
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    (returns / "elsewhere.xlsx").symlink_to(folder["returns"] / "good-CE012345.xlsx")
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "out"))
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [f["name"] for f in doc["files"]] == ["a.xlsx"]
    assert {"name": "elsewhere.xlsx", "reason": "a link to another file or folder: not followed"} in doc["skipped"]


def test_discovery_lists_in_order_and_leaves_out_the_output_folder(tmp_path, monkeypatch):
    import os

    from svscore.batch.run import discover
    returns = tmp_path / "returns"
    for rel in ("b.xlsx", "a.xlsx", "sub/c.xlsx", "sub/deeper/d.XLSM", "out/results.xlsx", ".hidden/e.xlsx", "locked/f.xlsx"):
        (returns / rel).parent.mkdir(parents=True, exist_ok=True)
        (returns / rel).write_bytes(b"x")
    (returns / "to-out").symlink_to(returns / "out")  # a link to the output folder is as much the output folder
    found, skipped = discover(returns, False, returns / "out")
    assert [rel for _, rel in found] == ["a.xlsx", "b.xlsx"]
    assert skipped == [("locked/", "a folder (use --recursive to look inside folders)"),
                       ("sub/", "a folder (use --recursive to look inside folders)")]
    real_scandir = os.scandir

    def scandir(path):  # a sub-folder this user may not open (root may open any, so it is made to fail here)
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    found, skipped = discover(returns, True, tmp_path / "elsewhere")
    assert [rel for _, rel in found] == ["a.xlsx", "b.xlsx", "out/results.xlsx", "sub/c.xlsx", "sub/deeper/d.XLSM"]
    assert skipped == [(".hidden/e.xlsx", "hidden file"),
                       ("locked/", "a folder that could not be opened (Permission denied): not read"),
                       ("to-out", "a link to another file or folder: not followed")]
    found, _ = discover(returns, True, returns / "sub")
    assert [rel for _, rel in found] == ["a.xlsx", "b.xlsx", "out/results.xlsx"]


def test_a_very_long_bidder_name_is_shortened_on_the_terminal_only(folder, tmp_path):
    from dataclasses import replace

    from svscore.batch.demo import fill_bid_return
    returns = tmp_path / "returns"
    returns.mkdir()
    name = "Long Name " * 3000  # 30,000 characters: under Excel's 32,767 per cell
    (returns / "long.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, replace(GOOD[0], bidder=name)))
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) < 400
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["lots"][0]["bids"][0]["bidder"] == name.strip()
    assert load_workbook(tmp_path / "out" / "results.xlsx")["Results"]["D3"].value == name.strip()


def test_text_that_would_drive_the_terminal_is_shown_escaped(folder, tmp_path):
    from dataclasses import replace

    from svscore.batch.demo import fill_bid_return
    returns = tmp_path / "returns"
    returns.mkdir()
    # Excel keeps a control character in a cell as _x001B_; readers (calamine too) turn it back into ESC.
    name = "_x001B_[2J_x001B_]0;pwned_x0007_Acme \u202eLtd"
    (returns / "acme.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, replace(GOOD[0], bidder=name)))
    (returns / "evil\x1b[31m.txt").write_text("not a bid")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\u202e" not in r.stdout
    assert "\\x1b[2J\\x1b]0;pwned\\x07Acme \\u202eLtd" in r.stdout
    assert "skipped evil\\x1b[31m.txt" in r.stdout
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["lots"][0]["bids"][0]["bidder"] == "\x1b[2J\x1b]0;pwned\x07Acme \u202eLtd"  # the outputs keep it whole


def test_a_bidder_name_with_line_breaks_cannot_add_lines_to_the_summary(folder, tmp_path):
    """A name holding a line break would print a line of the bidder's choosing among the officer's
    results (a forged first place); it is shown on one line, with the breaks as escapes."""
    from dataclasses import replace

    from svscore.batch.demo import fill_bid_return
    returns = tmp_path / "returns"
    returns.mkdir()
    name = "Acme Ltd\n  1. Forged Ltd  99.00\u2028(trading)"
    (returns / "acme.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, replace(GOOD[0], bidder=name)))
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert not any(line.lstrip().startswith("1. Forged") for line in r.stdout.splitlines()), r.stdout
    assert "Acme Ltd\\x0a  1. Forged Ltd  99.00\\u2028(trading)" in r.stdout
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["lots"][0]["bids"][0]["bidder"] == name  # the outputs keep it whole


def test_a_returns_folder_with_no_workbooks_says_so(folder, tmp_path):
    returns = tmp_path / "returns"
    (returns / "sub").mkdir(parents=True)
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "sub" / "a.xlsx")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "No bid return workbooks (.xlsx, .xlsm) were found in the returns folder: they may be in its sub-folders " \
           "(use --recursive)." in r.stdout
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert doc["files"] == [] and any(p["location"] == "returns" and p["severity"] == "warning" for p in doc["problems"])


def test_files_often_found_among_bids_are_skipped_with_advice(tmp_path):
    from svscore.batch.run import discover
    returns = tmp_path / "returns"
    returns.mkdir()
    for name in ("all-bids.zip", "old.xls", "binary.XLSB", "calc.ods", "prices.csv", "readme"):
        (returns / name).write_bytes(b"x")
    found, skipped = discover(returns, False)
    reasons = dict(skipped)
    assert found == []
    assert reasons["all-bids.zip"].startswith("a zip archive") and "extract it" in reasons["all-bids.zip"]
    assert "ask the bidder for the .xlsx" in reasons["old.xls"]
    assert "save it as .xlsx" in reasons["binary.XLSB"] and "save it as .xlsx" in reasons["calc.ods"]
    assert reasons["prices.csv"] == "a CSV file, not a bid return workbook"
    assert reasons["readme"] == "not an Excel workbook (no extension)"


def test_the_batch_command_keeps_numpy_out_of_openpyxl_and_importable(folder, tmp_path):
    pytest.importorskip("numpy")  # installed with pandas
    code = ("import sys; sys.argv[0] = 'svscore'; from svscore.cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "import openpyxl.compat.numbers as n; print('numpy probed:', n.NUMPY, 'loaded:', 'numpy' in sys.modules)\n"
            "import numpy; print('importable:', numpy.__name__)")
    r = subprocess.run([sys.executable, "-c", code, "batch", str(folder["tender"]), str(folder["returns"]),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert "numpy probed: False loaded: False" in r.stdout and "importable: numpy" in r.stdout, r.stdout + r.stderr


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_skipped_not_read(folder, tmp_path):
    """Opening a pipe named like a bid would wait for a writer until the time limit stopped it."""
    import os
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    os.mkfifo(returns / "pipe.xlsx")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert [f["name"] for f in doc["files"]] == ["a.xlsx"]
    assert {s["name"]: s["reason"] for s in doc["skipped"]} == {"pipe.xlsx": "not a regular file (a pipe, device or socket): not read"}


def test_a_tender_with_lots_is_scored_lot_by_lot(tmp_path):
    """Each lot has its own template, score sheet and ranking; one bidder bidding for both lots is
    not a duplicate, and its two explanation sheets say which lot each is."""
    import copy

    from svscore.batch.demo import fill_bid_return, fill_score_sheets
    from svscore.model.loading import load_tender
    from tests.conftest import EXAMPLES

    doc = json.loads((EXAMPLES / "council-home-care.json").read_text())
    criteria = doc.pop("criteria")
    doc["lots"] = [{"id": "1", "title": "North", "criteria": criteria}, {"id": "2", "title": "South", "criteria": copy.deepcopy(criteria)}]
    (tmp_path / "tender.json").write_text(json.dumps(doc))
    shutil.copy(EXAMPLES / "measures-illustrative.json", tmp_path / "measures-illustrative.json")
    tender = load_tender(tmp_path / "tender.json")
    (tmp_path / "returns").mkdir()
    (tmp_path / "scores").mkdir()
    both, only_north = GOOD[:2], GOOD[2:]
    for lot, bids in ((0, both + only_north), (1, both)):
        for b in bids:
            (tmp_path / "returns" / f"lot{lot + 1}-{b.bidder_id}.xlsx").write_bytes(fill_bid_return(tender, lot, MEASURES, b))
        (tmp_path / "scores" / f"lot{lot + 1}.xlsx").write_bytes(fill_score_sheets(tender, lot, MEASURES, bids, EVALUATORS))
    r = run_cli("batch", str(tmp_path / "tender.json"), str(tmp_path / "returns"), "--scores", str(tmp_path / "scores"),
                "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {f["status"] for f in result["files"]} == {"scored"} and len(result["files"]) == 6
    lots = {lot["lot"]: lot for lot in result["lots"]}
    assert {b["bidder"] for b in lots["1"]["bids"]} == {b.bidder for b in GOOD}
    assert {b["bidder"] for b in lots["2"]["bids"]} == {b.bidder for b in both}
    assert all(b["status"] == "ranked" for b in lots["2"]["bids"])  # scored from lot 2's own score sheet
    wb = load_workbook(tmp_path / "out" / "results.xlsx", read_only=True)
    for b in both:
        for lot in ("1", "2"):
            name = f"L{lot} {b.bidder}"[:28].strip()
            assert name in wb.sheetnames, wb.sheetnames
            facts = {row[0]: row[1] for row in wb[name].iter_rows(min_row=2, max_row=7, max_col=2, values_only=True)}
            assert facts["Lot"] == lot


def test_file_names_that_are_not_utf8_or_hold_line_breaks_are_labelled_and_verified(folder, tmp_path):
    """A bid extracted from a portal's zip on Linux may keep its Windows name's bytes (Café in
    cp1252 is not UTF-8). Such names used to stop the batch at results.json; now every output
    shows them with escapes, and verify finds the files by the same labels."""
    import os
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", os.fsdecode(bytes(returns) + b"/Caf\xe9 Ltd.xlsx"))
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "two\nlines.xlsx")
    (returns / "bad\x1b[31m.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "o"
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "bad\\x1b[31m.xlsx: the file is damaged" in r.stdout + r.stderr  # one line, nothing acting on the terminal
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in doc["files"]] == ["Caf\\xe9 Ltd.xlsx", "bad\\x1b[31m.xlsx", "two\\x0alines.xlsx"]
    assert [f["status"] for f in doc["files"]] == ["scored", "rejected", "scored"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"returns/Caf\\xe9 Ltd.xlsx", "returns/two\\x0alines.xlsx"} <= {i["name"] for i in manifest["inputs"]}
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(out / "results.xlsx"))
    cells = {v for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row}
    assert "bad\\x1b[31m.xlsx" in cells  # the Problems sheet
    v = run_cli("verify", str(out), "--returns", str(returns), "--scores", str(folder["scores"]), "--tender", str(folder["tender"]))
    assert v.returncode == 0, v.stdout + v.stderr
    Path(os.fsdecode(bytes(returns) + b"/Caf\xe9 Ltd.xlsx")).write_bytes(b"changed")
    v = run_cli("verify", str(out), "--returns", str(returns))
    assert v.returncode == 1 and "Caf\\xe9 Ltd.xlsx: changed since the run" in v.stderr + v.stdout


def test_an_output_folder_whose_name_is_not_utf8_is_shown_with_escapes(folder, tmp_path):
    """The terminal's "Results:" line names the outputs as every output names files: bytes that
    are not UTF-8 shown as escapes (it used to print them as Python's \\udce9 stand-ins)."""
    import os
    out = os.fsdecode(bytes(tmp_path) + b"/out\xe9")
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--out", out)
    assert r.returncode == 1, r.stdout + r.stderr
    shown = next(line for line in r.stdout.splitlines() if line.startswith("Results: "))
    assert "out\\xe9/results.xlsx" in shown and "udce9" not in shown, shown
    assert Path(out, "results.xlsx").is_file()


def test_two_names_that_show_alike_are_not_both_read(folder, tmp_path):
    import os
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", os.fsdecode(bytes(returns) + b"/a\xe9.xlsx"))
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "a\\xe9.xlsx")  # the label, typed as a name
    run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "o"))
    doc = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in doc["files"]] == ["a\\xe9.xlsx"]
    assert next(s["reason"] for s in doc["skipped"]).startswith("a second file whose name shows as a\\xe9.xlsx")


def test_a_plain_batch_holds_no_bid_model_once_it_is_prepared(folder, tmp_path, monkeypatch):
    # A batch holds every prepared bid until the competition is scored: of each, only who bid (not
    # the bid model, with its scores and commitments), unless the run keeps its bids for an award.
    # Either way the results are the same, and the files' Cover cells are held once, not a copy each.
    from svscore.batch.run import BatchOptions, run_batch
    from svscore.model.bids import Bid
    from svscore.scoring import engine
    from svscore.scoring.work import Bidder

    finished: list[list] = []
    original = engine.TenderScorer.finish

    def spy(self, prepared):
        finished.append([p.work.bid for p in prepared if isinstance(p, engine.Prepared)])
        return original(self, prepared)
    monkeypatch.setattr(engine.TenderScorer, "finish", spy)
    plain = run_batch(folder["tender"], folder["returns"], tmp_path / "a", scores_dir=folder["scores"], options=BatchOptions(jobs=1))
    kept = run_batch(folder["tender"], folder["returns"], tmp_path / "b", scores_dir=folder["scores"],
                     options=BatchOptions(jobs=1, keep_bids=True))
    assert len(finished[0]) == len(SCORED) and all(type(b) is Bidder for b in finished[0])
    assert all(type(b) is Bid for b in finished[1]) and kept.bids == finished[1] and plain.bids == []
    assert plain.result == kept.result
    cells = [f.cover_cells for f in plain.files if f.cover_cells]
    assert len(cells) >= len(SCORED) and all(c is cells[0] for c in cells)
    # The evaluators' pass/fail results, the same for every bid here, are held once, not once a bid.
    from svscore.model.tender import CriterionKind
    passed = [c.evaluator_scores for b in plain.result.lots[0].bids for c in b.criteria if c.kind is CriterionKind.PASS_FAIL]
    assert len(passed) >= len(SCORED) and passed[0] and all(e is passed[0] for e in passed)
