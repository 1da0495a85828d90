"""The tender's tie-break rules and the weight sensitivity analysis, put in the terms of a lot's
bid results for the pure functions of :mod:`ranking` and :mod:`sensitivity`."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from svscore.model.tender import CriterionKind, Tender
from svscore.rules.weights import WeightedCriterion, total_points
from svscore.scoring import ranking, sensitivity
from svscore.scoring.result import BidResult, Sensitivity, SensitivityLine


def tie_rules(tender: Tender) -> list[ranking.TieRule[BidResult]]:
    """The tender's published tie-break rules, in order, each a key where higher is better."""
    def higher_score_on(cid: str) -> Callable[[BidResult], Fraction | None]:
        return lambda b: b.points_on(cid)

    def lower_price(b: BidResult) -> Fraction | None:
        return -b.price if b.price is not None else None

    rules = []
    for i, tb in enumerate(tender.tie_breaks):
        if tb.rule == "higher_score_on":
            cid = tb.criterion or ""
            rules.append(ranking.TieRule(f"tie-break {i + 1}, higher score on {cid}", higher_score_on(cid)))
        else:
            rules.append(ranking.TieRule(f"tie-break {i + 1}, lower price", lower_price))
    return rules


def lot_sensitivity(tender: Tender, tree: list[WeightedCriterion], ranked: list[BidResult], ppqp: bool) -> Sensitivity:
    """How far each top-level weight must move before the winner of a lot's ranked bids stops winning."""
    if ppqp:
        return Sensitivity(False, "Not applicable: the award is by price per quality point, not by weighted totals.")
    if not ranked:  # no bids at all, or none could be ranked: there is no leading bid to speak of
        return Sensitivity(False, "No bid is ranked, so there is nothing to test.")
    if len(ranked) < 2:
        return Sensitivity(False, "Only one bid is ranked: there is no rival to overtake it.")
    winners = [b for b in ranked if b.rank == 1]
    if len(winners) > 1:
        return Sensitivity(False, "The top bids tie, so there is no single winner to test.")
    winner = winners[0]
    scale = Fraction(100) / total_points(tender)
    top = [x for x in tree if x.depth == 0 and x.kind is not CriterionKind.PASS_FAIL]
    shares = [(x.criterion.id, x.share * 100) for x in top]
    names = {x.criterion.id: x.criterion.name for x in top}
    ids = [cid for cid, _ in shares]
    # Each ranked bid's points on each top-level criterion, in the order of ``shares`` (a tuple, not a
    # dict a bid: a lot may rank thousands).
    bids: dict[str, tuple[Fraction, ...]] = {}
    totals: dict[str, Fraction] = {}
    # Where the top-level criteria are in a result's rows: the same in every bid of a lot, whose
    # results are all made over the lot's one tree (assemble.TreeShape).
    at = [(i, c.criterion_id) for i, c in enumerate(ranked[0].criteria) if c.parent_id is None]
    for b in ranked:  # every ranked bid has a total
        crit = b.criteria
        got = {cid: crit[i].points for i, cid in at}
        if scale == 1:  # a tender out of 100 points: the points are the percentages already
            bids[b.bidder_id] = tuple(got.get(cid) or Fraction(0) for cid in ids)
            totals[b.bidder_id] = b.total  # type: ignore[assignment]
        else:
            bids[b.bidder_id] = tuple((got.get(cid) or Fraction(0)) * scale for cid in ids)
            totals[b.bidder_id] = b.total * scale  # type: ignore[operator]
    bidder_names = {b.bidder_id: b.bidder for b in ranked}
    lines = []
    for cid, w, tip in sensitivity.analyse(shares, winner.bidder_id, bids, totals):
        if tip is None:
            lines.append(SensitivityLine(cid, names[cid], w, None, None))
        else:
            x, rival = tip
            lines.append(SensitivityLine(cid, names[cid], w, x, rival, bidder_names[rival]))
    return Sensitivity(True, f"How far each top-level weight must move (others rescaled in proportion) before {winner.bidder} stops winning.", tuple(lines))
