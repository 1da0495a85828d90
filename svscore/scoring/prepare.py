"""Preparing one bid: everything that depends on that bid alone.

Its price, its pass/fail results, its scaled scores (evaluators' scores checked against the scale
and combined as the tender's ``evaluation.aggregation`` says) and its social value commitments
valued with the measures table. A data error makes the bid invalid; a missing score or price
makes it incomplete; a failed pass/fail or a score below a criterion's minimum disqualifies it.
Nothing here looks at another bid, so each bid can be prepared as soon as it is read.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from fractions import Fraction
from functools import lru_cache
from typing import Any, NamedTuple

from svscore.fmt import money, number, points
from svscore.model.bids import Bid, Score
from svscore.model.measures import Measure, MeasuresTable
from svscore.model.tender import Aggregation, CriterionKind, Scale, ScoredBy, Tender
from svscore.rules.weights import WeightedCriterion
from svscore.scoring import aggregate
from svscore.scoring.result import Flag
from svscore.scoring.social_value import commitment_problem, value_commitment
from svscore.scoring.work import BidWork, LeafWork


class ScaledOutcome(NamedTuple):
    """What a set of valid scores on one scaled criterion gives, whichever bid was given them."""

    value: Fraction
    """The score that counts: the one score, or the evaluators' scores combined."""
    points: Fraction
    evaluators: tuple[tuple[str, Fraction], ...]
    """Each evaluator's name and score; empty for a consensus score."""
    moderation: Flag | None
    """A flag when the evaluators' scores spread by at least the tender's moderation limit."""
    explanation: str
    below_minimum: str | None
    """The reason the bid is disqualified when the score is below the criterion's minimum."""


ScaledMemo = dict[tuple[str, tuple[tuple[str | None, Any], ...]], ScaledOutcome]
"""Scaled outcomes by (criterion id, evaluators' scores), kept by a lot's scorer across its bids."""


class LeafPlan(NamedTuple):
    """What every bid of a lot is prepared against, worked out once a lot: its leaf criteria by id,
    those scored by measures, and the measures table by measure id."""

    ids: frozenset[str]
    measure_leaves: list[WeightedCriterion]
    measured: frozenset[str]
    """By id: comparing the criteria themselves compares whole models."""
    table: dict[str, Measure]
    relative: frozenset[str]
    """The leaves the competition scores relative to the other bids: price and those scored by measures."""

    @classmethod
    def of(cls, leaves: list[WeightedCriterion], measures: MeasuresTable | None) -> LeafPlan:
        measure_leaves = [x for x in leaves if x.kind is CriterionKind.SOCIAL_VALUE and x.criterion.scored_by is ScoredBy.MEASURES]
        relative = frozenset(x.criterion.id for x in leaves if x.relative)
        return cls(frozenset(x.criterion.id for x in leaves), measure_leaves, frozenset(x.criterion.id for x in measure_leaves),
                   measures.by_id() if measures else {}, relative)


def prepare_bid(tender: Tender, bid: Bid, leaves: list[WeightedCriterion], measures: MeasuresTable | None,
                memo: ScaledMemo | None = None, plan: LeafPlan | None = None) -> BidWork:
    """One bid's own data worked out for the leaf criteria of its lot (the tender has passed its checks).

    ``plan`` is :meth:`LeafPlan.of` these leaves and measures, given by a lot's scorer so that it is
    worked out once for all the lot's bids."""
    w = BidWork(bid)
    plan = plan or LeafPlan.of(leaves, measures)
    ids, measured = plan.ids, plan.measured
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
    for x in leaves:
        c = x.criterion
        leaf = w.leaves.setdefault(c.id, LeafWork())
        given = scores.get(c.id, [])
        leaf.justified = tuple(part for s in given if s.justification for part in (s.evaluator or "consensus", s.justification))
        if x.kind is CriterionKind.PRICE:
            if bid.price is None:
                w.missing.append("the price")
            continue
        if c.id in measured:
            if given:
                w.errors.append(f"{w.who} has evaluators' scores for {c.id} ({c.name}), which is scored from commitments, not by evaluators.")
            continue
        if x.kind is CriterionKind.PASS_FAIL:
            _pass_fail(tender, w, x, given, leaf)
        else:
            _scaled(tender, w, x, given, leaf, memo)
    _commitments(w, bid, plan.measure_leaves, plan.table)
    return w


