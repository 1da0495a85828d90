"""svscore batch over a real folder of returned workbooks, good and hostile."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.batch.demo import EVALUATORS
from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, lot_specs
from svscore.excel.libreoffice import convert
from tests.batch.conftest import GOOD, MEASURES, SCORED, TENDER, rezip, triples
from tests.conftest import run_cli


def file_report(doc, name):
    return next(f for f in doc["files"] if f["name"] == name)


def messages(doc, name):
    return " | ".join(p["message"] for p in file_report(doc, name)["problems"])


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


def test_rerun_gives_identical_bytes_and_manifest_verifies(batch_run, folder):
    _, out, _ = batch_run
    again = folder["root"] / "out-again"
    run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(folder["scores"]), "--out", str(again))
    for name in ("results.xlsx", "results.csv", "results.json", "manifest.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    r = run_cli("verify", str(out), "--returns", str(folder["returns"]), "--scores", str(folder["scores"]), "--tender", str(folder["tender"]))
    assert r.returncode == 0 and "matches its manifest" in r.stdout, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    names = {i["name"] for i in manifest["inputs"]}
    assert {"returns/corrupt.xlsx", "scores/score-sheets.xlsx", "council-home-care.json", "measures-illustrative.json"} <= names
    assert manifest["thresholds_table"]["sha256"]


def test_verify_detects_a_changed_output(batch_run, tmp_path):
    _, out, _ = batch_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "results.csv").write_text("changed")
    r = run_cli("verify", str(copy))
    assert r.returncode == 1 and "results.csv: changed since the run" in r.stderr


def test_verify_finds_every_input_changed_or_added_since_the_run(batch_run, folder, tmp_path):
    """Proving later what was scored means the folders hold exactly what was read: nothing changed,
    nothing missing, nothing added."""
    _, out, _ = batch_run
    returns, scores = tmp_path / "returns", tmp_path / "scores"
    shutil.copytree(folder["returns"], returns)
    shutil.copytree(folder["scores"], scores)
    shutil.copy(folder["tender"], tmp_path / "council-home-care.json")
    shutil.copy(folder["root"] / "measures-illustrative.json", tmp_path / "measures-illustrative.json")
    shutil.copy(returns / "good-09876543.xlsx", returns / "late-addition.xlsx")
    (returns / "~$late-addition.xlsx").write_bytes(b"lock")  # skipped by the run, as it would be again: not reported
    (returns / "corrupt.xlsx").unlink()
    shutil.copy(scores / "score-sheets.xlsx", scores / "second-thoughts.xlsx")
    with (tmp_path / "measures-illustrative.json").open("a") as fh:
        fh.write(" ")
    r = run_cli("verify", str(out), "--returns", str(returns), "--scores", str(scores), "--tender", str(tmp_path / "council-home-care.json"))
    assert r.returncode == 1
    assert sorted(r.stderr.splitlines()) == sorted([
        f"{returns / 'corrupt.xlsx'}: missing",
        f"{returns / 'late-addition.xlsx'}: not in the manifest: added since the run, which did not read it",
        f"{scores / 'second-thoughts.xlsx'}: not in the manifest: added since the run, which did not read it",
        f"{tmp_path / 'measures-illustrative.json'}: changed since the run (SHA-256 differs)",
    ])
    assert "does NOT match its manifest (4 problem(s))" in r.stdout


def test_verify_with_another_tender_file_says_so(batch_run, folder, tmp_path):
    _, out, _ = batch_run
    other = tmp_path / "another-tender.json"
    shutil.copy(folder["tender"], other)
    r = run_cli("verify", str(out), "--tender", str(other))
    assert r.returncode == 1
    assert f"{other}: not the tender of this run (the manifest lists no input of that name)" in r.stderr


def test_verify_says_a_manifest_it_cannot_use_is_unreadable(batch_run, tmp_path):
    """A hand-edited manifest (an entry without its hash) is a clear message, not a traceback."""
    _, out, _ = batch_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["inputs"][0]["sha256"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    r = run_cli("verify", str(copy))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "manifest.json: cannot be read (its inputs are not a list of files with a name and a SHA-256)" in r.stderr


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


def test_libreoffice_saved_return_reads_the_same(tmp_path, libreoffice):
    original = tmp_path / "bid.xlsx"
    from svscore.batch.demo import fill_bid_return
    original.write_bytes(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    [saved] = convert([original], tmp_path / "lo")
    specs = {1: lot_specs(TENDER, MEASURES)}
    a = inspect_file(original, "bid.xlsx", specs, Limits())
    b = inspect_file(saved, "bid.xlsx", specs, Limits())
    assert a.ok and b.ok, b.problems
    assert a.bid == b.bid
    assert [p for p in b.problems if p.severity == "error"] == []


def huge_workbook(path: Path, rows: int = 150_000) -> Path:
    """A valid workbook with one very large sheet (hostile by size, not by structure)."""
    import zipfile
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r * 7 + i}</v></c>' for i, c in enumerate("ABCDEFGHIJ")) + "</row>"
                   for r in range(1, rows + 1))
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
                   f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
                   + body + "</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> Path:
    return huge_workbook(tmp_path_factory.mktemp("huge") / "huge.xlsx")


def _good(tmp_path: Path) -> Path:
    from svscore.batch.demo import fill_bid_return
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    return good


def test_a_slow_file_is_stopped_and_the_batch_goes_on(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    results = inspect_all([(huge, "huge.xlsx"), (_good(tmp_path), "good.xlsx")], {1: lot_specs(TENDER, MEASURES)},
                          Limits(seconds=0.3, max_ratio=10_000), jobs=2)
    assert "took longer than 0.3 seconds" in results[0].problems[0].message
    assert results[1].ok


def test_results_still_in_the_pipe_of_a_finished_worker_are_kept(tmp_path):
    # The parent is slower than the workers: they finish and exit while their results wait to be read.
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(24)], {1: lot_specs(TENDER, MEASURES)}, Limits(), 2)
    results = pool.collect(lambda index, result: time.sleep(0.05))
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(24)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


def test_workers_started_before_the_tender_is_loaded_hold_files_until_told_what_to_check(tmp_path):
    # More files than a worker may hold: it parses a few, then waits for the specs.
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    n = 20
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], None, Limits(), 1, waiting_bytes=3 * good.stat().st_size)
    time.sleep(0.5)
    pool.give_specs({1: lot_specs(TENDER, MEASURES)})
    results = pool.collect()
    assert len(results) == n and all(r.ok for r in results), [r.problems for r in results if not r.ok][:1]
    assert results[0].bid == inspect_file(good, "bid-0.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits()).bid


def test_a_stalled_file_is_blamed_even_when_its_worker_held_files_read_before_it(tmp_path, huge):
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    files = [(good, "a.xlsx"), (good, "b.xlsx"), (huge, "huge.xlsx"), (good, "c.xlsx")]
    pool = InspectionPool(files, None, Limits(seconds=0.3, max_ratio=10_000), 1)
    time.sleep(0.2)  # a.xlsx and b.xlsx are parsed and held; the worker is inside huge.xlsx
    pool.give_specs({1: lot_specs(TENDER, MEASURES)})
    results = pool.collect()
    assert [r.name for r in results] == ["a.xlsx", "b.xlsx", "huge.xlsx", "c.xlsx"]
    assert "took longer than 0.3 seconds" in results[2].problems[0].message
    assert results[0].ok and results[1].ok and results[3].ok


def _read_by_pid(monkeypatch, slow: set[int], seconds: float = 0.05):
    """Workers (forked) note which process read each file; the files in ``slow`` take ``seconds`` more."""
    import os
    import time

    import svscore.batch.pool as pool_module
    from svscore.errors import Severity
    start_reading = pool_module.start_reading

    def reading(path, name, limits):
        if int(name.split("-")[1].split(".")[0]) in slow:
            time.sleep(seconds)
        opened = start_reading(path, name, limits)
        opened.result.add(Severity.NOTE, name, f"read by {os.getpid()}")
        return opened
    monkeypatch.setattr(pool_module, "start_reading", reading)


def _reader(result) -> str:
    return next(m for _, _, m in triples(result.problems) if m.startswith("read by "))


def test_files_kept_back_go_to_the_worker_that_finishes_first(tmp_path, monkeypatch):
    """The last eighth of the files is handed out to whichever worker runs out first: here the
    worker given the even files is slowed down, so the other reads every file kept back."""
    from svscore.batch.pool import KEPT_BACK, InspectionPool
    good = _good(tmp_path)
    n = 32
    _read_by_pid(monkeypatch, slow=set(range(0, n, 2)))
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], {1: lot_specs(TENDER, MEASURES)}, Limits(), 2)
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(n)] and all(r.ok for r in results)
    kept = range(n - n // KEPT_BACK, n)
    fast = _reader(results[1])
    assert {_reader(results[i]) for i in kept} == {fast} != {_reader(results[0])}


def test_a_worker_that_stops_while_waiting_for_more_files_is_replaced_and_nothing_blamed(tmp_path):
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    n = 32
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], {1: lot_specs(TENDER, MEASURES)}, Limits(), 1)
    time.sleep(1.5)  # nothing is read meanwhile (the parent is busy): the worker reads its share and waits for more
    pool.slots[0].proc.kill()  # as the system might stop it
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(n)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


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


def test_files_queued_behind_a_slow_file_go_to_a_fresh_worker(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    good = _good(tmp_path)
    results = inspect_all([(huge, "huge.xlsx"), (good, "second.xlsx"), (good, "third.xlsx")],
                          {1: lot_specs(TENDER, MEASURES)}, Limits(seconds=0.3, max_ratio=10_000), jobs=1)
    assert [r.name for r in results] == ["huge.xlsx", "second.xlsx", "third.xlsx"]
    assert "took longer than 0.3 seconds" in results[0].problems[0].message
    assert results[1].ok and results[2].ok


def test_a_file_over_the_memory_budget_is_stopped_and_the_batch_goes_on(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    results = inspect_all([(huge, "huge.xlsx"), (_good(tmp_path), "good.xlsx")], {1: lot_specs(TENDER, MEASURES)},
                          Limits(seconds=60, memory_mb=64, max_ratio=10_000), jobs=1)
    message = results[0].problems[0].message
    assert "needed more than the 64 MB allowed" in message or "needed more than 64 MB" in message, message
    assert results[1].ok


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


def _two_bids(folder, tmp_path) -> Path:
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "b.xlsx")
    return returns


def test_late_bids_from_received_csv_and_accept_late(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    (returns / "received.csv").write_text("file,received_at\na.xlsx,17/04/2026 11:59:59\nb.xlsx,2026-04-17 12:01\n")  # UK and ISO forms
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o1"))
    doc = json.loads((tmp_path / "o1" / "results.json").read_text())
    assert {f["name"]: f["status"] for f in doc["files"]} == {"a.xlsx": "scored", "b.xlsx": "excluded"}
    assert "late: received 2026-04-17T12:01:00+01:00" in messages(doc, "b.xlsx")  # no offset given: UK time (BST)
    assert messages(doc, "a.xlsx") == "" and not [p for p in doc["problems"] if p["location"].startswith("received.csv")]
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o2"), "--accept-late")
    doc = json.loads((tmp_path / "o2" / "results.json").read_text())
    assert file_report(doc, "b.xlsx")["status"] == "scored" and "accepted with --accept-late" in messages(doc, "b.xlsx")


def test_a_malformed_received_csv_is_reported(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    (returns / "received.csv").write_text("file,received_at\na.xlsx,yesterday\n")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {"severity": "error", "location": "received.csv line 2",
            "message": "needs the columns file,received_at with a date and time (2026-04-17T12:01:00+01:00, or 17/04/2026 12:01 "
                       "in UK time)"} in doc["problems"]
    assert "whether it was late was not checked" in messages(doc, "b.xlsx")
    assert r.returncode == 1  # the files were all scored, but received.csv needs correcting


def test_a_score_without_justification_is_not_used(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    scores = tmp_path / "scores"
    scores.mkdir()
    wb = load_workbook(folder["scores"] / "score-sheets.xlsx")
    wb["Evaluator B"]["E4"].value = None  # Evaluator B's justification for bidder 1 on Q1
    wb.save(scores / "score-sheets.xlsx")
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(scores), "--out", str(tmp_path / "o"))
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    problem = next(p for p in doc["problems"] if p["location"] == "score-sheets.xlsx › Evaluator B!E4")
    assert problem["message"] == "Evaluator B's score for Northfield Care Ltd on Q1 has no justification: the score is not used"
    northfield = next(b for b in doc["lots"][0]["bids"] if b["bidder"] == "Northfield Care Ltd")
    assert northfield["status"] == "incomplete"
    assert northfield["reasons"] == ["Missing: Q1 (Service delivery and mobilisation) scores from Evaluator B."]


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


@pytest.mark.parametrize(("typed", "problem"), [
    ("31/12/2026", None),  # a date cell formatted as text keeps what was typed: day first, as in the UK
    ("2026-12-31", None),
    ("31 Dec 2026", None),
    ("12/31/2026", "The date signed must be a date (e.g. 02/03/2026, day/month/year, or 2026-03-02), but is the text '12/31/2026'"),
    ("next tuesday", "The date signed must be a date (e.g. 02/03/2026, day/month/year, or 2026-03-02), but is the text 'next tuesday'"),
])
def test_a_signature_date_typed_as_text(tmp_path, typed, problem):
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT, edit

    cell = LAYOUT.signed_by_cells[2]

    def change(wb):
        wb["Declarations"][cell].value = typed
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    errors = [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"]
    assert errors == ([] if problem is None else [(f"bid.xlsx › Declarations!{cell}", problem)])


@pytest.mark.parametrize(("cell", "value", "number_format", "problem"), [
    ("Pricing!E6", 27.85, "dd/mm/yyyy hh:mm", "The rate for line L2 must be a number, but is shown as the date 27/01/1900 20:24 "
                                             "(the cell is formatted as a date): format the cell as a number (Format Cells, Number) "
                                             "and check the amount"),
    ("Pricing!E6", True, None, "The rate for line L2 must be a number, but is the true/false value TRUE"),
    ("Cover!B6", 3, None, "SME must be Yes or No, but is the number 3"),
])
def test_a_wrong_kind_of_value_is_described_as_excel_shows_it(tmp_path, cell, value, number_format, problem):
    """Messages are for officers: a value is described as Excel shows it, never as Python writes it."""
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import edit

    sheet, addr = cell.split("!")

    def change(wb):
        wb[sheet][addr].value = value
        if number_format:
            wb[sheet][addr].number_format = number_format
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [(f"bid.xlsx › {cell}", problem)]


def test_an_error_value_in_a_social_value_quantity_is_reported_not_dropped(tmp_path):
    """calamine reads a cell holding an error value (#VALUE!) as blank: an optional quantity whose
    formula failed would silently lose the bidder's commitment."""
    import re
    import zipfile

    from svscore.batch.demo import fill_bid_return
    from svscore.excel.cellxml import CellXml as _CellXml
    from svscore.excel.cellxml import sheet_parts as _sheet_parts
    from tests.batch.conftest import LAYOUT, rezip

    addr = LAYOUT.qty_cell(0, 0)
    data = fill_bid_return(TENDER, 0, MEASURES, GOOD[0])
    package = zipfile.ZipFile(io.BytesIO(data))
    part = _sheet_parts(package.read("xl/workbook.xml").decode(), package.read("xl/_rels/workbook.xml.rels").decode())["Social Value"]

    def change(name, body):
        if name != part:
            return body
        return re.sub(rf'<c r="{addr}"([^>]*?) t="n"><v>[^<]*</v></c>', rf'<c r="{addr}"\1 t="e"><v>#VALUE!</v></c>', body.decode()).encode()
    path = tmp_path / "bid.xlsx"
    path.write_bytes(rezip(data, change))
    assert _CellXml(path.read_bytes()).error_cells("Social Value") == {addr: "#VALUE!"}  # found without the offsets too
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    measure = MEASURES.measures[0].id
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        (f"bid.xlsx › Social Value!{addr}", f"The quantity of {measure} in year 1 holds the error value #VALUE!: correct the cell, "
                                            "save the workbook and send it again")]



