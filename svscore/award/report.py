"""The award decision report (award-report.docx) for the officer who signs the award off.

The recommendation; each lot's ranked table with every criterion; the threshold and Social Value
Act decision and how social value was weighed; moderation notes; abnormally low tenders with the
s.19(4) steps recorded; ties the rules did not break and how they were decided; the evaluation
panel with their conflict of interest declarations; standstill and the record's retention; every
gap (with --draft); and a sign-off block. Every figure is the engine's; every note is the officer's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from svscore.award.docx_parts import Cell, docx_bytes, draft_banner, new_document, red_paragraph, table
from svscore.award.gaps import BidFacts, Gap, for_first_place, tie_decision
from svscore.award.provisions import REG_86, Retention
from svscore.award.standstill import Standstill
from svscore.fmt import money, number, points
from svscore.model.bids import BidsFile
from svscore.model.enums import CriterionKind
from svscore.model.identity import bid_key
from svscore.model.tender import Tender
from svscore.model.thresholds import Regime
from svscore.scoring.result import BidResult, LotResult, TenderResult


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report states, gathered by :mod:`svscore.award.folder`."""

    tender: Tender
    result: TenderResult
    bids: BidsFile
    facts: dict[tuple[str, str], BidFacts]
    winners: dict[str, BidResult | None]
    """Lot id: the bid recommended for award (None: none can be, yet)."""
    disregarded: tuple[BidResult, ...]
    """Bids disregarded as abnormally low (s.19(3)(c)), as first scored."""
    gaps: tuple[Gap, ...]
    standstill: Standstill | None
    retention: Retention
    regime_name: str
    documents: tuple[str, ...]
    measures_note: str | None
    unwritten: tuple[str, ...] = ()
    """Documents a gap left unwritten (a draft only), each with why."""


def _long(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


PLACES = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _place(rank: int | None) -> str:
    if rank is None:
        return "a place not ranked"
    return f"{PLACES[rank - 1]} place" if rank <= len(PLACES) else f"place {rank}"


def _landscape(document: WordDocument) -> None:
    # The ranked table has a column per criterion: landscape keeps it within the page's width.
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)


def _ranked(document: WordDocument, lot: LotResult, r: ReportInputs) -> None:
    if not lot.bids:
        document.add_paragraph("No bids.")
        return
    top = [(c.criterion_id, c.name) for c in lot.bids[0].criteria if c.parent_id is None]
    header = ("Rank", "Bidder", *(name for _, name in top), "Total", "Tendered price", "Status")
    rows: list[tuple[Cell, ...]] = []
    for b in lot.bids:
        subtotal = {c.criterion_id: c for c in b.criteria}
        cells = [str(b.rank) if b.rank else "", b.bidder]
        for cid, _ in top:
            c = subtotal.get(cid)
            cells.append("" if c is None else (str(c.raw).title() if c.kind is CriterionKind.PASS_FAIL
                                               else points(c.points) if c.points is not None else "not scored"))
        cells += [points(b.total) if b.total is not None else "", money(b.price) if b.price is not None else "", b.status.value]
        rows.append(tuple(cells))
    # landscape A4 leaves 257 mm: rank and money columns narrow, the bidder's name wide, criteria share the rest
    share = (257 - 15 - 45 - 20 - 28 - 22) / max(len(top), 1)
    table(document, header, rows, size=8.5, widths=(15, 45, *(share for _ in top), 20, 28, 22))
    # Every criterion, sub-criteria included: one row each, a column per bid in rank order.
    names = tuple(b.bidder for b in lot.bids)
    detail: list[tuple[Cell, ...]] = []
    for i, c in enumerate(lot.bids[0].criteria):
        row: list[Cell] = [c.name if c.parent_id is None else f"    {c.name}",
                           "Pass or fail" if c.kind is CriterionKind.PASS_FAIL else points(c.available)]
        for b in lot.bids:
            mine = b.criteria[i] if i < len(b.criteria) and b.criteria[i].criterion_id == c.criterion_id else None
            row.append("" if mine is None else str(mine.raw).title() if mine.kind is CriterionKind.PASS_FAIL
                       else points(mine.points) if mine.points is not None else "not scored")
        detail.append(tuple(row))
    table(document, ("Criterion", "Available", *names), detail, size=8.5)


