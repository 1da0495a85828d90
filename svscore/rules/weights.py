"""Weights: exact sibling sums at every level, and each criterion's effective weight in the whole.

All arithmetic is exact (``Decimal`` for the sums as written, ``Fraction`` for products), so
33.33 + 33.33 + 33.34 is 100 exactly and three thirds entered as 33.333333 are seen as rounding.

Rounding tolerance: a group whose weights miss their target by no more than one part in
100,000 of the target (0.001 on a target of 100) is reported as a *rounding warning*; anything
further off is an *error*. That accepts thirds written to three or more decimal places and
rejects 33.33 × 3 = 99.99 or 33.3 × 3 = 99.9, which a published methodology should not contain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from svscore.errors import json_path
from svscore.model.tender import Criterion, CriterionKind, PriceMethod, ScoredBy, Tender, WeightingMode
from svscore.rules.findings import Finding, error, warning

TOLERANCE = Fraction(1, 100_000)
"""Largest miss, as a fraction of the target, that is reported as rounding rather than an error."""


def is_weighted(kind: CriterionKind | None, tender: Tender | None = None) -> bool:
    """Pass/fail gates carry no weight; nor does price when the award is by price per quality point."""
    if kind is CriterionKind.PASS_FAIL:
        return False
    ppqp = tender is not None and tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT
    return not (ppqp and kind is CriterionKind.PRICE)


def _fmt(d: Decimal | Fraction) -> str:
    if isinstance(d, Fraction):
        d = Decimal(d.numerator) / Decimal(d.denominator)
    text = format(d.normalize(), "f")
    return text


@dataclass(frozen=True)
class WeightedCriterion:
    """A criterion with its place in the tree and its exact share of the whole."""

    criterion: Criterion
    kind: CriterionKind | None
    path: str
    parent_id: str | None
    depth: int
    share: Fraction
    """Exact fraction of the total score (0..1)."""
    points_available: Fraction
    """Points this criterion carries: its effective percent (percent mode) or its marks (marks mode)."""

    @property
    def effective_percent(self) -> Fraction:
        return self.share * 100

    @property
    def is_leaf(self) -> bool:
        return not self.criterion.children

    @property
    def relative(self) -> bool:
        """Whether a bid's points on it depend on the other bids: price, and a criterion scored by
        measures (commitments' £ values compared); on every other criterion they are its own. The
        one rule the engine's steps (preparing, the competition, the rows kept) decide it by."""
        return self.kind is CriterionKind.PRICE or self.criterion.scored_by is ScoredBy.MEASURES


def total_points(tender: Tender) -> Fraction:
    """Points a perfect bid scores: 100 in percent mode, the total marks in marks mode."""
    if tender.weighting is WeightingMode.MARKS and tender.total_marks is not None:
        return Fraction(tender.total_marks)
    return Fraction(100)


def weighted_tree(tender: Tender, lot_index: int) -> list[WeightedCriterion]:
    """Every criterion of one lot, depth first, with its exact share; pass/fail gates get zero."""
    lot = tender.all_lots()[lot_index]
    total = total_points(tender)
    out: list[WeightedCriterion] = []

    def visit(children, parts, parent: WeightedCriterion | None, parent_kind, depth) -> None:
        for i, c in enumerate(children):
            here = [*parts, i]
            kind = c.kind or parent_kind
            w = Fraction(c.weight) if (c.weight is not None and is_weighted(kind, tender)) else Fraction(0)
            if tender.weighting is WeightingMode.MARKS:
                share = w / total if total else Fraction(0)
            else:
                share = (parent.share if parent else Fraction(1)) * w / 100
            node = WeightedCriterion(c, kind, json_path(here), parent.criterion.id if parent else None,
                                     depth, share, share * total)
            out.append(node)
            visit(c.children, [*here, "children"], node, kind, depth + 1)

    visit(lot.criteria, tender.lot_path(lot_index), None, None, 0)
    return out


def _groups(tender: Tender, lot_index: int) -> Iterator[tuple[str, str, Decimal | None, tuple[Criterion, ...], list, CriterionKind | None]]:
    """Each sibling group: (path of the list, label, target as written, members, parts, kind)."""
    lot = tender.all_lots()[lot_index]
    root_parts = tender.lot_path(lot_index)
    marks = tender.weighting is WeightingMode.MARKS
    root_target = tender.total_marks if marks else Decimal(100)
    yield json_path(root_parts), "the top-level criteria", root_target, lot.criteria, root_parts, None

    def visit(children, parts, parent_kind):
        for i, c in enumerate(children):
            kind = c.kind or parent_kind
            here = [*parts, i, "children"]
            if c.children and is_weighted(kind, tender):
                target = (c.weight if marks else Decimal(100))
                yield json_path(here), f"the sub-criteria of {c.id} ({c.name})", target, c.children, here, kind
            yield from visit(c.children, here, kind)

    yield from visit(lot.criteria, root_parts, None)


def check_weights(tender: Tender, lot_index: int) -> list[Finding]:
    """Check every sibling group's weights against its target, exactly."""
    findings: list[Finding] = []
    marks = tender.weighting is WeightingMode.MARKS
    unit = "marks" if marks else ""
    for path, label, target, members, parts, group_kind in _groups(tender, lot_index):
        weighted = []
        for i, c in enumerate(members):
            kind = c.kind or group_kind
            wpath = json_path([*parts, i, "weight"])
            if not is_weighted(kind, tender):
                if kind is CriterionKind.PASS_FAIL and c.weight is not None and c.weight != 0:
                    findings.append(warning("weights.pass_fail_weighted", wpath,
                                            f"{c.id} is pass/fail, so its weight {_fmt(c.weight)} is ignored."))
                continue
            if c.weight is None:
                findings.append(error("weights.missing", wpath, f"{c.id} ({c.name}) has no weight."))
                continue
            if c.weight <= 0:
                findings.append(error("weights.not_positive", wpath,
                                      f"{c.id} ({c.name}) has weight {_fmt(c.weight)}; weights must be more than 0."))
            weighted.append(c.weight)
        if target is None:
            continue  # marks mode without total_marks is reported once, elsewhere
        if not weighted:
            if members:
                findings.append(error("weights.none", path, f"None of {label} carries a weight: there is nothing to score."))
            continue
        total = sum(weighted, Decimal(0))
        if total == target:
            continue
        miss = abs(Fraction(total) - Fraction(target))
        what = f"The weights of {label} add up to {_fmt(total)}{' ' + unit if unit else ''}, not {_fmt(target)}"
        if target and miss <= TOLERANCE * abs(Fraction(target)):
            findings.append(warning("weights.rounding", path,
                                    f"{what}: a rounding difference of {_fmt(miss)}. "
                                    f"Make them add up to {_fmt(target)} exactly, e.g. by rounding one weight the other way."))
        else:
            diff = Fraction(total) - Fraction(target)
            findings.append(error("weights.sum", path, f"{what} ({'over' if diff > 0 else 'short'} by {_fmt(abs(diff))})."))
    return findings