def _prefixed(xml: str) -> str:
    """A worksheet written as some other programs write it: every element with an ``x:`` prefix,
    the cell's attributes in another order, in single quotes."""
    xml = re.sub(r"<(/?)(?![?!])([A-Za-z]\w*)", r"<\1x:\2", xml)
    xml = xml.replace('x:worksheet xmlns="', 'x:worksheet xmlns:x="', 1)
    return re.sub(r'<x:c r="([A-Z]+\d+)"([^>]*?)(/?)>', lambda m: f"<x:c{m.group(2)} r='{m.group(1)}'{m.group(3)}>", xml)


def test_cells_written_with_a_prefix_and_attributes_in_any_order_are_still_understood(tmp_path):
    """Error values and uncalculated formulas are found in the cells' own XML, however it is spelt."""
    import zipfile

    from svscore.batch.demo import fill_bid_return
    from svscore.excel.cellxml import CellXml as _CellXml
    from svscore.excel.cellxml import sheet_parts as _sheet_parts
    from tests.batch.conftest import LAYOUT, edit, rezip

    qty, rate = LAYOUT.qty_cell(0, 0), LAYOUT.rate_cell(1)

    def change(wb):
        wb["Social Value"][qty].value = "#VALUE!"  # openpyxl writes it as an error cell
        wb["Pricing"][rate].value = "=20*1.25"     # a formula with no calculated value
    data = edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change)
    package = zipfile.ZipFile(io.BytesIO(data))
    workbook, rels = package.read("xl/workbook.xml").decode(), package.read("xl/_rels/workbook.xml.rels").decode()
    parts = {_sheet_parts(workbook, rels)[sheet] for sheet in ("Social Value", "Pricing")}
    assert None not in parts
    path = tmp_path / "bid.xlsx"
    path.write_bytes(rezip(data, lambda name, body: _prefixed(body.decode()).encode() if name in parts else body))
    assert "<x:c " in zipfile.ZipFile(path).read(sorted(parts)[0]).decode()
    assert _CellXml(path.read_bytes()).error_cells("Social Value") == {qty: "#VALUE!"}
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    errors = dict((loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error")
    measure = MEASURES.measures[0].id
    assert errors == {
        f"bid.xlsx › Social Value!{qty}": f"The quantity of {measure} in year 1 holds the error value #VALUE!: correct the cell, "
                                         "save the workbook and send it again",
        f"bid.xlsx › Pricing!{rate}": "The rate for line L2 holds a formula (=20*1.25) with no calculated value: open the file "
                                     "in Excel, let it calculate, save it and send it again"}


def test_received_csv_matches_names_as_windows_and_mac_folders_differ_and_finds_missing_bids(folder, tmp_path):
    import unicodedata
    returns = _two_bids(folder, tmp_path)
    mac = unicodedata.normalize("NFD", "café.xlsx")  # é as e + combining accent, as a Mac folder holds it
    shutil.copyfile(returns / "a.xlsx", returns / mac)
    (returns / "received.csv").write_text(
        "file,received_at\n"
        "A.XLSX,2026-04-17T09:00:00+01:00\n"                  # case differs from a.xlsx
        "b.xlsx,2026-04-17T09:00:00+01:00\n"
        "b.xlsx,2026-04-17T12:30:00+01:00\n"                  # a second receipt: the later time counts
        f"{unicodedata.normalize('NFC', 'café.xlsx')},2026-04-17T09:00:00+01:00\n"
        "sub\\gone.xlsx,2026-04-17T09:30:00+01:00\n",         # received by the portal, not in the folder
        encoding="utf-8")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {f["name"]: f["status"] for f in doc["files"]} == {"a.xlsx": "scored", "b.xlsx": "excluded", mac: "excluded"}
    assert "late: received 2026-04-17T12:30:00+01:00" in messages(doc, "b.xlsx")
    assert "identical copy of a.xlsx" in messages(doc, mac)  # found its receipt time: no "not checked" warning
    assert not any("not checked" in m for m in (messages(doc, "a.xlsx"), messages(doc, mac)))
    assert {"severity": "warning", "location": "received.csv line 4",
            "message": "b.xlsx is listed again (first on line 3): the later receipt time is used"} in doc["problems"]
    assert {"severity": "error", "location": "received.csv line 6",
            "message": "the portal received sub\\gone.xlsx at 2026-04-17T09:30:00+01:00, but no such file is in the returns "
                       "folder: a bid may be missing"} in doc["problems"]
    assert "a bid may be missing" in r.stdout


def test_bidders_are_matched_without_case_or_punctuation_in_any_script():
    from svscore.batch.scores import bidder_key
    assert bidder_key("Acme Care Ltd.") == bidder_key("ACME  CARE LTD") == bidder_key("acme-care ltd")
    assert bidder_key("CE 012345") == bidder_key("ce012345")
    assert bidder_key("Gofal Cymru Cyf") != bidder_key("Gofal Cymru")
    # Before, every letter outside A-Z was dropped: a name in another script, or of symbols, had an
    # empty key, so two such bidders were taken for one (both excluded as duplicates).
    keys = [bidder_key(n) for n in ("Ωmega Ltd", "株式会社テスト", "Café Ltd", "Cafe Ltd", "😀", "🙂")]
    assert len(set(keys)) == len(keys) and all(keys)
    # A company number typed into a cell formatted as a number loses its leading zero.
    assert bidder_key("04567890") == bidder_key("4567890") == bidder_key("0456 7890")
    assert bidder_key("04567890") != bidder_key("45678900") and bidder_key("000") == bidder_key("0")


def test_a_company_number_that_lost_its_leading_zero_still_finds_its_scores(folder, tmp_path):
    """The template's Cover answers are formatted as Text, but a bidder may paste a number over the
    format. The evaluators wrote 04567890; the returned workbook holds the number 4567890."""
    from tests.batch.conftest import edit
    returns = tmp_path / "returns"
    returns.mkdir()
    castle = next(b for b in GOOD if b.bidder_id == "04567890")
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT
    cell = LAYOUT.cover_cell("bidder_id")
    (returns / "castle.xlsx").write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, castle),
                                               lambda wb: setattr(wb["Cover"][cell], "value", 4567890)))
    out = tmp_path / "out"
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(out))
    doc = json.loads((out / "results.json").read_text())
    [bid] = doc["lots"][0]["bids"]
    assert bid["bidder_id"] == "4567890" and bid["status"] == "ranked", r.stdout + r.stderr