def _social_value(document: WordDocument, r: ReportInputs) -> None:
    decision = r.result.decision
    if decision is not None:
        applies = {"yes": "applies", "no": "does not apply", "uncertain": "may apply (uncertain)"}[decision.applies.value]
        document.add_paragraph(f"Regime: {decision.regime_name}. The Public Services (Social Value) Act 2012 {applies}.")
        for reason in decision.reasons:
            document.add_paragraph(reason, style="List Bullet")
        for warning in decision.warnings:
            document.add_paragraph(warning, style="List Bullet")
    for lot in r.result.lots:
        if not lot.bids:
            continue
        shares = [(c.name, c.available) for c in lot.bids[0].criteria
                  if c.parent_id is None and c.kind is CriterionKind.SOCIAL_VALUE]
        total = sum((a for _, a in shares), start=0 * lot.total_points)
        where = f"Lot {lot.lot_id}: " if len(r.result.lots) > 1 else ""
        if shares:
            listed = ", ".join(f"{n} ({points(a)} points)" for n, a in shares)
            document.add_paragraph(f"{where}Social value was an award criterion: {listed}, "
                                   f"{number(total * 100 / lot.total_points)}% of the total score "
                                   f"(the tender's policy minimum: {number(r.tender.social_value_policy.minimum_percent)}%).")
        else:
            document.add_paragraph(f"{where}No award criterion scored social value.")
    method = r.tender.social_value.quantitative_method.value.replace("_", " ")
    document.add_paragraph(f"Social value commitments, where scored by measures, were valued with the council's measures "
                           f"table and turned into points {method}.")
    if r.measures_note:
        red_paragraph(document, r.measures_note)


def _moderation(document: WordDocument, r: ReportInputs) -> None:
    rows: list[tuple[Cell, ...]] = []
    for lot in r.result.lots:
        for b in lot.bids:
            f = r.facts.get(bid_key(lot.lot_id, b.bidder_id))
            names = {c.criterion_id: c.name for c in b.criteria}
            for cid, notes in (f.moderation.items() if f else ()):
                rows += [(b.bidder, names.get(cid, cid), note) for note in notes]
            rows += [(b.bidder, "", fl.message) for fl in b.flags if fl.code == "moderation"]
    if rows:
        table(document, ("Bidder", "Criterion", "Moderation note or flag"), rows, size=9)
    else:
        document.add_paragraph("No moderation notes were recorded and no evaluators' scores were far enough apart to be flagged.")


def _abnormally_low(document: WordDocument, r: ReportInputs) -> None:
    found = False
    for lot in r.result.lots:
        for b in (*lot.bids, *r.disregarded):
            if b.lot_id != lot.lot_id:
                continue
            flags = [fl.message for fl in b.flags if fl.code == "abnormally_low"]
            f = r.facts.get(bid_key(lot.lot_id, b.bidder_id))
            decision = f.abnormally_low if f else None
            if not flags and decision is None:
                continue
            found = True
            document.add_heading(b.bidder, level=2)
            for message in flags:
                document.add_paragraph(message)
            if decision is None:
                red_paragraph(document, "No decision recorded: the supplier must be notified and given a reasonable "
                                        "opportunity to show it can perform for the price (s.19(4)) before any decision.")
                continue
            outcome = ("accepted: the supplier showed it can perform for the price, so the tender may not be disregarded (s.19(5))"
                       if decision.decision == "accepted" else "rejected: the tender is disregarded (s.19(3)(c)), and the "
                       "others were scored again without it")
            table(document, ("Step (Procurement Act 2023 s.19(4))", "Recorded"), [
                ("Supplier notified and asked to show it can perform for the price", _long(decision.notified_on)),
                ("The supplier's response", decision.response),
                ("Decision", outcome),
                ("Reason", decision.reason),
                ("Decided on", _long(decision.decided_on) if decision.decided_on else "not recorded")])
    if not found:
        document.add_paragraph("No price was flagged as abnormally low.")


def _ties(document: WordDocument, r: ReportInputs) -> None:
    said = False
    for lot in r.result.lots:
        names = {b.bidder_id: b.bidder for b in lot.bids}
        for group in lot.ties:
            said = True
            tied = ", ".join(names.get(i, i) for i in group)
            decision = tie_decision(lot, group, r.bids)
            if decision is None and not for_first_place(lot, group):
                rank = next((b.rank for b in lot.bids if b.bidder_id in group and b.rank), None)
                document.add_paragraph(f"Lot {lot.lot_id}: {tied} are tied in {_place(rank)} after the published tie-break "
                                       "rules; the tie does not decide the award, and each supplier's summary gives its rank.")
            elif decision is None:
                red_paragraph(document, f"Lot {lot.lot_id}: {tied} are tied and the published tie-break rules do not "
                                        "separate them. No decision is recorded.")
            else:
                document.add_paragraph(f"Lot {lot.lot_id}: {tied} were tied after the published tie-break rules. "
                                       f"Preferred: {names.get(decision.winner, decision.winner)}. How: {decision.how}")
    if not said:
        rules = ", ".join(t.rule.replace("_", " ") + (f" {t.criterion}" if t.criterion else "") for t in r.tender.tie_breaks)
        document.add_paragraph("No tie was left unresolved" + (f" (published tie-break rules: {rules})." if rules else "."))


