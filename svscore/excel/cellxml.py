"""The cells' own XML in a workbook, for what the reader's values cannot say: which cells hold
error values or formulas, why a cell that reads as blank is not empty, and which cells are written in
a form Excel never writes (so the reader and Excel could read different values from them, or the
reader refused the file). Searched as bytes first, parsed cell by cell only where a search suspects.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterator

from svscore.errors import shortened
from svscore.excel.cells import RESAVE
from svscore.excel.zipparts import inflate_part

_TAG_NAME = re.compile(rb"<\s*(?:[\w.-]+:)?(\w+)")
"""The local name of the element starting at a ``<``."""


_SECOND_INLINE = re.compile(rb"</(?:[\w.-]+:)?is\s*>\s*<(?:[\w.-]+:)?is\b")


def suspect_values(xml: bytes) -> bool:
    """Whether a sheet may hold a value the reader would take apart: a reference (``&``) inside a
    value element, a comment or CDATA anywhere (``<!``), a value element with a prefix (``x:v``),
    or one not written as Excel writes values, ``<v>…</v>`` right before its cell's end (a second
    value, say). Excel writes none of these, and the reader takes such a value apart:
    ``<v>2&#49;.09</v>`` is 21.09 to Excel but 2 to calamine; of two values it reads the second.
    Rare characters are found with single-byte searches (far faster than searching for two
    bytes); a suspect sheet is then read cell by cell (a text result ``<v>A&amp;B</v>`` is read
    alike, and passes)."""
    for at in _positions(xml, b"!"):
        if xml[at - 1:at] == b"<":
            return True
    if b"</is>" in xml and _SECOND_INLINE.search(xml):  # two inline strings in one cell: the reader takes the second
        return True
    for at in _positions(xml, b"&"):  # a few per sheet (the print header's &amp;P page codes)
        tag = _TAG_NAME.match(xml, xml.rfind(b"<", 0, at))
        if tag is not None and tag.group(1) == b"v":
            return True
    for at in _positions(xml, b":"):  # namespace prefixes and cell ranges (A1:F9)
        if xml[at + 1:at + 2] == b"v" and xml[at + 2:at + 3] in (b">", b" ", b"\t", b"\r", b"\n", b"/"):
            return True
    return xml.count(b"<v") != xml.count(b"</v></c>")


def _positions(data: bytes, byte: bytes) -> Iterator[int]:
    at = data.find(byte)
    while at != -1:
        yield at
        at = data.find(byte, at + 1)



_CELL = re.compile(r"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
"""A cell element, whatever its namespace prefix (some writers put ``x:`` on every element)."""
_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(["'])(.*?)\2""", re.S)


def _attrs(text: str) -> dict[str, str]:
    """An element's attributes by local name (``r:id`` is ``id``), in any order or quote style."""
    return {name.rpartition(":")[2]: value for name, _, value in _ATTR.findall(text)}


def _child(tag: str, body: str | None) -> str | None:
    """The text of a cell's first ``<v>`` or ``<f>``: None when it has none, '' when it is empty."""
    m = re.search(rf"<(?:[\w.-]+:)?{tag}\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?{tag}>)", body or "", re.S)
    return None if m is None else (m.group(1) or "")


