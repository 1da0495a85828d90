"""Read an evaluators' score sheets workbook: every score given, with its justification, by bidder.

A score without a justification is not used: justifications are required, because they become the
explanations in each bidder's assessment summary. The batch (:mod:`svscore.batch.scores`) opens the
files, checks their packages and matches the scores read here to the returned bids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from svscore.errors import Problem, WorkbookError
from svscore.excel.cells import (
    Values,
    as_text,
    exact_number,
    is_blank,
    metadata,
    metadata_extra,
    parse_number,
)
from svscore.excel.readers import reader_for
from svscore.fmt import LARGEST
from svscore.model.bids import Score
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender


@dataclass
class ScoreSheetScores:
    """The scores one score sheets workbook gives, with the problems met while reading it."""

    scores: list[tuple[tuple[str, str], SheetScore, str]] = field(default_factory=list)
    """((bidder id, bidder name), score, lot id), in the order read."""
    problems: list[Problem] = field(default_factory=list)

    def add(self, ids: tuple[str, str], score: SheetScore, lot: str) -> None:
        self.scores.append((ids, score, lot))


class SheetScore(NamedTuple):
    """One score as a score sheet gives it, every field parsed and checked (the value is a Decimal,
    or 'pass'/'fail'). A batch holds tens of thousands of scores from the time its score sheets are
    read until its last bid is: as a plain tuple each takes about a quarter of the memory of the
    :class:`Score` model it makes (:meth:`model`), which is made only for a bid that uses it."""

    criterion: str
    evaluator: str
    value: Any
    justification: str

    def model(self) -> Score:
        # Built without a second validation pass. The models share one set of the fields given (a
        # model's own would be about 200 bytes): they are frozen, so nothing adds to it, and a copy
        # (model_copy) makes its own.
        return Score.model_construct(_SCORE_FIELDS, criterion=self.criterion, evaluator=self.evaluator, value=self.value,
                                     justification=self.justification)


def read_score_sheets(values: Values, tender: Tender, measures: MeasuresTable | None, book: ScoreSheetScores) -> None:
    """Add the scores of a parsed score sheets workbook to ``book``, for the lot it was made for,
    with the reader its format version has (:mod:`svscore.excel.readers`)."""
    meta = metadata(values)
    try:
        reader = reader_for(meta, values.name, "score_sheets")
    except WorkbookError as exc:
        book.problems += exc.problems
        return
    assert meta is not None  # reader_for refuses a workbook without metadata
    reader.read(values, meta, tender, measures, book)


def read_v1(values: Values, meta: dict[str, str], tender: Tender, measures: MeasuresTable | None,
            book: ScoreSheetScores) -> None:
    """Read a format version 1 score sheets workbook (its kind and version already checked)."""
    from svscore.excel.score_sheets import score_sheet_layout

    name = values.name
    if meta.get("tender_reference") != tender.reference:
        book.problems.append(Problem(name, f"score sheets for tender {meta.get('tender_reference')!r}, not {tender.reference!r}"))
        return
    lots = [lot.id for lot in tender.all_lots()]
    lot = meta.get("lot")
    if lot not in lots:  # its scores would match no bid: said, never left unread without a word
        which = f"for lot {lot!r}, which tender {tender.reference!r} does not have" if lot else \
            "whose _svscore sheet names no lot (the sheet svscore wrote is damaged)"
        book.problems.append(Problem(name, f"score sheets {which} (the tender's lots: {', '.join(lots)}): not read; make the "
                                           "score sheets again from the tender"))
        return
    lot_index = lots.index(lot)
    try:
        extra = metadata_extra(meta, name, {"evaluators": list, "slots": int})
    except WorkbookError as exc:
        book.problems += [Problem(p.where, f"not read: {p.message}") for p in exc.problems]
        return
    evaluators = tuple(str(e) for e in extra["evaluators"])
    slots = extra["slots"]
    lay = score_sheet_layout(tender, lot_index, measures, slots, evaluators)
    kinds = {c.id: k for c, _, k in _walk(tender.all_lots()[lot_index].criteria)}  # ids are unique within a lot, not across lots
    bidders = values.sheets.get("Bidders") or []
    slot_ids = [(as_text(_at(bidders, lay.bidder_row(slot), lay.BIDDER_ID_COL)),
                 as_text(_at(bidders, lay.bidder_row(slot), lay.BIDDER_NAME_COL))) for slot in range(slots)]
    exact: dict[float, Decimal] = {}
    for evaluator in evaluators:
        sheet = evaluator
        rows = values.sheets.get(sheet)
        if rows is None:
            book.problems.append(Problem(name, f"the sheet for {evaluator} is missing"))
            continue
        for slot, ids in enumerate(slot_ids):
            if not ids[0] and not ids[1]:
                continue
            s_col, j_col = lay.score_col(slot), lay.justification_col(slot)
            for cid, row in lay.rows.items():
                raw = _at(rows, row, s_col)
                if is_blank(raw):
                    continue
                s_addr = lay.score_cell(cid, slot)
                justification = as_text(_at(rows, row, j_col))
                if not justification:
                    book.problems.append(Problem(values.where(sheet, lay.justification_cell(cid, slot)),
                                                 f"{evaluator}'s score for {ids[1] or ids[0]} on {cid} has no justification: the score is not used"))
                    continue
                if kinds.get(cid) is CriterionKind.PASS_FAIL:
                    value = as_text(raw).lower()
                    if value not in ("pass", "fail"):
                        book.problems.append(Problem(values.where(sheet, s_addr), f"{cid} is pass/fail, but {raw!r} was entered"))
                        continue
                    book.add(ids, SheetScore(cid, evaluator, "pass" if value == "pass" else "fail", justification), lot)  # one string each, not one a score
                    continue
                if type(raw) is float and -LARGEST < raw < LARGEST:  # a number of a sensible size: the usual case
                    # The same few values (0-5, 0-100) recur in thousands of scores: one Decimal each.
                    number = exact.get(raw)
                    if number is None:
                        number = exact[raw] = exact_number(raw)
                    book.add(ids, SheetScore(cid, evaluator, number, justification), lot)
                    continue
                problems: list[Problem] = []
                n = parse_number(raw, values.where(sheet, s_addr), f"{evaluator}'s score for {cid}", problems)
                book.problems += problems
                if n is not None:
                    book.add(ids, SheetScore(cid, evaluator, n, justification), lot)


def _at(rows: list[list[object]], row: int, col: int) -> object:
    """The value at a 1-based row and column of a sheet's rows ('' beyond its used area)."""
    if row - 1 < len(rows):
        cells = rows[row - 1]
        if col - 1 < len(cells):
            return cells[col - 1]
    return ""


_SCORE_FIELDS = {"criterion", "evaluator", "value", "justification"}
"""The fields a score sheet sets; the others keep their defaults."""


def _walk(criteria, kind=None):
    for c in criteria:
        k = c.kind or kind
        yield c, None, k
        yield from _walk(c.children, k)


