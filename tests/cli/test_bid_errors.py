"""A bid that cannot be scored is in every output format, and the exit code says so."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import run_cli, tender_dict


def _files(write_json):
    tender = write_json(tender_dict(), "t.json")
    good = {"bidder_id": "A", "bidder": "Able Ltd", "price": 100, "scores": [{"criterion": c, "value": 3} for c in ("Q", "SV")]}
    stray = {**good, "bidder_id": "B", "bidder": "Bolt Ltd", "lot": "L9"}
    return tender, write_json({"bids": [good, stray]}, "b.json")


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_a_bid_for_a_lot_the_tender_lacks_is_reported_in_every_format_and_exits_1(write_json, fmt):
    tender, bids = _files(write_json)
    r = run_cli("score", str(tender), str(bids), "--format", fmt)
    assert r.returncode == 1, r.stderr
    assert "Bolt Ltd (B) bid for lot 'L9', which this tender does not have" in r.stdout
    if fmt == "json":
        doc = json.loads(r.stdout)
        assert len(doc["bid_errors"]) == 1 and "L9" in doc["bid_errors"][0]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        stray = [row for row in rows if row["status"] == "not scored"]
        assert len(stray) == 1 and "L9" in stray[0]["reasons"]


def test_scored_bids_exit_0(write_json):
    tender, bids = _files(write_json)
    data = json.loads(bids.read_text())
    data["bids"] = data["bids"][:1]
    bids.write_text(json.dumps(data))
    r = run_cli("score", str(tender), str(bids), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["bid_errors"] == []
