"""Package safety: whether a workbook's zip package may be parsed at all.

Returned workbooks are untrusted input from outside the council, so before anything parses them the
file is checked as a zip: its size, member count, part sizes and compression ratio (zip bombs),
encrypted or oddly compressed parts, two parts of one name, a shared strings count its part could
not hold, and XML with entity declarations (refused; which parts are XML is decided in
:mod:`svscore.batch.package`). Encrypted files are told apart from corrupt ones. Score sheets pass
the same checks. Nothing here parses a cell.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from svscore.batch.package import has_macros, reaches_outside, xml_parts
from svscore.batch.spec import Limits
from svscore.errors import SvscoreError
from svscore.excel.cells import DAMAGED, OLE_MAGIC, RESAVE, RESAVE_OWN, not_a_package
from svscore.excel.zipparts import inflate_part, part_head

ZIP_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)
"""What the zipfile module raises reading a damaged package (a bad CRC, a truncated header, an
unknown zip version, a negative seek), found by corrupting a package byte by byte. Only these are
taken for a damaged file: any other exception is svscore's own mistake and is not hidden."""


class Refused(SvscoreError):
    """The file must not be parsed; the message says why."""



def read_capped(fh: BinaryIO, cap: int) -> bytes:
    """The file's bytes, or its first ``cap + 1`` when it holds more (so more is seen, never held).
    Asks for the size it has (asking for the cap itself would set aside that much memory for each
    file), and reads on should the file have grown since."""
    size = os.fstat(fh.fileno()).st_size
    data = fh.read(min(size, cap) + 1)
    if size < len(data) <= cap:
        data += fh.read(cap + 1 - len(data))
    return data



def overflowing_part(data: bytes, members: dict[str, zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """The first part whose compressed bytes inflate to more than its declared size (the reader
    stops at the declared size, so such a part is refused rather than unpacked), or None. Never
    inflates more than one byte past what a part declares, so at most the package's allowed total."""
    for info in members.values():
        out = part_head(data, info, info.file_size + 1)
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
        check_container(path, data, limits, [])
    except Refused as exc:
        return str(exc).replace(RESAVE, RESAVE_OWN)
    except ZIP_ERRORS:  # not a zip, or damaged: the reader's own failure will say so
        return None
    return None



def check_container(path: Path, data: bytes, limits: Limits, warnings: list[str]) -> dict[str, zipfile.ZipInfo]:
    """The package's parts by name, once every check has passed; raises :class:`Refused` saying why
    one did not. What is worth saying of a package that passes (macros, links) goes to ``warnings``."""
    name = path.name
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
        for info in xml_parts(z, infos, functools.partial(inflate_part, data)):  # what the package says is XML, names compared ignoring case
            if _declares_entities_fast(data, info, z):
                raise Refused(f"part {info.filename} declares XML entities (an entity-expansion attack): not parsed")
            if info.filename.casefold().endswith("sharedstrings.xml"):
                _strings_fit(data, info)
        if has_macros(names, name):
            warnings.append("macro-enabled workbook: its macros were not run (svscore never runs macros)")
        if reaches_outside(names, "links"):
            warnings.append("the workbook links to other files: the links were not followed")
        if reaches_outside(names, "embedded"):
            warnings.append("the workbook holds embedded objects or ActiveX controls: svscore did not open them "
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
    head = part_head(data, info, 2048, 4096)  # the root tag is nearly always in the first bytes
    if head is None:
        return
    root = _SST_ROOT.search(head)
    if root is None:  # comments before the root: look further, but never unboundedly
        head = part_head(data, info, PROLOG_LIMIT) or head
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
        head = part_head(data, info, out_bytes, raw_bytes)
        if head is None:
            break
        root = _ROOT.search(head)
        if root and b"<!" not in head[:root.start()]:
            return False  # the root element starts with nothing declared before it: the usual case
        if b"<!" in head:
            break
    return _declares_entities(z, info)



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
