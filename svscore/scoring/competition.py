"""The lot competition: what a bid's standing depends on the other bids of its lot for.

In order: every evaluator on a criterion's panel scored every bid (mean or median), one bid per
company, the gates (minimum quality percentage; a price per quality point bid with no quality
points), then relative scoring over the bids still competing (price, and social value scored by
measures), so a disqualified bid's price never sets the lowest price, and the abnormally low
price flag. A bid out of the competition says why its relative scores are missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from svscore.fmt import money, number, percent, points
from svscore.model.identity import bidder_key
from svscore.model.tender import Aggregation, CriterionKind, Lot, PriceMethod, ScoredBy, Tender
from svscore.rules.weights import WeightedCriterion
from svscore.scoring.price import score_prices
from svscore.scoring.result import Flag, Status
from svscore.scoring.social_value import score_values
from svscore.scoring.work import BidWork

ABNORMALLY_LOW_PLACES = 6
"""Decimal places of a pound to which a price's shortfall below the abnormally low limit is rounded
before it counts: a price exactly on the limit is never flagged, and the workbook's formula (which
rounds the same way) gives the same answer in every spreadsheet program whatever floating point
does to the limit's last digit."""

NO_QUALITY_POINTS = "quality points to divide the price by (the bid scored 0)"


Relative = dict[tuple[Any, ...], Any]
"""Relative scores by what they depend on alone (the competing prices, or values), kept by a lot's
scorer that finishes more than once: after one changed quality score the prices are the same."""

RELATIVE_KEPT = 256
"""Entries of :data:`Relative` kept before it starts again."""


def compete(tender: Tender, lot: Lot, leaves: list[WeightedCriterion], works: Sequence[BidWork],
            memo: Relative | None = None) -> list[BidWork]:
    """Apply the lot's checks and gates to its prepared bids and score the competition relatively.

    Returns the bids that compete (ranked status), in the order given; every bid's record is
    completed in place. ``memo``: relative scores kept from earlier competitions of the lot."""
    ppqp = tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT
    _panel_check(tender, works, leaves)
    _duplicates(works)
    gate = _QualityGate.of(tender, leaves)
    for w in works:
        if gate is not None:
            gate.apply(w)
        if ppqp and w.status() is Status.RANKED and _no_quality_points(w, leaves):
            w.missing.append(NO_QUALITY_POINTS)  # nothing to divide its price by: out of the competition, as the workbook has it
    competition = [w for w in works if w.status() is Status.RANKED]
    price_leaf = next((x for x in leaves if x.kind is CriterionKind.PRICE), None)
    if memo is None:
        memo = {}
    elif len(memo) > RELATIVE_KEPT:
        memo.clear()
    _score_relative(tender, competition, leaves, price_leaf, ppqp, lot.estimated_value, memo)
    _abnormally_low(tender, competition, memo)
    competing = {id(w) for w in competition}
    for w in works:
        if id(w) not in competing:
            _explain_not_competing(w, leaves)
    return competition


def _panel_check(tender: Tender, works: Sequence[BidWork], leaves: list[WeightedCriterion]) -> None:
    """Under mean/median, every bid needs a score from every evaluator on that criterion's panel."""
    if tender.evaluation.aggregation is Aggregation.CONSENSUS:
        return
    for x in leaves:
        cid = x.criterion.id
        panel = sorted({e for w in works for e, _ in w.leaves[cid].evaluators})
        if len(panel) < 2:
            continue
        for w in works:
            have = {e for e, _ in w.leaves[cid].evaluators}
            if have and have != set(panel):
                lacking = ", ".join(e for e in panel if e not in have)
                w.missing.append(f"{cid} ({x.criterion.name}) scores from {lacking}")


def _duplicates(works: Sequence[BidWork]) -> None:
    seen: dict[str, list[BidWork]] = defaultdict(list)
    for w in works:
        seen[bidder_key(w.bid.bidder_id)].append(w)  # the batch's rule: 04567890 and 4567890 are one company
    for group in seen.values():
        if len(group) > 1:
            ids = " and ".join(dict.fromkeys(w.bid.bidder_id for w in group))
            for w in group:
                w.errors.append(f"Bidder id {ids} has {len(group)} bids in this lot; decide which one stands before scoring.")


@dataclass(frozen=True)
class _QualityGate:
    """The minimum quality score, as a percent of the quality points: worked out once a lot."""

    minimum: Fraction
    shown: str
    quality: tuple[str, ...]
    """The ids of the quality criteria that carry points."""
    available: Fraction

    @classmethod
    def of(cls, tender: Tender, leaves: list[WeightedCriterion]) -> _QualityGate | None:
        minimum = tender.minimum_quality_percent
        quality = [x for x in leaves if x.kind is CriterionKind.QUALITY and x.points_available > 0]
        if minimum is None or not quality:
            return None
        return cls(Fraction(minimum), number(minimum), tuple(x.criterion.id for x in quality),
                   sum((x.points_available for x in quality), Fraction(0)))

    def apply(self, w: BidWork) -> None:
        if w.errors:
            return
        got = [p for cid in self.quality if (p := w.leaves[cid].points) is not None]
        if len(got) < len(self.quality):
            return
        pct = sum(got, Fraction(0)) * 100 / self.available
        if pct < self.minimum:
            w.disqualified.append(f"Scored {percent(pct)} of the available quality points, below the minimum of {self.shown}%.")


