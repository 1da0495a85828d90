"""Rows written straight as SpreadsheetML and spliced into an XlsxWriter workbook read back exactly
as the same rows written cell by cell with XlsxWriter, in openpyxl, python-calamine and LibreOffice."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from svscore.render.sheet_rows import (
    MAX_TEXT,
    Rows,
    SpliceError,
    column_letters,
    deflated_piece,
    inline_cells,
    rewrite,
    rows_xml,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example","win")', "+1+1", "-2", "@SUM(A1:A2)", "\t=1",
    "a & b < c > d \"quoted\" 'single'", "  leading and trailing  ", "\ttab first", "line one\nline two",
    "bell \x07 and escape \x1b", "a literal _x0041_ escape", "_x005F_", "<r><t>not rich text</t></r>",
    "Ünïcödé — £€ 😀", "x" * 40_000, "€" * 32_766 + "😀",  # cut at Excel's 32,767 UTF-16 units, not mid-character
]
ROWS = [[text, i, i / 7, None, "", i % 2 == 0, -0.0 if i == 0 else 1e-300 * i] for i, text in enumerate(HOSTILE)]
COLUMNS = 7


def by_xlsxwriter(rows) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, [f"Column {c}" for c in range(COLUMNS)])
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, str) and v:
                ws.write_string(r, c, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
    wb.close()
    return buf.getvalue()


def spliced(rows) -> bytes:
    header_only = by_xlsxwriter([])
    made = Rows.made(rows, 2, COLUMNS)
    assert Rows.from_bytes(made.to_bytes()) == made  # as they come back from the process that made them
    return rewrite(header_only, {}, {"xl/worksheets/sheet1.xml": lambda: made})


def openpyxl_values(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data))["Data"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def calamine_values(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Data").to_python()


RICH_LOOKING = 12
"""XlsxWriter writes text shaped like <r>...</r> unescaped, as its own rich text: it is no oracle there."""
ESCAPED = {9, 10, 11}
"""Rows whose text Excel stores with _xHHHH_ escapes. openpyxl decodes few of them (a literal
_x0041_ in shared strings, no control characters, nothing in inline strings), so it is no judge
there; Excel, LibreOffice and calamine decode them all."""


def test_spliced_rows_read_back_as_xlsxwriter_cells_do():
    ours, theirs = spliced(ROWS), by_xlsxwriter(ROWS)
    mine, oracle = calamine_values(ours), calamine_values(theirs)
    assert mine[1 + RICH_LOOKING][0] == HOSTILE[RICH_LOOKING]
    assert [r for n, r in enumerate(mine) if n - 1 != RICH_LOOKING] == [r for n, r in enumerate(oracle) if n - 1 != RICH_LOOKING]
    skip = ESCAPED | {RICH_LOOKING}
    plain = [r for n, r in enumerate(openpyxl_values(ours)) if n - 1 not in skip]
    assert plain == [r for n, r in enumerate(openpyxl_values(theirs)) if n - 1 not in skip]
    ws = load_workbook(io.BytesIO(ours))["Data"]
    assert ws.dimensions == f"A1:G{len(ROWS) + 1}"
    text_cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in text_cells)  # formula-looking text stays text
    assert text_cells[0].value == HOSTILE[0] and text_cells[6].value == HOSTILE[6]
    assert len(text_cells[14].value) == MAX_TEXT
    assert text_cells[15].value == "€" * 32_766  # the emoji would pass the limit: dropped whole


def test_splice_keeps_every_other_part_and_is_deterministic():
    base = by_xlsxwriter([])
    first, second = spliced(ROWS), spliced(ROWS)
    assert first == second
    before, after = zipfile.ZipFile(io.BytesIO(base)), zipfile.ZipFile(io.BytesIO(first))
    assert [i.filename for i in before.infolist()] == [i.filename for i in after.infolist()]
    for info in before.infolist():
        assert after.getinfo(info.filename).date_time == info.date_time
        if info.filename != "xl/worksheets/sheet1.xml":
            assert after.read(info.filename) == before.read(info.filename)


def test_pieces_deflated_apart_make_one_stream():
    import zlib

    pieces = [b"<head>" * 1000, bytes(range(256)) * 300, b"", "tail £€".encode() * 50]
    stream = b"".join(deflated_piece(p) for p in pieces) + zlib.compress(b"", wbits=-15)
    assert zlib.decompress(stream, -15) == b"".join(pieces)


def test_text_changes_and_appended_rows_go_into_one_part():
    """A rich-looking text cell written by XlsxWriter is made escaped text, and rows are added
    after it, in the same part."""
    made = Rows.made([["after"]], 3, COLUMNS)
    data = rewrite(by_xlsxwriter([["<r><t>x</t></r>"]]), {"xl/worksheets/sheet1.xml": [lambda xml: inline_cells(xml, {"A2": "<r><t>x</t></r>"})]},
                   {"xl/worksheets/sheet1.xml": lambda: made})
    values = calamine_values(data)
    assert [row[0] for row in values] == ["Column 0", "<r><t>x</t></r>", "after"]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None  # every part's CRC-32 is right


def test_the_writer_refuses_what_it_cannot_write():
    with pytest.raises(ValueError, match="more than the 2 columns"):
        rows_xml([["a", "b", "c"]], 2, 2)
    with pytest.raises(ValueError, match="not a number"):
        rows_xml([[float("nan")]], 2, 1)
    with pytest.raises(SpliceError, match="no part"):
        rewrite(by_xlsxwriter([]), {"xl/worksheets/sheet9.xml": []})
    with pytest.raises(SpliceError, match="no part"):
        rewrite(by_xlsxwriter([]), {}, {"xl/worksheets/sheet9.xml": lambda: Rows.made([], 2, 1)})
    with pytest.raises(SpliceError, match="not a zip package"):
        rewrite(b"not a zip", {})
    with pytest.raises(SpliceError, match="one cell B2"):
        inline_cells('<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', {"B2": "x"})
    assert column_letters(28)[-3:] == ["Z", "AA", "AB"]


def test_libreoffice_reads_the_spliced_rows_as_it_reads_xlsxwriter_cells(tmp_path: Path, libreoffice: str):
    from svscore.excel.libreoffice import convert

    (tmp_path / "ours.xlsx").write_bytes(spliced(ROWS))
    (tmp_path / "theirs.xlsx").write_bytes(by_xlsxwriter(ROWS))
    ours, theirs = convert([tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"], tmp_path / "lo")
    mine, oracle = openpyxl_values(ours.read_bytes()), openpyxl_values(theirs.read_bytes())
    assert [r for n, r in enumerate(mine) if n - 1 != RICH_LOOKING] == [r for n, r in enumerate(oracle) if n - 1 != RICH_LOOKING]
    assert mine[1 + RICH_LOOKING][0] == HOSTILE[RICH_LOOKING]
    ws = load_workbook(ours)["Data"]
    assert ws["A2"].value == HOSTILE[0] and ws["A2"].data_type == "s"  # saved by LibreOffice, still text
