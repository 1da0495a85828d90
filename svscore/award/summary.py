"""The assessment summary for one supplier (PA 2023 s.50(3); contents: Procurement Regulations 2024 reg 31), as Word.

Every figure and every justification comes from the scored result: the evaluators' own words are
inserted as plain text, never as fields or markup, and svscore writes no explanation of its own
where the evaluators gave none (the gap is shown in red instead).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from svscore.award.docx_parts import RED, Cell, docx_bytes, draft_banner, new_document, red_paragraph, table
from svscore.award.gaps import BidFacts
from svscore.award.provisions import SUMMARY_ENGLAND
from svscore.fmt import money, number, points
from svscore.model.enums import CriterionKind
from svscore.scoring.result import BidResult, CriterionResult, LotResult, Status, TenderResult

__all__ = ["NO_JUSTIFICATION", "RED", "assessment_summary", "find_bid"]

NO_JUSTIFICATION = "No justification recorded by the evaluators."
NOT_RECORDED = "Not recorded in the bid data."
KIND = {CriterionKind.PRICE: "Price", CriterionKind.QUALITY: "Quality", CriterionKind.SOCIAL_VALUE: "Social value",
        CriterionKind.PASS_FAIL: "Pass or fail"}


def importance(available: Fraction, lot: LotResult, marks: bool) -> str:
    """A criterion's relative importance as the tender gives it: marks, or percent of the total."""
    if marks:
        return f"{number(available)} marks of {number(lot.total_points)}"
    return f"{number(available * 100 / lot.total_points)}%"


def score_text(c: CriterionResult) -> str:
    """A criterion's score as the documents show it (points to 2 dp, as results.xlsx)."""
    if c.kind is CriterionKind.PASS_FAIL:
        return "Pass or fail: " + str(c.raw)
    return f"{points(c.points)} of {points(c.available)}" if c.points is not None else f"not scored (of {points(c.available)})"


def criteria_rows(bid: BidResult, lot: LotResult, marks: bool) -> list[tuple[Cell, ...]]:
    """The award criteria table: each top-level criterion's title, type, relative importance and the scores available."""
    return [(c.name, KIND.get(c.kind, "") if c.kind else "", "Pass or fail" if c.kind is CriterionKind.PASS_FAIL
             else importance(c.available, lot, marks), "Pass or fail" if c.kind is CriterionKind.PASS_FAIL
             else f"{points(c.available)} points") for c in bid.criteria if c.parent_id is None]


def explanation(c: CriterionResult, facts: BidFacts | None) -> Cell:
    """How a criterion was scored, with the evaluators' own words and any moderation note; a gap in red."""
    parts: list[tuple[str, bool]] = [(c.explanation, False)]
    said = "; ".join(f"{who}: {text}" for who, text in c.justifications)
    evaluated = c.is_leaf and c.kind in (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE) and bool(c.evaluator_scores)
    if said:
        parts.append((f"\nEvaluators' justification: {said}", False))
    elif evaluated:
        parts.append((f"\n{NO_JUSTIFICATION}", True))
    if facts is not None:
        for note in facts.moderation.get(c.criterion_id, ()):
            parts.append((f"\nModeration: {note}", False))
        if said or not evaluated:  # otherwise the line above already says so
            for gap in facts.missing.get(c.criterion_id, ()):
                parts.append((f"\n{gap}", True))
    return tuple(parts)


def find_bid(result: TenderResult, lot_id: str, bidder_id: str) -> tuple[LotResult, BidResult]:
    """A lot and one bid in it; ValueError naming what there is when either is unknown."""
    lot = next((x for x in result.lots if x.lot_id == lot_id), None)
    if lot is None:
        raise ValueError(f"the result has no lot {lot_id!r} (lots: {', '.join(x.lot_id for x in result.lots)})")
    bid = next((b for b in lot.bids if b.bidder_id == bidder_id), None)
    if bid is None:
        raise ValueError(f"lot {lot_id} has no bid from bidder id {bidder_id!r} "
                         f"(bidder ids: {', '.join(b.bidder_id for b in lot.bids)})")
    return lot, bid


def _outcome(bid: BidResult, winner: bool) -> str:
    if winner:
        return "Your tender is the most advantageous tender: the authority intends to award the contract to you."
    if bid.status is Status.RANKED:
        return f"Your tender was ranked {bid.rank} and is not the most advantageous tender."
    return "Your tender is not awarded the contract, for the reasons below."


