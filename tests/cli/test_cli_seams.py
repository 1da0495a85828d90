"""Where two inputs meet: the command refuses or reports a disagreement rather than picking one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, run_cli


def test_bids_file_for_another_tender_is_refused():
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "central-digital-marks-bids.json"))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "DRS-2026-0457" in r.stderr and "BCC-2026-014" in r.stderr
    assert r.stdout == ""


def test_bids_file_without_reference_is_scored(tmp_path: Path):
    data = json.loads((EXAMPLES / "council-home-care-bids.json").read_text(encoding="utf-8"))
    del data["tender_reference"]
    bids = tmp_path / "bids.json"
    bids.write_text(json.dumps(data), encoding="utf-8")
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(bids))
    assert r.returncode == 0, r.stderr


def test_one_company_number_with_and_without_leading_zero_is_one_bidder(tmp_path: Path):
    """The batch has long taken 04567890 and 4567890 for one company; the engine took them for two."""
    data = json.loads((EXAMPLES / "council-home-care-bids.json").read_text(encoding="utf-8"))
    castle = next(b for b in data["bids"] if b["bidder_id"] == "04567890")
    data["bids"].append({**castle, "bidder_id": "4567890"})
    bids = tmp_path / "bids.json"
    bids.write_text(json.dumps(data), encoding="utf-8")
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(bids), "--format", "json")
    doc = json.loads(r.stdout)
    castles = [b for lot in doc["lots"] for b in lot["bids"] if b["bidder"] == castle["bidder"]]
    assert len(castles) == 2 and all(b["rank"] is None for b in castles), castles
    assert all(any("04567890 and 4567890" in e for e in b["reasons"]) for b in castles), castles


def test_illustrative_measures_warning_in_every_score_format():
    args = ("score", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"))
    text, as_json, as_csv = (run_cli(*args, "--format", f) for f in ("text", "json", "csv"))
    assert "ILLUSTRATIVE" in text.stdout
    [warning] = json.loads(as_json.stdout)["warnings"]
    assert "ILLUSTRATIVE" in warning and "invented" in warning
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and all("ILLUSTRATIVE" in row["warning"] for row in rows)


def test_a_councils_own_measures_table_has_no_warning(tmp_path: Path):
    table = json.loads((EXAMPLES / "measures-illustrative.json").read_text(encoding="utf-8"))
    table["illustrative"] = False
    own = tmp_path / "own.json"
    own.write_text(json.dumps(table), encoding="utf-8")
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json"),
                "--measures", str(own), "--format", "json")
    assert json.loads(r.stdout)["warnings"] == []
