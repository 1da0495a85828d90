"""results.xlsx, the batch's workbook for officers: the ranked results, a chart, each bidder's
explanations and every problem found. Deterministic bytes (fixed timestamps, no run times).

Bidder-supplied text is always written as text: a bidder named ``=HYPERLINK(...)`` stays text.
The run is read through :class:`BatchOutcome`, what any batch run gives, so this module needs
nothing from the batch package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from svscore import __version__
from svscore.errors import Problem
from svscore.model.enums import CriterionKind, ScoredBy
from svscore.render.background import in_background
from svscore.render.pages import page_marks
from svscore.render.pages import wrapped_lines as _lines
from svscore.render.sheet_rows import column_letter, utf16_cut
from svscore.render.tables import result_rows
from svscore.scoring.result import Status

if TYPE_CHECKING:
    from svscore.model.tender import Tender
    from svscore.render.sheet_rows import Rows
    from svscore.scoring.result import TenderResult

BIDDER_SHEETS_LIMIT = 60
"""Up to this many bidders get a sheet each; beyond it, one Explanations sheet lists them all."""


class BatchOutcome(Protocol):
    """What the workbook shows of a batch run (:class:`svscore.batch.run.BatchRun` gives it)."""

    @property
    def tender(self) -> Tender: ...
    @property
    def result(self) -> TenderResult: ...
    @property
    def files(self) -> Sequence[Any]:
        """Each file's report, with its ``problems``."""
    @property
    def problems(self) -> Sequence[Problem]: ...
    @property
    def skipped(self) -> Sequence[tuple[str, str]]: ...


def _sheet_name(name: str, used: set[str]) -> str:
    """A worksheet name for a bidder: Excel allows 31 characters (counted in UTF-16 units, so an
    emoji counts two), none of []:*?/\\, no apostrophe at either end, no control characters, and
    reserves "History". Bidder names may break every one of these rules."""
    base = utf16_cut(re.sub(r"[\[\]:*?/\\'\x00-\x1f\x7f]", " ", name).strip(), 28).strip() or "Bidder"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate = f"{utf16_cut(base, 25).strip()} ({n})"
        n += 1
    used.add(candidate.lower())
    return candidate


class _Book:
    """An xlsxwriter workbook, plus what is written into its parts once it is closed: rows too
    many to write cell by cell, and text XlsxWriter would not escape (see ``rich_looking``)."""

    def __init__(self, run: BatchOutcome):
        import datetime as dt
        import io

        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                                     "strings_to_numbers": False})
        wb.set_properties({"created": dt.datetime(2000, 1, 1), "author": f"svscore {__version__}",
                           "title": f"Results: {run.result.reference}"})
        self.fmt = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "header": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True,
                                     "valign": "vcenter", "border": 1}),
            "points": wb.add_format({"num_format": "0.00", "valign": "top"}),
            "money": wb.add_format({"num_format": "£#,##0.00", "valign": "top"}),
            "top": wb.add_format({"valign": "top"}),  # beside wrapped text in the same row
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "wrap_indented": wb.add_format({"text_wrap": True, "valign": "top", "indent": 1}),  # after a right-aligned number
            "bold": wb.add_format({"bold": True}),
            "warning": wb.add_format({"bold": True, "font_size": 14, "font_color": "#C00000", "text_wrap": True,
                                      "valign": "top"}),  # the title, in red
            # Rank centred and bidder id indented text, so "2" and "04567890" never read as one number.
            "rank": wb.add_format({"num_format": "0", "align": "center", "valign": "top"}),
            "id": wb.add_format({"num_format": "@", "indent": 1, "valign": "top"}),
            "gate": wb.add_format({"align": "center", "valign": "top"}),  # Pass/Fail, clear of the number beside it
            "wrap_sub": wb.add_format({"text_wrap": True, "valign": "top", "indent": 2}),  # a sub-criterion's name
        }
        self.changes: dict[str, list[Callable[[str], str]]] = {}
        self.appended: dict[str, Callable[[], Rows]] = {}

    def sheet(self, name: str) -> _Sheet:
        return _Sheet(self, self.wb.add_worksheet(name))

    def close(self) -> bytes:
        from svscore.render.sheet_rows import rewrite

        self.wb.close()
        return rewrite(self.buf.getvalue(), self.changes, self.appended) if self.changes or self.appended else self.buf.getvalue()