def _evaluator_split(tender: Tender, w: BidWork, x: WeightedCriterion, given: list[Score]) -> list[Score] | None:
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
    if tender.evaluation.aggregation is Aggregation.CONSENSUS:
        if consensus:
            return consensus
        what = " (evaluators' individual scores are recorded, but not the agreed score)" if individual else ""
        w.missing.append(f"the consensus score for {x.criterion.id} ({x.criterion.name}){what}")
        return None
    if individual:
        if consensus:  # two answers to one question: say which counts, never drop one without a word
            rule = tender.evaluation.aggregation.value
            w.flags.append(Flag("consensus_not_used", (
                f"{x.criterion.id} ({x.criterion.name}): a consensus score of {_show(consensus[0].value)} is given beside the "
                f"evaluators' own scores, but the tender combines evaluators' scores by {rule}: the {rule} of their scores is "
                "used, not the consensus. Remove one of them, or change the tender's rule.")))
        return individual
    if consensus:
        return consensus
    w.missing.append(f"a score for {x.criterion.id} ({x.criterion.name})")
    return None


def _pass_fail(tender: Tender, w: BidWork, x: WeightedCriterion, given: list[Score], leaf: LeafWork) -> None:
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
    leaf.evaluators = _one_of(tuple((s.evaluator, s.value) for s in use if s.evaluator))
    results = {s.value for s in use}
    if len(consensus) > 1 or len(results) > 1:
        w.missing.append(f"an agreed pass/fail result for {c.id} ({c.name}): evaluators disagree; record a consensus result")
        return
    leaf.value = results.pop()
    if leaf.value == "fail":
        why = next((s.justification for s in use if s.justification), "")
        w.disqualified.append(f"Failed the pass/fail criterion {c.id} ({c.name})" + (f": {why}" if why else "."))
        leaf.explanation = sys.intern(f"Fail: the bid does not meet {c.name}, so it is disqualified.")
    else:
        leaf.explanation = sys.intern(f"Pass: the bid meets {c.name}.")  # one string for every bid, not one each


@lru_cache(maxsize=1024)
def _one_of(evaluators: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """The first of the equal tuples of evaluators' pass/fail results met: nearly every bid is given
    the same, and a batch holds them all (a tuple of its own would be about 250 bytes a bid)."""
    return evaluators


@lru_cache(maxsize=4096)
def _fraction(d: Any) -> Fraction:
    """Scores and scale values repeat across bids: convert each distinct Decimal once."""
    return Fraction(d)


def _show(v: Any) -> str:
    return repr(v) if isinstance(v, str) else number(v, 6)


def _scaled(tender: Tender, w: BidWork, x: WeightedCriterion, given: list[Score], leaf: LeafWork,
            memo: ScaledMemo | None = None) -> None:
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
    leaf.value, leaf.points, leaf.explanation = outcome.value, outcome.points, outcome.explanation
    leaf.evaluators = outcome.evaluators  # a tuple: shared by the bids given the same scores
    if outcome.moderation is not None:
        w.flags.append(outcome.moderation)
    if outcome.below_minimum is not None:
        w.disqualified.append(outcome.below_minimum)


def _scaled_outcome(tender: Tender, x: WeightedCriterion, scale: Scale, use: list[Score]) -> ScaledOutcome:
    """What a set of valid scores on a scaled criterion gives: the same for every bid given them,
    so a lot's scorer works each distinct set out once (a batch of 1,000 bids has a few hundred)."""
    c = x.criterion
    values = [_fraction(s.value) for s in use]  # type: ignore[arg-type]
    evaluators = tuple((s.evaluator, v) for s, v in zip(use, values, strict=True) if s.evaluator)
    flag = below = None
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
        below = f"Scored {number(value)} on {c.id} ({c.name}), below the minimum score of {number(c.minimum_score)}."
    return ScaledOutcome(value, pts, evaluators, flag, explanation, below)


def _commitments(w: BidWork, bid: Bid, measure_leaves: list[WeightedCriterion], table: dict[str, Measure]) -> None:
    if not bid.commitments:
        return
    if not measure_leaves:
        w.errors.append(f"{w.who} lists social value commitments, but no criterion of this lot is scored by measures.")
        return
    by_id = {x.criterion.id: x for x in measure_leaves}
    valued_for: dict[str, list[str]] = defaultdict(list)
    for i, c in enumerate(bid.commitments):
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
        valued_for[target].append(valued.explanation)  # the explanations (shared among bids) are all the competition needs
        w.leaves[target].committed += valued.value
    for target, explained in valued_for.items():
        w.leaves[target].commitments = tuple(explained)

