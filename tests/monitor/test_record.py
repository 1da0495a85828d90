"""The contract record is made from the winning bid, with the measures valued as at award."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest

from svscore.errors import SvscoreError
from svscore.model.loading import load_bids, load_contract, load_tender, tender_measures
from svscore.monitor.record import annual_periods, contract_record, quarterly_periods
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES


def made(**kw):
    tender = load_tender(EXAMPLES / "council-home-care.json")
    bids = load_bids(EXAMPLES / "council-home-care-bids.json")
    measures, path = tender_measures(tender)
    result = score_tender(tender, bids, measures)
    return contract_record(tender, result, bids, measures, path, start=dt.date(2026, 7, 1), **kw), result, bids, measures, path


def test_the_record_holds_the_winning_bid_as_awarded():
    record, result, bids, measures, path = made()
    (winner,) = result.lots[0].winners()
    bid = next(b for b in bids.bids if b.bidder_id == winner.bidder_id)
    assert record.supplier.bidder_id == winner.bidder_id and record.value == bid.price
    assert [(c.measure, c.quantity, c.year) for c in record.commitments] == [(c.measure, c.quantity, c.year) for c in bid.commitments]
    table = measures.by_id()
    assert all(m.proxy_value == table[m.id].proxy_value and m.unit == table[m.id].unit for m in record.measures)
    assert record.measures_table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and record.measures_table.illustrative
    assert [p.id for p in record.periods] == ["Y1", "Y2", "Y3"]


def test_the_bundled_example_record_is_the_one_the_builder_makes():
    example = load_contract(EXAMPLES / "council-home-care-contract.json")
    record, *_ = made(kpis=example.kpis, periods=quarterly_periods(dt.date(2026, 7, 1), 3))
    assert record.model_dump(exclude={"measures_table"}) == example.model_dump(exclude={"measures_table"})
    assert record.measures_table.sha256 == example.measures_table.sha256


def test_no_single_winner_no_contract():
    tender = load_tender(EXAMPLES / "council-home-care.json")
    bids = load_bids(EXAMPLES / "council-home-care-bids.json")
    measures, path = tender_measures(tender)
    winner = score_tender(tender, bids, measures).lots[0].winners()[0]
    twin = next(b for b in bids.bids if b.bidder_id == winner.bidder_id).model_copy(update={"bidder_id": "99999999", "bidder": "Twin Ltd"})
    field = bids.model_copy(update={"bids": (*bids.bids, twin)})
    with pytest.raises(SvscoreError, match="no single winner"):
        contract_record(tender, score_tender(tender, field, measures), field, measures, path, start=dt.date(2026, 7, 1))


def test_periods_follow_the_calendar():
    assert [(p.start, p.end) for p in annual_periods(dt.date(2024, 2, 29), 2)] == [
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27)), (dt.date(2025, 2, 28), dt.date(2026, 2, 27))]
    q = quarterly_periods(dt.date(2026, 1, 31), 1)
    assert [(p.start, p.end) for p in q][:2] == [(dt.date(2026, 1, 31), dt.date(2026, 4, 29)), (dt.date(2026, 4, 30), dt.date(2026, 7, 30))]
    assert all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(q))
