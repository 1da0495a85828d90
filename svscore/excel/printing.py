"""How large a sheet's text prints: the scale its page set-up gives, and the smallest text on paper.

A sheet set to fit its columns to the page width (fitToWidth = 1) is shrunk by the ratio of the
printable width to the width of its columns; a fixed scale is used as set. The smallest font on the
sheet times that scale is the smallest text on paper: below about 8 pt an officer cannot read it.
Column widths are in characters of the default font, Calibri 11, which Excel draws about 7 pixels
(5.25 pt) wide, plus 5 pixels of padding a column. tests/excel/test_printing.py compares the scale
found with the one LibreOffice prints at (with Carlito, the font metrically identical to Calibri,
installed as the test command installs it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

LEGIBLE_PT = 8.0
"""The smallest printed text an officer can read comfortably."""
A4_POINTS = (595.0, 842.0)
DEFAULT_WIDTH = 8.43
"""Excel's default column width, in characters."""
POINTS_PER_CHAR = 5.25
PADDING_POINTS = 3.75
DEFAULT_FONT_PT = 11.0


@dataclass(frozen=True)
class PrintedSize:
    sheet: str
    scale: float
    """The fraction of full size the sheet prints at (1.0: full size)."""
    smallest_font: float
    """The smallest font size (pt) of any cell with a value."""
    orientation: str

    @property
    def smallest_printed(self) -> float:
        return self.smallest_font * self.scale

    @property
    def legible(self) -> bool:
        return self.smallest_printed >= LEGIBLE_PT - 1e-9