class _Sheet:
    """A thin writer over an xlsxwriter worksheet: text always as text, numbers as numbers."""

    def __init__(self, book: _Book, ws):
        self.book, self.ws, self.fmt = book, ws, book.fmt
        self.part = f"xl/worksheets/sheet{ws.index + 1}.xml"  # XlsxWriter names worksheet parts by their order
        self.literal: dict[str, str] = {}

    def put(self, row: int, col: int, value: Any, style: str | None = None) -> None:
        from svscore.render.sheet_rows import inline_cells, rich_looking

        f = self.fmt.get(style) if style else None
        if value is None or value == "":
            self.ws.write_blank(row, col, None, f)
        elif isinstance(value, str):
            if rich_looking(value):  # written as escaped text once the workbook is closed
                if not self.literal:
                    self.book.changes.setdefault(self.part, []).append(lambda xml: inline_cells(xml, self.literal))
                self.literal[f"{column_letter(col + 1)}{row + 1}"] = value
                value = " " + value  # a stand-in that XlsxWriter escapes (and charts cache)
            self.ws.write_string(row, col, value, f)  # never a formula, whatever it starts with
        elif isinstance(value, bool):
            self.ws.write_boolean(row, col, value, f)
        else:
            self.ws.write_number(row, col, float(value), f)

    def append_rows(self, rows: Callable[[], Rows]) -> None:
        """Plain rows (no styles), added to the part once it is closed: ``rows`` gives them (see
        :func:`_in_background_rows`), and is called only then."""
        self.book.appended[self.part] = rows

    def header(self, row: int, labels: list[str]) -> None:
        for c, label in enumerate(labels):
            self.put(row, c, label, "header")

    def a4(self, repeat_row: int | None = None, landscape: bool = True, reference: str | None = None) -> None:
        """Print on A4, fitted to the page's width (never its height, which would shrink the text),
        rows up to ``repeat_row`` repeated on every page, and the tender's reference, the sheet's
        name and the page number in the header and footer."""
        self.ws.set_paper(9)
        self.ws.set_landscape() if landscape else self.ws.set_portrait()
        self.ws.fit_to_pages(1, 0)
        if repeat_row is not None:
            self.ws.repeat_rows(0, repeat_row)
        marks = page_marks(reference or "")
        self.ws.set_header(marks.header_code)
        self.ws.set_footer(marks.footer_code)


def results_workbook_bytes(run: BatchOutcome) -> bytes:
    """results.xlsx: ranked table, chart, explanations per bidder, problems. Deterministic bytes."""
    book = _Book(run)
    bids = [b for lot in run.result.lots for b in lot.bids]
    # Many bidders share one Explanations table: its rows, most of the workbook, are made first,
    # in a process of their own, while this one makes the other sheets.
    table = _explanation_rows(run, bids) if len(bids) > BIDDER_SHEETS_LIMIT else None
    _results_sheet(book, run)
    _chart(book, run)
    _explanations(book, run, bids, table)
    _problems(book, run)
    return book.close()


def _in_background_rows(rows: Callable[[], list[list[Any]]], first_row: int, columns: int) -> Callable[[], Rows]:
    """Start making ``rows`` (from 0-based ``first_row``) as worksheet XML, compressed, in another
    process where one can be started; the function returned waits for them."""
    from svscore.render.sheet_rows import Rows

    made = in_background(lambda _: Rows.made(rows(), first_row + 1, columns).to_bytes(), None)
    return lambda: Rows.from_bytes(made())


