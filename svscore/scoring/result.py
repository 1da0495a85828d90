"""The immutable result of scoring a tender: what every edge (CLI, Excel, batch) renders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from svscore.fmt import to_float as _float
from svscore.model.tender import CriterionKind
from svscore.rules.act import Decision
from svscore.rules.findings import Finding


class Status(StrEnum):
    RANKED = "ranked"
    DISQUALIFIED = "disqualified"
    INCOMPLETE = "incomplete"
    INVALID = "invalid"
    """The bid's data is wrong (zero price, score off the scale, unknown measure): fix and re-score."""


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def justification_pairs(flat: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(evaluator, text) pairs from a flat evaluator, text, evaluator, text... tuple."""
    return tuple(zip(flat[::2], flat[1::2], strict=True))


def flat_justifications(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The flat evaluator, text, evaluator, text... tuple of (evaluator, text) pairs."""
    return tuple(part for pair in pairs for part in pair)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion_id: str
    name: str
    kind: CriterionKind | None
    parent_id: str | None
    is_leaf: bool
    available: Fraction
    points: Fraction | None
    raw: Any = None
    """The input scored: a scale value, a price, a £ value, 'pass'/'fail'; None for groups."""
    explanation: str = ""
    evaluator_scores: tuple[tuple[str, Any], ...] = ()
    justified: tuple[str, ...] = ()
    """Each justification after the name of its evaluator: evaluator, text, evaluator, text... (flat:
    a pair each would be one object more for every evaluator, criterion and bid, and a batch holds
    every bid's rows until its outputs are written). :attr:`justifications` gives the pairs."""

    @property
    def justifications(self) -> tuple[tuple[str, str], ...]:
        """(evaluator, justification) for each justified score, in the evaluators' order."""
        return justification_pairs(self.justified)

    def as_dict(self) -> dict[str, Any]:
        raw = self.raw
        if type(raw) is Fraction:
            raw = _float(raw)
        return {
            "criterion": self.criterion_id,
            "name": self.name,
            "kind": self.kind.value if self.kind else None,
            "parent": self.parent_id,
            "raw": raw,
            "weighted": _float_or_none(self.points),
            "available": _float(self.available),
            "explanation": self.explanation,
            "evaluator_scores": {k: (_float(v) if type(v) is Fraction else v) for k, v in self.evaluator_scores},
            "justifications": dict(justification_pairs(self.justified)),
        }


def _float_or_none(x: Fraction | None) -> float | None:
    return None if x is None else _float(x)


@dataclass(frozen=True, slots=True)
class BidResult:
    bidder_id: str
    bidder: str
    lot_id: str
    status: Status
    price: Fraction | None
    total: Fraction | None
    rank: int | None
    criteria: tuple[CriterionResult, ...]
    flags: tuple[Flag, ...] = ()
    reasons: tuple[str, ...] = ()
    """Why the bid was disqualified, is incomplete or invalid."""
    sme: bool = False
    vcse: bool = False
    price_per_quality_point: Fraction | None = None
    social_value_pounds: Fraction | None = None

    def ranked(self, rank: int | None, flags: tuple[Flag, ...]) -> BidResult:
        """This result with its rank and flags (``dataclasses.replace`` takes five times as long)."""
        return BidResult(self.bidder_id, self.bidder, self.lot_id, self.status, self.price, self.total, rank, self.criteria,
                         flags, self.reasons, self.sme, self.vcse, self.price_per_quality_point, self.social_value_pounds)

    def subtotals(self) -> dict[str, Fraction | None]:
        return {c.criterion_id: c.points for c in self.criteria if c.parent_id is None}

    def points_on(self, criterion_id: str) -> Fraction | None:
        for c in self.criteria:
            if c.criterion_id == criterion_id:
                return c.points
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "bidder_id": self.bidder_id,
            "bidder": self.bidder,
            "lot": self.lot_id,
            "status": self.status.value,
            "rank": self.rank,
            "total": _float_or_none(self.total),
            "price": _float_or_none(self.price),
            "price_per_quality_point": _float_or_none(self.price_per_quality_point),
            "social_value_pounds": _float_or_none(self.social_value_pounds),
            "sme": self.sme,
            "vcse": self.vcse,
            "subtotals": {k: _float_or_none(v) for k, v in self.subtotals().items()},
            "scores": [c.as_dict() for c in self.criteria],
            "flags": [f.as_dict() for f in self.flags],
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class SensitivityLine:
    criterion_id: str
    name: str
    current_percent: Fraction
    tipping_percent: Fraction | None
    """The weight (percent of the total) at which another bid draws level; None when none in 0-100%."""
    new_winner: str | None
    """bidder_id of the bid that would win just beyond the tipping weight."""
    new_winner_name: str | None = None

    @property
    def change(self) -> Fraction | None:
        return None if self.tipping_percent is None else self.tipping_percent - self.current_percent

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion_id,
            "name": self.name,
            "current_percent": float(self.current_percent),
            "tipping_percent": _float_or_none(self.tipping_percent),
            "change_percentage_points": _float_or_none(self.change),
            "new_winner": self.new_winner,
            "new_winner_name": self.new_winner_name,
            "message": self.message(),
        }

    def message(self) -> str:
        from svscore.fmt import number

        if self.tipping_percent is None:
            return f"{self.name}: no change of its weight within 0-100% changes the winner."
        shift = self.tipping_percent - self.current_percent
        direction = "rises" if shift > 0 else "falls"
        return (f"{self.name}: if its weight {direction} from {number(self.current_percent)}% to "
                f"{number(self.tipping_percent)}% (a change of {number(abs(shift))} percentage points), "
                f"{self.new_winner_name} draws level, and wins beyond it.")