def test_answers_that_are_text_are_formatted_as_text_in_every_template():
    """Excel keeps what is typed into a Text cell as typed: 04567890 stays 04567890."""
    from svscore.excel.bid_return import COVER, build_bid_return
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.score_sheets import build_score_sheets
    from tests.batch.conftest import LAYOUT
    cover = build_bid_return(TENDER, 0, MEASURES)["Cover"]
    assert {key: cover[LAYOUT.cover_cell(key)].number_format for key, *_ in COVER} == {
        key: "@" if kind == "text" else "General" for key, _, _, kind in COVER}
    bidders = build_score_sheets(TENDER, 0, MEASURES, 5, ["A", "B"])["Bidders"]
    assert bidders["A3"].number_format == bidders["B7"].number_format == "@"
    bidders = build_evaluation(TENDER, 0, MEASURES)["Bidders"]
    assert bidders["A3"].number_format == bidders["B3"].number_format == "@" and bidders["C3"].number_format == "General"


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


def test_workers_started_by_spawn_as_on_windows_read_the_same(tmp_path):
    """Windows has no fork: workers are fresh interpreters, given their files, limits and pipes by pickling."""
    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    files = [(good, "a.xlsx"), (folder_file := tmp_path / "broken.xlsx", "broken.xlsx"), (good, "b.xlsx")]
    folder_file.write_bytes(b"not a zip")
    specs = {1: lot_specs(TENDER, MEASURES)}
    pool = InspectionPool(files, None, Limits(), 2, start_method="spawn")
    pool.give_specs(specs)  # given after the start, through the pipe, as the batch does
    spawned = pool.collect()
    forked = InspectionPool(files, specs, Limits(), 2, start_method="fork").collect()
    assert [(r.name, r.ok, r.bid, r.problems) for r in spawned] == [(r.name, r.ok, r.bid, r.problems) for r in forked]
    assert spawned[0].ok and not spawned[1].ok


