"""An output named as an input is refused with a message (exit 2), before anything is written."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLES, run_cli


def _tender(tmp_path):
    for name in ("council-home-care.json", "measures-illustrative.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path / "council-home-care.json"


@pytest.mark.slow
def test_template_pack_over_its_tender_or_measures_is_refused(tmp_path):
    tender = _tender(tmp_path)
    before = tender.read_bytes()
    for out in (tender, tmp_path / "measures-illustrative.json"):
        r = run_cli("template", "pack", str(tender), "--out", str(out))
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert "refusing to write output over the input file" in r.stderr
    assert tender.read_bytes() == before


@pytest.mark.slow
def test_template_read_over_its_workbook_or_twice_to_one_file_is_refused(tmp_path):
    tender = _tender(tmp_path)
    assert run_cli("template", "build", str(tender), "--out", str(tmp_path / "w")).returncode == 0
    workbook = next((tmp_path / "w").glob("*-evaluation.xlsx"))
    before = workbook.read_bytes()
    r = run_cli("template", "read", str(workbook), "--tender-out", str(workbook))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "refusing to write output over the input file" in r.stderr
    assert workbook.read_bytes() == before
    # nothing is half-written: the tender file is not written when the bids file would be refused
    r = run_cli("template", "read", str(workbook), "--tender-out", str(tmp_path / "t.json"), "--bids-out", str(workbook))
    assert r.returncode == 2 and not (tmp_path / "t.json").exists()
    r = run_cli("template", "read", str(workbook), "--tender-out", str(tmp_path / "x.json"), "--bids-out", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "two outputs would be the same file" in r.stderr and not (tmp_path / "x.json").exists()
