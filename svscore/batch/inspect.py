"""Inspect one returned bid workbook: is it safe, is it ours, is it intact, what does it say?

Runs in a worker process. Returned workbooks are untrusted input from outside the council, so
before anything parses them the file is checked as a zip (member count, sizes, compression
ratio) and encrypted files are told apart from corrupt ones. XML with entity declarations is
refused: the reader (python-calamine) will not expand entities, and when it refuses a file the
offending part is named. No openpyxl path reads returned files (and openpyxl itself uses
defusedxml, which svscore installs). Nothing in a file is ever executed or followed: macros are never run, links to other
files never opened. The result is small and plain: the worker never sends cell rows back.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import operator
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from svscore.batch.package import has_macros, reaches_outside, xml_parts
from svscore.batch.spec import Limits, LotSpec
from svscore.errors import Problem, SvscoreError, cell_location, shortened
from svscore.excel.cells import (
    DAMAGED,
    OLE_MAGIC,
    Values,
    a1,
    as_date,
    as_text,
    as_yes_no,
    canonical,
    described,
    exact_number,
    is_blank,
    kind_name,
    load_values,
    metadata,
    not_a_package,
    parse_number,
)
from svscore.fmt import LARGEST

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass
class Inspection:
    """What one file said, and everything wrong with it."""

    name: str
    size: int
    sha256: str
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    """(severity, location, message)."""
    lot: str | None = None
    bid: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.bid is not None and not any(s == ERROR for s, _, _ in self.problems)

    def add(self, severity: str, location: str, message: str) -> None:
        self.problems.append((severity, location, message))


class Refused(SvscoreError):
    """The file must not be parsed; the message says why."""


RESAVE = "ask the bidder to save the workbook again in Excel and send it again"
"""The remedy for a package Excel would not have written: Excel writes a clean one."""
RESAVE_OWN = "save the workbook again in Excel"
"""The same remedy for the council's own files (score sheets)."""


def inspect_file(path: Path, name: str, specs: dict[int, dict[str, LotSpec]], limits: Limits) -> Inspection:
    """Check and read one returned workbook. Never raises for a bad file: problems are recorded."""
    return finish_reading(start_reading(path, name, limits), specs)


@dataclass
class Opened:
    """A returned file checked as a package and parsed, not yet read against the tender."""

    result: Inspection
    data: bytes = b""
    values: Values | None = None
    """None when the file was refused or could not be parsed (the result says why)."""
    members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    """The package's parts by name, as its checks found them."""


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read in chunks (the manifest's hash of every input)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def start_reading(path: Path, name: str, limits: Limits) -> Opened:
    """The part of reading a file that needs nothing from the tender: hash, package checks, parse."""
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, limits.max_file_bytes)  # a file of many GB must not be held in memory
            if len(data) > limits.max_file_bytes:
                return Opened(_too_large(name, data, fh, limits))
    except OSError as exc:  # moved, deleted or locked since the folder was listed
        failed = Inspection(name, 0, "")
        failed.add(ERROR, name, f"could not be opened ({exc.strerror or type(exc).__name__}): was it moved, deleted or locked "
                                "during the run? Nothing was read from it")
        return Opened(failed)
    result = Inspection(name, len(data), hashlib.sha256(data).hexdigest())
    members: dict[str, zipfile.ZipInfo] = {}
    try:
        members = _check_container(path, data, result, limits)
        return Opened(result, data, load_values(path, name, data), members)
    except Refused as exc:
        result.add(ERROR, name, str(exc))
    except MemoryError:
        result.add(ERROR, name, f"reading it needed more than the {limits.memory_mb} MB allowed for one file; not read")
    except Exception as exc:  # calamine raises several types for malformed files
        part = _overflowing_part(data, members)  # the reader's own words for this vary; the package is asked
        if part is not None:
            result.add(ERROR, name, f"part {part.filename} unpacks to more than the {part.file_size:,} bytes the package declares "
                                    f"for it: a damaged or altered file (possibly a zip bomb); not read ({RESAVE})")
        elif (cell := _refused_cell(data, members)) is not None:
            sheet, addr, why = cell
            result.add(ERROR, cell_location(name, sheet, addr), f"the cell {why}: Excel does not write such a cell, so the file was "
                                                                f"damaged or altered; not read ({RESAVE})")
        else:
            result.add(ERROR, name, f"not a readable Excel workbook ({type(exc).__name__}: {str(exc)[:200]})")
    return Opened(result)


