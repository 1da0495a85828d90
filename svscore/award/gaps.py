"""What the award documents need that the inputs do not give: every gap named by bidder, criterion and source.

A gap is never papered over: ``svscore award`` refuses while any remains and, with ``--draft``,
writes the documents with each one shown in red where the missing text would be. The facts the
documents need beyond the scores (contact details, moderation notes, decisions) are gathered here
too, from the same bids file, so that a gap and the place it shows are found by one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svscore.award.places import Places
from svscore.model.bids import AbnormallyLowDecision, Bid, BidsFile, TieDecision
from svscore.model.enums import CriterionKind
from svscore.model.identity import bid_key, bidder_key
from svscore.model.tender import Tender, walk
from svscore.scoring.result import LotResult, Status, TenderResult

EVALUATOR_KINDS = (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE, CriterionKind.PASS_FAIL)


@dataclass(frozen=True)
class Gap:
    """One thing missing: whose, on which criterion (or "" for the bid or the award as a whole), where it belongs, and what."""

    bidder: str
    criterion: str
    source: str
    message: str

    def line(self) -> str:
        who = self.bidder or "The award"
        on = f", {self.criterion}" if self.criterion else ""
        return f"{who}{on}: {self.message} [{self.source}]"

    def as_dict(self) -> dict[str, str]:
        return {"bidder": self.bidder, "criterion": self.criterion, "source": self.source, "message": self.message}


@dataclass
class BidFacts:
    """What one bid's documents say beyond its scores."""

    bid: Bid
    index: int
    missing: dict[str, list[str]] = field(default_factory=dict)
    """Criterion id: the gaps to show in red beside its score."""
    moderation: dict[str, list[str]] = field(default_factory=dict)
    """Criterion id: the moderation notes recorded for it."""

    @property
    def abnormally_low(self) -> AbnormallyLowDecision | None:
        return self.bid.abnormally_low

    @property
    def contact_gap(self) -> bool:
        return not (self.bid.postal_address or "").strip() or not (self.bid.email or "").strip()




def gather(tender: Tender, bids: BidsFile, places: Places, result: TenderResult,
           also: TenderResult | None = None) -> tuple[list[Gap], dict[tuple[str, str], BidFacts]]:
    """Every gap, in the order of the bids, and each bid's facts by :func:`key`; ``places`` says where
    each gap is filled in the input given. ``also``: the result before tenders were disregarded as
    abnormally low (their own documents need the same)."""
    gaps: list[Gap] = []
    facts = {bid_key(b.lot, b.bidder_id): BidFacts(b, i) for i, b in enumerate(bids.bids)}
    kinds = {lot.id: {c.id: (c, kind) for c, _, kind in walk(lot.criteria, [])} for lot in tender.all_lots()}
    results = {bid_key(lot.lot_id, b.bidder_id): b for r in (also, result) if r is not None for lot in r.lots for b in lot.bids}
    for k, f in facts.items():
        bid, i = f.bid, f.index
        shown = results.get(k)
        if shown is None:
            continue
        if shown.status is Status.INCOMPLETE:
            gaps += [Gap(bid.bidder, "", places.scores(bid, i), f"the bid is not fully scored: {r}")
                     for r in shown.reasons]
        if not (bid.postal_address or "").strip():
            gaps.append(Gap(bid.bidder, "", places.bid(bid, i, "postal_address"),
                            "no contact postal address (the documents sent to the supplier give it)"))
        if not (bid.email or "").strip():
            gaps.append(Gap(bid.bidder, "", places.bid(bid, i, "email"),
                            "no contact email address (the documents sent to the supplier give it)"))
        criteria = kinds.get(k[0], {})
        for j, s in enumerate(bid.scores):
            if s.moderation_note.strip():
                f.moderation.setdefault(s.criterion, []).append(s.moderation_note.strip())
            found = criteria.get(s.criterion)
            if found is None or found[1] not in EVALUATOR_KINDS or found[0].children or s.value == "pass":
                continue  # a pass needs no reason; a price or measure is explained by its arithmetic
            if not s.justification.strip():
                who = s.evaluator or "the consensus score"
                f.missing.setdefault(s.criterion, []).append(f"No justification recorded for {s.evaluator}'s score." if s.evaluator
                                                             else "No justification recorded for the consensus score.")
                gaps.append(Gap(bid.bidder, f"{s.criterion} ({found[0].name})",
                                places.justification(bid, i, j),
                                f"{who} gave a score of {s.value} with no justification"))
        if any(fl.code == "abnormally_low" for fl in shown.flags) and bid.abnormally_low is None:
            gaps.append(Gap(bid.bidder, "", places.bid(bid, i, "abnormally_low"),
                            "the price is flagged as abnormally low and no decision is recorded: notify the supplier, give it "
                            "a reasonable opportunity to show it can perform for the price (Procurement Act 2023 s.19(4)), "
                            "and record what it said and what was decided"))
    gaps += _tie_gaps(result, bids, places)
    gaps += _panel_gaps(bids, places)
    if bids.notice_published is None:
        gaps.append(Gap("", "", places.award("notice_published"),
                        "no publication date of the contract award notice (the day standstill letters are sent, under "
                        "PCR 2015): the standstill period cannot be worked out"))
    return gaps, facts


