"""A scorer that keeps its prepared bids (``TenderScorer(keep=...)``, as Excel's functions use it)
gives, call after call, exactly what a fresh ``score_tender`` gives for the same bids: nothing one
competition adds to a bid (errors, gaps, flags, relative points and their explanations) is carried
into the next."""

from __future__ import annotations

import pytest

from svscore.model.bids import Bid, Score
from svscore.scoring.engine import TenderScorer, score_tender
from tests.conftest import bid, make_tender
from tests.scoring.conftest import MEASURES, ev_bid, sv_bid, sv_tender


def _same_as_fresh(tender, calls, measures=None):
    kept = TenderScorer(tender, measures, keep=100)
    for bids in calls:
        got = kept.finish([kept.prepare(b) for b in bids])
        want = score_tender(tender, bids, measures)
        assert got == want
        assert got.as_dict() == want.as_dict()
    return kept


def test_kept_bids_leave_each_competition_behind():
    a, b, c = bid("A", 100, Q=4, SV=3), bid("B", 120, Q=5, SV=2), bid("C", 90, Q=3, SV=5)
    c2 = bid("C", 90, Q=1, SV=5)  # an officer changed one score
    twin = bid("A", 150, Q=2, SV=2)  # a second bid from A: both are invalid while it is there
    low = bid("L", 40, Q=2, SV=1)  # abnormally low, and the new lowest price for everyone else
    calls = [[a, b, c], [a, b, c2], [a, b, c, twin], [a, b, c], [b, c], [a, low, b, c], [a, b, c]]
    kept = _same_as_fresh(make_tender(minimum_quality_percent=50), calls)
    assert len(kept.scorers["1"].kept) == 6  # each Bid prepared once, however often it was scored


def test_kept_bids_with_social_value_scored_by_measures():
    a = sv_bid("A", 100, {"measure": "JOBS", "quantity": 2, "year": 1})
    b = sv_bid("B", 110, {"measure": "JOBS", "quantity": 5, "year": 1})
    zero = sv_bid("Z", 0, {"measure": "JOBS", "quantity": 9, "year": 1})  # invalid: out of the relative scoring
    _same_as_fresh(sv_tender(), [[a, b], [a, b, zero], [a], [a, b]], MEASURES)


def test_kept_bids_with_evaluators_panels():
    a, b = ev_bid("A", 100, {"X": 4, "Y": 2}), ev_bid("B", 100, {"X": 3, "Y": 3})
    wider = ev_bid("C", 90, {"X": 3, "Y": 3, "Z": 1})  # Z's panel: A and B lack Z's score while C is there
    _same_as_fresh(make_tender(evaluation={"aggregation": "mean", "moderation_spread": 2}), [[a, b], [a, b, wider], [a, b]])


def test_kept_bids_where_price_sits_inside_a_group():
    """A group that holds the price changes with the competition; its sibling group does not."""
    tender = make_tender(criteria=[
        {"id": "C", "name": "Commercial", "weight": 60, "children": [
            {"id": "P", "name": "Price", "kind": "price", "weight": 70},
            {"id": "Q1", "name": "Pricing clarity", "kind": "quality", "weight": 30, "scale": "0-5"}]},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 30, "children": [
            {"id": "Q2", "name": "Delivery", "weight": 50, "scale": "0-5"},
            {"id": "Q3", "name": "Staffing", "weight": 50, "scale": "0-5"}]},
        {"id": "SV", "name": "Social value", "kind": "social_value", "weight": 10, "scale": "0-5"}])

    def make(name, price, **scores):
        return Bid(bidder_id=name, bidder=name, price=price, scores=tuple(Score(criterion=k, value=v) for k, v in scores.items()))
    a, b = make("A", 100, Q1=3, Q2=4, Q3=2, SV=1), make("B", 80, Q1=5, Q2=1, Q3=2, SV=4)
    cheaper = make("D", 50, Q1=0, Q2=0, Q3=0, SV=0)
    _same_as_fresh(tender, [[a, b], [a, b, cheaper], [a, b], [b, a]])


def test_the_fast_copies_keep_every_field():
    """``BidResult.ranked`` and ``LeafWork.copy`` list the fields by hand: a field added later must be listed there too."""
    import dataclasses

    from svscore.scoring.result import BidResult
    from svscore.scoring.work import LeafWork

    r = BidResult(**{f.name: object() for f in dataclasses.fields(BidResult)})  # every field given something of its own
    rank, flags = object(), object()
    assert r.ranked(rank, flags) == dataclasses.replace(r, rank=rank, flags=flags)  # type: ignore[arg-type]
    leaf = LeafWork(**{f.name: object() for f in dataclasses.fields(LeafWork)})
    assert leaf.copy() == leaf and leaf.copy() is not leaf


def test_a_scorer_that_finishes_once_remembers_no_total_of_a_group_the_competition_moves():
    # In one competition each bid's relative points are its own objects: remembering the totals of
    # the groups that hold a relative criterion would keep an entry a bid that is never used again
    # (a batch of thousands holds them all). A kept scorer meets them again, so it remembers them.
    from svscore.data import examples_dir
    from svscore.model.loading import load_bids, load_measures, load_tender

    tender = load_tender(examples_dir() / "council-home-care.json")
    measures = load_measures(examples_dir() / "measures-illustrative.json")
    bids = load_bids(examples_dir() / "council-home-care-bids.json").bids
    once, kept = TenderScorer(tender, measures), TenderScorer(tender, measures, keep=100)
    assert once.finish([once.prepare(b) for b in bids]) == kept.finish([kept.prepare(b) for b in bids])
    for scorer, moving_kept in ((once, False), (kept, True)):
        shape = scorer.scorers[tender.all_lots()[0].id].shape
        moving = {id(n) for n in shape.nodes if not n.fixed and not n.leaf}
        assert moving  # the social value group, which holds the criterion scored by measures
        assert any(key[0] in moving for key in shape.totals) is moving_kept


