"""The standstill letter of the Public Contracts Regulations 2015 (reg 86), as Word: the PCR regime's
counterpart of the assessment summary.

It gives what reg 86(2) requires of a notice to a tenderer, each part citing its paragraph
(:data:`svscore.award.provisions.REG_86`): the award criteria (86(2)(a)); the reasons for the
decision, including the characteristics and relative advantages of the successful tender (each
criterion on which it scored more, by how much, and the evaluators' own words on it) and the
scores of the supplier and of the successful tender (86(2)(b)); the successful tenderer's name
(86(2)(c)); and when the reg 87 standstill period ends and the date before which the contract
will not be entered into (86(2)(d)). svscore states the figures and quotes the evaluators; it
writes no judgement of its own. It records no technical specification decision (86(3)): the award
report says that any must be added.
"""

from __future__ import annotations

import datetime as dt

from docx.document import Document as WordDocument

from svscore.award.docx_parts import RED, Cell, docx_bytes, draft_banner, new_document, red_paragraph, table
from svscore.award.gaps import BidFacts
from svscore.award.provisions import LETTER_PCR, reg_86
from svscore.award.standstill import Standstill
from svscore.award.summary import NO_JUSTIFICATION, criteria_rows, find_bid, score_text
from svscore.fmt import money, points
from svscore.model.enums import CriterionKind
from svscore.scoring.result import BidResult, TenderResult


def _cite(document: WordDocument, *provisions: str) -> None:
    """The paragraph of the Regulations a part of the letter gives, under its heading."""
    named = " and ".join(p.replace("PCR 2015 reg", "regulation") for p in provisions)
    verb = "requires" if len(provisions) == 1 else "require"
    document.add_paragraph().add_run(f"As {named} of the Public Contracts Regulations 2015 {verb}.").italic = True


def _long(day: dt.date) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


def _advantages(bid: BidResult, winner: BidResult) -> list[tuple[str, bool]]:
    """Each criterion on which the successful tender scored more than this one, with the evaluators' words on it."""
    mine = {c.criterion_id: c for c in bid.criteria}
    lines: list[tuple[str, bool]] = []
    for w in winner.criteria:
        c = mine.get(w.criterion_id)
        if w.points is None or w.kind is CriterionKind.PASS_FAIL:
            continue
        ahead = w.points - (c.points if c is not None and c.points is not None else 0)
        if ahead <= 0:
            continue
        theirs = f"{points(c.points)}" if c is not None and c.points is not None else "no score"
        lines.append((f"{w.name}: the successful tender scored {points(w.points)} of {points(w.available)} points, "
                      f"{points(ahead)} more than yours ({theirs}).", False))
        if w.kind is CriterionKind.PRICE and winner.price is not None:
            lines.append((f"    Its tendered price: {money(winner.price)}.", False))
        elif w.is_leaf and w.kind in (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE):
            said = "; ".join(f"{who}: {text}" for who, text in w.justifications)
            lines.append((f"    Evaluators' justification of its score: {said}", False) if said
                         else (f"    {NO_JUSTIFICATION}", True))
    return lines


def standstill_letter(result: TenderResult, authority: str, lot_id: str, bidder_id: str, winner_id: str, *,
                      period: Standstill, marks: bool = False, facts: BidFacts | None = None, gaps: int = 0,
                      further: tuple[str, ...] = ()) -> bytes:
    """The reg 86 letter to one tenderer in one lot, as the bytes of a .docx file; ``period`` is the
    reg 87 standstill worked out from the day the letters are sent."""
    lot, bid = find_bid(result, lot_id, bidder_id)
    _, winner = find_bid(result, lot_id, winner_id)
    document = new_document(f"Standstill letter: {bid.bidder}", period.start, result.reference)
    if gaps:
        draft_banner(document, gaps)
    document.add_heading("Notice of award decision", level=0)
    document.add_paragraph(f"{authority}. Tender {result.reference}: {result.title}"
                           + (f", lot {lot.lot_id}: {lot.title}" if len(result.lots) > 1 and lot.title else "") + ".")
    document.add_paragraph(f"Date sent (electronically): {_long(period.start)}.")
    to = document.add_paragraph(f"To: {bid.bidder}")
    for detail in (facts.bid.postal_address, facts.bid.email) if facts is not None else ():
        if text := (detail or "").strip():
            to.add_run(f", {text}")
        else:
            to.add_run(", address not recorded in the bid data").font.color.rgb = RED
    document.add_paragraph(LETTER_PCR)

    document.add_heading("The decision", level=1)
    _cite(document, reg_86("a notice communicating"), reg_86("the name of the tenderer"))
    if bid.bidder_id == winner.bidder_id:
        document.add_paragraph("Your tender is the most economically advantageous tender: the authority intends to award "
                               "the contract to you, after the standstill period below.")
    else:
        document.add_paragraph(f"The authority intends to award the contract to {winner.bidder}. Your tender is not successful.")

    document.add_heading("Award criteria", level=1)
    _cite(document, reg_86("the criteria"))
    table(document, ("Criterion", "Type", "Relative importance", "Scores available"), criteria_rows(bid, lot, marks))

    document.add_heading("Scores", level=1)
    _cite(document, reg_86("the score (if any)"), reg_86("the score obtained"))
    theirs = {c.criterion_id: c for c in winner.criteria}
    rows: list[tuple[Cell, ...]] = []
    for c in bid.criteria:
        name = c.name if c.parent_id is None else f"    {c.name}"
        w = theirs.get(c.criterion_id)
        rows.append((name, score_text(c), score_text(w) if w is not None else ""))
    rows.append(("Total", points(bid.total) if bid.total is not None else "not ranked",
                 points(winner.total) if winner.total is not None else ""))
    table(document, ("Criterion", "Your tender", "Successful tender"), rows, widths=(70, 50, 50))

    if bid.bidder_id != winner.bidder_id:
        document.add_heading("Reasons for the decision", level=1)
        _cite(document, reg_86("the reasons"))
        for reason in list(further) + list(bid.reasons):
            document.add_paragraph(reason, style="List Bullet")
        document.add_heading("Characteristics and relative advantages of the successful tender", level=2)
        advantages = _advantages(bid, winner)
        if not advantages:
            document.add_paragraph("The successful tender scored no more than yours on any single criterion; "
                                   "it was preferred on the total or by the tie-break, as above.")
        for text, is_red in advantages:
            if is_red:
                red_paragraph(document, text)
            else:
                document.add_paragraph(text)

    document.add_heading("Standstill period", level=1)
    _cite(document, reg_86("a precise statement"))
    document.add_paragraph(f"The standstill period ends at midnight at the end of {_long(period.last_day)}. The authority "
                           f"will not enter into the contract before {_long(period.may_enter_from)}.")
    document.add_paragraph(f"{period.provisions['period']}. Working day: {period.provisions['working_day']}.")
    for note in period.notes:
        document.add_paragraph(note)
    for gap in (facts.missing.get("", ()) if facts else ()):
        red_paragraph(document, gap)
    return docx_bytes(document)
