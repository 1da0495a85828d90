"""What if the weights had been different? Winner and margin over a grid of top-level weights.

The bids are scored once. When one or two top-level criteria take other weights and the remaining
top-level criteria are rescaled in proportion (so the whole stays 100%, or the total marks), every
bid's points on a criterion scale with that criterion's weight: points within a criterion do not
depend on the weights (a relative price score is a fraction of the maximum, over the same
competition). So each bid's total at a grid point is exact arithmetic on its scored points, with no
re-scoring: 10,000 weightings of 50 bids take seconds (``benchmarks/whatif_benchmark.py``).

That holds while the same bids compete at every point. It does not when a minimum quality score
is a percent of quality points spread over several top-level criteria (a bid's quality percent then
moves with the weights), or when price per quality point decides the award: those are refused,
saying why, rather than answered from a model that does not apply. Ties are broken by the tender's
own tie-break rules, on the points at that weighting; a tie they do not break is said.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from operator import mul
from typing import TYPE_CHECKING, Any

from svscore.errors import SvscoreError
from svscore.model.bids import Bid, BidsFile
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, PriceMethod, Tender
from svscore.rules.weights import total_points, weighted_tree
from svscore.scoring import score_tender
from svscore.scoring.result import BidResult, LotResult, Status, TenderResult

if TYPE_CHECKING:
    import pandas as pd

Number = int | Decimal | Fraction | str


@dataclass(frozen=True)
class _Bid:
    result: BidResult
    points: dict[str, Fraction]
    """Points on each top-level criterion at the tender's own weights."""
    deep: dict[str, tuple[str, Fraction]]
    """Points on every criterion, with the top-level criterion it sits under (for tie-breaks)."""
    floats: tuple[float, ...]
    """``points`` as floats, in the lot's order of top-level criteria."""


@dataclass(frozen=True)
class _Lot:
    result: LotResult
    weights: dict[str, Fraction]
    """The tender's own weight of each weighted top-level criterion, in the tender's units."""
    bids: list[_Bid]
    social_value: dict[str, Fraction]
    """Each top-level criterion's share of the whole that is social value, at the tender's weights."""


def _exact(value: Number, what: str) -> Fraction:
    try:
        out = Fraction(Decimal(value)) if isinstance(value, str) else Fraction(value)
    except (ValueError, ArithmeticError, TypeError):
        raise SvscoreError(f"{what} must be a number, not {value!r}.") from None
    return out


def _lot(tender: Tender, index: int, lot: LotResult, varied: Sequence[str]) -> _Lot:
    tree = weighted_tree(tender, index)
    tops = {w.criterion.id: w for w in tree if w.depth == 0 and w.kind is not CriterionKind.PASS_FAIL}
    unknown = [c for c in varied if c not in tops]
    if unknown:
        raise SvscoreError(f"Lot {lot.lot_id} has no weighted top-level criterion {', '.join(map(repr, unknown))}: "
                           f"its top-level criteria are {', '.join(tops)}.")
    weights = {cid: Fraction(w.criterion.weight or 0) for cid, w in tops.items()}
    top_of: dict[str, str] = {}
    for w in tree:
        top_of[w.criterion.id] = w.criterion.id if w.depth == 0 else top_of[w.parent_id or ""]
    quality_tops = {top_of[w.criterion.id] for w in tree if w.is_leaf and w.kind is CriterionKind.QUALITY and w.points_available > 0}
    if tender.minimum_quality_percent is not None and len(quality_tops) > 1:
        raise SvscoreError(
            "The minimum quality score is a percent of the quality points, which here sit under several top-level criteria "
            f"({', '.join(sorted(quality_tops))}): a bid's quality percent moves with their weights, so which bids compete "
            "changes across the grid. Score each weighting instead (with_weights, then score).")
    bids = []
    for b in lot.bids:
        if b.status is not Status.RANKED:
            continue
        points = {cid: b.points_on(cid) or Fraction(0) for cid in tops}
        deep = {c.criterion_id: (top_of[c.criterion_id], c.points or Fraction(0)) for c in b.criteria if c.criterion_id in top_of}
        bids.append(_Bid(b, points, deep, tuple(float(points[c]) for c in weights)))
    social_value = {cid: Fraction(0) for cid in tops}
    for w in tree:
        if w.is_leaf and w.kind is CriterionKind.SOCIAL_VALUE and top_of[w.criterion.id] in social_value:
            social_value[top_of[w.criterion.id]] += w.share
    return _Lot(lot, weights, bids, social_value)