def test_python_m_svscore_does_not_run_again_in_a_spawned_worker():
    """A spawned worker imports the parent's main module as __mp_main__: `python -m svscore batch`
    would otherwise start the command again in every worker on Windows."""
    r = subprocess.run([sys.executable, "-c", "import runpy; runpy.run_module('svscore.__main__', run_name='__mp_main__'); print('imported')"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "imported\n", r.stdout + r.stderr


def test_the_whole_batch_with_spawned_workers_gives_the_same_bytes(batch_run, folder):
    """Every hostile file of the test folder, read by workers started as on Windows."""
    _, out, _ = batch_run
    spawned = folder["root"] / "out-spawn"
    code = ("import sys, svscore.batch.pool as pool; pool.START_METHOD = 'spawn'; from svscore.cli.main import main; "
            "sys.argv[0] = 'svscore'; main()")
    r = subprocess.run([sys.executable, "-c", code, "batch", str(folder["tender"]), str(folder["returns"]), "--scores",
                        str(folder["scores"]), "--out", str(spawned)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr  # some files failed, as with fork
    for name in ("results.xlsx", "results.csv", "results.json", "manifest.json"):
        assert (out / name).read_bytes() == (spawned / name).read_bytes(), name


def test_a_system_that_refuses_the_memory_limit_still_reads(tmp_path, monkeypatch):
    """macOS may refuse RLIMIT_AS: the workers must read without it, not die on every file."""
    import resource

    from svscore.batch.pool import inspect_all

    def refuse(*args):
        raise ValueError("current limit exceeds maximum limit")
    monkeypatch.setattr(resource, "setrlimit", refuse)  # the forked workers inherit it
    good = _good(tmp_path)
    results = inspect_all([(good, "a.xlsx"), (good, "b.xlsx")], {1: lot_specs(TENDER, MEASURES)}, Limits(), jobs=2)
    assert [r.ok for r in results] == [True, True], [r.problems for r in results]


def test_a_received_csv_saved_by_excel_on_windows_is_read(folder, tmp_path):
    """Excel's "CSV" on Windows is in the Windows code page, not UTF-8."""
    returns = _two_bids(folder, tmp_path)
    (returns / "a.xlsx").rename(returns / "café.xlsx")
    (returns / "received.csv").write_bytes("file,received_at\ncafé.xlsx,2026-04-17T09:00:00+01:00\n"
                                           "b.xlsx,2026-04-17T09:00:00+01:00\n".encode("cp1252"))
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr + r.stdout
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {"severity": "note", "location": "received.csv", "message": "not UTF-8: read as Windows text (cp1252)"} in doc["problems"]
    assert "not checked" not in messages(doc, "café.xlsx")  # its receipt time was found


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


def test_received_csv_listing_file_names_alone_matches_files_in_sub_folders(folder, tmp_path):
    """With --recursive, a portal that lists only file names still gives each bid its time,
    unless two files share the name (then neither is guessed)."""
    returns = tmp_path / "returns"
    for sub in ("lot-a", "lot-b"):
        (returns / sub).mkdir(parents=True)
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "lot-a" / "north.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "lot-b" / "same.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "lot-a" / "same.xlsx")
    (returns / "received.csv").write_text("file,received_at\nnorth.xlsx,2026-04-17T12:30:00+01:00\n"
                                          "same.xlsx,2026-04-17T09:00:00+01:00\n")
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"), "--recursive")
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert "late: received 2026-04-17T12:30:00+01:00" in messages(doc, "lot-a/north.xlsx")
    assert "whether it was late was not checked" in messages(doc, "lot-b/same.xlsx")  # two files named same.xlsx
    assert [p for p in doc["problems"] if p["location"].startswith("received.csv")] == [
        {"severity": "warning", "location": "received.csv line 3",
         "message": "same.xlsx could be any of lot-a/same.xlsx, lot-b/same.xlsx: their receipt times were not matched "
                    "(list the files with their folders)"}]


@pytest.mark.parametrize("second", ["xl/worksheets/sheet2.xml", "XL/Worksheets/Sheet2.xml"])
def test_a_package_holding_two_parts_of_one_name_is_refused(tmp_path, second):
    """calamine reads the last copy of a part; another program may show the first. The bidder
    name in the second copy differs, so reading either one would be a guess."""
    import warnings
    import zipfile
    warnings.simplefilter("ignore", UserWarning)  # zipfile warns when writing the second copy: that is the point
    good = _good(tmp_path).read_bytes()
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, body)
            if info.filename == "xl/worksheets/sheet2.xml":  # the Cover sheet
                assert GOOD[0].bidder.encode() in body
                dst.writestr(second, body.replace(GOOD[0].bidder.encode(), b"Someone Else Ltd"))
    path = tmp_path / "two-copies.xlsx"
    path.write_bytes(out.getvalue())
    result = inspect_file(path, path.name, {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert not result.ok and result.bid is None
    assert triples(result.problems) == [("error", "two-copies.xlsx", "the package holds two parts named "
                                + ("xl/worksheets/sheet2.xml" if second.islower() else f"xl/worksheets/sheet2.xml and {second}")
                                + ": a damaged or altered file, which programs may read differently; not opened "
                                  "(ask the bidder to save the workbook again in Excel and send it again)")]


def test_an_empty_file_is_told_apart_from_a_damaged_one(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    result = inspect_file(path, path.name, {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert triples(result.problems) == [("error", "empty.xlsx", "the file is empty (0 bytes): it may not have finished downloading "
                                                       "or copying; ask for it again")]


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


def test_score_sheets_that_cannot_be_used_say_why(folder, tmp_path):
    """Councils' IT may encrypt files; an evaluator may drop a bid return among the score sheets."""
    import io

    from msoffcrypto.format.ooxml import OOXMLFile

    scores = tmp_path / "scores"
    scores.mkdir()
    sheet = (folder["scores"] / "score-sheets.xlsx").read_bytes()
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(sheet)).encrypt("secret", locked)
    (scores / "locked.xlsx").write_bytes(locked.getvalue())
    (scores / "empty.xlsx").write_bytes(b"")
    (scores / "cut.xlsx").write_bytes(sheet[:2000])
    (scores / "bomb.xlsx").write_bytes((folder["returns"] / "zip-bomb.xlsx").read_bytes())  # checked as returned bids are
    shutil.copy(folder["returns"] / "good-09876543.xlsx", scores / "a-bid.xlsx")
    with (scores / "huge.xlsx").open("wb") as fh:  # sparse; the parent reads no more of it than the limit
        fh.truncate(200 * 1024 * 1024)
    out = tmp_path / "out"
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(scores), "--out", str(out))
    assert r.returncode == 1
    problems = {p["location"]: p["message"] for p in json.loads((out / "results.json").read_text())["problems"] if p["location"] not in ("scores", "measures")}
    bomb = problems.pop("bomb.xlsx")  # the ratio depends on the zlib that made the file
    assert bomb.startswith("not read: part xl/worksheets/sheet1.xml is compressed ") and bomb.endswith(":1: not opened (possible zip bomb)")
    assert problems == {
        "locked.xlsx": "not read: the workbook is password-protected (encrypted): save a copy without a password",
        "empty.xlsx": "not read: the file is empty (0 bytes): it may not have finished downloading or copying; copy it again",
        "cut.xlsx": "not read: the file is damaged or not an Excel workbook (it is not a valid .xlsx zip package)",
        "a-bid.xlsx": "not a score sheets workbook: this is a bid return workbook (bidders fill it in; it belongs in the "
                      "returns folder)",
        "huge.xlsx": "not read: the file is larger than the 25 MB allowed for a workbook: not opened",
    }


def test_another_svscore_workbook_among_the_returns_says_what_it_is(folder, tmp_path):
    path = tmp_path / "scores.xlsx"
    shutil.copy(folder["scores"] / "score-sheets.xlsx", path)
    result = inspect_file(path, path.name, {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert triples(result.problems) == [("error", "scores.xlsx", "not a bid return workbook: this is an evaluators' score sheets workbook "
                                                        "(give its folder as --scores)")]


def test_a_cell_far_outside_the_form_is_named_and_the_file_still_hashed(folder, tmp_path):
    """A value in XFD1048576 makes the reader try to hold 17 thousand million cells: the worker stops
    at its memory budget. The report names the sheet and cell, and the manifest still holds the
    file's hash, so the run can be verified later."""
    from tests.batch.conftest import edit

    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "good.xlsx")
    (returns / "far.xlsx").write_bytes(edit((folder["returns"] / "good-CE012345.xlsx").read_bytes(),
                                            lambda wb: setattr(wb["Quality"]["XFD1048576"], "value", "x")))
    out = tmp_path / "out"
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(out), "--memory-mb", "512")
    assert r.returncode == 1
    doc = json.loads((out / "results.json").read_text())
    assert [p["location"] for p in file_report(doc, "far.xlsx")["problems"]] == ["far.xlsx › Quality!XFD1048576"]
    assert ("the reader stopped on this file (it crashed or needed more than 512 MB); the likely cause: sheet 'Quality' is marked "
            "as used as far as cell XFD1048576 (1,048,576 rows × 16,384 columns)") in messages(doc, "far.xlsx")
    import hashlib
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(i for i in manifest["inputs"] if i["name"] == "returns/far.xlsx")
    assert entry["sha256"] == hashlib.sha256((returns / "far.xlsx").read_bytes()).hexdigest()
    assert run_cli("verify", str(out), "--returns", str(returns)).returncode == 0


def test_the_far_cell_diagnosis_names_the_sheet_and_its_last_cell(folder, tmp_path):
    from svscore.batch.stopped import why_stopped
    from tests.batch.conftest import edit

    good = folder["returns"] / "good-09876543.xlsx"
    assert why_stopped(good, Limits()) is None
    styled = tmp_path / "styled.xlsx"
    styled.write_bytes(edit(good.read_bytes(), lambda wb: setattr(wb["Pricing"]["AZ300000"], "value", 1)))
    sheet, cell, _ = why_stopped(styled, Limits())
    assert (sheet, cell) == ("Pricing", "AZ300000")
    # A package whose dimension is missing or understated: the cells themselves are looked at.
    for dimension, method in ((b'<dimension ref="A1:B2"/>', zipfile.ZIP_DEFLATED), (b"", zipfile.ZIP_STORED)):
        lying = tmp_path / "lying.xlsx"
        lying.write_bytes(rezip(styled.read_bytes(), lambda name, body, d=dimension: re.sub(rb"<dimension [^>]*/>", d, body),
                                {n: method for n in zipfile.ZipFile(styled).namelist()}))
        sheet, cell, text = why_stopped(lying, Limits())
        assert (sheet, cell) == ("Pricing", "AZ300000")
        assert text.startswith("the likely cause: sheet 'Pricing' holds a cell as far out as AZ300000 (300,000 rows × 52 columns)")
    assert why_stopped(tmp_path / "missing.xlsx", Limits()) is None


def test_a_file_that_runs_out_of_memory_after_opening_keeps_its_hash(tmp_path, monkeypatch):
    """Every input's SHA-256 goes into the manifest, however its reading ended."""
    import hashlib

    import svscore.batch.pool as pool

    def out_of_memory(*args):
        raise MemoryError
    monkeypatch.setattr(pool, "finish_reading", out_of_memory)  # the forked workers inherit it
    good = _good(tmp_path)
    [result] = pool.inspect_all([(good, "a.xlsx")], {1: lot_specs(TENDER, MEASURES)}, Limits(), jobs=1)
    assert (result.size, result.sha256) == (good.stat().st_size, hashlib.sha256(good.read_bytes()).hexdigest())
    assert triples(result.problems)[-1] == ("error", "a.xlsx", "reading it needed more than the 1536 MB allowed for one file; not read")


def test_a_file_gone_since_the_folder_was_listed_is_reported(tmp_path):
    from svscore.batch.pool import inspect_all
    [result] = inspect_all([(tmp_path / "gone.xlsx", "gone.xlsx")], {1: lot_specs(TENDER, MEASURES)}, Limits(), jobs=1)
    assert triples(result.problems) == [("error", "gone.xlsx", "could not be opened (No such file or directory): was it moved, deleted "
                                                      "or locked during the run? Nothing was read from it")]


def test_a_total_that_disagrees_with_the_lines_is_reported_in_pounds(tmp_path):
    """The price is always the sum of quantity × rate; a total cell typed over is an altered formula."""
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT, edit

    data = fill_bid_return(TENDER, 0, MEASURES, GOOD[0])
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(data, lambda wb: setattr(wb["Pricing"][LAYOUT.total_price_cell], "value", 1000)))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    price = sum(line.quantity * Decimal(str(rate)) for line, rate in zip(LAYOUT.lines, GOOD[0].rates, strict=True))
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        (f"bid.xlsx › Pricing!{LAYOUT.total_price_cell}",
         f"the workbook shows a total of £1,000.00, but its lines add up to £{price:,.2f}: the total formula was altered")]


def test_uk_time_without_a_time_zone_database_is_a_clear_error(monkeypatch):
    """Windows has no time zone database: without the tzdata package UK time cannot be looked up,
    and every receipt time would have been reported as a malformed line."""
    import zoneinfo

    from svscore.batch.receipts import uk_time
    from svscore.errors import SvscoreError

    assert uk_time().utcoffset(__import__("datetime").datetime(2026, 7, 1)).total_seconds() == 3600  # BST in summer

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)
    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    with pytest.raises(SvscoreError, match=r"no time zone database\. Install it with: python -m pip install tzdata"):
        uk_time()


def test_tzdata_is_installed_with_svscore():
    from importlib.metadata import requires
    assert any(r.startswith("tzdata") for r in requires("svscore") or [])


def test_a_shared_strings_count_beyond_its_size_is_refused_before_reading(tmp_path):
    """The reader sets aside room for the strings a workbook claims before reading them: a claim of
    2,147,483,647 would ask for about 50 GB. (Workbooks saved by Excel or LibreOffice hold such a
    part with an honest count: the LibreOffice round-trip test reads one.)"""
    from tests.batch.conftest import _add_member
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="2147483647">'
           '<si><t>x</t></si></sst>')
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_add_member(_good(tmp_path).read_bytes(), "xl/sharedStrings.xml", sst.encode()))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert triples(result.problems) == [("error", "bid.xlsx", "part xl/sharedStrings.xml says it holds 2,147,483,647 text values but has "
                                                     f"room for at most {len(sst) // 5}: a damaged or altered file, which would "
                                                     "exhaust the reader's memory; not opened (ask the bidder to save the "
                                                     "workbook again in Excel and send it again)")]


