"""The working record of one bid while it is scored: each criterion's value, points and
explanation so far, and what is wrong with the bid (errors, gaps, disqualifications, flags).

Preparation (:mod:`prepare`) fills it from the bid alone, the lot competition (:mod:`competition`)
adds what depends on the other bids, and :mod:`assemble` turns it into the immutable result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from svscore.model.bids import Bid
from svscore.scoring.result import BidResult, CriterionResult, Flag, Status

_ZERO = Fraction(0)


@dataclass(slots=True)
class LeafWork:
    """One leaf criterion of one bid, as far as it has been scored.

    A batch holds every bid's leaves until its competition is scored: they have slots, not a
    dictionary each, and the evaluators and justifications are tuples shared with the result (the
    evaluators also among the bids given the same scores), not lists of their own."""

    value: Any = None
    """The aggregated score (a Fraction), 'pass'/'fail', the price, or the £ value of commitments."""
    points: Fraction | None = None
    explanation: str = ""
    evaluators: tuple[tuple[str, Any], ...] = ()
    """Each evaluator's name and score (or 'pass'/'fail'); empty for a consensus score."""
    justified: tuple[str, ...] = ()
    """Each justification after its evaluator's name, flat (:attr:`CriterionResult.justified`)."""
    commitments: tuple[str, ...] = ()
    """Each valued commitment's explanation, in the bid's order."""
    committed: Fraction = _ZERO
    """The £ value of the commitments, added up as they are valued."""

    def copy(self) -> LeafWork:
        """A shallow copy (``dataclasses.replace`` takes five times as long)."""
        return LeafWork(self.value, self.points, self.explanation, self.evaluators, self.justified,
                        self.commitments, self.committed)


@dataclass(slots=True)
class KeptRows:
    """What the results of a prepared bid scored more than once keep for the next competition
    (:func:`svscore.scoring.assemble.bid_result`): filled by its first result, shared by every copy."""

    rows: tuple[CriterionResult | None, ...] | None = None
    """The rows of the criteria no other bid can change (None in the others' places); None until
    the first result is made."""
    points: dict[str, Fraction | None] = field(default_factory=dict)
    """Those criteria's points, by id."""
    total: Fraction = _ZERO
    """Their part of the total: the top-level criteria no other bid can change."""
    last: tuple[tuple[Any, ...], BidResult] | None = None
    """The last result, with everything the competition gave the bid for it."""
    ranked: tuple[BidResult, int, tuple[Flag, ...], BidResult] | None = None
    """The last ranked result, with the result, rank and flags it was made from."""


class Bidder(NamedTuple):
    """What a prepared bid's result needs of its :class:`Bid`: who bid, and whether an SME or VCSE."""

    bidder_id: str
    bidder: str
    sme: bool
    vcse: bool


@dataclass(slots=True, eq=False, repr=False)
class BidWork:
    """One bid as it is scored: its leaves by criterion id, and every reason it may not rank.

    Compared by identity (the scorer tells prepared bids apart so), and shown by who bid: once
    finished (:meth:`let_go_of_work`) it has no fields to compare or show."""

    bid: Bid | Bidder
    """The bid; once it is prepared, only :class:`Bidder` of it where the caller lets go of the bid
    (:meth:`let_go_of_bid`)."""
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    disqualified: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    leaves: dict[str, LeafWork] = field(default_factory=dict)
    price: Fraction | None = None
    rows: KeptRows | None = None
    """Where a prepared bid is scored more than once (:meth:`fresh`): what its results keep for the
    next, shared by every copy; None for a bid finished once."""

    def fresh(self, relative: frozenset[str]) -> BidWork:
        """A copy of this prepared bid for one more competition, which leaves this one as it was.

        The competition adds to the lists and changes only the ``relative`` leaves (price, social
        value scored by measures), so those are copied and the others shared."""
        if self.rows is None:
            self.rows = KeptRows()
        leaves = dict(self.leaves)
        for cid in relative:
            leaf = leaves.get(cid)
            if leaf is not None:
                leaves[cid] = leaf.copy()
        return BidWork(self.bid, list(self.errors), list(self.missing), list(self.disqualified), list(self.flags),
                       leaves, self.price, self.rows)

    def let_go_of_bid(self) -> None:
        """Keep of the bid only what its result needs (nothing after preparing looks at its price,
        commitments or scores again), so that a batch holds no bid model it does not keep."""
        b = self.bid
        self.bid = Bidder(b.bidder_id, b.bidder, b.sme, b.vcse)

    def let_go_of_work(self) -> None:
        """Let go of what the bid's result was worked out from (its leaves, errors, gaps and flags),
        once a scorer that finishes each bid once has made the result, which holds all of it that is
        needed: a batch holds every prepared bid until its competition is scored. Only the bidder, the
        price and :attr:`rows` (None) stay; :attr:`finished` says so."""
        del self.leaves, self.errors, self.missing, self.disqualified, self.flags

    def __repr__(self) -> str:
        return f"BidWork({self.who}{', finished' if self.finished else ''})"

    @property
    def finished(self) -> bool:
        """Whether the bid was finished by a scorer that finishes each bid once (:meth:`let_go_of_work`)."""
        return not hasattr(self, "leaves")

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