def _rescaled(base: Mapping[str, Fraction], given: Mapping[str, Fraction], whole: Fraction) -> dict[str, Fraction] | None:
    """Top-level weights with ``given`` set and the others rescaled in proportion to fill ``whole``;
    None when that is impossible (the given weights exceed the whole, or nothing is left to rescale)."""
    rest = whole - sum(given.values(), Fraction(0))
    others = {c: w for c, w in base.items() if c not in given}
    others_sum = sum(others.values(), Fraction(0))
    if rest < 0 or (others_sum == 0 and rest != 0):
        return None
    out = dict(given)
    for c, w in others.items():
        out[c] = w * rest / others_sum
    return out


def _key(tender: Tender, bid: _Bid, factor: Mapping[str, Fraction]) -> tuple:
    """A bid's order at a weighting: its total, then each published tie-break rule's value."""
    keys: list[Any] = [sum((p * factor[c] for c, p in bid.points.items()), Fraction(0))]
    for tb in tender.tie_breaks:
        if tb.rule == "higher_score_on":
            top, points = bid.deep.get(tb.criterion or "", ("", Fraction(0)))
            keys.append(points * factor.get(top, Fraction(1)))
        else:
            keys.append(-bid.result.price if bid.result.price is not None else None)
    return tuple(keys)


NEAR = 1e-9
"""Totals whose floating-point values are within this of the second best are compared exactly
(a float total of 50 terms below 1,000 points is within about 1e-12 of the exact one)."""


def _point(tender: Tender, lot: _Lot, weights: Mapping[str, Fraction]) -> dict[str, Any]:
    if any(w == 0 and weights[c] != 0 for c, w in lot.weights.items()):
        raise SvscoreError("A top-level criterion weighted 0 in the tender cannot be given weight here: its points were never scored.")
    factor = {c: (weights[c] / w if w else Fraction(0)) for c, w in lot.weights.items()}
    row: dict[str, Any] = {"winner_id": None, "winner": None, "total": None, "runner_up_id": None, "runner_up": None,
                           "margin": None, "decided_by": None, "tie": ""}
    if not lot.bids:
        return row
    # Floats find the few bids that can be first or second; exact fractions decide among them.
    floats = [float(factor[c]) for c in lot.weights]
    rough = [sum(map(mul, b.floats, floats)) for b in lot.bids]
    second = sorted(rough, reverse=True)[min(1, len(rough) - 1)]
    near = [b for b, t in zip(lot.bids, rough, strict=True) if t >= second - NEAR * max(1.0, abs(second))]
    order = sorted(((_key(tender, b, factor), b) for b in near),
                   key=lambda kb: [k if k is not None else Fraction(-10**30) for k in kb[0]], reverse=True)
    best = order[0][0]
    level = [b for k, b in order if k[0] == best[0]]
    tied_all = [b for k, b in order if k == best]
    if len(tied_all) > 1:
        row["tie"] = ", ".join(b.result.bidder_id for b in tied_all)
        row["total"] = best[0]
        return row
    winner = order[0][1]
    row.update(winner_id=winner.result.bidder_id, winner=winner.result.bidder, total=best[0])
    if len(level) > 1:
        rule = next(i for i in range(1, len(best)) if best[i] != order[1][0][i])
        row["decided_by"] = f"tie-break {rule}"
    if len(order) > 1:
        runner = order[1]
        row.update(runner_up_id=runner[1].result.bidder_id, runner_up=runner[1].result.bidder, margin=best[0] - runner[0][0])
    return row