class CellXml:
    """The cells' own XML, for what calamine's values cannot say about a cell that reads as blank:
    whether it holds an error value (#DIV/0!, #REF!...) or a formula never calculated. Each sheet
    is inflated at most once, and only when it is asked about; parts are inflated straight from the
    file's bytes at the offsets its package checks found."""

    def __init__(self, data: bytes, members: dict[str, zipfile.ZipInfo] | None = None):
        self.data = data
        self.members = members or {}
        self.raw: dict[str, bytes | None] = {}
        self.sheets: dict[str, str | None] = {}
        self.book: dict[str, str] | None = None
        """The part holding each worksheet, by sheet name."""

    def _part_bytes(self, name: str) -> bytes | None:
        info = self.members.get(name)
        raw = inflate_part(self.data, info) if info is not None else None
        if raw is None:  # not found by its offset: read it the ordinary way
            try:
                with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                    raw = z.read(name)
            except (zipfile.BadZipFile, KeyError, OSError, zlib.error):
                return None
        return raw

    def _part(self, name: str) -> str | None:
        raw = self._part_bytes(name)
        return None if raw is None else raw.decode("utf-8", "replace")

    def _raw(self, sheet: str) -> bytes | None:
        """A sheet's XML as stored (searched as bytes, which is several times faster than as text)."""
        if sheet not in self.raw:
            if self.book is None:  # the sheet list, read once for all the sheets asked about
                self.book = sheet_parts(self._part("xl/workbook.xml") or "", self._part("xl/_rels/workbook.xml.rels") or "")
            part = self.book.get(sheet)
            self.raw[sheet] = self._part_bytes(part) if part else None
        return self.raw[sheet]

    def _xml(self, sheet: str) -> str | None:
        if sheet not in self.sheets:
            raw = self._raw(sheet)
            self.sheets[sheet] = None if raw is None else raw.decode("utf-8", "replace")
        return self.sheets[sheet]

    def error_cells(self, sheet: str) -> dict[str, str]:
        """Every cell of ``sheet`` holding an error value, by address (usually none: a quick search)."""
        xml = self._xml(sheet)
        if not xml or ('"e"' not in xml and "'e'" not in xml):  # no attribute says "e": no error cell (a quick search)
            return {}
        out = {}
        for m in _CELL.finditer(xml):
            attrs = _attrs(m.group(1))
            if attrs.get("t") == "e" and "r" in attrs and (v := _child("v", m.group(2))) is not None:
                out[attrs["r"]] = html.unescape(v)
        return out

    def formula_cells(self, sheet: str, among: Collection[str] | None = None) -> dict[str, str]:
        """Every cell of ``sheet`` holding a formula, by address, with its text ('' for one that
        shares the formula of another cell); ``among``: only those of these addresses (a template's
        own formulas, a line total on every pricing row, are then passed over unparsed). Usually
        none: a quick search of the bytes first."""
        raw = self._raw(sheet) or b""
        out: dict[str, str] = {}
        for tag in _FORMULA_TAG.finditer(raw):  # only the cells around formulas are parsed (a sheet has few)
            start = raw.rfind(b"<", 0, raw.rfind(b"c ", 0, tag.start()))
            if among is not None and start != -1:
                head = _PLAIN_R.match(raw, start, tag.start())  # <c r="D12" ...> as Excel writes it
                if head is not None and head.group(1).decode("ascii") not in among:
                    continue
            end = raw.find(b"c>", tag.end())
            m = _CELL.match(raw[start:end + 2].decode("utf-8", "replace")) if start != -1 and end != -1 else None
            if m is None or _child("f", m.group(2)) is None:  # not laid out as Excel writes: every cell read
                return self._all_formula_cells(sheet, among)
            if "r" in (attrs := _attrs(m.group(1))) and (among is None or attrs["r"] in among):
                out[attrs["r"]] = html.unescape(_child("f", m.group(2)) or "")
        return out

    def _all_formula_cells(self, sheet: str, among: Collection[str] | None = None) -> dict[str, str]:
        out = {}
        for m in _CELL.finditer(self._xml(sheet) or ""):
            if (f := _child("f", m.group(2))) is not None and "r" in (attrs := _attrs(m.group(1))) \
                    and (among is None or attrs["r"] in among):
                out[attrs["r"]] = html.unescape(f)
        return out

    def why_blank(self, sheet: str, addr: str) -> str | None:
        """Why a cell that reads as blank is not simply empty, or None when it is."""
        xml = self._xml(sheet)
        if not xml or addr not in xml:
            return None
        for m in _CELL.finditer(xml):
            attrs = _attrs(m.group(1))
            if attrs.get("r") != addr:
                continue
            f, v = _child("f", m.group(2)), _child("v", m.group(2))
            if attrs.get("t") == "e" and v:
                return f"holds the error value {html.unescape(v)}: correct the cell, save the workbook and send it again"
            if f is not None and not v:
                return (f"holds a formula (={html.unescape(f)}) with no calculated value: open the file in Excel, "
                        "let it calculate, save it and send it again")
            return None
        return None


    def misread_cell(self, sheets: tuple[str, ...]) -> tuple[str, str, str] | None:
        """The first cell of ``sheets`` whose value the reader would read differently from Excel, as
        (sheet, address, why), or None. Each sheet is searched whole first; only a sheet that search
        suspects is read cell by cell (text results of formulas may hold ``&amp;``, read alike)."""
        for sheet in sheets:
            raw = self._raw(sheet)
            if not raw or not suspect_values(raw):
                continue
            for c in _CELL.finditer(self._xml(sheet) or ""):
                attrs, body = _attrs(c.group(1)), c.group(2) or ""
                found = re.findall(r"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v\s*>", body, re.S)
                text = found[0] if found else ""
                inline = len(re.findall(r"<(?:[\w.-]+:)?is\b", body))
                if len(found) > 1 or inline > 1 or "<" in text or ("&" in text and attrs.get("t") not in ("str", "inlineStr")):
                    return sheet, attrs.get("r", "?"), (
                        f"the cell's value is written as {shortened(body, 60)!r}, in a form Excel never writes (a reference, comment or "
                        f"second value inside it): svscore's reader and Excel could read different values from it; not read ({RESAVE})")
        return None

    def refused_cell(self) -> tuple[str, str, str] | None:
        """The first cell the reader refuses, as (sheet, address, why), after it refused the file:
        a value that does not fit the type the cell's ``t`` attribute declares (Excel never writes one)."""
        workbook = self._part("xl/workbook.xml")
        if not workbook:
            return None
        strings: int | None = None
        for m in re.finditer(r"<(?:[\w.-]+:)?sheet\b([^>]*)>", workbook):
            sheet = html.unescape(_attrs(m.group(1)).get("name", ""))
            for c in _CELL.finditer(self._xml(sheet) or ""):
                attrs = _attrs(c.group(1))
                kind, v = attrs.get("t", "n"), _child("v", c.group(2))
                text = html.unescape(v) if v else ""
                if kind not in _CELL_TYPES:
                    why = f"has the cell type {kind!r}, which no workbook format has"
                elif not text:
                    continue
                elif kind == "n" and "t" in attrs and not _NUMBER.match(text):
                    why = f"is marked as a number but holds {text!r}"
                elif kind == "b" and text not in ("0", "1", "true", "false"):
                    why = f"is marked as true/false but holds {text!r}"
                elif kind == "s":
                    if strings is None:
                        shared = self._part("xl/sharedStrings.xml") or ""
                        strings = len(re.findall(r"<(?:[\w.-]+:)?si\b", shared))
                    if text.isascii() and text.isdigit() and len(text) < 12 and int(text) < strings:
                        continue
                    why = f"points to shared text {text!r}, which the file does not hold"
                else:
                    continue
                return sheet, attrs.get("r", "?"), why
        return None


