"""What every workbook svscore writes has in common: styles, protection and the protected
constants its fingerprint covers, model values as cells hold them, print set-up, the hidden
metadata sheet, and a deterministic save (the same tender gives byte-identical files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from svscore import __version__
from svscore.atomic import write_atomic
from svscore.excel.cells import META as META_SHEET
from svscore.excel.cells import canonical

FIXED_TIME = "2000-01-01T00:00:00Z"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

TEMPLATE_FORMAT_VERSION = 1
"""Bump when a workbook layout changes; readers keep reading every earlier version."""

FONT = "Calibri"
"""The workbooks' font, named in every font svscore sets: a font without a name is drawn in whatever
the program falls back to (LibreOffice: a serif), not in the workbook's own."""


def font(**style: Any) -> Font:
    """A font of the workbooks' family and size (Calibri 11 unless ``size`` is given)."""
    return Font(name=FONT, size=style.pop("size", 11), **style)


HEADER = font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE = font(bold=True, size=14)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="E2EFDA")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Metadata:
    """Identity of a generated workbook, kept on a very hidden, protected sheet."""

    kind: str
    format_version: int
    tender_reference: str
    lot: str
    svscore_version: str
    fingerprint: str
    extra: Mapping[str, Any]

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("template_kind", self.kind),
            ("format_version", str(self.format_version)),
            ("tender_reference", self.tender_reference),
            ("lot", self.lot),
            ("svscore_version", self.svscore_version),
            ("fingerprint", self.fingerprint),
            ("extra", json.dumps(self.extra, sort_keys=True, separators=(",", ":"), ensure_ascii=False)),
        ]


