"""A council's own thresholds table is an input of the run: recorded with its SHA-256 and verified."""

from __future__ import annotations

import hashlib
import json
import shutil

from tests.conftest import ROOT, run_cli


def test_a_councils_thresholds_table_is_recorded_by_sha256_and_verified(folder, tmp_path):
    tender_dir = tmp_path / "tender"
    tender_dir.mkdir()
    data = json.loads(folder["tender"].read_text(encoding="utf-8"))
    data["thresholds_table"] = "council-thresholds.json"
    tender = tender_dir / folder["tender"].name
    tender.write_text(json.dumps(data), encoding="utf-8")
    table = tender_dir / "council-thresholds.json"
    shutil.copy(ROOT / "svscore" / "data" / "thresholds.json", table)
    if data["social_value"].get("measures_file"):
        shutil.copy(folder["tender"].parent / data["social_value"]["measures_file"], tender_dir)
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    out = tmp_path / "out"
    r = run_cli("batch", str(tender), str(returns), "--scores", str(folder["scores"]), "--out", str(out))
    assert r.returncode in (0, 1), r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(table.read_bytes()).hexdigest()
    assert manifest["thresholds_table"]["sha256"] == digest
    assert {"name": "council-thresholds.json", "size": table.stat().st_size, "sha256": digest} in manifest["inputs"]
    assert run_cli("verify", str(out), "--tender", str(tender)).returncode == 0
    table.write_text(table.read_text(encoding="utf-8").replace("  ", " "), encoding="utf-8")  # the council edits it later
    r = run_cli("verify", str(out), "--tender", str(tender))
    assert r.returncode == 1 and "council-thresholds.json: changed since the run" in r.stderr