@pytest.mark.parametrize(("part", "warning"), [
    ("xl/externalLinks/externalLink1.xml", "the workbook links to other files: the links were not followed"),
    ("xl/embeddings/oleObject1.bin", "the workbook holds embedded objects or ActiveX controls: svscore did not open them "
                                     "(take care before opening this file in Excel)"),
    ("xl/activeX/activeX1.xml", "the workbook holds embedded objects or ActiveX controls: svscore did not open them "
                                "(take care before opening this file in Excel)"),
])
def test_parts_that_reach_outside_the_workbook_are_flagged_and_never_opened(tmp_path, part, warning):
    """The bid is still read and scored; the officer is told what the file holds."""
    from tests.batch.conftest import _add_member
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_add_member(_good(tmp_path).read_bytes(), part, b"<x/>" if part.endswith(".xml") else b"\xd0\xcf\x11\xe0"))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert result.ok and ("warning", "bid.xlsx", warning) in triples(result.problems)


def test_a_file_read_while_the_parent_was_busy_does_not_count_against_the_next(tmp_path, monkeypatch):
    """The time limit runs from the start of each file: a slow but allowed file, whose end the
    parent reads late because it was busy, must not make the next file look stalled."""
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    _read_by_pid(monkeypatch, slow={0}, seconds=0.6)
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(3)], {1: lot_specs(TENDER, MEASURES)}, Limits(seconds=1.0), 1)
    time.sleep(0.3)
    pool.serve()  # the parent hears that the first file was started...
    time.sleep(1.2)  # ...then is busy well past the limit, while the worker reads every file in time
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(3)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