_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
"""The start of a formula element, whatever its namespace prefix."""
_PLAIN_R = re.compile(rb'<(?:[\w.-]+:)?c\s+r="([A-Z]{1,3}[0-9]{1,7})"[\s>/]')
"""A cell's start with its address first, as Excel and openpyxl write it (anything else: parsed in full)."""
_CELL_TYPES = frozenset({"n", "s", "str", "inlineStr", "b", "e", "d"})
"""The values of a cell's ``t`` attribute (ECMA-376 ST_CellType)."""
_NUMBER = re.compile(r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$", re.IGNORECASE)
"""A number as the reader takes one in a cell marked as a number (Rust's float syntax)."""


def sheet_parts(wb: str, rels: str) -> dict[str, str]:
    """The part holding each worksheet, by name, from workbook.xml and its relationships."""
    targets: dict[str | None, str | None] = {}
    for m in re.finditer(r"<(?:[\w.-]+:)?Relationship\b([^>]*)>", rels):
        a = _attrs(m.group(1))
        targets.setdefault(a.get("Id"), a.get("Target"))  # the first of an id, if a file repeats one
    out: dict[str, str] = {}
    for m in re.finditer(r"<(?:[\w.-]+:)?sheet\b([^>]*)>", wb):
        a = _attrs(m.group(1))
        name, target = html.unescape(a.get("name", "")), targets.get(a.get("id"))
        if target and name not in out:  # the first sheet of a name, if a file repeats one
            target = html.unescape(target).lstrip("/")
            out[name] = target if target.startswith("xl/") else f"xl/{target}"
    return out