def tie_decision(lot: LotResult, group: tuple[str, ...], bids: BidsFile) -> TieDecision | None:
    """The recorded decision of one unresolved tie, when the bids file has one for exactly these bidders."""
    wanted = {bidder_key(b) for b in group}
    for d in bids.tie_decisions:
        if (d.lot or "1") == lot.lot_id and {bidder_key(b) for b in d.bidders} == wanted:
            return d
    return None


def for_first_place(lot: LotResult, group: tuple[str, ...]) -> bool:
    """Whether a tie is for first place, so that it decides who is awarded the contract."""
    return any(b.rank == 1 and b.bidder_id in group for b in lot.bids)


def _tie_gaps(result: TenderResult, bids: BidsFile, places: Places) -> list[Gap]:
    gaps = []
    used: set[int] = set()
    for lot in result.lots:
        names = {b.bidder_id: b.bidder for b in lot.bids}
        for group in lot.ties:
            decision = tie_decision(lot, group, bids)
            tied = ", ".join(names.get(i, i) for i in group)
            if decision is None and not for_first_place(lot, group):
                continue  # a tie lower down decides nothing about the award: the report states it
            if decision is None:
                gaps.append(Gap("", "", places.award("tie_decisions"),
                                f"lot {lot.lot_id}: {tied} are tied and the published tie-break rules do not separate them; "
                                "record how the tie was decided"))
                continue
            used.add(bids.tie_decisions.index(decision))
            if bidder_key(decision.winner) not in {bidder_key(i) for i in group}:
                gaps.append(Gap("", "", places.award(f"tie_decisions[{bids.tie_decisions.index(decision)}].winner"),
                                f"lot {lot.lot_id}: the tie decision names {decision.winner!r} as preferred, "
                                f"who is not one of the tied bidders ({tied})"))
    for i, d in enumerate(bids.tie_decisions):
        if i not in used:  # two inputs disagree: the scores leave no such tie
            gaps.append(Gap("", "", places.award(f"tie_decisions[{i}]"),
                            f"a tie decision for {', '.join(d.bidders)} in lot {d.lot or '1'}, but the scores leave no "
                            "unresolved tie between them: correct the scores or remove the decision"))
    return gaps


def _panel_gaps(bids: BidsFile, places: Places) -> list[Gap]:
    gaps = []
    panel = {bidder_key(m.name) for m in bids.panel}
    evaluators = sorted({s.evaluator for b in bids.bids for s in b.scores if s.evaluator})
    for name in evaluators:
        if bidder_key(name) not in panel:
            gaps.append(Gap("", "", places.award("panel"),
                            f"{name} scored bids but has no conflict of interest declaration in the panel "
                            "(Procurement Act 2023 s.83: a conflicts assessment)"))
    if not bids.panel:
        gaps.append(Gap("", "", places.award("panel"), "the evaluation panel and its conflict of interest declarations are not recorded"))
    for i, m in enumerate(bids.panel):
        if m.conflict == "declared" and not m.details.strip():
            gaps.append(Gap("", "", places.award(f"panel[{i}].details"),
                            f"{m.name} declared a conflict of interest; say what it is and the steps taken"))
    return gaps
