"""The working record of one bid while it is scored: each criterion's value, points and
explanation so far, and what is wrong with the bid (errors, gaps, disqualifications, flags).

Preparation (:mod:`prepare`) fills it from the bid alone, the lot competition (:mod:`competition`)
adds what depends on the other bids, and :mod:`assemble` turns it into the immutable result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from svscore.model.bids import Bid
from svscore.scoring.result import Flag, Status
from svscore.scoring.social_value import ValuedCommitment


@dataclass
class LeafWork:
    """One leaf criterion of one bid, as far as it has been scored."""

    value: Any = None
    """The aggregated score (a Fraction), 'pass'/'fail', the price, or the £ value of commitments."""
    points: Fraction | None = None
    explanation: str = ""
    evaluators: list[tuple[str, Any]] = field(default_factory=list)
    """Each evaluator's name and score (or 'pass'/'fail'); empty for a consensus score."""
    justifications: list[tuple[str, str]] = field(default_factory=list)
    commitments: list[ValuedCommitment] = field(default_factory=list)
    committed: Fraction = Fraction(0)
    """The £ value of the commitments, added up as they are valued."""

    def copy(self) -> LeafWork:
        """A shallow copy (``dataclasses.replace`` takes five times as long)."""
        return LeafWork(self.value, self.points, self.explanation, self.evaluators, self.justifications,
                        self.commitments, self.committed)


@dataclass
class BidWork:
    """One bid as it is scored: its leaves by criterion id, and every reason it may not rank."""

    bid: Bid
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    disqualified: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    leaves: dict[str, LeafWork] = field(default_factory=dict)
    price: Fraction | None = None
    rows: dict[str, Any] | None = None
    """Where a prepared bid is scored more than once (:meth:`fresh`): the result rows of the criteria
    no other bid can change, by id, filled by the first result and shared by every copy."""

    def fresh(self, relative: frozenset[str]) -> BidWork:
        """A copy of this prepared bid for one more competition, which leaves this one as it was.

        The competition adds to the lists and changes only the ``relative`` leaves (price, social
        value scored by measures), so those are copied and the others shared."""
        if self.rows is None:
            self.rows = {}
        leaves = dict(self.leaves)
        for cid in relative:
            leaf = leaves.get(cid)
            if leaf is not None:
                leaves[cid] = leaf.copy()
        return BidWork(self.bid, list(self.errors), list(self.missing), list(self.disqualified), list(self.flags),
                       leaves, self.price, self.rows)

    def priced(self) -> Fraction:
        """The price of a bid in the competition (a bid without one is incomplete and never competes)."""
        assert self.price is not None, f"{self.who} competes without a price"
        return self.price

    @property
    def who(self) -> str:
        """The bidder as every message names it: name and id."""
        return f"{self.bid.bidder} ({self.bid.bidder_id})"

    def status(self) -> Status:
        """Invalid before disqualified before incomplete: the most serious reason decides."""
        if self.errors:
            return Status.INVALID
        if self.disqualified:
            return Status.DISQUALIFIED
        if self.missing:
            return Status.INCOMPLETE
        return Status.RANKED
