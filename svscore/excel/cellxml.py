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
_SECOND_PLAIN_INLINE = re.compile(rb"</is\s*>\s*<is\b")
"""The same search where no element can have a prefix (no ``:is`` in the sheet): several times faster."""
_V_START = re.compile(rb"<v")
_V_END = re.compile(rb"</v></c>")
_AFTER_V = (b">", b" ", b"\t", b"\r", b"\n", b"/")


def after_colons(xml: bytes) -> frozenset[bytes]:
    """The three bytes after each ``:`` of a sheet (cell ranges such as A1:F9, a few a row; namespace
    prefixes): the local names a prefixed element could have, found with single-byte searches, so
    that a search for ``<x:f`` or ``</x:is>`` is made only in a sheet that could hold one."""
    return frozenset(xml[at + 1:at + 4] for at in _positions(xml, b":"))


def suspect_values(xml: bytes, colons: frozenset[bytes] | None = None) -> bool:
    """Whether a sheet may hold a value the reader would take apart: a reference (``&``) inside a
    value element, a comment or CDATA anywhere (``<!``), a value element with a prefix (``x:v``),
    two inline strings in one cell, or a value not written as Excel writes values, ``<v>…</v>``
    right before its cell's end (a second value, say). Excel writes none of these, and the reader
    takes such a value apart: ``<v>2&#49;.09</v>`` is 21.09 to Excel but 2 to calamine; of two
    values it reads the second. Rare characters are found with single-byte searches (far faster
    than searching for two bytes); a suspect sheet is then read cell by cell (a text result
    ``<v>A&amp;B</v>`` is read alike, and passes). ``colons``: :func:`after_colons` of the sheet."""
    for at in _positions(xml, b"!"):
        if xml[at - 1:at] == b"<":
            return True
    colons = after_colons(xml) if colons is None else colons
    if any(after[:1] == b"v" and after[1:2] in _AFTER_V for after in colons):  # x:v, a value element with a prefix
        return True
    prefixed_inline = any(after[:2] == b"is" for after in colons)
    if (b"</is" in xml or prefixed_inline) and \
            (_SECOND_INLINE if prefixed_inline else _SECOND_PLAIN_INLINE).search(xml):  # two inline strings in one cell: the reader takes the second
        return True
    for at in _positions(xml, b"&"):  # a few per sheet (the print header's &amp;P page codes, &#163; in text)
        start = xml.rfind(b"<", 0, at)
        if xml[start + 1:start + 3] == b"t>":  # inline text, <t>: the usual case, not a value element
            continue
        tag = _TAG_NAME.match(xml, start)
        if tag is not None and tag.group(1) == b"v":
            return True
    return len(_V_START.findall(xml)) != len(_V_END.findall(xml))


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
        self.colons: dict[str, frozenset[bytes]] = {}
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

    def _colons(self, sheet: str) -> frozenset[bytes]:
        """:func:`after_colons` of a sheet, found once for the searches that use it."""
        if sheet not in self.colons:
            self.colons[sheet] = after_colons(self._raw(sheet) or b"")
        return self.colons[sheet]

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
        prefixed = any(after[:1] == b"f" for after in self._colons(sheet))  # an <x:f> is possible
        for tag in (_FORMULA_TAG if prefixed else _PLAIN_FORMULA_TAG).finditer(raw):  # only the cells around formulas are parsed
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
            if not raw or not suspect_values(raw, self._colons(sheet)):
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
_PLAIN_FORMULA_TAG = re.compile(rb"<f[\s>/]")
"""The same where no element can have a prefix (no ``:f`` in the sheet): several times faster to search for."""
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