def assessment_summary(result: TenderResult, authority: str, lot_id: str, bidder_id: str, *, marks: bool = False,
                       issued: dt.date | None = None, facts: BidFacts | None = None, provision: str = SUMMARY_ENGLAND,
                       provision_note: str | None = None, gaps: int = 0, further: tuple[str, ...] = (),
                       winner: bool | None = None) -> bytes:
    """The assessment summary of one supplier's tender in one lot, as the bytes of a .docx file.

    ``facts`` gives the supplier's contact details, moderation notes and the gaps to show in red;
    ``gaps`` above zero marks the document a draft; ``further`` adds reasons it is not awarded
    (e.g. an abnormally low tender disregarded); ``winner`` overrides rank 1 (a tie decided).
    """
    lot, bid = find_bid(result, lot_id, bidder_id)
    won = bid.rank == 1 if winner is None else winner
    document = new_document(f"Assessment summary: {bid.bidder}", issued, result.reference)
    if gaps:
        draft_banner(document, gaps)
    document.add_heading("Assessment summary", level=0)
    document.add_paragraph(f"{authority}. Tender {result.reference}: {result.title}"
                           + (f", lot {lot.lot_id}: {lot.title}" if len(result.lots) > 1 and lot.title else "") + ".")
    if issued is not None:
        document.add_paragraph(f"Date: {issued.day} {issued.strftime('%B %Y')}.")
    document.add_paragraph(provision)
    if provision_note:
        document.add_paragraph(provision_note)
    document.add_heading("Supplier", level=1)
    bid_data = facts.bid if facts is not None else None
    address = (bid_data.postal_address or "").strip() if bid_data else ""
    email = (bid_data.email or "").strip() if bid_data else ""
    identifier = (bid_data.unique_identifier or "").strip() if bid_data else ""
    rows: list[tuple[Cell, ...]] = [("Name", bid.bidder),
                                    ("Unique identifier", identifier or f"{bid.bidder_id} (the bidder id given in the bid)")]
    red: set[tuple[int, int]] = set()
    if facts is None:
        rows.append(("Postal and email address", NOT_RECORDED))
        red.add((2, 1))
    else:
        rows += [("Contact postal address", address or NOT_RECORDED), ("Contact email address", email or NOT_RECORDED)]
        red |= {(2, 1)} if not address else set()
        red |= {(3, 1)} if not email else set()
    table(document, ("Item", "Detail"), rows, red, widths=(50, 120))
    document.add_heading("Outcome", level=1)
    document.add_paragraph(_outcome(bid, won))

    document.add_heading("Award criteria", level=1)
    table(document, ("Criterion", "Type", "Relative importance", "Scores available"), criteria_rows(bid, lot, marks))
    document.add_paragraph(f"The award criteria and assessment methodology are set out in full in the tender documents "
                           f"for {result.reference}.")

    document.add_heading("Your scores", level=1)
    scores: list[tuple[Cell, ...]] = []
    for c in bid.criteria:
        name = c.name if c.parent_id is None else f"    {c.name}"
        scores.append((name, score_text(c), explanation(c, facts)))
    # A4 portrait leaves 170 mm: the evaluators' words get the room
    table(document, ("Criterion", "Score", "How it was scored, by reference to your tender"), scores, widths=(45, 30, 95))
    total = document.add_paragraph()
    total.add_run("Total: ").bold = True
    total.add_run(f"{points(bid.total)} of {points(lot.total_points)} points." if bid.total is not None
                  else "no total: the tender was not ranked.")
    if bid.price is not None:
        document.add_paragraph(f"Tendered price: {money(bid.price)}.")
    if not won:
        document.add_heading("Further reasons your tender is not awarded", level=1)
        reasons = list(further) + list(bid.reasons)
        if not reasons and bid.rank:
            reasons = [f"Another tender scored more points: yours ranked {bid.rank}." if bid.rank > 1
                       else "Another tender tied with yours was preferred, as the tie decision records."]
        for reason in reasons + [f.message for f in bid.flags]:
            document.add_paragraph(reason, style="List Bullet")
    for gap in (facts.missing.get("", ()) if facts else ()):
        red_paragraph(document, gap)
    return docx_bytes(document)
