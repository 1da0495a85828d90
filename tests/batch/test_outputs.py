"""results.xlsx for many bidders: one Explanations sheet, written in a background process with the
same bytes as when written here."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from svscore.batch.outputs import BIDDER_SHEETS_LIMIT, results_workbook_bytes, write_outputs
from svscore.batch.run import BatchRun
from svscore.model.loading import load_bids
from svscore.scoring.engine import score_tender
from tests.batch.conftest import MEASURES, TENDER
from tests.conftest import EXAMPLES


def many_bidders(n: int) -> BatchRun:
    template = load_bids(EXAMPLES / "council-home-care-bids.json").bids[0]
    bids = [template.revised(bidder_id=f"{10_000_000 + i}", bidder=f"Bidder {i:03d} Ltd", price=template.price + i)
            for i in range(n)]
    bids[5] = bids[5].revised(bidder='=HYPERLINK("http://evil.example","win")')
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


def test_the_background_work_is_done_in_another_process():
    import os

    from svscore.batch.outputs import _in_background

    assert _in_background(lambda run: str(os.getpid()).encode(), None)() != str(os.getpid()).encode()


def test_a_failing_background_process_falls_back_to_working_here():
    import os

    from svscore.batch.outputs import _in_background

    parent = os.getpid()

    def make(run):
        if os.getpid() != parent:
            raise RuntimeError("fails in the background process only")
        return b"made here"

    assert _in_background(make, None)() == b"made here"