def _panel(document: WordDocument, r: ReportInputs) -> None:
    if not r.bids.panel:
        red_paragraph(document, "The evaluation panel and its conflict of interest declarations are not recorded "
                                "(Procurement Act 2023 s.83).")
        return
    rows: list[tuple[Cell, ...]] = [(m.name, m.role, "No conflict declared" if m.conflict == "none" else "Conflict declared",
                                     _long(m.declared_on), m.details) for m in r.bids.panel]
    table(document, ("Member", "Role", "Declaration", "Signed", "Details and steps taken"), rows, size=9)


def award_report(r: ReportInputs, issued: dt.date | None) -> bytes:
    """The award decision report, as the bytes of a .docx file."""
    t = r.tender
    document = new_document(f"Award decision report: {t.reference}", issued, t.reference)
    _landscape(document)
    if r.gaps:
        draft_banner(document, len(r.gaps))
    document.add_heading("Award decision report", level=0)
    document.add_paragraph(f"{t.authority.name}. Tender {t.reference}: {t.title}. Regime: {r.regime_name}.")

    document.add_heading("Recommendation", level=1)
    for lot in r.result.lots:
        won = r.winners.get(lot.lot_id)
        where = f"Lot {lot.lot_id}" + (f" ({lot.title})" if lot.title else "")
        if won is None:
            red_paragraph(document, f"{where}: no award can be recommended until the gaps below are filled.")
        else:
            price = f" at a tendered price of {money(won.price)}" if won.price is not None else ""
            document.add_paragraph(f"{where}: award the contract to {won.bidder}, the most advantageous tender, with "
                                   f"{points(won.total)} of {points(lot.total_points)} points{price}." if won.total is not None
                                   else f"{where}: award the contract to {won.bidder}.")

    for lot in r.result.lots:
        document.add_heading(f"Ranked tenders, lot {lot.lot_id}" if len(r.result.lots) > 1 else "Ranked tenders", level=1)
        _ranked(document, lot, r)
        for b in lot.bids:
            if b.reasons:
                document.add_paragraph(f"{b.bidder} ({b.status.value}): " + " ".join(b.reasons), style="List Bullet")
    for b in r.disregarded:
        document.add_paragraph(f"{b.bidder}: disregarded as abnormally low (see below); its first scores were "
                               f"{points(b.total) if b.total is not None else 'not totalled'} points.", style="List Bullet")

    document.add_heading("Threshold, regime and social value", level=1)
    _social_value(document, r)
    document.add_heading("Moderation", level=1)
    _moderation(document, r)
    document.add_heading("Abnormally low tenders", level=1)
    _abnormally_low(document, r)
    document.add_heading("Ties", level=1)
    _ties(document, r)
    document.add_heading("Evaluation panel and conflicts of interest", level=1)
    _panel(document, r)

    document.add_heading("Standstill and the record", level=1)
    if r.standstill is not None:
        s = r.standstill
        document.add_paragraph(f"{s.provisions['start'].capitalize()} on {_long(s.start)}: the standstill period ends at "
                               f"midnight at the end of {_long(s.last_day)}; the contract may be entered into from "
                               f"{_long(s.may_enter_from)}. {s.provisions['period']}.")
        for day, why in s.skipped:
            document.add_paragraph(f"{_long(day)} is not a working day: {why}.", style="List Bullet")
        for note in s.notes:
            document.add_paragraph(note)
        document.add_paragraph(f"Bank holidays from {s.holidays_library}.")
    else:
        red_paragraph(document, "The standstill period is not worked out: no publication date is recorded.")
    if r.result.decision is not None and r.result.decision.regime is Regime.PCR_2015:
        spec = next(p for p in REG_86 if p.provision == "PCR 2015 reg 86(3)")
        document.add_paragraph(f"The standstill letters: {spec.provision} requires {spec.what}; {spec.note}.")
    keep = (f"Keep this award folder until {_long(r.retention.until)}" if r.retention.until else "Keep this award folder")
    document.add_paragraph(f"{keep}: {r.retention.provision}.")
    if r.retention.note:
        document.add_paragraph(r.retention.note)
    document.add_paragraph("Documents in this award folder (each with its SHA-256 in manifest.json): "
                           + ", ".join(r.documents) + ".")
    for line in r.unwritten:
        red_paragraph(document, line)

    if r.gaps:
        document.add_heading("What is missing", level=1)
        table(document, ("Bidder", "Criterion", "Missing", "Where it belongs"),
              [(g.bidder or "(the award)", g.criterion, g.message, g.source) for g in r.gaps],
              {(i, 2) for i in range(len(r.gaps))}, size=8.5)

    document.add_heading("Sign-off", level=1)
    table(document, ("", "Name", "Role", "Signature", "Date"),
          [("Recommended by", "", "", "", ""), ("Approved by", "", "", "", "")])
    return docx_bytes(document)