def _column_points(ws: Worksheet, last: int) -> float:
    total = 0.0
    for c in range(1, last + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        if dim is not None and dim.hidden:
            continue
        width = dim.width if dim is not None and dim.width else DEFAULT_WIDTH
        total += width * POINTS_PER_CHAR + PADDING_POINTS
    return total


def _printable(ws: Worksheet) -> float:
    landscape = ws.page_setup.orientation == "landscape"
    margins = ws.page_margins
    return (A4_POINTS[1] if landscape else A4_POINTS[0]) - 72 * ((margins.left or 0.7) + (margins.right or 0.7))


def _used(ws: Worksheet) -> tuple[int, list[float]]:
    """The last column that prints (a value, or a shaded or boxed cell) and every font size used."""
    last_col, fonts = 0, []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or cell.value == "":
                if cell.has_style and (cell.fill.fill_type or cell.border.left.style):  # a shaded or boxed empty cell prints
                    last_col = max(last_col, cell.column)
                continue
            last_col = max(last_col, cell.column)
            fonts.append(float(cell.font.sz) if cell.font is not None and cell.font.sz else DEFAULT_FONT_PT)
    for merged in ws.merged_cells.ranges:
        last_col = max(last_col, merged.max_col)
    return last_col, fonts


TARGET_PT = 8.4
"""What :func:`fit_legibly` keeps the smallest printed text at or above: a little above
:data:`LEGIBLE_PT`, as Excel breaks pages between columns and may shrink a little more than the
widths alone say. A sheet that prints that large on one page across stays on one."""


def _title_points(ws: Worksheet) -> float:
    """The width of the columns repeated on every page (print_title_cols), which each page after
    the first prints again."""
    cols = ws.print_title_cols
    if not cols:
        return 0.0
    from openpyxl.utils import column_index_from_string

    a, _, b = cols.replace("$", "").partition(":")
    total = 0.0
    for c in range(column_index_from_string(a), column_index_from_string(b or a) + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        if dim is not None and dim.hidden:
            continue
        total += (dim.width if dim is not None and dim.width else DEFAULT_WIDTH) * POINTS_PER_CHAR + PADDING_POINTS
    return total


def _fit_scale(printable: float, pages: int, width: float, title: float) -> float:
    """The scale that fits ``width`` of columns on ``pages`` across, the title columns printed again
    on every page after the first."""
    need = width + (pages - 1) * title
    return min(1.0, printable * pages / need) if need else 1.0


def fit_legibly(ws: Worksheet) -> None:
    """Spread a sheet set to fit its width over as many pages across as keep its smallest text at
    about :data:`TARGET_PT` or larger, repeating its first column on each page when it takes more
    than one (the bidder, criterion or measure each row is about)."""
    setup = ws.page_setup
    if not (ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth):
        return
    last_col, fonts = _used(ws)
    width = _column_points(ws, last_col)
    smallest = min(fonts) if fonts else DEFAULT_FONT_PT
    wanted = min(1.0, TARGET_PT / smallest)
    printable = _printable(ws)
    pages = max(1, math.ceil(width * wanted / printable))
    if pages > 1:
        if not ws.print_title_cols:
            ws.print_title_cols = "A:A"
        while _fit_scale(printable, pages, width, _title_points(ws)) < wanted - 1e-9:
            pages += 1  # the repeated first column takes room on every page after the first
    setup.fitToWidth = pages


def printed_size(ws: Worksheet) -> PrintedSize:
    """The scale ``ws`` prints at on its paper (A4 assumed), and its smallest font."""
    setup = ws.page_setup
    last_col, fonts = _used(ws)
    width = _column_points(ws, last_col)
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth:
        pages = int(setup.fitToWidth)
        scale = _fit_scale(_printable(ws), pages, width, _title_points(ws) if pages > 1 else 0.0)
    else:
        scale = (setup.scale or 100) / 100
    landscape = setup.orientation == "landscape"
    return PrintedSize(ws.title, scale, min(fonts) if fonts else DEFAULT_FONT_PT, "landscape" if landscape else "portrait")


PAGE_SLACK = 0.95
"""The part of a page's printable height :func:`keep_blocks_whole` fills: spreadsheet programs
draw rows a little taller or shorter than their set heights."""


def _row_points(ws: Worksheet, row: int) -> float:
    """A row's height: as set, or as tall as its largest font needs (15 pt for Calibri 11)."""
    set_height = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    if set_height:
        return float(set_height)
    sizes = [float(c.font.sz) for c in ws[row] if c.value is not None and c.font is not None and c.font.sz]
    return max([15.0, *(1.36 * s for s in sizes)])


def keep_blocks_whole(ws: Worksheet, blocks: Sequence[tuple[int, int]]) -> None:
    """Page breaks so that no block of rows (its first and last row, top to bottom) is split
    between two printed pages: a block that would run past the foot of a page starts the next one
    (a block taller than a page still starts a page, and is split where it must be). The page is as
    tall as A4 less the sheet's top and bottom margins, in the sheet's rows at the scale it prints
    at (:func:`printed_size`), less the rows printed again at the top of every page after the first
    (``print_title_rows``), so call it once the sheet's width is fitted.

    LibreOffice prints these breaks with the width fitted (a test checks its PDF). Whether Excel
    keeps manual breaks when the width is fitted (fitToHeight 0) could not be checked here (no
    Excel); if it did not, it would break pages where it would have without them."""
    from openpyxl.worksheet.pagebreak import Break

    landscape = ws.page_setup.orientation == "landscape"
    margins = ws.page_margins
    page = ((A4_POINTS[0] if landscape else A4_POINTS[1]) - 72 * ((margins.top or 0) + (margins.bottom or 0)))
    room = page * PAGE_SLACK / printed_size(ws).scale  # (which visits every cell of the sheet, as the rows' heights do)
    repeated = 0.0
    if ws.print_title_rows:
        top, _, bottom = ws.print_title_rows.replace("$", "").partition(":")
        repeated = sum(_row_points(ws, r) for r in range(int(top), int(bottom or top) + 1))
    used, row, placed = 0.0, 1, False
    for first, last in blocks:
        used += sum(_row_points(ws, r) for r in range(row, first))  # the rows above it (titles, gaps)
        height = sum(_row_points(ws, r) for r in range(first, last + 1))
        if placed and used + height > room:  # the page holds a block already: this one starts the next
            ws.row_breaks.append(Break(id=first - 1))  # a break is below the 1-based row of its id
            used = repeated
        used += height
        if used > room:  # a block taller than a page: split where the program splits it, and the rest of it is on the last page
            used = repeated + (used - repeated) % (room - repeated)
        row, placed = last + 1, True