def test_a_prepared_bid_finished_once_lets_go_of_its_work_and_a_kept_one_does_not():
    # A batch holds every prepared bid until its competition ends: each one's leaves (the bulk of it),
    # errors, gaps and flags go as soon as its result holds what it needs. A kept scorer finishes its
    # bids again.
    tender = make_tender(minimum_quality_percent=50)
    bids = [bid("A", 100, Q=4, SV=3), bid("B", 120, Q=5, SV=2), bid("C", 90, Q=3, SV=5)]
    once, kept = TenderScorer(tender), TenderScorer(tender, keep=100)
    prepared_once, prepared_kept = [once.prepare(b) for b in bids], [kept.prepare(b) for b in bids]
    assert once.finish(prepared_once) == kept.finish(prepared_kept) == score_tender(tender, bids)
    assert all(p.work.finished for p in prepared_once)
    for p in prepared_once:
        for name in ("leaves", "errors", "missing", "disqualified", "flags"):
            assert not hasattr(p.work, name), name
        assert p.work.bid.bidder and p.work.rows is None
    assert all(p.work.leaves and not p.work.finished for p in prepared_kept)
    assert kept.finish([kept.prepare(b) for b in bids]) == score_tender(tender, bids)
    with pytest.raises(RuntimeError, match="finished before"):  # said plainly, not a KeyError from deep inside
        once.finish(prepared_once)
    assert once.finish([once.prepare(b) for b in bids]) == score_tender(tender, bids)  # prepared again: fine


def test_a_scorer_that_finishes_once_keeps_only_so_many_group_totals(monkeypatch):
    # With evaluators' own scores nearly every bid has a set of sub-criteria scores of its own: a
    # finish-once scorer starts its totals again when it holds TOTALS_KEPT_ONCE, and every result is
    # as if it had kept them all.
    import svscore.scoring.engine as engine

    tender = make_tender(evaluation={"aggregation": "mean"}, criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 50},
        {"id": "QG", "name": "Quality", "kind": "quality", "weight": 50, "children": [
            {"id": "Q1", "name": "Delivery", "weight": 50, "scale": "0-5"},
            {"id": "Q2", "name": "Staffing", "weight": 50, "scale": "0-5"}]}])
    bids = [Bid(bidder_id=f"B{i}", bidder=f"B{i}", price=100 + i,
                scores=tuple(Score(criterion=q, value=(i + k + j) % 6, evaluator=e, justification="Seen.")
                             for j, q in enumerate(("Q1", "Q2")) for k, e in enumerate(("Asha", "Ben")) if not (q == "Q2" and k and i % 2)))
            for i in range(12)]
    everything = TenderScorer(tender, keep=100)
    want = everything.finish([everything.prepare(b) for b in bids])
    assert len(everything.scorers["1"].shape.totals) > 3
    monkeypatch.setattr(engine, "TOTALS_KEPT_ONCE", 3)
    once = TenderScorer(tender)
    assert once.finish([once.prepare(b) for b in bids]) == want
    assert 0 < len(once.scorers["1"].shape.totals) <= 3


def test_a_prepared_bid_given_twice_in_one_competition_is_refused_plainly():
    tender = make_tender()
    once = TenderScorer(tender)
    a, b = once.prepare(bid("A", 100, Q=4, SV=3)), once.prepare(bid("B", 120, Q=5, SV=2))
    with pytest.raises(RuntimeError, match="the same prepared bid is given twice"):
        once.finish([a, b, a])
    assert "A (A)" in repr(a.work)
    once.finish([a, b])
    assert repr(a.work) == "BidWork(A (A), finished)" and a.work != b.work and a.work == a.work


def test_a_bid_given_twice_in_one_lot_is_refused_before_any_lot_is_scored():
    # A scorer that finishes once lets go of each bid's work as it goes: refusing lot 2's duplicate
    # after lot 1 was finished would leave lot 1's bids unable to be finished again.
    import copy

    from svscore.data import examples_dir
    from svscore.model.loading import load_bids, load_measures, load_tender

    base = load_tender(examples_dir() / "council-home-care.json")
    doc = base.model_dump(mode="json", exclude_defaults=True)
    criteria = doc.pop("criteria")
    doc["lots"] = [{"id": "1", "title": "North", "criteria": criteria}, {"id": "2", "title": "South", "criteria": copy.deepcopy(criteria)}]
    from svscore.model.tender import Tender

    tender = Tender.model_validate(doc)
    measures = load_measures(examples_dir() / "measures-illustrative.json")
    bids = load_bids(examples_dir() / "council-home-care-bids.json").bids
    scorer = TenderScorer(tender, measures)
    north = [scorer.prepare(b.model_copy(update={"lot": "1"})) for b in bids]
    south = [scorer.prepare(b.model_copy(update={"lot": "2"})) for b in bids]
    with pytest.raises(RuntimeError, match="given twice"):
        scorer.finish([*north, *south, south[0]])
    assert not any(p.work.finished for p in [*north, *south])  # nothing was scored
    result = scorer.finish([*north, *south])
    assert [len(lot.bids) for lot in result.lots] == [len(bids), len(bids)]