def _refused_cell(data: bytes, members: dict[str, zipfile.ZipInfo]) -> tuple[str, str, str] | None:
    """The cell that made the reader refuse a file, when one did (a diagnosis only)."""
    try:
        return _CellXml(data, members).refused_cell()
    except Exception:  # the file is reported as unreadable whatever happens here
        return None


_TAG_NAME = re.compile(rb"<\s*(?:[\w.-]+:)?(\w+)")
"""The local name of the element starting at a ``<``."""


_SECOND_INLINE = re.compile(rb"</(?:[\w.-]+:)?is\s*>\s*<(?:[\w.-]+:)?is\b")


def _suspect_values(xml: bytes) -> bool:
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


def read_capped(fh: BinaryIO, cap: int) -> bytes:
    """The file's bytes, or its first ``cap + 1`` when it holds more (so more is seen, never held).
    Asks for the size it has (asking for the cap itself would set aside that much memory for each
    file), and reads on should the file have grown since."""
    size = os.fstat(fh.fileno()).st_size
    data = fh.read(min(size, cap) + 1)
    if size < len(data) <= cap:
        data += fh.read(cap + 1 - len(data))
    return data


def _too_large(name: str, start: bytes, rest: BinaryIO, limits: Limits) -> Inspection:
    """The report on a file larger than any bid return workbook: refused, but still hashed (the rest
    read in chunks) so the manifest records exactly what was received."""
    digest, size = hashlib.sha256(start), len(start)
    while chunk := rest.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    result = Inspection(name, size, digest.hexdigest())
    result.add(ERROR, name, f"the file is {size // 1024 // 1024:,} MB, more than the {limits.max_file_bytes // 1024 // 1024} MB "
                            "allowed for a bid return workbook: not opened")
    return result


