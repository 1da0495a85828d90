"""The batch where two inputs meet: the tender, the returned workbooks and the evaluators' scores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from svscore.batch.demo import EVALUATORS, fill_bid_return, fill_score_sheets
from tests.batch.conftest import GOOD, MEASURES, TENDER
from tests.conftest import EXAMPLES, run_cli


@pytest.fixture
def small(tmp_path: Path) -> dict[str, Path]:
    """Two good returns and their evaluators' score sheets."""
    returns, scores = tmp_path / "returns", tmp_path / "scores"
    returns.mkdir()
    scores.mkdir()
    for name in ("council-home-care.json", "measures-illustrative.json"):
        shutil.copyfile(EXAMPLES / name, tmp_path / name)
    for b in GOOD[:2]:
        (returns / f"good-{b.bidder_id}.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, b))
    (scores / "score-sheets.xlsx").write_bytes(fill_score_sheets(TENDER, 0, MEASURES, GOOD[:2], EVALUATORS))
    return {"root": tmp_path, "tender": tmp_path / "council-home-care.json", "returns": returns, "scores": scores}


def test_scores_folder_that_does_not_exist_stops_at_start(small):
    out = small["root"] / "out"
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--scores", str(small["root"] / "scorse"),
                "--out", str(out))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "scorse" in r.stderr and "does not exist" in r.stderr
    assert not (out / "results.json").exists()


def test_json_tender_without_scores_gets_a_hint(small):
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--out", str(small["root"] / "out"))
    assert "--scores" in r.stdout and "evaluation workbook" in r.stdout, r.stdout
