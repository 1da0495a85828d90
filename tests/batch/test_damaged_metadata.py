"""A workbook whose hidden _svscore sheet was edited is one file's error, never a stopped batch or a traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, run_cli


def _damage(path, text):
    wb = load_workbook(path)
    ws = wb["_svscore"]
    row = next(r for r in ws.iter_rows() if r[0].value == "extra")
    row[1].value = text
    for cell in row[2:]:
        cell.value = None
    wb.save(path)


@pytest.mark.parametrize("extra", ["{not json", "[1, 2]", '{"slots": "three", "evaluators": []}'])
def test_a_score_sheet_with_damaged_metadata_is_reported_and_the_batch_goes_on(folder, tmp_path, extra):
    scores = tmp_path / "scores"
    shutil.copytree(folder["scores"], scores)
    damaged = scores / "damaged.xlsx"
    shutil.copy(next(scores.glob("*.xlsx")), damaged)
    _damage(damaged, extra)
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(scores), "--out", str(tmp_path / "o"))
    assert "Traceback" not in r.stderr and r.returncode == 1, r.stderr
    doc = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    problem = next(p for p in doc["problems"] if p["location"].startswith("damaged.xlsx"))
    assert problem["severity"] == "error" and "_svscore sheet svscore wrote is damaged" in problem["message"]
    assert {f["name"]: f["status"] for f in doc["files"]} == {"a.xlsx": "scored"}


def test_template_read_of_damaged_metadata_names_the_sheet(tmp_path):
    assert run_cli("template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(tmp_path)).returncode == 0
    workbook = next(tmp_path.glob("*-evaluation.xlsx"))
    _damage(workbook, '{"tender": "gone"}')
    r = run_cli("template", "read", str(workbook))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "_svscore" in r.stderr and "damaged" in r.stderr


def test_a_score_sheet_whose_metadata_names_no_lot_is_reported(folder, tmp_path):
    """The lot a score sheets workbook was made for decides which bids its scores go to: a blank
    one is said, not read as no lot's (whose scores would match nothing without a word)."""
    from svscore.batch.scores import read_score_folder
    from tests.batch.conftest import MEASURES, TENDER

    scores = tmp_path / "scores"
    scores.mkdir()
    damaged = scores / "damaged.xlsx"
    shutil.copy(next(folder["scores"].glob("*.xlsx")), damaged)
    wb = load_workbook(damaged)
    next(r for r in wb["_svscore"].iter_rows() if r[0].value == "lot")[1].value = None
    wb.save(damaged)
    book = read_score_folder(scores, TENDER, MEASURES)
    assert not book.scores
    assert [(str(p.where), p.message) for p in book.problems] == [
        ("damaged.xlsx", "score sheets whose _svscore sheet names no lot (the sheet svscore wrote is damaged) (the tender's "
                         "lots: 1): not read; make the score sheets again from the tender")]
