"""Why a file stopped a worker: the sheet and cell far outside the form."""
from __future__ import annotations

import json
import re
import shutil
import zipfile

from svscore.batch.spec import Limits
from tests.batch.conftest import (
    file_report,
    messages,
    rezip,
)
from tests.conftest import run_cli


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
