"""Relative paths in a tender file are relative to that file, for every command and the library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli


@pytest.fixture
def tender_elsewhere(tmp_path: Path) -> Path:
    """A tender in its own folder, naming its thresholds table and measures table by relative path."""
    folder = tmp_path / "tender"
    folder.mkdir()
    data = json.loads((EXAMPLES / "council-home-care.json").read_text(encoding="utf-8"))
    data["thresholds_table"] = "council-thresholds.json"
    data["social_value"]["measures_file"] = "council-measures.json"
    (folder / "t.json").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(ROOT / "svscore" / "data" / "thresholds.json", folder / "council-thresholds.json")
    shutil.copy(EXAMPLES / "measures-illustrative.json", folder / "council-measures.json")
    shutil.copy(EXAMPLES / "council-home-care-bids.json", folder / "bids.json")
    return folder / "t.json"


def test_template_build_finds_the_tables_beside_the_tender_from_any_folder(tender_elsewhere, tmp_path):
    """Before, `check` passed but `template build` failed: the layout checked the tender without its folder."""
    assert run_cli("check", str(tender_elsewhere), cwd=tmp_path).returncode == 0
    r = run_cli("template", "build", str(tender_elsewhere), "--out", str(tmp_path / "w"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "w").glob("*.xlsx"))) == 3


def test_the_library_finds_the_tenders_measures_table_as_the_command_does(tender_elsewhere, tmp_path, monkeypatch):
    """Before, score_tender(load_tender(T), load_bids(B)) failed where `svscore score T B` worked."""
    from svscore.model.loading import load_bids, load_tender
    from svscore.scoring.engine import score_tender

    monkeypatch.chdir(tmp_path)
    result = score_tender(load_tender(tender_elsewhere), load_bids(tender_elsewhere.parent / "bids.json"))
    command = json.loads(run_cli("score", str(tender_elsewhere), str(tender_elsewhere.parent / "bids.json"),
                                 "--format", "json", cwd=tmp_path).stdout)
    assert json.loads(json.dumps(result.as_dict(), default=str))["lots"][0]["bids"][0]["total"] == \
        command["lots"][0]["bids"][0]["total"]
