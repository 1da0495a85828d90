"""Result assembly: a lot's worked bids turned into the immutable :class:`LotResult`.

Each bid's criteria rows (groups totalled from their sub-criteria), its total and price per
quality point, and its reasons; then the competing bids ranked by the published tie-break rules,
with the flags that say how a tie was broken or that it was not, and the sensitivity analysis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from svscore.errors import ScoringError
from svscore.fmt import points
from svscore.model.tender import CriterionKind, Lot, ScoredBy, Tender
from svscore.rules.weights import WeightedCriterion, total_points
from svscore.scoring import ranking
from svscore.scoring.adapters import lot_sensitivity, tie_rules
from svscore.scoring.price import price_per_quality_point
from svscore.scoring.result import BidResult, CriterionResult, Flag, LotResult, Status
from svscore.scoring.work import BidWork, KeptRows, LeafWork


def lot_result(tender: Tender, lot: Lot, tree: list[WeightedCriterion], works: Sequence[BidWork],
               competition: Sequence[BidWork], ppqp: bool, shape: TreeShape | None = None) -> LotResult:
    """The lot's result: the competing bids ranked (ties broken by the published rules), then the others.

    ``shape`` is :meth:`TreeShape.of` the tree, given by a lot's scorer that finishes more than once."""
    shape = shape or TreeShape.of(tree)
    competing = {id(w) for w in competition}
    results = {}
    for w in works:
        results[id(w)] = bid_result(w, shape, lot.id, ppqp)
        if w.rows is None:  # finished once (TenderScorer): let go as soon as its result holds what it needs
            w.let_go_of_work()
    works_of = {id(results[id(w)]): w for w in works}

    def key(r: BidResult) -> Fraction | None:
        if ppqp:
            return -r.price_per_quality_point if r.price_per_quality_point is not None else None
        return r.total

    ranked = ranking.rank([results[id(w)] for w in competition], key, tie_rules(tender))
    ties: dict[int, list[str]] = defaultdict(list)
    final: list[BidResult] = []
    for r in ranked:
        flags = list(r.item.flags)
        if r.broken_by:
            flags.append(Flag("tie_break", f"Level on total with another bid; separated by the tie-break rule: {r.broken_by}."))
        if r.unresolved:
            ties[r.rank].append(r.item.bidder_id)
            flags.append(Flag("tie_unresolved", "Exactly level with another bid, and the published tie-break rules do not separate them: the authority must decide."))
        final.append(_ranked(works_of[id(r.item)], r.item, r.rank, tuple(flags)))
    final.sort(key=lambda b: (b.rank, b.bidder, b.bidder_id))
    others = sorted((results[id(w)] for w in works if id(w) not in competing),
                    key=lambda b: (list(Status).index(b.status), b.bidder, b.bidder_id))
    del results, works_of, ranked  # the results before their ranks: not held beside the ranked ones while the sensitivity is worked out
    tie_groups = tuple(tuple(sorted(v)) for _, v in sorted(ties.items()))
    top = tuple((w.criterion.id, w.criterion.name) for w in tree if w.depth == 0)
    sens = lot_sensitivity(tender, tree, final, ppqp)
    return LotResult(lot.id, lot.title or tender.title, total_points(tender), tuple(final + others), tie_groups, sens, top)


TOTALS_KEPT = 100_000
"""Groups' totals kept by a lot's scorer that finishes more than once before it starts again: far
more than the distinct totals of a large batch."""

TOTALS_KEPT_ONCE = 4096
"""Groups' totals kept by a scorer that finishes once before it starts again. Bids share a group's
total only when they share every sub-criterion's scores: with consensus scores a few hundred sets
cover a whole batch, but with three evaluators' own scores on three sub-criteria nearly every bid
has a set of its own (19,600 of 20,000 in the batch benchmark), and an entry a bid, kept to the end,
is some 330 bytes a bid."""


def _ranked(w: BidWork, result: BidResult, rank: int, flags: tuple[Flag, ...]) -> BidResult:
    """The result with its rank and flags; for a prepared bid scored more than once, its last ranked
    result when nothing has changed, so that every edge can tell an unchanged bid by its identity."""
    kept = w.rows
    if kept is None:
        return result.ranked(rank, flags)
    last = kept.ranked
    if last is not None and last[0] is result and last[1] == rank and last[2] == flags:
        return last[3]
    done = result.ranked(rank, flags)
    kept.ranked = (result, rank, flags, done)
    return done


