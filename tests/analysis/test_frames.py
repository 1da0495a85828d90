"""Results as pandas frames: every bid, every criterion, exact on request, the rounding said."""

from __future__ import annotations

from fractions import Fraction

import pytest

from svscore.analysis.frames import bids_frame, criteria_frame
from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES

pd = pytest.importorskip("pandas")


def scored(name: str):
    tender = load_tender(EXAMPLES / f"{name}.json")
    return score_tender(tender, load_bids(EXAMPLES / f"{name}-bids.json"), tender_measures(tender)[0])


@pytest.mark.parametrize("name", ["council-home-care", "central-digital-marks"])
def test_one_row_per_bid_with_the_engines_figures(name):
    result = scored(name)
    frame = bids_frame(result)
    bids = [b for lot in result.lots for b in lot.bids]
    assert len(frame) == len(bids)
    for (_, row), bid in zip(frame.iterrows(), bids, strict=True):
        assert row["bidder_id"] == bid.bidder_id and row["status"] == bid.status.value
        assert (pd.isna(row["rank"]) and bid.rank is None) or row["rank"] == bid.rank
        assert (bid.total is None and pd.isna(row["total"])) or row["total"] == float(bid.total)
        for c in bid.criteria:
            got = row[f"{c.criterion_id} points"]
            assert (c.points is None and pd.isna(got)) or got == float(c.points)
        assert row["sme"] == bid.sme and row["vcse"] == bid.vcse
    assert "floats" in frame.attrs["values"] and frame.attrs["tender"] == result.reference
    assert str(frame["rank"].dtype) == "Int64"


def test_exact_values_on_request():
    result = scored("council-home-care")
    frame = bids_frame(result, exact=True)
    winner = result.lots[0].bids[0]
    assert frame.loc[0, "total"] == winner.total and isinstance(frame.loc[0, "total"], Fraction)
    assert "exact" in frame.attrs["values"]
    tops = [f"{cid} points" for cid, _ in result.lots[0].top_level if winner.points_on(cid) is not None]
    assert sum(frame.loc[0, tops]) == winner.total


def test_long_form_has_a_row_per_bid_and_criterion():
    result = scored("council-home-care")
    frame = criteria_frame(result)
    bids = [b for lot in result.lots for b in lot.bids]
    assert len(frame) == sum(len(b.criteria) for b in bids)
    first = bids[0].criteria[0]
    row = frame[(frame.bidder_id == bids[0].bidder_id) & (frame.criterion == first.criterion_id)].iloc[0]
    assert row["available"] == float(first.available) and row["explanation"] == first.explanation
    leaves = frame[frame.leaf & (frame.bidder_id == bids[0].bidder_id)]
    assert abs(leaves["points"].sum() - float(bids[0].total)) < 1e-9


def test_the_illustrative_warning_travels_with_the_frame():
    result = scored("council-home-care")
    assert bids_frame(result).attrs["warnings"] == list(result.warnings) and result.warnings