def _understated(data: bytes, part: str, extra: int) -> bytes:
    """A copy of a package whose ``part`` inflates to ``extra`` more bytes (spaces before its
    closing tag) than its headers declare: the sizes are the original part's, the data is not."""
    import struct
    import zipfile
    import zlib

    z = zipfile.ZipFile(io.BytesIO(data))
    info, body = z.getinfo(part), z.read(part)
    end = body.rfind(b"</")
    pack = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = pack.compress(body[:end]) + pack.compress(b" " * extra) + pack.compress(body[end:]) + pack.flush()
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data[:start] + deflated + data[start + info.compress_size:])
    delta = len(deflated) - info.compress_size
    struct.pack_into("<I", out, info.header_offset + 18, len(deflated))  # the local header's compressed size
    eocd = out.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", out, eocd + 16)[0] + delta
    struct.pack_into("<I", out, eocd + 16, directory)
    at = directory
    while out[at:at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, at + 28)
        offset = struct.unpack_from("<I", out, at + 42)[0]
        if out[at + 46:at + 46 + name_len].decode() == part:
            struct.pack_into("<I", out, at + 20, len(deflated))
        elif offset > info.header_offset:
            struct.pack_into("<I", out, at + 42, offset + delta)
        at += 46 + name_len + extra_len + comment_len
    return bytes(out)


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused_and_named(tmp_path):
    """A zip bomb that hides behind small declared sizes passes the size checks: the reader stops
    at the declared size, and the report says which part lied, in words an officer can pass on."""
    import zipfile

    from svscore.batch.intake import start_reading
    good = _good(tmp_path)
    bomb = tmp_path / "lying.xlsx"
    bomb.write_bytes(_understated(good.read_bytes(), "xl/worksheets/sheet2.xml", 50 * 1024 * 1024))
    assert zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet2.xml").file_size < 100_000  # it declares a small part
    result = start_reading(bomb, bomb.name, Limits()).result
    assert not result.ok
    assert result.problems[0].message.startswith("part xl/worksheets/sheet2.xml unpacks to more than the")
    assert "possibly a zip bomb" in result.problems[0].message


