"""Plain rows of a large worksheet written straight as SpreadsheetML, then spliced into a workbook
that XlsxWriter made (header, styles, frozen panes, filter, print set-up).

XlsxWriter spends about 6 µs on each cell; the Explanations sheet of a 1,000-bid run has about
63,000 cells, so it was most of the time ``results.xlsx`` took. These rows are unstyled text and
numbers, which need nothing from the workbook's style or string tables: text is written as inline
strings, so it is always text (a bidder's ``=HYPERLINK(...)`` cannot become a formula), escaped
the way Excel and XlsxWriter escape it.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

MAX_TEXT = 32767
"""Excel's limit on the text in one cell, in UTF-16 units; longer text is cut, as XlsxWriter cuts it."""

_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
_ESCAPED_LITERAL = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_SPACE = " \t\n\r\x0b\x0c"


class SpliceError(RuntimeError):
    """The workbook did not have the shape the rows are spliced into."""


def column_letter(n: int) -> str:
    """The letters of 1-based column ``n``: 1 -> A, 28 -> AB."""
    name = ""
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def column_letters(count: int) -> list[str]:
    return [column_letter(n) for n in range(1, count + 1)]


def utf16_cut(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 units (how Excel counts the length
    of cell text and sheet names), never half a character."""
    if len(text) <= units // 2:  # cannot be longer: skip the encoding
        return text
    return text.encode("utf-16-le")[:units * 2].decode("utf-16-le", errors="ignore")


def _text(value: str) -> str:
    value = utf16_cut(value, MAX_TEXT)
    if _ESCAPE.search(value):
        value = _ESCAPED_LITERAL.sub(r"_x005F\1", value)  # a literal _x0041_ stays literal text
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)  # control characters are not XML
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[0] in _SPACE or value[-1] in _SPACE:
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def rows_xml(rows: Iterable[Sequence[Any]], first_row: int, columns: int) -> tuple[str, int]:
    """``<row>`` elements for ``rows`` from 1-based row ``first_row``, and the last row written.

    A cell is text (always text), a number, a bool, or empty (None or "") and then left out.
    """
    letters = column_letters(columns)
    parts: list[str] = []
    add = parts.append
    r = first_row - 1
    for r, row in enumerate(rows, start=first_row):
        if len(row) > columns:
            raise ValueError(f"row {r} has {len(row)} cells, more than the {columns} columns")
        add(f'<row r="{r}">')
        for letter, v in zip(letters, row, strict=False):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                add(f'<c r="{letter}{r}" t="inlineStr">{_text(v)}</c>')
            elif isinstance(v, bool):
                add(f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>')
            else:
                number = float(v)
                if not math.isfinite(number):
                    raise ValueError(f"row {r}: {v!r} is not a number a worksheet can hold")
                add(f'<c r="{letter}{r}"><v>{number:.16G}</v></c>')
        add("</row>")
    return "".join(parts), r


_DIMENSION = re.compile(r'<dimension ref="[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?"/>')


def append_rows(xml: str, rows: str, last_row: int, columns: int) -> str:
    """Worksheet ``xml`` with ``rows`` added at the end of its data and its dimension set to cover them."""
    if xml.count("</sheetData>") != 1 or len(_DIMENSION.findall(xml)) != 1:
        raise SpliceError("the worksheet does not have one sheetData and one dimension element")
    last_cell = f"{column_letter(columns)}{max(last_row, 1)}"
    xml = _DIMENSION.sub(f'<dimension ref="A1:{last_cell}"/>', xml)
    return xml.replace("</sheetData>", rows + "</sheetData>")


def rich_looking(text: str) -> bool:
    """Text that XlsxWriter would write into the workbook as raw XML, unescaped.

    XlsxWriter takes a string that starts with ``<r>`` and ends with ``</r>`` for rich text it
    made itself. Bidder-supplied text shaped like that would be written unescaped: a bidder name
    such as ``<r><t>A</t></r></si><si><r><t>B</t></r>`` adds an entry to the shared strings and
    shifts every later text cell by one, so other bidders' names and ids show in the wrong rows.
    Such text is written with :func:`inline_cells` instead.
    """
    return text.startswith("<r>") and text.endswith("</r>")


def inline_cells(xml: str, texts: dict[str, str]) -> str:
    """Worksheet ``xml`` with the value of each cell in ``texts`` (A1 reference -> text) replaced
    by that text as an escaped inline string; the cell keeps its style. Each cell must exist."""
    for ref, text in texts.items():
        pattern = re.compile(rf'<c r="{ref}"( s="[0-9]+")?( t="[a-zA-Z]+")?>(?:(?!</c>).)*</c>', re.S)
        found = pattern.findall(xml)
        if len(found) != 1:
            raise SpliceError(f"the worksheet does not have one cell {ref} to write its text into")
        xml = pattern.sub(_inline_cell(ref, _text(text)), xml)
    return xml


def _inline_cell(ref: str, value: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f'<c r="{ref}"{m.group(1) or ""} t="inlineStr">{value}</c>'


def rewrite(xlsx: bytes, changes: Mapping[str, Sequence[Callable[[str], str]]]) -> bytes:
    """``xlsx`` with each part named in ``changes`` passed through its functions, in order. Every
    other part is copied as it was (same order, names and dates), so the bytes are as
    deterministic as XlsxWriter's own."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    missing = set(changes)
    with src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in changes:
                xml = data.decode("utf-8")
                for change in changes[info.filename]:
                    xml = change(xml)
                data = xml.encode("utf-8")
                missing.discard(info.filename)
            dst.writestr(info, data)
    if missing:
        raise SpliceError(f"the workbook has no part {', '.join(sorted(missing))}")
    return out.getvalue()

