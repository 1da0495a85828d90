"""One exception hierarchy for svscore; the CLI maps it to exit codes (``svscore.cli.main.exit_code``).

Every error a person can meet names *where* the problem is: a JSON path into a tender file
(``$.criteria[2].weight``) or a file, sheet and cell in a workbook (``Bidder A.xlsx › Pricing!E14``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


def json_path(parts: Iterable[str | int]) -> str:
    """Render a sequence of keys and indexes as a JSON path: ``$.criteria[2].weight``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


def file_label(name: str) -> str:
    """A file name as text that can be written anywhere (JSON, CSV, a workbook, one line of the terminal).

    File names on Linux are bytes: one extracted from a portal's zip may hold bytes that are not
    UTF-8 (a Windows "Café.xlsx"), which Python keeps as lone surrogates that no UTF-8 output
    accepts, and may hold control characters (a line break). Those are shown as escapes
    (``\\xe9``, ``\\x0a``); every other name is returned unchanged. The batch names each file by
    its label everywhere, and ``svscore verify`` finds files by the same label.
    """
    if name.isprintable() and name.isascii():
        return name
    try:
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an undecodable byte (a Windows name)
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped(_CONTROL, shown)


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def escaped(characters: re.Pattern[str], text: str) -> str:
    """``text`` with each character ``characters`` matches shown as a Python-style escape
    (``\\x1b``, ``\\u202e``): the one form svscore shows unsafe characters in, everywhere."""
    return characters.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def shortened(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut shown by an ellipsis.

    The cut falls between words when one ends in the last third of the room ("of 50…" would read
    as a whole figure when the text said "50%"); a single long word is cut where the room ends.
    """
    if len(text) <= limit:
        return text
    room = limit - 1
    space = text.rfind(" ", 0, room + 1)  # text[room] may itself be the space that ends a word
    cut = text[:space] if space >= room * 2 // 3 else text[:room]
    return cut.rstrip(" ,;:") + "…"


def cell_location(file: str, sheet: str | None = None, cell: str | None = None) -> str:
    """Render a workbook location: ``Bidder A.xlsx › Pricing!E14``."""
    if sheet is None:
        return file
    return f"{file} › {sheet}!{cell}" if cell else f"{file} › {sheet}"


class Severity(StrEnum):
    """How much a problem or a check's finding matters."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """A check's finding worth knowing (``svscore check``)."""
    NOTE = "note"
    """How an input was read, worth saying (a number typed as text): the batch's lowest severity."""


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file (or what it concerns when it is not one file, such as ``scores``),
    a sheet and cell in a workbook, or a JSON path into a tender file."""

    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    json_path: str | None = None

    def __str__(self) -> str:
        if self.json_path is not None:
            return f"{self.file} {self.json_path}" if self.file else self.json_path
        return cell_location(self.file, self.sheet, self.cell)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at one place, with how much it matters.

    ``where`` given as text is taken as the file (or what the problem concerns): readers give a
    :class:`Place`, so its sheet and cell are kept apart and never read back out of the text."""

    where: Place | str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if isinstance(self.where, str):
            object.__setattr__(self, "where", Place(self.where))

    @property
    def place(self) -> Place:
        assert isinstance(self.where, Place)  # made one by __post_init__
        return self.where

    @property
    def location(self) -> str:
        """The place as one line of text: ``Bidder A.xlsx › Pricing!E14``, ``$.criteria[2].weight``."""
        return str(self.where)

    def as_dict(self) -> dict[str, str]:
        """The problem as results.json and the batch's reports list it."""
        return {"severity": self.severity.value, "location": self.location, "message": self.message}

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SvscoreError(Exception):
    """Base class of every error svscore raises on purpose: an input that cannot be read or is
    refused, or an output that cannot be written (the command line's exit code 2).

    Every error svscore means to raise derives from it, so that anything else that escapes a
    command is known to be a bug in svscore, not a problem with the user's files."""


class ErrorsFound(SvscoreError):
    """The inputs were read, but they have errors that stop the command (the command line's exit
    code 1, as when ``svscore check`` finds errors): the message says what to correct."""


class InputError(SvscoreError):
    """An input file could not be read; carries every problem found, each with its location."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source} could not be read:"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class TenderFileError(InputError):
    """A tender, bids, measures or thresholds file is not valid JSON or breaks its schema."""


class WorkbookError(InputError):
    """A workbook is unreadable, unsafe, or not filled in as its template requires."""


class OutputRefused(SvscoreError, ValueError):
    """An output would be written over one of the command's own input files: nothing is written.

    Also a ValueError, as it was before svscore's own hierarchy held it."""


class DisagreementError(SvscoreError):
    """Two inputs give the same fact differently, and svscore will not choose between them."""


class ScoringError(ErrorsFound):
    """The bids cannot be scored against this tender at all (not a problem with one bid)."""
