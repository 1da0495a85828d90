"""Plain rows of a large worksheet written straight as SpreadsheetML, then spliced into a workbook
that XlsxWriter made (header, styles, frozen panes, filter, print set-up).

XlsxWriter spends about 6 µs on each cell; the Explanations sheet of a 1,000-bid run has about
63,000 cells, so it was most of the time ``results.xlsx`` took. These rows are unstyled text and
numbers, which need nothing from the workbook's style or string tables: text is written as inline
strings, so it is always text (a bidder's ``=HYPERLINK(...)`` cannot become a formula), escaped
the way Excel and XlsxWriter escape it.
"""

from __future__ import annotations

import math
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Rows:
    """Rows to add at the end of a worksheet's data (see :func:`rows_xml`), and the same XML
    already deflated on its own (:func:`deflated_piece`), so that the process that made them can
    also compress them, beside the one that puts the workbook together."""

    xml: bytes
    deflated: bytes
    last_row: int
    columns: int

    @classmethod
    def made(cls, rows: Iterable[Sequence[Any]], first_row: int, columns: int) -> Rows:
        xml, last = rows_xml(rows, first_row, columns)
        raw = xml.encode("utf-8")
        return cls(raw, deflated_piece(raw), last, columns)

    def to_bytes(self) -> bytes:
        return struct.pack("<QQQ", self.last_row, self.columns, len(self.xml)) + self.xml + self.deflated

    @classmethod
    def from_bytes(cls, data: bytes) -> Rows:
        last, columns, n = struct.unpack("<QQQ", data[:24])
        return cls(data[24:24 + n], data[24 + n:], last, columns)


def deflated_piece(data: bytes) -> bytes:
    """``data`` deflated as a piece of a longer stream: ended on a byte boundary without a final
    block, so pieces deflated apart and put one after the other are one valid stream (each piece's
    back-references stay within itself)."""
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH)


def _with_rows(xml: str, rows: Rows) -> tuple[bytes, int, int]:
    """Worksheet ``xml`` with ``rows`` added at the end of its data and its dimension set to cover
    them: the part deflated, its CRC-32 and its size."""
    if xml.count("</sheetData>") != 1 or len(_DIMENSION.findall(xml)) != 1:
        raise SpliceError("the worksheet does not have one sheetData and one dimension element")
    last_cell = f"{column_letter(rows.columns)}{max(rows.last_row, 1)}"
    head, tail = _DIMENSION.sub(f'<dimension ref="A1:{last_cell}"/>', xml).split("</sheetData>")
    head_raw, tail_raw = head.encode("utf-8"), ("</sheetData>" + tail).encode("utf-8")
    finish = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = deflated_piece(head_raw) + rows.deflated + finish.compress(tail_raw) + finish.flush()
    crc = zlib.crc32(tail_raw, zlib.crc32(rows.xml, zlib.crc32(head_raw)))
    return data, crc, len(head_raw) + len(rows.xml) + len(tail_raw)


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


def rewrite(xlsx: bytes, changes: Mapping[str, Sequence[Callable[[str], str]]],
            appended: Mapping[str, Callable[[], Rows]] | None = None) -> bytes:
    """``xlsx`` with each part named in ``changes`` passed through its functions, in order, then
    given the rows ``appended`` gives for it (asked for only once the rest is done). Every other
    part is copied as it was, byte for byte (same order, names, dates and compressed data): only
    the changed parts are inflated and deflated again, so the bytes are as deterministic as
    XlsxWriter's own."""
    appended = appended or {}
    members = _members(xlsx)
    missing = (set(changes) | set(appended)) - {name for name, *_ in members}
    if missing:
        raise SpliceError(f"the workbook has no part {', '.join(sorted(missing))}")
    out = bytearray()
    directory = bytearray()
    for name, local, data, record in members:
        if name in changes or name in appended:
            if struct.unpack("<H", local[8:10])[0] != zipfile.ZIP_DEFLATED:
                raise SpliceError(f"the workbook's part {name} is not deflated, as XlsxWriter deflates its parts")
            xml = zlib.decompress(data, -15).decode("utf-8")
            for change in changes.get(name, ()):
                xml = change(xml)
            if name in appended:
                data, crc, size = _with_rows(xml, appended[name]())
            else:
                raw = xml.encode("utf-8")
                deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile deflates
                data, crc, size = deflate.compress(raw) + deflate.flush(), zlib.crc32(raw), len(raw)
            sizes = struct.pack("<III", crc, len(data), size)
            local = local[:14] + sizes + local[26:]
            record = record[:16] + sizes + record[28:]
        directory += record[:42] + struct.pack("<I", len(out)) + record[46:]
        out += local + data
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def _members(xlsx: bytes) -> list[tuple[str, bytes, bytes, bytes]]:
    """Each part of a zip package XlsxWriter wrote, in its directory's order: (name, local header,
    compressed data, directory record). Only the shape XlsxWriter writes is accepted (deflated or
    stored parts, sizes in their headers, no zip64): anything else is a SpliceError."""
    end = xlsx.rfind(b"PK\x05\x06")
    if end < 0 or len(xlsx) - end < 22:
        raise SpliceError("the workbook is not a zip package")
    _, count, size, offset = struct.unpack("<HHII", xlsx[end + 8:end + 20])
    members = []
    at = offset
    for _ in range(count):
        record_head = xlsx[at:at + 46]
        if record_head[:4] != b"PK\x01\x02":
            raise SpliceError("the workbook's zip directory is not as XlsxWriter writes it")
        flags, method, csize, usize, n, e, c = struct.unpack("<8xHH8xII3H", record_head[:34])
        local_at, = struct.unpack("<I", record_head[42:46])
        if flags & 0x08 or method not in (0, 8) or 0xFFFFFFFF in (csize, usize, local_at):
            raise SpliceError("the workbook's zip directory is not as XlsxWriter writes it")
        record = xlsx[at:at + 46 + n + e + c]
        name = record[46:46 + n].decode("utf-8" if flags & 0x800 else "cp437")
        if xlsx[local_at:local_at + 4] != b"PK\x03\x04":
            raise SpliceError(f"the workbook's part {name} is not where its directory says")
        ln, le = struct.unpack("<HH", xlsx[local_at + 26:local_at + 30])
        start = local_at + 30 + ln + le
        members.append((name, xlsx[local_at:start], xlsx[start:start + csize], record))
        at += len(record)
    if at != offset + size:
        raise SpliceError("the workbook's zip directory is not as XlsxWriter writes it")
    return members
