"""Evaluators' scores for a batch: from score sheet workbooks, or from an evaluation workbook.

Scores are matched to returned bids by bidder id (company number), or by name when the id is
blank. A score without a justification is not used: justifications are required, because they
become the explanations in each bidder's assessment summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svscore.batch.container import package_refused, read_capped
from svscore.batch.intake import ERROR, WARNING
from svscore.batch.spec import Limits
from svscore.errors import Problem, WorkbookError, file_label
from svscore.excel import workbook as xw
from svscore.excel.cells import (
    as_text,
    exact_number,
    is_blank,
    kind_name,
    load_values,
    metadata,
    metadata_extra,
    parse_number,
    unreadable,
)
from svscore.fmt import LARGEST
from svscore.model.bids import Bid, Score
from svscore.model.identity import bidder_key, same_name
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender


@dataclass
class ScoreBook:
    """Scores by bidder key, with the problems met while reading them."""

    scores: dict[str, list[Score]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    """bidder key -> name as the evaluators wrote it."""
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    recorded: dict[str, Bid] = field(default_factory=dict)
    """bidder key -> the bid as the evaluation workbook records it (price, SME/VCSE, name, commitments)."""

    def record(self, bid: Bid, lot: str) -> None:
        self.recorded[f"{lot}|{bidder_key(bid.bidder_id) or bidder_key(bid.bidder)}"] = bid

    def recorded_for(self, bidder_id: str, bidder: str, lot: str) -> Bid | None:
        return next((self.recorded[k] for k in self._keys(bidder_id, bidder, lot) if k in self.recorded), None)

    def add(self, ids: tuple[str, str], score: Score, lot: str) -> None:
        key = f"{lot}|{bidder_key(ids[0]) or bidder_key(ids[1])}"
        self.scores.setdefault(key, []).append(score)
        self.names[key] = ids[1] or ids[0]

    def _keys(self, bidder_id: str, bidder: str, lot: str) -> list[str]:
        return [f"{lot}|{k}" for k in (bidder_key(bidder_id), bidder_key(bidder)) if k]

    def for_bid(self, bidder_id: str, bidder: str, lot: str) -> list[Score]:
        for key in self._keys(bidder_id, bidder, lot):
            if key in self.scores:
                return self.scores[key]
        return []

    def name_disagrees(self, bidder_id: str, bidder: str, lot: str) -> str | None:
        """The name the evaluators gave the scores matched to this bid by its company number, when
        it is not the bid's name (beyond case, punctuation and legal suffixes); else None."""
        key = f"{lot}|{bidder_key(bidder_id)}" if bidder_id else None
        if key is None or key not in self.scores:
            return None
        theirs = self.names[key]
        return None if same_name(theirs, bidder) or bidder_key(theirs) == bidder_key(bidder_id) else theirs

    def matched_keys(self, bids: list[tuple[str, str, str]]) -> set[str]:
        return {k for b in bids for k in self._keys(*b) if k in self.scores}


def score_sheet_files(folder: Path) -> list[Path]:
    """The workbooks in a scores folder that are read as score sheets (not hidden, not lock files)."""
    return [path for path in sorted(folder.iterdir())
            if not path.name.startswith((".", "~$")) and path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file()]


def read_score_folder(folder: Path, tender: Tender, lot_index: int, measures: MeasuresTable | None,
                      book: ScoreBook | None = None) -> ScoreBook:
    """Add the scores of every score sheet workbook in ``folder`` made for this lot to ``book``."""
    book = book or ScoreBook()
    if not folder.is_dir():
        book.problems.append((ERROR, file_label(str(folder)), "the scores folder does not exist"))
        return book
    for path in score_sheet_files(folder):
        if path not in book.files:
            book.files.append(path)
        _read_one(path, tender, lot_index, measures, book)
    return book


