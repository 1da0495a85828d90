"""Take in one returned bid workbook: hash it, check its package, parse it, read it against its template.

Runs in a worker process. Returned workbooks are untrusted input from outside the council, so
before anything parses them the package is checked (:mod:`svscore.batch.container`). The reader
(python-calamine) will not expand entities, and when it refuses a file the offending part or cell
is named. No openpyxl path reads returned files (and openpyxl itself uses defusedxml, which svscore
installs). Nothing in a file is ever executed or followed: macros are never run, links to other
files never opened. The result is small and plain: the worker never sends cell rows back.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from svscore.batch.container import ZIP_ERRORS, Refused, check_container, overflowing_part, read_capped
from svscore.batch.spec import Limits, LotSpec
from svscore.errors import Place, Problem, Severity
from svscore.excel.cells import RESAVE, UnreadableWorkbook, Values, load_values
from svscore.excel.cellxml import CellXml
from svscore.excel.read_bid_return import read_bid_return

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass
class Inspection:
    """What one file said, and everything wrong with it."""

    name: str
    size: int
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    lot: str | None = None
    bid: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.bid is not None and not any(p.severity is ERROR for p in self.problems)

    def add(self, severity: Severity, where: Place | str, message: str) -> None:
        self.problems.append(Problem(where, message, severity))


READ_ERRORS: tuple[type[Exception], ...] = (UnreadableWorkbook, *ZIP_ERRORS)
"""What reading a damaged file raises: the reader's refusal, or the zip module's."""


def inspect_file(path: Path, name: str, specs: Mapping[int, dict[str, LotSpec]], limits: Limits) -> Inspection:
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
        warnings: list[str] = []
        members = check_container(path, data, limits, warnings)
        for warning in warnings:
            result.add(WARNING, name, warning)
        return Opened(result, data, load_values(path, name, data), members)
    except Refused as exc:
        result.add(ERROR, name, str(exc))
    except MemoryError:
        result.add(ERROR, name, f"reading it needed more than the {limits.memory_mb} MB allowed for one file; not read")
    except READ_ERRORS as exc:  # the reader's or the zip module's, never svscore's own
        part = overflowing_part(data, members)  # the reader's own words for this vary; the package is asked
        if part is not None:
            result.add(ERROR, name, f"part {part.filename} unpacks to more than the {part.file_size:,} bytes the package declares "
                                    f"for it: a damaged or altered file (possibly a zip bomb); not read ({RESAVE})")
        elif (cell := _refused_cell(data, members)) is not None:
            sheet, addr, why = cell
            result.add(ERROR, Place(name, sheet, addr), f"the cell {why}: Excel does not write such a cell, so the file was "
                                                                f"damaged or altered; not read ({RESAVE})")
        else:
            detail = exc.detail if isinstance(exc, UnreadableWorkbook) else f"{type(exc).__name__}: {str(exc)[:200]}"
            result.add(ERROR, name, f"not a readable Excel workbook ({detail})")
    return Opened(result)


def _refused_cell(data: bytes, members: dict[str, zipfile.ZipInfo]) -> tuple[str, str, str] | None:
    """The cell that made the reader refuse a file, when one did (a diagnosis only)."""
    try:
        return CellXml(data, members).refused_cell()
    except Exception:  # the file is reported as unreadable whatever happens here
        return None



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



def finish_reading(opened: Opened, specs: Mapping[int, dict[str, LotSpec]]) -> Inspection:
    """Read a parsed file against the tender's templates: identity, tampering, the bid's values."""
    if opened.values is not None:
        read = read_bid_return(opened.values, CellXml(opened.data, opened.members), opened.result.name, specs)
        opened.result.problems += read.problems
        opened.result.lot, opened.result.bid = read.lot, read.bid
    return opened.result