def _score_relative(tender: Tender, competition: list[BidWork], leaves: list[WeightedCriterion],
                    price_leaf: WeightedCriterion | None, ppqp: bool, lot_value: Any, memo: Relative) -> None:
    if price_leaf is not None and competition:
        cid = price_leaf.criterion.id
        if ppqp:
            for w in competition:
                w.leaves[cid].value = w.priced()
                w.leaves[cid].explanation = f"Price {money(w.priced())}: divided by the quality points to give the price per quality point (lowest wins)."
        else:
            prices = tuple(w.priced() for w in competition)
            key = ("price", prices)
            scored = memo.get(key)
            if scored is None:
                scored = memo[key] = _price_points(tender, prices, price_leaf)
            for w, (pts, explanation, flag) in zip(competition, scored, strict=True):
                leaf = w.leaves[cid]
                leaf.value, leaf.points, leaf.explanation = w.priced(), pts, explanation
                if flag is not None:
                    w.flags.append(flag)
    sv = tender.social_value
    for x in leaves:
        if not (x.kind is CriterionKind.SOCIAL_VALUE and x.criterion.scored_by is ScoredBy.MEASURES) or not competition:
            continue
        cid = x.criterion.id
        values = [w.leaves[cid].committed for w in competition]
        fallback = Fraction(lot_value if lot_value is not None else tender.contract.estimated_value)
        contract_values = [w.price if w.price is not None else fallback for w in competition]
        target = Fraction(sv.target_pence_per_pound) if sv.target_pence_per_pound is not None else None
        sv_key = ("social_value", cid, tuple(values), tuple(contract_values))
        sv_scores = memo.get(sv_key)
        if sv_scores is None:
            sv_scores = memo[sv_key] = score_values(sv.quantitative_method, values, x.points_available, contract_values, target)  # type: ignore[arg-type]
        for w, v, (pts, formula) in zip(competition, values, sv_scores, strict=True):
            leaf = w.leaves[cid]
            leaf.value, leaf.points = v, pts
            parts = "; ".join(leaf.commitments) or "no commitments"
            leaf.explanation = (f"Commitments valued at {money(v)} ({parts}). Scored {points(pts)} of {points(x.points_available)} "
                                f"points: {formula} = {points(pts)}.")


def _price_points(tender: Tender, prices: tuple[Fraction, ...], price_leaf: WeightedCriterion
                  ) -> list[tuple[Fraction, str, Flag | None]]:
    """Each competing price's points, explanation and flag (at or above the qualification price)."""
    q = tender.price.qualification_price
    available = price_leaf.points_available
    scored = score_prices(tender.price.method, prices, available, Fraction(q) if q is not None else None)
    out = []
    for price, s in zip(prices, scored, strict=True):
        explanation = (f"Price {money(price)} scored {points(s.points)} of {points(available)} "
                       f"points ({tender.price.method.value.replace('_', ' ')}): {s.formula} = {points(s.points)}.")
        flag = (Flag("above_qualification_price", f"Price {money(price)} is at or above the qualification price {money(q)}, so it scores 0.")
                if q is not None and price >= q else None)
        out.append((s.points, explanation, flag))
    return out


def _abnormally_low(tender: Tender, competition: list[BidWork], memo: Relative) -> None:
    pct = tender.abnormally_low.percent_below_mean
    priced = [(w, w.price) for w in competition if w.price is not None]
    if pct is None or len(priced) < 2:
        return
    key = ("abnormally_low", tuple(price for _, price in priced))
    flags = memo.get(key)
    if flags is None:
        flags = memo[key] = _abnormally_low_flags(pct, key[1])
    for (w, _), flag in zip(priced, flags, strict=True):
        if flag is not None:
            w.flags.append(flag)


def _abnormally_low_flags(pct: Any, prices: tuple[Fraction, ...]) -> list[Flag | None]:
    """For each of the competing prices, its abnormally low flag or None."""
    total = sum(prices, Fraction(0))
    share = 1 - Fraction(pct) / 100  # of the mean, below which a price is abnormally low: the same for every bid
    half_unit = Fraction(1, 2 * 10 ** ABNORMALLY_LOW_PLACES)
    out: list[Flag | None] = []
    for price in prices:
        mean = (total - price) / (len(prices) - 1)
        limit = mean * share
        # ROUND(shortfall, 6) > 0 as the workbook computes it: half a unit of the last place counts
        if limit - price >= half_unit:
            below = (mean - price) / mean * 100
            out.append(Flag("abnormally_low", (
                f"Price {money(price)} is {percent(below)} below the mean of the other compliant bids ({money(mean)}), "
                f"more than the {number(pct)}% limit. Procurement Act 2023 s.19(4): ask the supplier to show it can perform "
                "for this price before deciding; the bid is not excluded.")))
        else:
            out.append(None)
    return out


def _explain_not_competing(w: BidWork, leaves: list[WeightedCriterion]) -> None:
    status = w.status()
    why = {Status.INVALID: "the bid has data errors", Status.DISQUALIFIED: "the bid is disqualified",
           Status.INCOMPLETE: "the bid is incomplete"}[status]
    for x in leaves:
        leaf = w.leaves[x.criterion.id]
        if x.relative:
            leaf.points = None
            shown = money(w.price) if x.kind is CriterionKind.PRICE and w.price is not None else "—"
            leaf.value = w.price if x.kind is CriterionKind.PRICE else None
            leaf.explanation = f"Not scored ({shown}): {why}, so it takes no part in relative scoring."


def _no_quality_points(w: BidWork, leaves: list[WeightedCriterion]) -> bool:
    """Price per quality point: whether a complete bid has no points to divide its price by.

    Decided before any score relative to other bids: a criterion scored by measures gives points
    exactly when the bid's own commitments are worth something and the criterion has points."""
    for x in leaves:
        if x.kind in (CriterionKind.PRICE, CriterionKind.PASS_FAIL):
            continue
        leaf = w.leaves[x.criterion.id]
        if x.criterion.scored_by is ScoredBy.MEASURES:
            if leaf.committed > 0 and x.points_available > 0:
                return False
        elif leaf.points:
            return False
    return True