def _read_one(path: Path, tender: Tender, lot_index: int, measures: MeasuresTable | None, book: ScoreBook) -> None:
    from svscore.excel.score_sheets import score_sheet_layout

    name = file_label(path.name)
    limits = Limits()
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, limits.max_file_bytes)  # never a whole file of many GB in memory
    except OSError as exc:
        book.problems.append((ERROR, name, f"not read: it could not be opened ({exc.strerror})"))
        return
    # Score sheets pass through many hands: the package checks the returned bids pass (size first) come first.
    why = package_refused(path, data, limits)
    if why is not None:
        book.problems.append((ERROR, name, f"not read: {why}"))
        return
    try:
        values = load_values(path, name, data)
    except Exception:  # calamine raises several types for unreadable files
        book.problems.append((ERROR, name, f"not read: {unreadable(path)}"))
        return
    meta = metadata(values)
    if meta is None or meta.get("template_kind") != "score_sheets":
        book.problems.append((ERROR, name, f"not a score sheets workbook: this is {kind_name((meta or {}).get('template_kind'))}"))
        return
    if meta.get("tender_reference") != tender.reference:
        book.problems.append((ERROR, name, f"score sheets for tender {meta.get('tender_reference')!r}, not {tender.reference!r}"))
        return
    lot = tender.all_lots()[lot_index].id
    if meta.get("lot") != lot:
        return  # another lot's score sheets: read with that lot
    try:
        extra = metadata_extra(meta, name, {"evaluators": list, "slots": int})
    except WorkbookError as exc:
        book.problems += [(ERROR, p.location, f"not read: {p.message}") for p in exc.problems]
        return
    evaluators = tuple(str(e) for e in extra["evaluators"])
    slots = extra["slots"]
    lay = score_sheet_layout(tender, lot_index, measures, slots, evaluators)
    kinds = {c.id: k for lot in tender.all_lots() for c, _, k in _walk(lot.criteria)}
    bidders = values.sheets.get("Bidders") or []
    slot_ids = [(as_text(_at(bidders, 3 + slot, 1)), as_text(_at(bidders, 3 + slot, 2))) for slot in range(slots)]
    for evaluator in evaluators:
        sheet = evaluator
        rows = values.sheets.get(sheet)
        if rows is None:
            book.problems.append((ERROR, name, f"the sheet for {evaluator} is missing"))
            continue
        for slot, ids in enumerate(slot_ids):
            if not ids[0] and not ids[1]:
                continue
            s_col, j_col = lay.score_col(slot), lay.justification_col(slot)
            for cid, row in lay.rows.items():
                raw = _at(rows, row, s_col)
                if is_blank(raw):
                    continue
                s_addr = f"{xw.col(s_col)}{row}"
                justification = as_text(_at(rows, row, j_col))
                if not justification:
                    book.problems.append((ERROR, values.where(sheet, f"{xw.col(j_col)}{row}"),
                                          f"{evaluator}'s score for {ids[1] or ids[0]} on {cid} has no justification: the score is not used"))
                    continue
                if kinds.get(cid) is CriterionKind.PASS_FAIL:
                    value = as_text(raw).lower()
                    if value not in ("pass", "fail"):
                        book.problems.append((ERROR, values.where(sheet, s_addr), f"{cid} is pass/fail, but {raw!r} was entered"))
                        continue
                    book.add(ids, _score(cid, evaluator, value, justification), lot)
                    continue
                if type(raw) is float and -LARGEST < raw < LARGEST:  # a number of a sensible size: the usual case
                    book.add(ids, _score(cid, evaluator, exact_number(raw), justification), lot)
                    continue
                problems: list[Problem] = []
                n = parse_number(raw, values.where(sheet, s_addr), f"{evaluator}'s score for {cid}", problems)
                for p in problems:
                    book.problems.append((ERROR, p.location, p.message))
                if n is not None:
                    book.add(ids, _score(cid, evaluator, n, justification), lot)


def _at(rows: list[list[object]], row: int, col: int) -> object:
    """The value at a 1-based row and column of a sheet's rows ('' beyond its used area)."""
    if row - 1 < len(rows):
        cells = rows[row - 1]
        if col - 1 < len(cells):
            return cells[col - 1]
    return ""


def _score(criterion: str, evaluator: str, value: Any, justification: str) -> Score:
    # Every field was parsed and checked above (value is a Decimal, or 'pass'/'fail'), so the model
    # is built without a second validation pass: a batch reads tens of thousands of scores.
    return Score.model_construct(criterion=criterion, evaluator=evaluator, value=value, justification=justification)


def _walk(criteria, kind=None):
    for c in criteria:
        k = c.kind or kind
        yield c, None, k
        yield from _walk(c.children, k)


def unused_warning(book: ScoreBook, matched: set[str]) -> list[tuple[str, str, str]]:
    return [(WARNING, "scores", f"scores were given for {book.names[k]} (lot {k.split('|')[0]}), who returned no scorable workbook")
            for k in sorted(set(book.scores) - matched)]