def _overflowing_part(data: bytes, members: dict[str, zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """The first part whose compressed bytes inflate to more than its declared size (the reader
    stops at the declared size, so such a part is refused rather than unpacked), or None. Never
    inflates more than one byte past what a part declares, so at most the package's allowed total."""
    for info in members.values():
        out = _head(data, info, info.file_size + 1)
        if out is not None and len(out) > info.file_size:
            return info
    return None


def package_refused(path: Path, data: bytes, limits: Limits) -> str | None:
    """Why a workbook's zip package must not be parsed (the size, ratio, part and entity checks
    returned bids pass), or None. An empty or non-zip file is left to the reader, whose failure
    :func:`svscore.excel.cells.unreadable` explains."""
    if not data or data[:8] == OLE_MAGIC:  # not a zip at all: left to the reader and unreadable()
        return None
    try:
        _check_container(path, data, Inspection(path.name, len(data), ""), limits)
    except Refused as exc:
        return str(exc).replace(RESAVE, RESAVE_OWN)
    except Exception:  # not a zip, or damaged: the reader's own failure will say so
        return None
    return None


def finish_reading(opened: Opened, specs: dict[int, dict[str, LotSpec]]) -> Inspection:
    """Read a parsed file against the tender's templates: identity, tampering, the bid's values."""
    if opened.values is not None:
        _read(opened.values, _CellXml(opened.data, opened.members), opened.result, specs)
    return opened.result


def _check_container(path: Path, data: bytes, result: Inspection, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    name = result.name
    if len(data) > limits.max_file_bytes:  # data may stop one byte past the limit (read_capped): no size is claimed
        raise Refused(f"the file is larger than the {limits.max_file_bytes // 1024 // 1024} MB allowed for a workbook: not opened")
    if (why := not_a_package(path, data[:8], returned=True)) is not None:
        raise Refused(why)
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise Refused(DAMAGED) from None
    with z:
        infos = z.infolist()
        if len(infos) > limits.max_members:
            raise Refused(f"the package holds {len(infos)} parts, more than the {limits.max_members} allowed: not opened")
        total = 0
        for info in infos:
            total += info.file_size
            if info.flag_bits & 0x1:
                raise Refused(f"part {info.filename} is encrypted with a zip password, which the Office file format does not allow: "
                              f"the file was not saved by Excel; not read ({RESAVE})")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                method = COMPRESSION_NAMES.get(info.compress_type, f"method {info.compress_type}")
                raise Refused(f"part {info.filename} is compressed with {method}, which the Office file format does not allow "
                              f"(its parts are stored or deflated): the file was not saved by Excel; not read ({RESAVE})")
            if info.file_size > limits.max_member_bytes:
                raise Refused(f"part {info.filename} would unpack to {info.file_size // 1024 // 1024} MB: not opened (possible zip bomb)")
            if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                raise Refused(f"part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1, "
                              f"more than {limits.max_ratio}:1: not opened (possible zip bomb)")
        if total > limits.max_total_bytes:
            raise Refused(f"the package would unpack to {total // 1024 // 1024} MB: not opened (possible zip bomb)")
        names = {i.filename for i in infos}
        _no_two_parts_alike(infos)
        if "xl/workbook.xml" not in names:
            raise Refused("the file is a zip package but not an Excel workbook (no xl/workbook.xml)")
        for info in xml_parts(z, infos, functools.partial(_inflate, data)):  # what the package says is XML, names compared ignoring case
            if _declares_entities_fast(data, info, z):
                raise Refused(f"part {info.filename} declares XML entities (an entity-expansion attack): not parsed")
            if info.filename.casefold().endswith("sharedstrings.xml"):
                _strings_fit(data, info)
        if has_macros(names, name):
            result.add(WARNING, name, "macro-enabled workbook: its macros were not run (svscore never runs macros)")
        if reaches_outside(names, "links"):
            result.add(WARNING, name, "the workbook links to other files: the links were not followed")
        if reaches_outside(names, "embedded"):
            result.add(WARNING, name, "the workbook holds embedded objects or ActiveX controls: svscore did not open them "
                                      "(take care before opening this file in Excel)")
        return {i.filename: i for i in infos}


COMPRESSION_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd"}
"""Zip compression methods by number, for a message: an Office package (ECMA-376 Part 2) holds only
stored (0) and deflated (8) parts, never encrypted ones."""


def _no_two_parts_alike(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package holding two parts of the same name (part names ignore case in Office
    packages). Such a file is damaged or built to mislead: one program may show one copy while
    another reads the other, so what svscore scored might not be what the officer sees in Excel."""
    seen: dict[str, str] = {}
    for info in infos:
        key = info.filename.replace("\\", "/").lstrip("/").casefold()
        if key in seen:
            same = info.filename if seen[key] == info.filename else f"{seen[key]} and {info.filename}"
            raise Refused(f"the package holds two parts named {same}: a damaged or altered file, which programs may read "
                          f"differently; not opened ({RESAVE})")
        seen[key] = info.filename


_UNIQUE_COUNT = re.compile(rb"""\buniqueCount\s*=\s*["'](\d+)["']""")
_SST_ROOT = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*>")
SMALLEST_STRING = 5
"""Bytes of the shortest entry a shared strings part can hold (``<si/>``)."""


def _strings_fit(data: bytes, info: zipfile.ZipInfo) -> None:
    """Refuse a shared strings part that claims more entries than its size could hold. The reader
    sets aside room for the claimed number before reading any: a count of 2,147,483,647 would ask
    for about 50 GB and stop the reader, with no better reason to give."""
    head = _head(data, info, 2048, 4096)  # the root tag is nearly always in the first bytes
    if head is None:
        return
    root = _SST_ROOT.search(head)
    if root is None:  # comments before the root: look further, but never unboundedly
        head = _head(data, info, PROLOG_LIMIT) or head
        root = _SST_ROOT.search(head)
    if root is None:
        if len(head) >= PROLOG_LIMIT or info.file_size > len(head):
            raise Refused(f"part {info.filename} does not begin as a shared strings part (no <sst> in its first "
                          f"{PROLOG_LIMIT // 1024} KB): a damaged or altered file; not opened ({RESAVE})")
        return
    m = _UNIQUE_COUNT.search(root.group(0))
    if m and int(m.group(1)) > info.file_size // SMALLEST_STRING:
        raise Refused(f"part {info.filename} says it holds {int(m.group(1)):,} text values but has room for at most "
                      f"{info.file_size // SMALLEST_STRING:,}: a damaged or altered file, which would exhaust the reader's "
                      f"memory; not opened ({RESAVE})")


_ROOT = re.compile(rb"<[A-Za-z_]")
PROLOG_LIMIT = 64 * 1024


def _declares_entities_fast(data: bytes, info: zipfile.ZipInfo, z: zipfile.ZipFile) -> bool:
    """Whether an XML part's prolog holds a document type declaration, inflating only its start.

    Reads the part's first compressed bytes straight from the file's data (no stream objects);
    falls back to a full prolog scan when the start alone cannot tell.
    """
    for raw_bytes, out_bytes in ((128, 512), (512, 4096)):  # the first is nearly always enough
        head = _head(data, info, out_bytes, raw_bytes)
        if head is None:
            break
        root = _ROOT.search(head)
        if root and b"<!" not in head[:root.start()]:
            return False  # the root element starts with nothing declared before it: the usual case
        if b"<!" in head:
            break
    return _declares_entities(z, info)


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int | None:
    """Where a stored or deflated part's bytes start in the file's data, read from its local
    header; None when the header is not where the central directory says, or another method."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04" or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    return off + 30 + name_len + extra_len


def _head(data: bytes, info: zipfile.ZipInfo, out_bytes: int, raw_bytes: int | None = None) -> bytes | None:
    """The first ``out_bytes`` of a part, inflated from at most ``raw_bytes`` of its compressed bytes
    straight from the file's data (see :func:`_data_start`); None when it cannot be found that way."""
    start = _data_start(data, info)
    if start is None:
        return None
    raw = data[start:start + min(info.compress_size, raw_bytes or info.compress_size)]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:out_bytes]
    try:
        return zlib.decompressobj(-15).decompress(raw, out_bytes)
    except zlib.error:
        return None


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A whole part, inflated straight from the file's data, or None (never more than it declares)."""
    out = _head(data, info, info.file_size + 1)
    return out if out is not None and len(out) == info.file_size else None


def _declares_entities(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part has a document type declaration (where entities are declared).

    A DTD can only come before the root element, so only the prolog is read: usually the first
    few hundred bytes. A prolog longer than 64 KB is itself treated as hostile.
    """
    seen = b""
    with z.open(info) as fh:
        while True:
            chunk = fh.read(512)
            seen += chunk
            if b"<!DOCTYPE" in seen or b"<!ENTITY" in seen:
                return True
            stripped = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", seen, flags=re.S)
            if _ROOT.search(stripped) or not chunk:
                return False
            if len(seen) > PROLOG_LIMIT:
                return True


def _read(values: Values, cells: _CellXml, result: Inspection, specs: dict[int, dict[str, LotSpec]]) -> None:
    name = result.name
    meta = metadata(values)
    if meta is None:
        result.add(ERROR, name, "not made from an svscore bid return template (no svscore identity sheet): use the workbook issued with the tender")
        return
    if meta.get("template_kind") != "bid_return":
        result.add(ERROR, name, f"not a bid return workbook: this is {kind_name(meta.get('template_kind'))}")
        return
    try:
        version = int(meta.get("format_version", "0"))
    except ValueError:
        version = 0
    if version not in specs:
        result.add(ERROR, name, f"template format version {meta.get('format_version')!r} is not one this svscore reads ({sorted(specs)})")
        return
    lot_specs = specs[version]
    reference = next(iter(lot_specs.values())).tender_reference
    if meta.get("tender_reference") != reference:
        result.add(ERROR, name, f"made for tender {meta.get('tender_reference')!r}, not this tender ({reference!r})")
        return
    spec = lot_specs.get(meta.get("lot", ""))
    if spec is None:
        result.add(ERROR, name, f"made for lot {meta.get('lot')!r}, which this tender does not have")
        return
    result.lot = spec.lot_id
    missing_sheets = [s for s in spec.sheets if s not in values.sheets]
    if missing_sheets:
        result.add(ERROR, name, f"sheets missing or renamed: {', '.join(missing_sheets)}")
        return
    # Every sheet of the template: each one's values are read (answers, the identity) or compared
    # (protected labels, weights and proxy values), so a value Excel shows otherwise must not pass.
    if (misread := cells.misread_cell(spec.sheets)) is not None:
        result.add(ERROR, values.where(misread[0], misread[1]), misread[2])
        return
    _tampering(values, spec, result)
    _formulas(values, spec, cells, result)
    problems: list[Problem] = []
    notes: list[Problem] = []
    required_blank: list[tuple[str, str, str]] = []

    def text(sheet: str, addr: str, required: bool, what: str) -> str:
        v = values.get(sheet, addr)
        if is_blank(v) and required:
            required_blank.append((sheet, addr, what))
        return as_text(v)

    cover = {key: text("Cover", addr, req, key.replace("_", " ")) for key, addr, req in spec.cover}
    sme = as_yes_no(values.get("Cover", _cover(spec, "sme")), values.where("Cover", _cover(spec, "sme")), "SME", problems)
    vcse = as_yes_no(values.get("Cover", _cover(spec, "vcse")), values.where("Cover", _cover(spec, "vcse")), "VCSE", problems)
    price = Decimal(0)
    priced = True
    pricing = values.sheets.get("Pricing") or []
    for line_id, qty, rate_addr, _ in spec.lines:
        r, c = a1(rate_addr)
        v = pricing[r][c] if r < len(pricing) and c < len(pricing[r]) else ""
        if type(v) is float and 0 <= v < LARGEST:  # the usual case, checked without building messages
            price += qty * (Decimal(int(v)) if v.is_integer() else Decimal(repr(v)))  # exact_number(v), inline
            continue
        if is_blank(v):
            required_blank.append(("Pricing", rate_addr, f"the rate for line {line_id}"))
            priced = False
            continue
        rate = parse_number(v, values.where("Pricing", rate_addr), f"The rate for line {line_id}", problems, notes)
        if rate is None:
            priced = False
        elif rate < 0:
            problems.append(Problem(values.where("Pricing", rate_addr), f"The rate for line {line_id} is negative ({rate})"))
            priced = False
        else:
            price += qty * rate
    if priced and price >= LARGEST:
        problems.append(Problem(values.where("Pricing", spec.total_cell), f"The lines add up to {price:.3E}, far too large to be a real "
                                                                        f"price (svscore reads numbers smaller than {LARGEST:,}): check the rates"))
        priced = False
    if priced:
        _check_total(values, spec, price, result)
    commitments = []
    social_value = values.sheets.get("Social Value") or []
    blank_quantities: list[tuple[str, int, str]] = []
    for measure, _first_year_only, addrs in spec.measures:
        for year, addr in enumerate(addrs, start=1):
            r, c = a1(addr)
            v = social_value[r][c] if r < len(social_value) and c < len(social_value[r]) else ""
            if v == "":
                blank_quantities.append((measure, year, addr))
                continue
            if type(v) is float and 0 <= v < LARGEST:  # an ordinary quantity
                if v != 0:
                    commitments.append({"measure": measure, "quantity": exact_number(v), "year": year})
                continue
            q = parse_number(values.get("Social Value", addr), values.where("Social Value", addr), f"The quantity of {measure} in year {year}", problems, notes)
            if q is None or q == 0:
                continue
            if q < 0:
                problems.append(Problem(values.where("Social Value", addr), f"The quantity of {measure} in year {year} is negative ({q})"))
                continue
            commitments.append({"measure": measure, "quantity": q, "year": year})
    # A quantity whose formula gives an error value reads as blank: it must not vanish unnoticed.
    errors = cells.error_cells("Social Value") if blank_quantities else {}
    for measure, year, addr in blank_quantities if errors else ():
        if addr in errors:
            problems.append(Problem(values.where("Social Value", addr), f"The quantity of {measure} in year {year} holds the error "
                                                                      f"value {errors[addr]}: correct the cell, save the workbook and send it again"))
    for cid, addr in spec.responses:
        text("Quality", addr, True, f"the response to {cid}")
    for n, addr in enumerate(spec.declarations, start=1):
        answer = as_yes_no(values.get("Declarations", addr), values.where("Declarations", addr), f"Declaration {n}", problems)
        if answer is None:
            required_blank.append(("Declarations", addr, f"the answer to declaration {n}"))
        elif answer is False:
            result.add(WARNING, values.where("Declarations", addr), f"the bidder answered No to declaration {n}")
    signer, position, date = spec.signature
    text("Declarations", signer, True, "the name of the person signing")
    text("Declarations", position, True, "the signer's position")
    if is_blank(values.get("Declarations", date)):
        required_blank.append(("Declarations", date, "the date signed"))
    else:
        as_date(values.get("Declarations", date), values.where("Declarations", date), "The date signed", problems)
    for sheet, addr, what in required_blank:
        why = cells.why_blank(sheet, addr)
        result.add(ERROR, values.where(sheet, addr), f"{what[:1].upper()}{what[1:]} {why}" if why else f"required: {what} is empty")
    for p in problems:
        result.add(ERROR, p.location, p.message)
    for p in notes:
        result.add(NOTE, p.location, p.message)
    result.bid = {
        "bidder": cover.get("bidder") or "", "bidder_id": cover.get("bidder_id") or "", "sme": bool(sme), "vcse": bool(vcse),
        "contact": cover.get("contact", ""), "email": cover.get("email", ""),
        "price": price if priced else None, "commitments": commitments, "lot": spec.lot_id,
    }


def _cover(spec: LotSpec, key: str) -> str:
    return next(addr for k, addr, _ in spec.cover if k == key)


def _tampering(values: Values, spec: LotSpec, result: Inspection) -> None:
    changed = []
    for sheet, blocks in spec.protected_at:
        rows = values.sheets.get(sheet) or []
        for block in blocks:
            try:  # the usual case: the block's rows as written, compared at once
                if list(map(_picker(block.columns), rows[block.first:block.first + len(block.rows)])) == block.as_read:
                    continue
            except IndexError:  # a row ends before a protected cell
                pass
            for p in block.rows:  # compared cell by cell, to say which changed
                row = rows[p.row] if p.row < len(rows) else ()
                for c, addr, expected in zip(p.columns, p.addresses, p.values, strict=True):
                    got = row[c] if c < len(row) else ""
                    if got == expected:  # equal raw values are equal canonical ones
                        continue
                    got = None if got == "" else canonical(got)
                    if got != expected:
                        changed.append((sheet, addr, expected, got))
    for sheet, addr, expected, got in changed[:20]:
        result.add(ERROR, values.where(sheet, addr), f"protected cell changed: was {_was(expected)}, now {_was(got)}")
    if len(changed) > 20:
        result.add(ERROR, result.name, f"{len(changed) - 20} more protected cells changed")


def _formulas(values: Values, spec: LotSpec, cells: _CellXml, result: Inspection) -> None:
    """Report every input cell holding a formula (its value is Excel's last calculation, which may
    be out of date) and every protected cell turned into one (tampering, even with its value unchanged).
    The template puts no formula in either, so any found there was put by the bidder."""
    inputs: dict[str, set[str]] = {
        "Cover": {addr for _, addr, _ in spec.cover},
        "Pricing": {rate for _, _, rate, _ in spec.lines},
        "Social Value": {addr for _, _, addrs in spec.measures for addr in addrs},
        "Quality": {addr for _, addr in spec.responses},
        "Declarations": {*spec.declarations, *spec.signature},
    }
    protected = {sheet: {a for b in blocks for p in b.rows for a in p.addresses} for sheet, blocks in spec.protected_at}
    for sheet in dict.fromkeys([*inputs, *protected]):
        found = cells.formula_cells(sheet)
        for addr, formula in found.items():
            shown = f"={formula}" if formula else "a formula shared with the cells beside it"
            if addr in protected.get(sheet, ()):
                result.add(ERROR, values.where(sheet, addr), f"protected cell changed: it now holds a formula ({shown}), "
                                                             "even if its value looks the same")
            elif addr in inputs.get(sheet, ()):
                v = values.get(sheet, addr)
                used = "nothing (it was never calculated)" if is_blank(v) else described(v)
                result.add(WARNING, values.where(sheet, addr), f"the cell holds a formula ({shown}); the value used is {used}, "
                                                               "Excel's last calculation, which may be out of date: check it, or ask the "
                                                               "bidder to type the value itself")


@functools.lru_cache(maxsize=1024)
def _picker(columns: tuple[int, ...]) -> operator.itemgetter:
    return operator.itemgetter(*columns)


def _check_total(values: Values, spec: LotSpec, price: Decimal, result: Inspection) -> None:
    shown = values.get("Pricing", spec.total_cell)
    where = values.where("Pricing", spec.total_cell)
    if is_blank(shown):
        result.add(NOTE, where, "the total price formula has no calculated value (the file was not saved by Excel); "
                                "svscore calculated the total from the rates")
        return
    if isinstance(shown, bool) or not isinstance(shown, int | float) or abs(Decimal(repr(float(shown))) - price) > Decimal("0.005"):
        amount = f"£{shown:,.2f}" if isinstance(shown, int | float) and not isinstance(shown, bool) and abs(shown) < LARGEST else described(shown)
        result.add(ERROR, where, f"the workbook shows a total of {amount}, but its lines add up to £{price:,.2f}: "
                                 "the total formula was altered")


def _was(v: Any) -> str:
    """A protected cell's value in a message: empty, a number as typed, or quoted text."""
    if v is None:
        return "empty"
    return repr(v) if isinstance(v, str) else described(v).removeprefix("the number ")


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


class _CellXml:
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
        raw = _inflate(self.data, info) if info is not None else None
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
                self.book = _sheet_parts(self._part("xl/workbook.xml") or "", self._part("xl/_rels/workbook.xml.rels") or "")
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

    def formula_cells(self, sheet: str) -> dict[str, str]:
        """Every cell of ``sheet`` holding a formula, by address, with its text ('' for one that
        shares the formula of another cell). Usually none: a quick search of the bytes first."""
        raw = self._raw(sheet) or b""
        out: dict[str, str] = {}
        for tag in _FORMULA_TAG.finditer(raw):  # only the cells around formulas are parsed (a sheet has few)
            start = raw.rfind(b"<", 0, raw.rfind(b"c ", 0, tag.start()))
            end = raw.find(b"c>", tag.end())
            m = _CELL.match(raw[start:end + 2].decode("utf-8", "replace")) if start != -1 and end != -1 else None
            if m is None or _child("f", m.group(2)) is None:  # not laid out as Excel writes: every cell read
                return self._all_formula_cells(sheet)
            if "r" in (attrs := _attrs(m.group(1))):
                out[attrs["r"]] = html.unescape(_child("f", m.group(2)) or "")
        return out

    def _all_formula_cells(self, sheet: str) -> dict[str, str]:
        out = {}
        for m in _CELL.finditer(self._xml(sheet) or ""):
            if (f := _child("f", m.group(2))) is not None and "r" in (attrs := _attrs(m.group(1))):
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
            if not raw or not _suspect_values(raw):
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
_CELL_TYPES = frozenset({"n", "s", "str", "inlineStr", "b", "e", "d"})
"""The values of a cell's ``t`` attribute (ECMA-376 ST_CellType)."""
_NUMBER = re.compile(r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$", re.IGNORECASE)
"""A number as the reader takes one in a cell marked as a number (Rust's float syntax)."""


def _sheet_parts(wb: str, rels: str) -> dict[str, str]:
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


_DIMENSION = re.compile(r"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?["']""")
HEAD_BYTES = 8192
"""How much of a sheet's start is inflated to find its dimension (Excel writes it after the root's namespaces)."""
FAR_CELLS = 10_000_000
"""A sheet whose used area spans more cells than this is far beyond any bid return form."""


_CELL_REF = re.compile(rb"""<(?:[\w.-]+:)?(?:c|row)\b[^>]*?\sr\s*=\s*["']([A-Z]{1,3})?(\d{1,7})["']""")
SCAN_CHUNK = 1024 * 1024


def _last_cell(data: bytes, info: zipfile.ZipInfo) -> tuple[str, int, int] | None:
    """The furthest row and column any cell or row of a sheet part names, as (cell, rows, columns),
    found by inflating the part a megabyte at a time (never past what it declares, which the package
    checks kept within bounds); None when it names none or cannot be read that way."""
    rows = cols = 0
    carry = b""
    try:
        for chunk in _inflated_chunks(data, info):
            text = carry + chunk
            for m in _CELL_REF.finditer(text):
                rows = max(rows, int(m.group(2)))
                if m.group(1):
                    cols = max(cols, a1(m.group(1).decode() + "1")[1] + 1)
            carry = text[-256:]  # a tag cut between two chunks is found whole in the next
    except zlib.error:
        return None
    if not rows:
        return None
    from svscore.render.sheet_rows import column_letter  # only ever needed here, after a file stopped the reader

    cols = max(cols, 1)
    return f"{column_letter(cols)}{rows}", rows, cols


def _inflated_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A stored or deflated part of the file's data, a megabyte at a time, up to its declared size."""
    start = _data_start(data, info)
    if start is None:
        return
    raw = data[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, min(len(raw), info.file_size), SCAN_CHUNK):
            yield raw[at:at + SCAN_CHUNK]
        return
    inflate = zlib.decompressobj(-15)
    total = pos = 0
    while total <= info.file_size and not inflate.eof:
        if inflate.unconsumed_tail:
            out = inflate.decompress(inflate.unconsumed_tail, SCAN_CHUNK)
        elif pos < len(raw):
            out = inflate.decompress(raw[pos:pos + SCAN_CHUNK], SCAN_CHUNK)
            pos += SCAN_CHUNK
        else:
            return
        total += len(out)
        if out:
            yield out


def why_stopped(path: Path, limits: Limits) -> tuple[str, str, str] | None:
    """After a file stopped the reader (out of time or memory): (sheet, last cell, message) for the
    sheet whose used area reaches far beyond the form, if there is one. Runs in the parent, so it reads
    little: the workbook's sheet list and the first few KB of each sheet, never a whole sheet."""
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, limits.max_file_bytes)
        if len(data) > limits.max_file_bytes:
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = {i.filename: i for i in z.infolist()}
            book, rels = infos.get("xl/workbook.xml"), infos.get("xl/_rels/workbook.xml.rels")
            if book is None or rels is None or max(book.file_size, rels.file_size) > 4 * 1024 * 1024:
                return None
            wb, wb_rels = z.read(book).decode("utf-8", "replace"), z.read(rels).decode("utf-8", "replace")
        far: list[tuple[str, str, str]] = []
        for sheet, part_name in _sheet_parts(wb, wb_rels).items():
            part = infos.get(part_name)
            head = _head(data, part, HEAD_BYTES) if part is not None else None
            d = _DIMENSION.search(head.decode("utf-8", "replace")) if head else None
            if d and d.group(3) and d.group(4):
                rows, cols = int(d.group(4)), a1(f"{d.group(3)}1")[1] + 1
                if rows * cols > FAR_CELLS:
                    cell = f"{d.group(3)}{d.group(4)}"
                    far.append((sheet, cell, f"sheet {sheet!r} is marked as used as far as cell {cell} ({rows:,} rows × {cols:,} columns)"))
                    continue
            if part is not None and (last := _last_cell(data, part)) is not None:
                cell, rows, cols = last  # the dimension is missing or understates the cells the sheet holds
                if rows * cols > FAR_CELLS:
                    far.append((sheet, cell, f"sheet {sheet!r} holds a cell as far out as {cell} ({rows:,} rows × {cols:,} columns)"))
        if not far:
            return None
        return far[0][0], far[0][1], ("the likely cause: " + "; ".join(text for _, _, text in far) + ": something typed, pasted "
                                      "or formatted far outside the form. Ask the bidder to delete the rows and columns beyond the form (Ctrl+End shows the "
                                      "last used cell), save the workbook and send it again")
    except Exception:  # a diagnosis only: the file is reported as stopped whatever happens here
        return None