def fingerprint(cells: Mapping[str, Any]) -> str:
    """SHA-256 of the protected constant cells (address -> value), in a canonical form."""
    text = json.dumps({k: canonical(v) for k, v in sorted(cells.items())}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def add_metadata(wb: Workbook, meta: Metadata) -> None:
    # Chunked so that long JSON never exceeds Excel's 32,767 characters per cell.
    ws = wb.create_sheet(META_SHEET)
    for r, (k, v) in enumerate(meta.rows(), start=1):
        ws.cell(r, 1, k)
        chunks = [v[i:i + 30000] for i in range(0, len(v), 30000)] or [""]
        for c, chunk in enumerate(chunks, start=2):
            set_text(ws.cell(r, c), chunk)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def excel_value(v: Any, kind: str) -> Any:
    """A value of the tender model as a cell holds it: Yes/No for a bool, a date, a whole number or a float for a Decimal."""
    if v is None:
        return None
    if kind == "bool":
        return "Yes" if v else "No"
    if kind == "date":
        return dt.date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def protected_cells(wb: Workbook) -> dict[str, Any]:
    """Every locked constant (not formula) cell of the visible sheets: what tampering would change."""
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or c.value == "" or c.protection.locked is False:
                    continue
                if c.data_type == "f" or not isinstance(c.value, str | int | float | bool):
                    continue  # formulas (including array formulas) are not constants
                out[f"{ws.title}!{c.coordinate}"] = c.value
    return out


def set_text(cell: Cell, value: str | None) -> Cell:
    """Write text that can never become a formula, whatever it starts with."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def header(ws: Worksheet, row: int, labels: Iterable[str], start_col: int = 1) -> None:
    for i, label in enumerate(labels):
        c = ws.cell(row, start_col + i, label)
        c.font, c.fill, c.border, c.alignment = HEADER, HEADER_FILL, BOX, Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[row].height = 32


def unlock(cell: Cell, required: bool = False, text: bool = False) -> Cell:
    """An input cell. ``text``: formatted as Text, so what is typed stays as typed: Excel would turn
    a company number such as 04567890 into the number 4567890, and a telephone number likewise."""
    cell.protection = UNLOCKED
    cell.fill = REQUIRED_FILL if required else INPUT_FILL
    cell.border = BOX
    if text:
        cell.number_format = "@"
    return cell


def protect(ws: Worksheet) -> None:
    """Protect the sheet (no password: it stops accidents, and svscore checks the rest)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def print_setup(ws: Worksheet, title_rows: str | None = None, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows


def fit_pages_legibly(wb: Workbook) -> None:
    """Every visible sheet spread over as many pages across as keep its text legible on A4."""
    from svscore.excel.printing import fit_legibly

    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            fit_legibly(ws)


def mark_pages(wb: Workbook, reference: str, footer_left: Mapping[str, str] | None = None) -> None:
    """Every visible sheet's printed pages headed with ``reference`` (the tender's, or the
    contract's) and the sheet's name, and footed with "page P of N" (:mod:`svscore.render.pages`,
    as results.xlsx is); ``footer_left``: by sheet name, what else its footer carries, on the left."""
    from svscore.render.pages import page_marks

    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        marks = page_marks(reference, (footer_left or {}).get(ws.title, ""))
        for part, texts in ((ws.oddHeader, marks.header), (ws.oddFooter, marks.footer)):
            part.left.text, part.center.text, part.right.text = (t or None for t in texts)


def widths(ws: Worksheet, sizes: Mapping[int, float]) -> None:
    for col, w in sizes.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def list_validation(ws: Worksheet, formula: str, cells: str, what: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle="Not allowed", error=f"Choose {what} from the list.")
    for part in cells.split():
        dv.add(part)
    ws.add_data_validation(dv)
    return dv


def number_validation(ws: Worksheet, cells: str, minimum: float = 0, what: str = "a number",
                      maximum: float | None = None) -> DataValidation:
    if maximum is None:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True,
                            showErrorMessage=True, errorTitle="Not a valid number",
                            error=f"Enter {what}: a number of at least {minimum:g}, without £ signs or text.")
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=str(minimum), formula2=str(maximum),
                            allow_blank=True, showErrorMessage=True, errorTitle="Not a valid number",
                            error=f"Enter {what}: a number from {minimum:g} to {maximum:g}.")
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def flag_not_ok(ws: Worksheet, cells: str, first_cell: str) -> None:
    """Colour a check cell red unless it starts with OK (works in Excel and LibreOffice)."""
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f'LEFT({first_cell},2)<>"OK"'], fill=ERROR_FILL,
                                                     font=Font(bold=True, color="9C0006")))
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f'LEFT({first_cell},2)="OK"'], fill=OK_FILL))


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def to_bytes(wb: Workbook) -> bytes:
    """Serialise deterministically: fixed document times, fixed zip entry times, fixed order."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + FIXED_TIME.encode() + rb"\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def save(wb: Workbook, path: Path) -> Path:
    wb.properties.creator = f"svscore {__version__}"
    wb.properties.lastModifiedBy = f"svscore {__version__}"
    return write_atomic(path, to_bytes(wb))


def col(n: int) -> str:
    return get_column_letter(n)


def address(column: int, row: int, sheet: str | None = None) -> str:
    """A cell's address (``E24``); with a sheet, as another sheet's formulas refer to it
    (``Setup!$E$24``, ``'Social Value'!$E$24``)."""
    if sheet is None:
        return f"{col(column)}{row}"
    return f"{_sheet_prefix(sheet)}${col(column)}${row}"


def range_address(first_column: int, first_row: int, last_column: int, last_row: int, sheet: str | None = None,
                  absolute: bool = False) -> str:
    """A block's address (``E3:E9``); ``absolute``: ``$E$3:$E$9``; with a sheet, absolute and
    prefixed (``Scores!$E$3:$N$9``)."""
    if sheet is None and not absolute:
        return f"{col(first_column)}{first_row}:{col(last_column)}{last_row}"
    prefix = "" if sheet is None else _sheet_prefix(sheet)
    return f"{prefix}${col(first_column)}${first_row}:${col(last_column)}${last_row}"


def _sheet_prefix(sheet: str) -> str:
    return f"'{sheet}'!" if " " in sheet else f"{sheet}!"