@dataclass(frozen=True)
class Sensitivity:
    applicable: bool
    note: str
    lines: tuple[SensitivityLine, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"applicable": self.applicable, "note": self.note, "criteria": [x.as_dict() for x in self.lines]}


@dataclass(frozen=True)
class LotResult:
    lot_id: str
    title: str
    total_points: Fraction
    bids: tuple[BidResult, ...]
    """Ranked bids in rank order, then the rest by bidder name."""
    ties: tuple[tuple[str, ...], ...] = ()
    """Groups of bidder ids whose tie the published rules did not break."""
    sensitivity: Sensitivity = field(default_factory=lambda: Sensitivity(False, "no bids were ranked"))
    top_level: tuple[tuple[str, str], ...] = ()
    """(id, name) of the top-level criteria, in tree order."""

    def winners(self) -> tuple[BidResult, ...]:
        return tuple(b for b in self.bids if b.rank == 1)

    def as_dict(self, bids_as: Callable[[Iterator[dict[str, Any]]], Any] = list) -> dict[str, Any]:
        """The lot as JSON values; ``bids_as`` makes its list of bids from their dicts, made on demand
        (:class:`svscore.render.json_stream.Lazy` writes them one at a time)."""
        return {
            "lot": self.lot_id,
            "title": self.title,
            "total_points": float(self.total_points),
            "winner": [b.bidder_id for b in self.winners()],
            "unresolved_ties": [list(t) for t in self.ties],
            "bids": bids_as(b.as_dict() for b in self.bids),
            "sensitivity": self.sensitivity.as_dict(),
        }


@dataclass(frozen=True)
class TenderResult:
    """A scored tender: every lot's bids ranked, with their points, explanations, flags and warnings."""

    reference: str
    title: str
    lots: tuple[LotResult, ...]
    findings: tuple[Finding, ...] = ()
    decision: Decision | None = None
    bid_errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """What every output must show above the results (e.g. that the measures table is example data)."""

    def as_dict(self, bids_as: Callable[[Iterator[dict[str, Any]]], Any] = list) -> dict[str, Any]:
        """The result as JSON values (``bids_as``: see :meth:`LotResult.as_dict`)."""
        return {
            "tender": {"reference": self.reference, "title": self.title},
            "warnings": list(self.warnings),
            "lots": [lot.as_dict(bids_as) for lot in self.lots],
            "findings": [f.as_dict() for f in self.findings],
            "threshold_decision": self.decision.as_dict() if self.decision else None,
            "bid_errors": list(self.bid_errors),
        }

    @property
    def has_errors(self) -> bool:
        """A bid could not be scored: it names a lot the tender lacks, or its data is wrong (invalid)."""
        return bool(self.bid_errors) or any(b.status is Status.INVALID for lot in self.lots for b in lot.bids)