def _repacked(data: bytes, method: int) -> bytes:
    """The package with its Cover sheet compressed by zip method ``method``."""
    from tests.batch.conftest import rezip
    return rezip(data, methods={"xl/worksheets/sheet2.xml": method})


def _zip_encrypted_flag(data: bytes) -> bytes:
    """The package with every part marked as zip-password encrypted (bit 0 of the flags), in its
    local header and its central directory entry, found by their offsets."""
    import struct
    import zipfile

    out = bytearray(data)
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        struct.pack_into("<H", out, info.header_offset + 6, info.flag_bits | 1)
    at = struct.unpack_from("<I", out, out.rfind(b"PK\x05\x06") + 16)[0]
    while out[at:at + 4] == b"PK\x01\x02":
        struct.pack_into("<H", out, at + 8, struct.unpack_from("<H", out, at + 8)[0] | 1)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, at + 28)
        at += 46 + name_len + extra_len + comment_len
    return bytes(out)


@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: _repacked(d, 12), "part xl/worksheets/sheet2.xml is compressed with bzip2, which the Office file format does not allow"),
    (lambda d: _repacked(d, 14), "part xl/worksheets/sheet2.xml is compressed with LZMA, which the Office file format does not allow"),
    (_zip_encrypted_flag, "is encrypted with a zip password, which the Office file format does not allow"),
])
def test_a_package_no_office_program_writes_is_refused_in_words_an_officer_can_pass_on(tmp_path, make, expected):
    from svscore.batch.intake import start_reading
    path = tmp_path / "odd.xlsx"
    path.write_bytes(make(_good(tmp_path).read_bytes()))
    result = start_reading(path, path.name, Limits()).result
    assert not result.ok and expected in result.problems[0].message, result.problems
    assert result.problems[0].message.endswith("ask the bidder to save the workbook again in Excel and send it again)")


def test_a_stored_part_is_read_like_a_deflated_one(tmp_path):
    import zipfile

    from svscore.batch.intake import finish_reading, start_reading
    good = _good(tmp_path)
    stored = tmp_path / "stored.xlsx"
    stored.write_bytes(_repacked(good.read_bytes(), zipfile.ZIP_STORED))
    specs = {1: lot_specs(TENDER, MEASURES)}
    a = finish_reading(start_reading(good, "a.xlsx", Limits()), specs)
    b = finish_reading(start_reading(stored, "a.xlsx", Limits()), specs)
    assert a.ok and b.ok and a.bid == b.bid


