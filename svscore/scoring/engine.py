"""Score a tender: validate each bid, apply gates, score relatively over the competition, rank.

This is the thin layer over the pure functions in :mod:`price`, :mod:`aggregate`,
:mod:`social_value`, :mod:`ranking` and :mod:`sensitivity`. It takes the evaluation model and the
bids and returns an immutable :class:`TenderResult`. Order of work for each lot:

1. Each bid's own data: price, scores on the scale, commitments against the measures table.
   A data error makes the bid *invalid*; a missing score or price makes it *incomplete*.
2. Gates: a failed pass/fail criterion, a score below a criterion's minimum or total quality
   below the minimum percentage *disqualifies*, with the reason.
3. The competition (valid, complete, not disqualified bids) is scored: relative price and
   social value scores are computed over it alone, so a disqualified bid's price never sets
   the lowest price.
4. Abnormally low prices are flagged (never excluded), totals ranked exactly, ties broken by the
   published rules, and the winner's robustness to weight changes is analysed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from svscore.errors import DisagreementError, ScoringError
from svscore.fmt import money, number, percent, points
from svscore.model.bids import Bid, BidsFile, Score
from svscore.model.identity import bidder_key
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Lot, PriceMethod, ScoredBy, Tender
from svscore.rules.checks import CheckReport, check_tender, require_no_errors
from svscore.rules.weights import WeightedCriterion, total_points, weighted_tree
from svscore.scoring import aggregate, ranking, sensitivity
from svscore.scoring.price import price_per_quality_point, score_prices
from svscore.scoring.result import (
    BidResult,
    CriterionResult,
    Flag,
    LotResult,
    Sensitivity,
    SensitivityLine,
    Status,
    TenderResult,
)
from svscore.scoring.social_value import ValuedCommitment, commitment_problem, score_values, value_commitment


@dataclass
class _Leaf:
    value: Any = None  # aggregated Fraction, 'pass'/'fail', or £ value for measures
    points: Fraction | None = None
    explanation: str = ""
    evaluators: list[tuple[str, Any]] = field(default_factory=list)
    justifications: list[tuple[str, str]] = field(default_factory=list)
    commitments: list[ValuedCommitment] = field(default_factory=list)
    committed: Fraction = Fraction(0)
    """The £ value of the commitments, added up as they are valued."""


@dataclass
class _Work:
    bid: Bid
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    disqualified: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    leaves: dict[str, _Leaf] = field(default_factory=dict)
    price: Fraction | None = None

    def priced(self) -> Fraction:
        """The price of a bid in the competition (a bid without one is incomplete and never competes)."""
        assert self.price is not None, f"{self.who} competes without a price"
        return self.price

    @property
    def who(self) -> str:
        return f"{self.bid.bidder} ({self.bid.bidder_id})"

    def status(self) -> Status:
        if self.errors:
            return Status.INVALID
        if self.disqualified:
            return Status.DISQUALIFIED
        if self.missing:
            return Status.INCOMPLETE
        return Status.RANKED


def score_tender(tender: Tender, bids: BidsFile | Sequence[Bid], measures: MeasuresTable | None = None,
                 *, base_dir: Path | None = None, report: CheckReport | None = None) -> TenderResult:
    """Score every lot of a tender. Raises :class:`ScoringError` when the tender itself has errors."""
    scorer = TenderScorer(tender, measures, base_dir=base_dir, report=report)
    if isinstance(bids, BidsFile) and bids.tender_reference not in (None, tender.reference):
        raise DisagreementError(f"The bids file answers tender {bids.tender_reference!r}, not this tender ({tender.reference!r}): "
                                "give the bids file for this tender, or correct its tender_reference.")
    bid_list = tuple(bids.bids if isinstance(bids, BidsFile) else bids)
    return scorer.finish([scorer.prepare(b) for b in bid_list])


class TenderScorer:
    """Scoring in two steps, so that each bid can be prepared as soon as it is read.

    :meth:`prepare` does everything that depends on one bid alone (its data, scale points,
    evaluators' scores); :meth:`finish` does what depends on all of them (panels, duplicates,
    gates, relative scoring over the competition, flags, ranking, sensitivity). Bids may be
    prepared in any order: :meth:`finish` sorts them, so results never depend on input order.
    Each prepared bid is finished once.
    """

    def __init__(self, tender: Tender, measures: MeasuresTable | None = None, *, base_dir: Path | None = None,
                 report: CheckReport | None = None):
        if measures is None and tender.social_value.measures_file and report is None and \
                (base_dir is not None or tender.source_dir is not None):  # a tender read from a file
            from svscore.model.loading import tender_measures

            measures, _ = tender_measures(tender, base_dir=base_dir)  # the tender's own table, found as the CLI finds it
        report = report or check_tender(tender, base_dir, measures_supplied=measures is not None)
        require_no_errors(report, "its bids cannot be scored")
        needs_measures = any(c.scored_by is ScoredBy.MEASURES for w in report.lots for c in (x.criterion for x in w.criteria))
        if needs_measures and measures is None:
            raise ScoringError("A social value criterion is scored by measures: give the council's measures table.")
        self.tender, self.measures, self.report = tender, measures, report
        self.lots = tender.all_lots()
        self.scorers = {lot.id: LotScorer(tender, i, measures) for i, lot in enumerate(self.lots)}

    def prepare(self, bid: Bid) -> tuple[str, _Work] | str:
        """One bid prepared for its lot, or a message when it names a lot the tender does not have."""
        lot_id = bid.lot if bid.lot is not None else (self.lots[0].id if len(self.lots) == 1 else None)
        if lot_id is None or lot_id not in self.scorers:
            known = ", ".join(lot.id for lot in self.lots)
            return f"{bid.bidder} ({bid.bidder_id}) bid for lot {bid.lot!r}, which this tender does not have (lots: {known})."
        return lot_id, self.scorers[lot_id].prepare(bid)

    def finish(self, prepared: Sequence[tuple[str, _Work] | str]) -> TenderResult:
        by_lot: dict[str, list[_Work]] = defaultdict(list)
        stray = []
        for item in prepared:
            if isinstance(item, str):
                stray.append(item)
            else:
                by_lot[item[0]].append(item[1])
        results = tuple(self.scorers[lot.id].finish(by_lot.get(lot.id, [])) for lot in self.lots)
        t = self.tender
        warning = self.measures.warning() if self.measures is not None else None
        return TenderResult(t.reference, t.title, results, self.report.findings, self.report.decision, tuple(stray),
                            (warning,) if warning else ())


class LotScorer:
    """The two steps of :class:`TenderScorer` for one lot (the tender has passed its checks)."""

    def __init__(self, tender: Tender, lot_index: int, measures: MeasuresTable | None):
        self.tender, self.measures = tender, measures
        self.lot = tender.all_lots()[lot_index]
        self.tree = weighted_tree(tender, lot_index)
        self.leaves = [w for w in self.tree if w.is_leaf]
        self.memo: dict[Any, tuple[Any, ...]] = {}
        """Scaled-criterion outcomes by (criterion, evaluators' scores): see :func:`_scaled_outcome`."""

    def prepare(self, bid: Bid) -> _Work:
        return _prepare(self.tender, bid, self.leaves, self.measures, self.memo)

    def finish(self, works: Sequence[_Work]) -> LotResult:
        return _finish_lot(self.tender, self.lot, self.tree, self.leaves, works)


def _finish_lot(tender: Tender, lot: Lot, tree: list[WeightedCriterion], leaves: list[WeightedCriterion],
                prepared: Sequence[_Work]) -> LotResult:
    ppqp = tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT
    price_leaf = next((w for w in leaves if w.kind is CriterionKind.PRICE), None)
    works = sorted(prepared, key=lambda w: (w.bid.bidder_id, w.bid.bidder))
    _panel_check(tender, works, leaves)
    _duplicates(works)
    for w in works:
        _gates(tender, w, leaves)
        if ppqp and w.status() is Status.RANKED and _no_quality_points(w, leaves):
            w.missing.append(NO_QUALITY_POINTS)  # nothing to divide its price by: out of the competition, as the workbook has it
    competition = [w for w in works if w.status() is Status.RANKED]
    competing = {id(w) for w in competition}
    _score_relative(tender, competition, leaves, price_leaf, ppqp, lot.estimated_value)
    _abnormally_low(tender, competition)
    for w in works:
        if id(w) not in competing:
            _explain_not_competing(w, leaves)
    children = {x.criterion.id: [k for k in tree if k.parent_id == x.criterion.id and k.kind is not CriterionKind.PASS_FAIL]
                for x in tree if not x.is_leaf}  # a group's scored children (pass/fail gates carry no points)
    results = {id(w): _bid_result(tender, w, tree, children, lot.id, ppqp) for w in works}

    def key(w: _Work) -> Fraction | None:
        r = results[id(w)]
        if ppqp:
            return -r.price_per_quality_point if r.price_per_quality_point is not None else None
        return r.total

    rules = _tie_rules(tender, results)
    ranked = ranking.rank(competition, key, rules)
    ties: dict[int, list[str]] = defaultdict(list)
    final: list[BidResult] = []
    for r in ranked:
        res = results[id(r.item)]
        flags = list(res.flags)
        if r.broken_by:
            flags.append(Flag("tie_break", f"Level on total with another bid; separated by the tie-break rule: {r.broken_by}."))
        if r.unresolved:
            ties[r.rank].append(r.item.bid.bidder_id)
            flags.append(Flag("tie_unresolved", "Exactly level with another bid, and the published tie-break rules do not separate them: the authority must decide."))
        final.append(replace(res, rank=r.rank, flags=tuple(flags)))
    final.sort(key=lambda b: (b.rank, b.bidder, b.bidder_id))
    others = sorted((results[id(w)] for w in works if id(w) not in competing),
                    key=lambda b: (list(Status).index(b.status), b.bidder, b.bidder_id))
    tie_groups = tuple(tuple(sorted(v)) for _, v in sorted(ties.items()))
    top = tuple((w.criterion.id, w.criterion.name) for w in tree if w.depth == 0)
    sens = _sensitivity(tender, tree, final, ppqp)
    return LotResult(lot.id, lot.title or tender.title, total_points(tender), tuple(final + others), tie_groups, sens, top)


def _prepare(tender: Tender, bid: Bid, leaves: list[WeightedCriterion], measures: MeasuresTable | None,
             memo: dict[Any, tuple[Any, ...]] | None = None) -> _Work:
    w = _Work(bid)
    ids = {x.criterion.id: x for x in leaves}
    scores: dict[str, list[Score]] = defaultdict(list)
    for s in bid.scores:
        if s.criterion not in ids:
            w.errors.append(f"{w.who} has a score for criterion {s.criterion!r}, which is not a scored criterion of this lot.")
        else:
            scores[s.criterion].append(s)
    if bid.price is not None:
        w.price = Fraction(bid.price)
        if w.price <= 0:
            w.errors.append(f"{w.who}'s price {money(bid.price)} is not more than £0: a price must be positive.")
    measure_leaves = [x for x in leaves if x.kind is CriterionKind.SOCIAL_VALUE and x.criterion.scored_by is ScoredBy.MEASURES]
    for x in leaves:
        c = x.criterion
        leaf = w.leaves.setdefault(c.id, _Leaf())
        given = scores.get(c.id, [])
        leaf.justifications = [(s.evaluator or "consensus", s.justification) for s in given if s.justification]
        if x.kind is CriterionKind.PRICE:
            if bid.price is None:
                w.missing.append("the price")
            continue
        if x in measure_leaves:
            if given:
                w.errors.append(f"{w.who} has evaluators' scores for {c.id} ({c.name}), which is scored from commitments, not by evaluators.")
            continue
        if x.kind is CriterionKind.PASS_FAIL:
            _pass_fail(tender, w, x, given, leaf)
        else:
            _scaled(tender, w, x, given, leaf, memo)
    _commitments(w, measure_leaves, measures)
    return w


def _evaluator_split(tender: Tender, w: _Work, x: WeightedCriterion, given: list[Score]) -> list[Score] | None:
    """The scores that count for this criterion under the tender's aggregation, or None if missing."""
    consensus = [s for s in given if s.evaluator is None]
    individual = [s for s in given if s.evaluator is not None]
    if len(consensus) > 1:
        w.errors.append(f"{w.who} has {len(consensus)} consensus scores for {x.criterion.id} ({x.criterion.name}); give one.")
        return None
    seen: set[str] = set()
    for s in individual:
        if s.evaluator in seen:
            w.errors.append(f"{w.who}: evaluator {s.evaluator} scored {x.criterion.id} ({x.criterion.name}) more than once.")
            return None
        seen.add(s.evaluator or "")
    if tender.evaluation.aggregation.value == "consensus":
        if consensus:
            return consensus
        what = " (evaluators' individual scores are recorded, but not the agreed score)" if individual else ""
        w.missing.append(f"the consensus score for {x.criterion.id} ({x.criterion.name}){what}")
        return None
    if individual:
        return individual
    if consensus:
        return consensus
    w.missing.append(f"a score for {x.criterion.id} ({x.criterion.name})")
    return None


def _pass_fail(tender: Tender, w: _Work, x: WeightedCriterion, given: list[Score], leaf: _Leaf) -> None:
    c = x.criterion
    consensus = [s for s in given if s.evaluator is None]
    use = consensus or [s for s in given if s.evaluator is not None]
    if not use:
        w.missing.append(f"the pass/fail result for {c.id} ({c.name})")
        return
    bad = [s for s in use if s.value not in ("pass", "fail")]
    if bad:
        w.errors.append(f"{w.who}: {c.id} ({c.name}) is pass/fail, but was given {_show(bad[0].value)}; use 'pass' or 'fail'.")
        return
    leaf.evaluators = [(s.evaluator, s.value) for s in use if s.evaluator]
    results = {s.value for s in use}
    if len(consensus) > 1 or len(results) > 1:
        w.missing.append(f"an agreed pass/fail result for {c.id} ({c.name}): evaluators disagree; record a consensus result")
        return
    leaf.value = results.pop()
    if leaf.value == "fail":
        why = next((s.justification for s in use if s.justification), "")
        w.disqualified.append(f"Failed the pass/fail criterion {c.id} ({c.name})" + (f": {why}" if why else "."))
        leaf.explanation = f"Fail: the bid does not meet {c.name}, so it is disqualified."
    else:
        leaf.explanation = f"Pass: the bid meets {c.name}."


@lru_cache(maxsize=4096)
def _fraction(d: Any) -> Fraction:
    """Scores and scale values repeat across bids: convert each distinct Decimal once."""
    return Fraction(d)


def _show(v: Any) -> str:
    return repr(v) if isinstance(v, str) else number(v, 6)


def _scaled(tender: Tender, w: _Work, x: WeightedCriterion, given: list[Score], leaf: _Leaf,
            memo: dict[Any, tuple[Any, ...]] | None = None) -> None:
    c = x.criterion
    scale = tender.scale(c.scale)
    assert scale is not None  # guaranteed by check_tender
    use = _evaluator_split(tender, w, x, given)
    if use is None:
        return
    ok = True
    for s in use:
        if isinstance(s.value, str) or not scale.contains(s.value):
            allowed = ", ".join(number(v) for v in scale.allowed()[:12])
            by = f" by {s.evaluator}" if s.evaluator else ""
            w.errors.append(f"{w.who}: the score {_show(s.value)}{by} for {c.id} ({c.name}) is not on scale "
                            f"{scale.id!r} (allowed: {allowed}{'…' if len(scale.allowed()) > 12 else ''}).")
            ok = False
    if not ok:
        return
    key = (c.id, tuple((s.evaluator, s.value) for s in use))
    outcome = memo.get(key) if memo is not None else None
    if outcome is None:
        outcome = _scaled_outcome(tender, x, scale, use)
        if memo is not None:
            memo[key] = outcome
    value, pts, evaluators, flag, explanation, disqualified = outcome
    leaf.value, leaf.points, leaf.evaluators, leaf.explanation = value, pts, list(evaluators), explanation
    if flag is not None:
        w.flags.append(flag)
    if disqualified is not None:
        w.disqualified.append(disqualified)


def _scaled_outcome(tender: Tender, x: WeightedCriterion, scale: Any, use: list[Score]) -> tuple[Any, ...]:
    """What a set of valid scores on a scaled criterion gives: the same for every bid given them,
    so a lot's scorer works each distinct set out once (a batch of 1,000 bids has a few hundred)."""
    c = x.criterion
    values = [_fraction(s.value) for s in use]  # type: ignore[arg-type]
    evaluators = tuple((s.evaluator, v) for s, v in zip(use, values, strict=True) if s.evaluator)
    flag = disqualified = None
    spread_limit = tender.evaluation.moderation_spread
    if evaluators and spread_limit is not None and aggregate.spread(values) >= spread_limit:
        listed = ", ".join(f"{e} {number(v)}" for e, v in evaluators)
        flag = Flag("moderation", f"{c.id} ({c.name}): evaluators' scores spread by {number(aggregate.spread(values))} "
                                  f"(at least {number(spread_limit)}): {listed}. Discuss at moderation.")
    method = tender.evaluation.aggregation if len(use) > 1 or use[0].evaluator else None
    value = aggregate.combine(method, values) if method else values[0]
    top = _fraction(scale.top())
    pts = value / top * x.points_available
    desc = scale.descriptor(value)
    how = ""
    if evaluators and len(evaluators) > 1:
        how = f" ({tender.evaluation.aggregation.value} of {', '.join(f'{e} {number(v)}' for e, v in evaluators)})"
    elif evaluators:
        how = f" (by {evaluators[0][0]})"
    explanation = (f"Scored {number(value)}{f' ({desc})' if desc else ''}{how} on scale {scale.label()!r}: "
                   f"{number(value)} ÷ {number(top)} × {points(x.points_available)} = {points(pts)} points.")
    if c.minimum_score is not None and value < c.minimum_score:
        disqualified = f"Scored {number(value)} on {c.id} ({c.name}), below the minimum score of {number(c.minimum_score)}."
    return value, pts, evaluators, flag, explanation, disqualified


def _commitments(w: _Work, measure_leaves: list[WeightedCriterion], measures: MeasuresTable | None) -> None:
    if not w.bid.commitments:
        return
    if not measure_leaves:
        w.errors.append(f"{w.who} lists social value commitments, but no criterion of this lot is scored by measures.")
        return
    table = measures.by_id() if measures else {}
    by_id = {x.criterion.id: x for x in measure_leaves}
    for i, c in enumerate(w.bid.commitments):
        where = f"commitment {i + 1}"
        target = c.criterion or (measure_leaves[0].criterion.id if len(measure_leaves) == 1 else None)
        if target is None:
            w.errors.append(f"{w.who}: {where} does not say which social value criterion it counts towards ({', '.join(by_id)}).")
            continue
        if target not in by_id:
            w.errors.append(f"{w.who}: {where} counts towards {target!r}, which is not a criterion scored by measures.")
            continue
        m = table.get(c.measure)
        if m is None:
            w.errors.append(f"{w.who}: {where} names measure {c.measure!r}, which is not in the measures table.")
            continue
        problem = commitment_problem(c)
        if problem is not None:
            w.errors.append(f"{w.who}: {where} ({c.measure}) {problem}.")
            continue
        valued = value_commitment(c, m)
        w.leaves[target].commitments.append(valued)
        w.leaves[target].committed += valued.value


def _panel_check(tender: Tender, works: list[_Work], leaves: list[WeightedCriterion]) -> None:
    """Under mean/median, every bid needs a score from every evaluator on that criterion's panel."""
    if tender.evaluation.aggregation.value == "consensus":
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


def _duplicates(works: list[_Work]) -> None:
    seen: dict[str, list[_Work]] = defaultdict(list)
    for w in works:
        seen[bidder_key(w.bid.bidder_id)].append(w)  # the batch's rule: 04567890 and 4567890 are one company
    for group in seen.values():
        if len(group) > 1:
            ids = " and ".join(dict.fromkeys(w.bid.bidder_id for w in group))
            for w in group:
                w.errors.append(f"Bidder id {ids} has {len(group)} bids in this lot; decide which one stands before scoring.")


def _gates(tender: Tender, w: _Work, leaves: list[WeightedCriterion]) -> None:
    minimum = tender.minimum_quality_percent
    if minimum is None or w.errors:
        return
    quality = [x for x in leaves if x.kind is CriterionKind.QUALITY and x.points_available > 0]
    got = [p for x in quality if (p := w.leaves[x.criterion.id].points) is not None]
    if not quality or len(got) < len(quality):
        return
    available = sum((x.points_available for x in quality), Fraction(0))
    pct = sum(got, Fraction(0)) * 100 / available
    if pct < Fraction(minimum):
        w.disqualified.append(f"Scored {percent(pct)} of the available quality points, below the minimum of {number(minimum)}%.")


def _score_relative(tender: Tender, competition: list[_Work], leaves: list[WeightedCriterion],
                    price_leaf: WeightedCriterion | None, ppqp: bool, lot_value: Any) -> None:
    if price_leaf is not None and competition:
        cid = price_leaf.criterion.id
        if ppqp:
            for w in competition:
                w.leaves[cid].value = w.priced()
                w.leaves[cid].explanation = f"Price {money(w.priced())}: divided by the quality points to give the price per quality point (lowest wins)."
        else:
            q = tender.price.qualification_price
            scored = score_prices(tender.price.method, [w.priced() for w in competition], price_leaf.points_available,
                                  Fraction(q) if q is not None else None)
            for w, s in zip(competition, scored, strict=True):
                leaf = w.leaves[cid]
                leaf.value, leaf.points = w.priced(), s.points
                leaf.explanation = (f"Price {money(w.priced())} scored {points(s.points)} of {points(price_leaf.points_available)} "
                                    f"points ({tender.price.method.value.replace('_', ' ')}): {s.formula} = {points(s.points)}.")
                if q is not None and w.priced() >= q:
                    w.flags.append(Flag("above_qualification_price", f"Price {money(w.priced())} is at or above the qualification price {money(q)}, so it scores 0."))
    sv = tender.social_value
    for x in leaves:
        if not (x.kind is CriterionKind.SOCIAL_VALUE and x.criterion.scored_by is ScoredBy.MEASURES) or not competition:
            continue
        cid = x.criterion.id
        values = [w.leaves[cid].committed for w in competition]
        fallback = Fraction(lot_value if lot_value is not None else tender.contract.estimated_value)
        contract_values = [w.price if w.price is not None else fallback for w in competition]
        target = Fraction(sv.target_pence_per_pound) if sv.target_pence_per_pound is not None else None
        sv_scores = score_values(sv.quantitative_method, values, x.points_available, contract_values, target)  # type: ignore[arg-type]
        for w, v, (pts, formula) in zip(competition, values, sv_scores, strict=True):
            leaf = w.leaves[cid]
            leaf.value, leaf.points = v, pts
            parts = "; ".join(vc.explanation for vc in leaf.commitments) or "no commitments"
            leaf.explanation = (f"Commitments valued at {money(v)} ({parts}). Scored {points(pts)} of {points(x.points_available)} "
                                f"points: {formula} = {points(pts)}.")


ABNORMALLY_LOW_PLACES = 6
"""Decimal places of a pound to which a price's shortfall below the abnormally low limit is rounded
before it counts: a price exactly on the limit is never flagged, and the workbook's formula (which
rounds the same way) gives the same answer in every spreadsheet program whatever floating point
does to the limit's last digit."""


def _abnormally_low(tender: Tender, competition: list[_Work]) -> None:
    pct = tender.abnormally_low.percent_below_mean
    priced = [(w, w.price) for w in competition if w.price is not None]
    if pct is None or len(priced) < 2:
        return
    total = sum((price for _, price in priced), Fraction(0))
    for w, price in priced:
        mean = (total - price) / (len(priced) - 1)
        limit = mean * (1 - Fraction(pct) / 100)
        # ROUND(shortfall, 6) > 0 as the workbook computes it: half a unit of the last place counts
        if limit - price >= Fraction(1, 2 * 10 ** ABNORMALLY_LOW_PLACES):
            below = (mean - price) / mean * 100
            w.flags.append(Flag("abnormally_low", (
                f"Price {money(price)} is {percent(below)} below the mean of the other compliant bids ({money(mean)}), "
                f"more than the {number(pct)}% limit. Procurement Act 2023 s.19(4): ask the supplier to show it can perform "
                "for this price before deciding; the bid is not excluded.")))


def _explain_not_competing(w: _Work, leaves: list[WeightedCriterion]) -> None:
    status = w.status()
    why = {Status.INVALID: "the bid has data errors", Status.DISQUALIFIED: "the bid is disqualified",
           Status.INCOMPLETE: "the bid is incomplete"}[status]
    for x in leaves:
        leaf = w.leaves[x.criterion.id]
        relative = x.kind is CriterionKind.PRICE or x.criterion.scored_by is ScoredBy.MEASURES
        if relative:
            leaf.points = None
            shown = money(w.price) if x.kind is CriterionKind.PRICE and w.price is not None else "—"
            leaf.value = w.price if x.kind is CriterionKind.PRICE else None
            leaf.explanation = f"Not scored ({shown}): {why}, so it takes no part in relative scoring."


NO_QUALITY_POINTS = "quality points to divide the price by (the bid scored 0)"


def _no_quality_points(w: _Work, leaves: list[WeightedCriterion]) -> bool:
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


def _bid_result(tender: Tender, w: _Work, tree: list[WeightedCriterion], children: dict[str, list[WeightedCriterion]],
                lot_id: str, ppqp: bool) -> BidResult:
    status = w.status()
    pts: dict[str, Fraction | None] = {}
    rows: list[CriterionResult] = []
    for x in reversed(tree):  # children before parents
        c = x.criterion
        if x.is_leaf:
            leaf = w.leaves[c.id]
            p = leaf.points if x.kind is not CriterionKind.PASS_FAIL else None
            if x.kind is CriterionKind.PASS_FAIL:
                p = None
            pts[c.id] = p
            raw = leaf.value
        else:
            kids = children[c.id]
            got = [g for k in kids if (g := pts[k.criterion.id]) is not None]
            p = sum(got, Fraction(0)) if kids and len(got) == len(kids) else None
            pts[c.id] = p
            raw = None
            leaf = _Leaf(explanation=(f"Sum of its sub-criteria: {' + '.join(points(g) for g in got)} = {points(p)} of {points(x.points_available)} points."
                                      if p is not None else "Not totalled: some sub-criteria have no points."))
        rows.append(CriterionResult(c.id, c.name, x.kind, x.parent_id, x.is_leaf, x.points_available, p, raw,
                                    leaf.explanation, tuple(leaf.evaluators), tuple(leaf.justifications)))
    rows.reverse()
    top = [x for x in tree if x.depth == 0 and x.kind is not CriterionKind.PASS_FAIL]
    total = None
    if status is Status.RANKED:
        total = sum((pts[x.criterion.id] or Fraction(0) for x in top), Fraction(0))
    ppqp_value = None
    if ppqp and total is not None and w.price is not None:
        ppqp_value = price_per_quality_point(w.price, total)
        if ppqp_value is None:  # ruled out before the competition by _no_quality_points
            raise ScoringError(f"{w.who}: no quality points to divide the price by, yet in the competition")
    sv_pounds = None
    measure_leaves = [w.leaves[x.criterion.id] for x in tree if x.is_leaf and x.criterion.scored_by is ScoredBy.MEASURES]
    if measure_leaves:
        sv_pounds = sum((leaf.committed for leaf in measure_leaves), Fraction(0))
    reasons = tuple(w.errors or w.disqualified or [f"Missing: {m}." for m in w.missing])
    if status is Status.DISQUALIFIED and w.missing:
        reasons += tuple(f"Also missing: {m}." for m in w.missing)
    return BidResult(w.bid.bidder_id, w.bid.bidder, lot_id, status, w.price, total, None, tuple(rows),
                     tuple(w.flags), reasons, w.bid.sme, w.bid.vcse, ppqp_value, sv_pounds)


def _tie_rules(tender: Tender, results: dict[int, BidResult]) -> list[ranking.TieRule[_Work]]:
    def higher_score_on(cid: str) -> Callable[[_Work], Fraction | None]:
        return lambda w: results[id(w)].points_on(cid)

    def lower_price(w: _Work) -> Fraction | None:
        price = results[id(w)].price
        return -price if price is not None else None

    rules = []
    for i, tb in enumerate(tender.tie_breaks):
        if tb.rule == "higher_score_on":
            cid = tb.criterion or ""
            rules.append(ranking.TieRule(f"tie-break {i + 1}, higher score on {cid}", higher_score_on(cid)))
        else:
            rules.append(ranking.TieRule(f"tie-break {i + 1}, lower price", lower_price))
    return rules


def _sensitivity(tender: Tender, tree: list[WeightedCriterion], ranked: list[BidResult], ppqp: bool) -> Sensitivity:
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
    bids = {b.bidder_id: {cid: (b.points_on(cid) or Fraction(0)) * scale for cid, _ in shares} for b in ranked}
    totals = {b.bidder_id: b.total * scale for b in ranked}  # type: ignore[operator]
    bidder_names = {b.bidder_id: b.bidder for b in ranked}
    lines = []
    for cid, w, tip in sensitivity.analyse(shares, winner.bidder_id, bids, totals):
        if tip is None:
            lines.append(SensitivityLine(cid, names[cid], w, None, None))
        else:
            x, rival = tip
            lines.append(SensitivityLine(cid, names[cid], w, x, rival, bidder_names[rival]))
    return Sensitivity(True, f"How far each top-level weight must move (others rescaled in proportion) before {winner.bidder} stops winning.", tuple(lines))
