"""Bids and tenders the scoring tests share: evaluators' scores, and social value scored by measures."""

from __future__ import annotations

from svscore.model.bids import Bid, Commitment, Score
from svscore.model.measures import MeasuresTable
from tests.conftest import make_tender


def by_name(result):
    return {b.bidder: b for b in result.lots[0].bids}


def evaluators_tender(method="mean", spread=2):
    return make_tender(evaluation={"aggregation": method, "moderation_spread": spread})


def ev_bid(name, price, q_scores, sv=3):
    scores = [Score(criterion="Q", evaluator=e, value=v) for e, v in q_scores.items()]
    scores.append(Score(criterion="SV", value=sv))
    return Bid(bidder_id=name, bidder=name, price=price, scores=tuple(scores))


def sv_tender(**sv):
    return make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 60},
                                 {"id": "Q", "name": "Quality", "kind": "quality", "weight": 30, "scale": "0-5"},
                                 {"id": "SV", "name": "Commitments", "kind": "social_value", "weight": 10, "scored_by": "measures"}],
                       social_value={"measures_file": "m.json", **sv})


MEASURES = MeasuresTable.model_validate({"title": "t", "measures": [
    {"id": "JOBS", "description": "local jobs", "unit": "FTE", "proxy_value": 1000},
    {"id": "HIRE", "description": "hires", "unit": "people", "proxy_value": 500, "first_year_only": True}]})


def sv_bid(name, price, *commitments):
    return Bid(bidder_id=name, bidder=name, price=price, scores=(Score(criterion="Q", value=3),),
               commitments=tuple(Commitment(**c) for c in commitments))