def grid_rows(tender: Tender, bids: BidsFile | Sequence[Bid], measures: MeasuresTable | None = None,
              grid: Mapping[str, Sequence[Number]] | None = None, *, exact: bool = False) -> list[dict[str, Any]]:
    """One row per lot and grid point: the weights, the winner, its total, the runner-up and the
    margin between them (points), and whether the winner differs from the award at the tender's own
    weights. ``grid`` maps one or two top-level criterion ids to the weights to try (in the tender's
    units: percent, or marks); points where the given weights leave nothing to rescale are left out.
    Each row also gives social value's share of the whole at that weighting and whether it is below
    the tender's social value policy minimum (a weighting the tender's own checks would refuse or warn of)."""
    grid = dict(grid or {})
    if not 1 <= len(grid) <= 2:
        raise SvscoreError("Give a grid over one or two top-level criteria.")
    if tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT:
        raise SvscoreError("This tender awards by price per quality point: the winner is not a weighted total, so a grid "
                           "of weights does not apply. Score each weighting instead (with_weights, then score).")
    values = {c: [_exact(v, f"A weight of {c}") for v in vs] for c, vs in grid.items()}
    result: TenderResult = score_tender(tender, bids, measures)
    whole = total_points(tender)
    rows = []
    for index, lot_result in enumerate(result.lots):
        lot = _lot(tender, index, lot_result, list(grid))
        base = lot_result.winners()
        base_id = base[0].bidder_id if len(base) == 1 else None
        for combo in itertools.product(*values.values()):
            given = dict(zip(values, combo, strict=True))
            weights = _rescaled(lot.weights, given, whole)
            if weights is None:
                continue
            row = {"lot": lot_result.lot_id, **{f"weight {c}": weights[c] for c in lot.weights}}
            row.update(_point(tender, lot, weights))
            sv = sum((share * weights[c] / w for c, share in lot.social_value.items() if (w := lot.weights[c])), Fraction(0)) * 100
            row["social value %"] = sv
            row["below social value minimum"] = sv < Fraction(tender.social_value_policy.minimum_percent)
            row["changed"] = row["winner_id"] != base_id
            if not exact:
                row = {k: (float(v) if isinstance(v, Fraction) else v) for k, v in row.items()}
            rows.append(row)
    return rows


def weight_grid(tender: Tender, bids: BidsFile | Sequence[Bid], measures: MeasuresTable | None = None,
                grid: Mapping[str, Sequence[Number]] | None = None, *, exact: bool = False) -> pd.DataFrame:
    """The winner and margin at each weighting of one or two top-level criteria, as a data frame.

    The rows of :func:`grid_rows` (``svscore.what_if``); ``frame.attrs["values"]`` says floats or exact."""
    from svscore.analysis.frames import EXACT, FLOATS, require_pandas

    pd = require_pandas()
    frame = pd.DataFrame(grid_rows(tender, bids, measures, grid, exact=exact))
    frame.attrs["values"] = EXACT if exact else FLOATS
    return frame


def sensitivity_frame(result: TenderResult, *, exact: bool = False) -> pd.DataFrame:
    """The sensitivity result (how far each top-level weight moves before the winner changes) as a
    frame: one row per lot and criterion."""
    from svscore.analysis.frames import EXACT, FLOATS, require_pandas

    pd = require_pandas()

    def v(x: Fraction | None) -> Fraction | float | None:
        return x if exact or x is None else float(x)

    rows = [{"lot": lot.lot_id, "criterion": line.criterion_id, "name": line.name, "weight_percent": v(line.current_percent),
             "tipping_percent": v(line.tipping_percent), "change": v(line.change), "new_winner_id": line.new_winner,
             "new_winner": line.new_winner_name, "message": line.message()}
            for lot in result.lots for line in lot.sensitivity.lines]
    frame = pd.DataFrame(rows, columns=["lot", "criterion", "name", "weight_percent", "tipping_percent", "change",
                                        "new_winner_id", "new_winner", "message"])
    frame.attrs["values"] = EXACT if exact else FLOATS
    frame.attrs["notes"] = {lot.lot_id: lot.sensitivity.note for lot in result.lots}
    return frame