def _explanation_rows(run: BatchOutcome, bids: list[Any]) -> Callable[[], Rows]:
    lots = len(run.result.lots) > 1  # a Lot column only when there is more than one lot
    return _in_background_rows(lambda: [[*([b.lot_id] * lots), b.bidder, c.criterion_id, c.name, _raw(c.raw), _f(c.points),
                                         float(c.available), c.explanation] for b in bids for c in b.criteria], 1, len(_TABLE) + lots)


HEADINGS = {"lot": "Lot", "rank": "Rank", "bidder_id": "Bidder id", "bidder": "Bidder", "status": "Status", "total": "Total points",
            "price": "Price (£)", "sme": "SME", "vcse": "VCSE", "flags": "Flags", "reasons": "Reasons"}
"""The Results sheet's column headings; the criteria's columns are headed by their names."""


def _results_sheet(book: _Book, run: BatchOutcome) -> None:
    from svscore.render.sheet_rows import rich_looking

    res = run.result
    ws = book.sheet("Results")
    header, rows = result_rows(res)
    title = f"Results: {res.reference} — {res.title}" + "".join(f"   WARNING: {w}" for w in res.warnings)
    if res.warnings and not rich_looking(title):
        # A warning goes in the title line, the first thing read and printed, not below the table:
        # wrapped within the table's width, so the page is not shrunk to fit one long line.
        ws.ws.merge_range(0, 0, 0, len(header) - 1, title, book.fmt["warning"])
        ws.ws.set_row(0, LINE_HEIGHT * 1.4 * 3)
    else:
        ws.put(0, 0, title, "warning" if res.warnings else "title")
    names: dict[str, str] = {}
    for lot in res.lots:
        for cid, name in lot.top_level:
            names.setdefault(cid, name)
    labels = [HEADINGS.get(h) or names.get(h, h) for h in header]  # the CSV keeps the short names, for pivoting
    flags, reasons = header.index("flags"), header.index("reasons")
    # Sized so that, fitted to landscape A4's width, text prints at no less than about 8 pt: criteria 10 wide.
    sme = header.index("sme")
    widths = {0: 4, 1: 5, 2: 11, 3: 22, 4: 10, 5: 8, 6: 15, sme: 5, sme + 1: 5, flags: 16, reasons: 28}
    ws.header(1, labels)
    ws.ws.set_row(1, LINE_HEIGHT * min(6, max(_lines(label, widths.get(c, 13)) for c, label in enumerate(labels))))
    # result_rows gives one row per bid, in this order, then one per bid placed in no lot (which the
    # batch never has: such a file is rejected when it is read), so only the bids' rows are paired
    bids = [b for lot in res.lots for b in lot.bids]
    for r, (row, bid) in enumerate(zip(rows[:len(bids)], bids, strict=True), start=2):
        for c, h in enumerate(header):  # a gate passed has no points: say "Pass" rather than leave it blank
            gate = next((x for x in bid.criteria if x.criterion_id == h and x.kind is CriterionKind.PASS_FAIL), None)
            if gate is not None and row[c] in (None, 0.0) and isinstance(gate.raw, str):
                row[c] = gate.raw.capitalize()
        lines = max(_lines(row[flags] or "", widths[flags]), _lines(row[reasons] or "", widths[reasons]))
        if lines > 1:
            ws.ws.set_row(r, LINE_HEIGHT * lines)
        text = "top" if lines > 1 else None  # in a tall row, every cell at the top beside the wrapped text
        for c, v in enumerate(row):
            if c == flags and isinstance(v, str):
                v = v.replace("_", " ")  # abnormally_low: the code, in words
            style = ("rank" if header[c] == "rank" else "id" if header[c] == "bidder_id" else "gate" if v in ("Pass", "Fail") else
                     ("money" if header[c] == "price" else "points") if isinstance(v, float) else ("wrap" if c in (flags, reasons) else text))
            ws.put(r, c, v, style)
    ws.ws.freeze_panes(2, 4)
    ws.ws.autofilter(1, 0, max(1 + len(rows), 2), len(header) - 1)
    for c in range(len(header)):
        ws.ws.set_column(c, c, widths.get(c, 10))
    ws.a4(1, reference=res.reference)