@dataclass(frozen=True)
class _Node:
    x: WeightedCriterion
    id: str
    leaf: bool
    gate: bool
    kids: tuple[str, ...]
    """A group's scored children (pass/fail gates carry no points)."""
    fixed: bool
    """Whether the row depends on the bid alone: no criterion in it is scored relative to the other bids."""


@dataclass(frozen=True)
class TreeShape:
    """What every bid's result of a lot shares: the criteria children first, the top-level ids, the measured leaves."""

    nodes: tuple[_Node, ...]
    top: tuple[str, ...]
    measured: tuple[str, ...]
    moving: tuple[int, ...]
    """The nodes whose rows depend on the other bids (they contain a relative criterion), by index."""
    top_moving: frozenset[str]
    """Those of them at the top level."""
    relative: tuple[str, ...]
    """The leaves among them: those the competition scores."""
    totals: dict[tuple[int, tuple[int, ...]], tuple[tuple[Fraction, ...], Fraction | None, str]] = field(default_factory=dict, compare=False)
    """A group's total and explanation by its sub-criteria's points: the same for every bid given them.
    Keyed by the points' identities (hashing a Fraction is slow; bids given the same scores share the
    same objects); each entry keeps its points alive, so an identity in a key is never reused."""
    remember_moving: bool = field(default=True, compare=False)
    """Whether the totals of the groups whose rows depend on the other bids are remembered too: their
    sub-criteria's points are the same objects again only for a scorer that finishes more than once
    (in one competition each bid's price points are its own), so a scorer that finishes once does not
    hold an entry a bid for them."""
    kept: int = field(default=TOTALS_KEPT, compare=False)
    """Totals remembered before starting again (:data:`TOTALS_KEPT`, :data:`TOTALS_KEPT_ONCE`)."""

    def group_total(self, n: _Node, got: tuple[Fraction, ...]) -> tuple[Fraction | None, str]:
        """A group's points (None unless every scored child has points) and the sentence that shows the sum."""
        if not (n.fixed or self.remember_moving):
            return _group_total(n, got)
        key = (id(n), tuple(map(id, got)))
        known = self.totals.get(key)
        if known is None:
            if len(self.totals) >= self.kept:
                self.totals.clear()
            known = self.totals[key] = (got, *_group_total(n, got))
        return known[1], known[2]

    @classmethod
    def of(cls, tree: list[WeightedCriterion], remember_moving: bool = True, kept: int = TOTALS_KEPT) -> TreeShape:
        children = {x.criterion.id: tuple(k.criterion.id for k in tree if k.parent_id == x.criterion.id and k.kind is not CriterionKind.PASS_FAIL)
                    for x in tree if not x.is_leaf}
        fixed: dict[str, bool] = {}
        for x in reversed(tree):  # children before parents
            cid = x.criterion.id
            fixed[cid] = (not x.relative if x.is_leaf else
                          all(fixed[k.criterion.id] for k in tree if k.parent_id == cid))
        nodes = tuple(_Node(x, x.criterion.id, x.is_leaf, x.kind is CriterionKind.PASS_FAIL, children.get(x.criterion.id, ()),
                            fixed[x.criterion.id]) for x in reversed(tree))
        top = tuple(x.criterion.id for x in tree if x.depth == 0 and x.kind is not CriterionKind.PASS_FAIL)
        measured = tuple(x.criterion.id for x in tree if x.is_leaf and x.criterion.scored_by is ScoredBy.MEASURES)
        return cls(nodes, top, measured, tuple(i for i, n in enumerate(nodes) if not n.fixed),
                   frozenset(cid for cid in top if not fixed[cid]), tuple(n.id for n in nodes if n.leaf and not n.fixed),
                   remember_moving=remember_moving, kept=kept)


def _group_total(n: _Node, got: tuple[Fraction, ...]) -> tuple[Fraction | None, str]:
    p = sum(got, Fraction(0)) if n.kids and len(got) == len(n.kids) else None
    return p, (f"Sum of its sub-criteria: {' + '.join(points(g) for g in got)} = {points(p)} of {points(n.x.points_available)} points."
               if p is not None else "Not totalled: some sub-criteria have no points.")


