"""Bids file version 2: what the award documents need, added as optional fields; version 1 files still read."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from svscore.errors import TenderFileError
from svscore.model.loading import load_bids
from svscore.model.schemas import schema_for
from tests.conftest import EXAMPLES, ROOT

V2 = {
    "format_version": 2,
    "tender_reference": "T-1",
    "notice_published": "2026-12-18",
    "contract_date": "2027-01-11",
    "panel": [{"name": "Evaluator A", "role": "Commissioning manager", "conflict": "none", "declared_on": "2026-04-20"},
              {"name": "Evaluator B", "conflict": "declared", "declared_on": "2026-04-20",
               "details": "Former employee of a bidder (2019); scored no question alone."}],
    "tie_decisions": [{"bidders": ["A", "B"], "winner": "A", "how": "Drawn by lot by the Head of Procurement, 12 May 2026."}],
    "bids": [{"bidder_id": "A", "bidder": "Acme Ltd", "price": 100, "postal_address": "1 High Street, Borchester BC1 1AA",
              "email": "bids@acme.example", "unique_identifier": "PUK-123-456",
              "abnormally_low": {"notified_on": "2026-05-01", "response": "Sent a costed staffing model.",
                                 "decision": "accepted", "reason": "The staffing model covers the hours at the National Living Wage.",
                                 "decided_on": "2026-05-08"},
              "scores": [{"criterion": "Q", "value": 4, "justification": "Named leads.",
                          "moderation_note": "A gave 3, B gave 5; agreed 4 on the evidence in section 2."}]}],
}


def test_a_version_1_file_still_reads(write_json):
    path = ROOT / "tests" / "data" / "bids-v1-old.json"
    assert json.loads(path.read_text())["format_version"] == 1
    bids = load_bids(path)
    assert bids.format_version == 2 and bids.panel == () and bids.bids[0].postal_address is None
    assert bids.bids[0].scores[0].justification == "Clear plan."


def test_version_1_is_the_schema_published_then():
    # v1 files are checked against v1's own schema: a v2 field in a v1 file is an unknown field there
    assert "postal_address" not in schema_for("bids", 1)["$defs"]["Bid"]["properties"]
    assert "postal_address" in schema_for("bids", 2)["$defs"]["Bid"]["properties"]


def test_a_v2_field_in_a_v1_file_is_named(write_json):
    data = json.loads((ROOT / "tests" / "data" / "bids-v1-old.json").read_text())
    data["bids"][0]["email"] = "x@example.org"
    with pytest.raises(TenderFileError) as info:
        load_bids(write_json(data))
    [p] = info.value.problems
    assert p.location == "$.bids[0].email" and "unknown field 'email'" in p.message


def test_every_award_field_reads(write_json):
    bids = load_bids(write_json(V2))
    assert bids.notice_published == dt.date(2026, 12, 18) and bids.contract_date == dt.date(2027, 1, 11)
    assert [m.conflict for m in bids.panel] == ["none", "declared"]
    bid = bids.bids[0]
    assert bid.unique_identifier == "PUK-123-456" and bid.abnormally_low is not None
    assert bid.abnormally_low.decision == "accepted" and bid.scores[0].moderation_note.startswith("A gave 3")
    assert bids.tie_decisions[0].winner == "A"


@pytest.mark.parametrize(("path", "value", "where", "says"), [
    (("panel", 0, "conflict"), "maybe", "$.panel[0].conflict", "expected one of: 'none', 'declared'"),
    (("panel", 0, "declared_on"), "20/04/2026", "$.panel[0].declared_on", "ISO date"),
    (("bids", 0, "abnormally_low", "decision"), "ok", "$.bids[0].abnormally_low.decision", "'accepted', 'rejected'"),
    (("bids", 0, "abnormally_low", "reason"), "", "$.bids[0].abnormally_low.reason", "must not be empty"),
    (("tie_decisions", 0, "bidders"), ["A"], "$.tie_decisions[0].bidders", "at least 2"),
])
def test_a_bad_award_field_names_its_json_path(write_json, path, value, where, says):
    data = json.loads(json.dumps(V2))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(TenderFileError) as info:
        load_bids(write_json(data))
    assert any(p.location == where and says in p.message for p in info.value.problems), info.value.problems


def test_the_examples_are_version_2():
    for name in ("council-home-care-bids.json", "central-digital-marks-bids.json"):
        assert load_bids(EXAMPLES / name).format_version == 2