def test_a_score_sheet_package_is_refused_with_the_remedy_for_the_councils_own_file(tmp_path):
    from svscore.batch.container import package_refused
    path = tmp_path / "scores.xlsx"
    path.write_bytes(_repacked(_good(tmp_path).read_bytes(), 12))
    why = package_refused(path, path.read_bytes(), Limits())
    assert why is not None and why.endswith("not read (save the workbook again in Excel)") and "bidder" not in why


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


def test_a_file_far_larger_than_a_workbook_is_refused_without_being_held_in_memory_and_still_hashed(folder, tmp_path):
    """A 200 MB file under a 64 MB memory budget: read whole, it would fail as "needed more memory"
    with no hash; it is refused for its size and hashed in chunks for the manifest."""
    import hashlib
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    with (returns / "big.xlsx").open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    r = run_cli("batch", str(folder["tender"]), str(returns), "--out", str(tmp_path / "o"), "--memory-mb", "64")
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert messages(doc, "big.xlsx") == "the file is 200 MB, more than the 25 MB allowed for a bid return workbook: not opened"
    assert file_report(doc, "a.xlsx")["status"] == "scored"
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    big = next(i for i in manifest["inputs"] if i["name"] == "returns/big.xlsx")
    with (returns / "big.xlsx").open("rb") as fh:
        assert big == {"name": "returns/big.xlsx", "size": 200 * 1024 * 1024, "sha256": hashlib.file_digest(fh, "sha256").hexdigest()}


def test_reading_a_file_stops_one_byte_past_the_cap_and_follows_a_file_that_grew(tmp_path, monkeypatch):
    import os

    from svscore.batch import container as inspect

    path = tmp_path / "f.bin"
    for size, cap, expected in ((10, 20, 10), (20, 20, 20), (21, 20, 21), (5000, 20, 21)):
        path.write_bytes(b"x" * size)
        with path.open("rb") as fh:
            assert len(inspect.read_capped(fh, cap)) == expected
    path.write_bytes(b"x" * 100)
    real = os.fstat
    monkeypatch.setattr(inspect.os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], 10, *real(fd)[7:])))  # listed at 10 bytes
    with path.open("rb") as fh:
        assert len(inspect.read_capped(fh, 1000)) == 100
    with path.open("rb") as fh:
        assert len(inspect.read_capped(fh, 50)) == 51


def test_a_tender_file_named_with_bytes_that_are_not_utf8_is_verified_by_its_label(folder, tmp_path):
    import os
    tender = os.fsdecode(bytes(tmp_path) + b"/t\xe9nder.json")
    shutil.copy(folder["tender"], tender)
    for beside in folder["tender"].parent.glob("*.json"):
        if beside != folder["tender"]:
            shutil.copy(beside, tmp_path / beside.name)
    out = tmp_path / "o"
    assert run_cli("batch", tender, str(folder["returns"]), "--out", str(out)).returncode in (0, 1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "t\\xe9nder.json" in {i["name"] for i in manifest["inputs"]}
    v = run_cli("verify", str(out), "--tender", tender)
    assert v.returncode == 0, v.stdout + v.stderr
    Path(tender).write_text(Path(tender).read_text(encoding="utf-8") + " ", encoding="utf-8")
    v = run_cli("verify", str(out), "--tender", tender)
    assert v.returncode == 1 and "t\\xe9nder.json: changed since the run" in v.stdout + v.stderr


def _rate_cell_as(xml: str) -> bytes:
    """A good bid whose first rate (Pricing!E5) is written as ``xml``, built by hand."""
    import re

    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import rezip

    def change(name: str, body: bytes) -> bytes:
        if name != "xl/worksheets/sheet3.xml":
            return body
        changed = re.sub(rb'<c r="E5"[^>]*>.*?</c>', xml.encode(), body, count=1)
        assert changed != body
        return changed
    return rezip(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change)


@pytest.mark.parametrize("xml", [
    '<c r="E5" s="8" t="n"><v>2&#49;.09</v></c>',  # 21.09 to Excel; calamine reads 2
    '<c r="E5" s="8"><v>2&#x31;.09</v></c>',
    '<c r="E5" s="8" t="n"><v>21<!-- x -->.09</v></c>',  # calamine reads 21
    '<c r="E5" s="8" t="n"><v>21.09</v><v>99</v></c>',  # calamine reads the second value
    '<c r="E5" s="8" t="n"><v >2&#49;.09</v ></c>',
    '<c r="E5" s="8" t="n"><v>21.09</v ><v>99</v></c>',
    '<c r="E5" s="8" t="n"><x:v xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">21.09</x:v><v>99</v></c>',
])
def test_a_value_the_reader_would_read_differently_from_excel_is_refused(tmp_path, xml):
    """A bid must be scored on what Excel shows. A value written with a character reference, a
    comment or a second value is valid XML that Excel reads whole, but the reader takes it apart:
    the file is refused, naming the cell, rather than scored on another price."""
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as(xml))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    errors = [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"]
    assert len(errors) == 1 and errors[0][0] == "bid.xlsx › Pricing!E5", errors
    assert "in a form Excel never writes" in errors[0][1] and not result.ok


def test_a_formula_text_result_holding_an_ampersand_is_read_as_usual(tmp_path):
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as('<c r="E5" s="8" t="str"><f>"A"&amp;"B"</f><v>A&amp;B</v></c>'))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        ("bid.xlsx › Pricing!E5", "The rate for line L1 must be a number, but is the text 'A&B'")]


@pytest.mark.parametrize(("xml", "why"), [
    ('<c r="E5" s="8" t="n"><v> 5</v></c>', "is marked as a number but holds ' 5'"),
    ('<c r="E5" s="8" t="b"><v>2</v></c>', "is marked as true/false but holds '2'"),
    ('<c r="E5" s="8" t="s"><v>70000</v></c>', "points to shared text '70000', which the file does not hold"),
    ('<c r="E5" s="8" t="zz"><v>1</v></c>', "has the cell type 'zz', which no workbook format has"),
])
def test_a_cell_the_reader_refuses_is_named(tmp_path, xml, why):
    """The reader refuses a whole file for one malformed cell, in its own words ("Parse float
    error"); the officer is told which cell, on which sheet, and what is wrong with it."""
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as(xml))
    result = inspect_file(path, "bid.xlsx", {1: lot_specs(TENDER, MEASURES)}, Limits())
    assert [(loc, msg.split(":")[0]) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        ("bid.xlsx › Pricing!E5", f"the cell {why}")]