_GROUP_LEAF = LeafWork()
"""A group has no evaluators or justifications of its own."""


def bid_result(w: BidWork, shape: TreeShape, lot_id: str, ppqp: bool) -> BidResult:
    """One bid's result, not yet ranked: its criteria rows (children before parents are totalled), total and reasons.

    A prepared bid scored more than once (``w.rows`` given) keeps, from its first result, the rows
    that depend on it alone and their part of the total; later results work out only the others,
    and where the competition gave it what it gave last time, the last result is the answer."""
    kept = w.rows
    if kept is not None:
        said = _competition_said(w, shape)
        last = kept.last
        if last is not None and last[0] == said:
            return last[1]
        result = _bid_result(w, shape, lot_id, ppqp, kept)
        kept.last = (said, result)
        return result
    return _bid_result(w, shape, lot_id, ppqp, None)


def _competition_said(w: BidWork, shape: TreeShape) -> tuple:
    """Everything the competition adds to a prepared bid: what its result depends on beyond the bid.

    Compared item by item, and an item that is the same object (the kept relative scores give the
    same objects while the prices are the same) compares at once."""
    leaves = tuple((leaf.value, leaf.points, leaf.explanation) for leaf in (w.leaves[cid] for cid in shape.relative))
    return (tuple(w.errors), tuple(w.missing), tuple(w.disqualified), tuple(w.flags), leaves)


def _bid_result(w: BidWork, shape: TreeShape, lot_id: str, ppqp: bool, kept: KeptRows | None) -> BidResult:
    status = w.status()
    first = kept is not None and kept.rows is None  # a bid scored more than once, its first result: it fills ``kept``
    if kept is not None and kept.rows is not None:  # a later result: only the moving rows are worked out
        rows: list[CriterionResult | None] = list(kept.rows)
        pts: dict[str, Fraction | None] = dict(kept.points)
        todo: Sequence[int] = shape.moving
    else:
        rows, pts, todo = [None] * len(shape.nodes), {}, range(len(shape.nodes))
    for i in todo:
        n = shape.nodes[i]
        x, c = n.x, n.x.criterion
        if n.leaf:
            leaf = w.leaves[n.id]
            p = None if n.gate else leaf.points
            raw, explanation = leaf.value, leaf.explanation
        else:
            got = tuple(g for k in n.kids if (g := pts[k]) is not None)
            p, explanation = shape.group_total(n, got)
            raw = None
            leaf = _GROUP_LEAF
        pts[n.id] = p
        rows[i] = CriterionResult(n.id, c.name, x.kind, x.parent_id, n.leaf, x.points_available, p, raw,
                                  explanation, tuple(leaf.evaluators), tuple(leaf.justified))
    if kept is not None and first:
        fixed = [n.fixed for n in shape.nodes]
        kept.rows = tuple(r if f else None for r, f in zip(rows, fixed, strict=True))
        kept.points = {n.id: pts[n.id] for n in shape.nodes if n.fixed}
        kept.total = sum((pts[cid] or Fraction(0) for cid in shape.top if cid not in shape.top_moving), Fraction(0))
    done = [r for r in reversed(rows) if r is not None]
    total = None
    if status is Status.RANKED:  # exact, so the fixed part added first gives the same sum
        total = (sum((pts[cid] or Fraction(0) for cid in shape.top_moving), kept.total) if kept is not None else
                 sum((pts[cid] or Fraction(0) for cid in shape.top), Fraction(0)))
    ppqp_value = None
    if ppqp and total is not None and w.price is not None:
        ppqp_value = price_per_quality_point(w.price, total)
        if ppqp_value is None:  # ruled out before the competition (competition.NO_QUALITY_POINTS)
            raise ScoringError(f"{w.who}: no quality points to divide the price by, yet in the competition")
    sv_pounds = sum((w.leaves[cid].committed for cid in shape.measured), Fraction(0)) if shape.measured else None
    reasons = tuple(w.errors or w.disqualified or [f"Missing: {m}." for m in w.missing])
    if status is Status.DISQUALIFIED and w.missing:
        reasons += tuple(f"Also missing: {m}." for m in w.missing)
    return BidResult(w.bid.bidder_id, w.bid.bidder, lot_id, status, w.price, total, None, tuple(done),
                     tuple(w.flags), reasons, w.bid.sme, w.bid.vcse, ppqp_value, sv_pounds)

