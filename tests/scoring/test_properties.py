"""Arithmetic invariants of the engine, over random tenders and bids (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from svscore.model.bids import Bid, Score
from svscore.model.tender import PriceMethod
from svscore.scoring.engine import score_tender
from svscore.scoring.price import score_prices
from svscore.scoring.result import Status
from tests.conftest import make_tender

METHODS = [PriceMethod.RELATIVE_TO_LOWEST, PriceMethod.DEVIATION_FROM_LOWEST, PriceMethod.LINEAR_LOWEST_TO_HIGHEST]
prices = st.lists(st.integers(1, 10**7), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(METHODS), prices, st.fractions(min_value=Fraction(1, 1000), max_value=1000))
def test_scaling_all_prices_leaves_price_scores_unchanged(method, ps, factor):
    a = score_prices(method, [Fraction(p) for p in ps], Fraction(40))
    b = score_prices(method, [Fraction(p) * factor for p in ps], Fraction(40))
    assert [x.points for x in a] == [x.points for x in b]


@st.composite
def scenario(draw):
    n_q = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=2, max_size=2, unique=True)))
    p_w, q_w, sv_w = cuts[0], cuts[1] - cuts[0], 100 - cuts[1]
    q_cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n_q - 1, max_size=n_q - 1, unique=True)))
    q_weights = [Decimal(b - a) / 100 for a, b in zip([0, *q_cuts], [*q_cuts, 10000], strict=True)]
    minimum = draw(st.sampled_from([None, 1, 2]))
    marks = draw(st.booleans())
    scale = 1 if not marks else Decimal(2)
    criteria = [
        {"id": "P", "name": "Price", "kind": "price", "weight": p_w * scale},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": q_w * scale, "children": [
            {"id": f"Q{i}", "name": f"Q{i}", "weight": (w if not marks else w * q_w * scale / 100), "scale": "0-5",
             **({"minimum_score": minimum} if minimum and i == 0 else {})}
            for i, w in enumerate(q_weights)]},
        {"id": "SV", "name": "SV", "kind": "social_value", "weight": sv_w * scale, "scale": "0-5"},
    ]
    extra = {"weighting": "marks", "total_marks": 200} if marks else {}
    tender = make_tender(criteria=criteria, price={"method": draw(st.sampled_from(METHODS)).value},
                         social_value_policy={"minimum_percent": 0, "mandatory": False},
                         tie_breaks=[{"rule": "higher_score_on", "criterion": "Q"}], **extra)
    n = draw(st.integers(2, 7))
    bids = []
    for i in range(n):
        scores = [Score(criterion=f"Q{j}", value=draw(st.integers(0, 5))) for j in range(n_q)]
        scores.append(Score(criterion="SV", value=draw(st.integers(0, 5))))
        bids.append(Bid(bidder_id=f"B{i}", bidder=f"Bidder {i}", price=draw(st.integers(1, 50)) * 1000, scores=tuple(scores)))
    return tender, bids


def _summary(result):
    return [(b.bidder_id, b.status, b.rank, b.total, tuple((c.criterion_id, c.points) for c in b.criteria),
             tuple(f.code for f in b.flags)) for b in result.lots[0].bids]


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_totals_stay_within_zero_and_the_maximum(case):
    tender, bids = case
    lot = score_tender(tender, bids).lots[0]
    for b in lot.bids:
        if b.total is not None:
            assert 0 <= b.total <= lot.total_points


@settings(max_examples=150, deadline=None)
@given(scenario(), st.randoms(use_true_random=False))
def test_permuting_bids_changes_nothing(case, rnd):
    tender, bids = case
    shuffled = list(bids)
    rnd.shuffle(shuffled)
    assert _summary(score_tender(tender, bids)) == _summary(score_tender(tender, shuffled))


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_removing_a_disqualified_bid_never_changes_the_others_order(case):
    tender, bids = case
    full = score_tender(tender, bids).lots[0]
    disqualified = {b.bidder_id for b in full.bids if b.status is Status.DISQUALIFIED}
    kept = [b for b in bids if b.bidder_id not in disqualified]
    again = score_tender(tender, kept).lots[0]
    assert [(b.bidder_id, b.rank, b.total) for b in full.bids if b.bidder_id not in disqualified] == \
           [(b.bidder_id, b.rank, b.total) for b in again.bids]