LINE_HEIGHT = 15
"""Points per line of wrapped text at Excel's default font size."""



def _chart(book: _Book, run: BatchOutcome) -> None:
    for lot in run.result.lots:
        ranked = [b for b in lot.bids if b.status is Status.RANKED]
        if not ranked:
            continue
        name = f"Chart lot {lot.lot_id}"[:31] if len(run.result.lots) > 1 else "Chart"
        ws = book.sheet(name)
        subtotals = [b.subtotals() for b in ranked]
        tops = [(cid, n) for cid, n in lot.top_level if any(s.get(cid) is not None for s in subtotals)]
        ws.header(0, ["Bidder", *[n for _, n in tops]])
        for r, (b, subs) in enumerate(zip(ranked, subtotals, strict=True), start=1):
            ws.put(r, 0, b.bidder)
            for c, (cid, _) in enumerate(tops, start=1):
                v = subs.get(cid)
                ws.put(r, c, float(v) if v is not None else 0.0, "points")
        chart = book.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for c, (_, _n) in enumerate(tops, start=1):
            chart.add_series({"name": [name, 0, c], "categories": [name, 1, 0, len(ranked), 0],
                              "values": [name, 1, c, len(ranked), c]})
        chart.set_title({"name": "Weighted score by criterion"})
        chart.set_x_axis({"name": f"Points (of {float(lot.total_points):g})"})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 760, "height": min(3000, 220 + 22 * len(ranked))})
        ws.ws.insert_chart(1, len(tops) + 2, chart)
        ws.ws.set_column(0, 0, 32)
        ws.ws.set_column(1, len(tops), 12)
        ws.ws.set_row(0, LINE_HEIGHT * min(6, max(_lines(n, 12) for _, n in tops)) if tops else LINE_HEIGHT)
        ws.a4(reference=run.result.reference)


def _explanations(book: _Book, run: BatchOutcome, bids: list[Any], table: Callable[[], Rows] | None) -> None:
    """A sheet per bidder, or (given the ``table``'s rows, for more than ``BIDDER_SHEETS_LIMIT``
    bidders) one Explanations table."""
    used = {"results", "chart", "problems", "explanations", "history"} | {f"chart lot {lot.lot_id}".lower()[:31] for lot in run.result.lots}
    if table is not None:
        _explanations_table(book, run, bids, table)
        return
    several_lots = len(run.result.lots) > 1
    pounds = _pound_criteria(run)
    for b in bids:  # with several lots, a bidder may bid for each: the lot leads the sheet's name
        ws = book.sheet(_sheet_name(f"L{b.lot_id} {b.bidder}" if several_lots else b.bidder, used))
        ws.put(0, 0, b.bidder, "title")
        facts = [("Bidder id", b.bidder_id), ("Lot", b.lot_id), ("Status", b.status.value),
                 ("Rank", b.rank if b.rank is not None else "—"), ("Total", _f(b.total) if b.total is not None else "—"),
                 ("Price (£)", _f(b.price) if b.price is not None else "—")]
        for r, (k, v) in enumerate(facts, start=1):
            ws.put(r, 0, k, "bold")
            ws.put(r, 1, v, {"Total": "points", "Price (£)": "money"}.get(k) if isinstance(v, float) else "top")
        r = 1 + len(facts)
        widths = [12, 34, 14, 9, 10, 90]
        for note in [f.message for f in b.flags] + list(b.reasons):
            ws.put(r, 0, "Note", "top")
            ws.ws.merge_range(r, 1, r, 5, "", ws.fmt["wrap"])
            ws.put(r, 1, note, "wrap")  # the merged range shows its first cell
            ws.ws.set_row(r, LINE_HEIGHT * _lines(note, sum(widths[1:5]) + 10))
            r += 1
        r += 1
        ws.header(r, ["Criterion", "Name", "Raw", "Points", "Available", "Explanation"])
        head = r
        parents = {c.criterion_id: c.parent_id for c in b.criteria}
        for c in b.criteria:
            r += 1
            raw_style = "money" if c.criterion_id in pounds else "points"
            for col, v in enumerate([c.criterion_id, c.name, _raw(c.raw), _f(c.points), float(c.available), c.explanation]):
                style = ("points" if col in (3, 4) and isinstance(v, float) else raw_style if col == 2 and isinstance(v, float)
                         else "wrap_sub" if col == 1 and parents.get(c.criterion_id) else "wrap_indented" if col == 5 else "wrap")
                ws.put(r, col, v, style)
            lines = max(_lines(c.name, widths[1]), _lines(c.explanation, widths[5]))
            if lines > 1:
                ws.ws.set_row(r, LINE_HEIGHT * lines)
        ws.ws.freeze_panes(head + 1, 0)
        for col, w in enumerate(widths):
            ws.ws.set_column(col, col, w)
        ws.a4(head, reference=run.result.reference)


