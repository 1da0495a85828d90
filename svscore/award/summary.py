"""The assessment summary for one supplier (PA 2023 s.50(3); contents: Procurement Regulations 2024 reg 31), as Word.

Every figure and every justification comes from the scored result: the evaluators' own words are
inserted as plain text, never as fields or markup, and svscore writes no explanation of its own
where the evaluators gave none (the gap is shown in red instead).
"""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from svscore.fmt import money, number, points
from svscore.model.enums import CriterionKind
from svscore.scoring.result import BidResult, LotResult, Status, TenderResult

RED = RGBColor(0xC0, 0x00, 0x00)
NO_JUSTIFICATION = "No justification recorded by the evaluators."
_KIND = {CriterionKind.PRICE: "Price", CriterionKind.QUALITY: "Quality", CriterionKind.SOCIAL_VALUE: "Social value",
         CriterionKind.PASS_FAIL: "Pass or fail"}


def _page_number_footer(document: WordDocument) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _table(document: WordDocument, header: tuple[str, ...], rows: list[tuple[str, ...]],
           red: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset()) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The header row repeats on each page and rows do not split across pages.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for r, row in enumerate(rows):
        cells = table.add_row().cells
        for c, text in enumerate(row):
            run = cells[c].paragraphs[0].add_run(text)
            if (r, c) in red:
                run.font.color.rgb = RED
        table.rows[-1]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _importance(available: Fraction, lot: LotResult, marks: bool) -> str:
    if marks:
        return f"{number(available)} marks of {number(lot.total_points)}"
    return f"{number(available * 100 / lot.total_points)}%"


def _outcome(bid: BidResult) -> str:
    if bid.rank == 1:
        return "Your tender is the most advantageous tender: the authority intends to award the contract to you."
    if bid.status is Status.RANKED:
        return f"Your tender was ranked {bid.rank} and is not the most advantageous tender."
    return "Your tender is not awarded the contract, for the reasons below."


def assessment_summary(result: TenderResult, authority: str, lot_id: str, bidder_id: str, *, marks: bool = False,
                       issued: dt.date | None = None) -> bytes:
    """The assessment summary of one supplier's tender in one lot, as the bytes of a .docx file."""
    lot = next((x for x in result.lots if x.lot_id == lot_id), None)
    if lot is None:
        raise ValueError(f"the result has no lot {lot_id!r} (lots: {', '.join(x.lot_id for x in result.lots)})")
    bid = next((b for b in lot.bids if b.bidder_id == bidder_id), None)
    if bid is None:
        raise ValueError(f"lot {lot_id} has no bid from bidder id {bidder_id!r} "
                         f"(bidder ids: {', '.join(b.bidder_id for b in lot.bids)})")
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    document.styles["Normal"].font.size = Pt(10.5)
    _page_number_footer(document)
    document.core_properties.title = f"Assessment summary: {bid.bidder}"
    if issued is not None:
        moment = dt.datetime.combine(issued, dt.time())
        document.core_properties.created = document.core_properties.modified = moment

    document.add_heading("Assessment summary", level=0)
    document.add_paragraph(f"{authority}. Tender {result.reference}: {result.title}"
                           + (f", lot {lot.lot_id}: {lot.title}" if lot.title else "") + ".")
    document.add_paragraph("Given under section 50(3) of the Procurement Act 2023; contents as regulation 31 of the "
                           "Procurement Regulations 2024.")
    document.add_heading("Supplier", level=1)
    _table(document, ("Item", "Detail"), [("Name", bid.bidder), ("Identifier (as given in the bid)", bid.bidder_id),
                                          ("Postal and email address", "Not recorded in the bid data.")], red={(2, 1)})
    document.add_heading("Outcome", level=1)
    document.add_paragraph(_outcome(bid))

    top = [c for c in bid.criteria if c.parent_id is None]
    document.add_heading("Award criteria", level=1)
    _table(document, ("Criterion", "Type", "Relative importance", "Scores available"),
           [(c.name, _KIND.get(c.kind, "") if c.kind else "", "Pass or fail" if c.kind is CriterionKind.PASS_FAIL
             else _importance(c.available, lot, marks), "Pass or fail" if c.kind is CriterionKind.PASS_FAIL
             else f"{points(c.available)} points") for c in top])

    document.add_heading("Your scores", level=1)
    rows: list[tuple[str, ...]] = []
    red: set[tuple[int, int]] = set()
    for c in bid.criteria:
        name = c.name if c.parent_id is None else f"    {c.name}"
        score = "Pass or fail: " + str(c.raw) if c.kind is CriterionKind.PASS_FAIL else (
            f"{points(c.points)} of {points(c.available)}" if c.points is not None else f"not scored (of {points(c.available)})")
        why = c.explanation
        if c.is_leaf and c.kind in (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE) and c.evaluator_scores:
            said = "; ".join(f"{who}: {text}" for who, text in c.justifications)
            if said:
                why = f"{why}\nEvaluators' justification: {said}"
            else:
                why = f"{why}\n{NO_JUSTIFICATION}"
                red.add((len(rows), 2))
        rows.append((name, score, why))
    _table(document, ("Criterion", "Score", "How it was scored, by reference to your tender"), rows, red)
    document.add_paragraph()
    total = document.add_paragraph()
    total.add_run("Total: ").bold = True
    total.add_run(f"{points(bid.total)} of {points(lot.total_points)} points." if bid.total is not None
                  else "no total: the tender was not ranked.")
    if bid.price is not None:
        document.add_paragraph(f"Tendered price: {money(bid.price)}.")
    if bid.rank != 1:
        document.add_heading("Further reasons your tender is not awarded", level=1)
        reasons = list(bid.reasons) or ([f"Another tender scored more points: yours ranked {bid.rank}."] if bid.rank else [])
        for reason in reasons + [f.message for f in bid.flags]:
            document.add_paragraph(reason, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