def _pound_criteria(run: BatchOutcome) -> set[str]:
    """Criteria whose raw value is in pounds: price, and social value scored from commitments."""
    out: set[str] = set()

    def visit(criteria: Any) -> None:
        for c in criteria:
            if c.kind is CriterionKind.PRICE or c.scored_by is ScoredBy.MEASURES:
                out.add(c.id)
            visit(c.children or ())

    for lot in run.tender.all_lots():
        visit(lot.criteria)
    return out


_TABLE = ["Bidder", "Criterion", "Name", "Raw", "Points", "Available", "Explanation"]
"""The Explanations table's columns (after a Lot column, when there are several lots)."""


def _explanations_table(book: _Book, run: BatchOutcome, bids: list[Any], rows: Callable[[], Rows]) -> None:
    """One row per bidder and criterion, with a filter: the form that stays usable for many bidders.
    The rows (about 63,000 cells for 1,000 bids of the example tender) are written straight as worksheet XML."""
    ws = book.sheet("Explanations")
    lots = len(run.result.lots) > 1
    header = ["Lot"] * lots + _TABLE
    ws.header(0, header)
    ws.append_rows(rows)
    ws.ws.freeze_panes(1, 1 + lots)
    ws.ws.autofilter(0, 0, max(sum(len(b.criteria) for b in bids), 1), len(header) - 1)
    for col, w in enumerate([6] * lots + [30, 10, 30, 14, 9, 9, 100]):
        ws.ws.set_column(col, col, w)
    ws.a4(0, reference=run.result.reference)


def _problems(book: _Book, run: BatchOutcome) -> None:
    ws = book.sheet("Problems")
    ws.put(0, 0, "Files that could not be scored, and everything else worth checking", "title")
    ws.header(1, ["Severity", "File", "Sheet", "Cell", "What is wrong"])
    r = 2
    problems = [p for f in run.files for p in f.problems] + list(run.problems)
    entries = [(p.severity.value, p.place.file, p.place.sheet or "", p.place.cell or "", p.message) for p in problems]
    entries += [("skipped", name, "", "", reason) for name, reason in run.skipped]
    for entry in entries:
        for col, v in enumerate(entry):
            ws.put(r, col, v, "wrap" if col in (1, 4) else "top")
        lines = max(_lines(entry[4], 100), _lines(entry[1], 36))
        if lines > 1:
            ws.ws.set_row(r, LINE_HEIGHT * lines)
        r += 1
    if r == 2:
        ws.put(2, 0, "None: every file was read and scored.")
    ws.ws.freeze_panes(2, 0)
    ws.ws.autofilter(1, 0, max(r - 1, 2), 4)
    for col, w in enumerate([10, 36, 14, 8, 100]):
        ws.ws.set_column(col, col, w)
    ws.a4(1, reference=run.result.reference)


def _f(x: Any) -> float | str:
    return "" if x is None else float(x)


def _raw(v: Any) -> Any:
    if v is None:
        return ""
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)

