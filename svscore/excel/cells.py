"""Cell values of a workbook, read fast with python-calamine, addressed as ``Sheet!B4``.

This module deliberately imports neither openpyxl nor pandas: batch worker processes use it.

Numbers typed as text: a bidder or officer may type "£12,500.50" into a number cell. svscore
accepts text that is unambiguously a UK-formatted amount (optional £, thousands separated by
commas in groups of three, a full stop for decimals) and reports that it did so; anything else
— a European decimal comma ("12,5" or "12.500,00"), words, or two numbers — is an error that
names the file, sheet and cell. It never guesses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from svscore.errors import Place, Problem, SvscoreError
from svscore.fmt import LARGEST

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_UK_AMOUNT = re.compile(r"^-?£?\s*-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$", re.ASCII)
"""An amount as typed in the UK: £12,500.50. ASCII digits only: digits of other scripts (fullwidth
２１, Arabic-Indic ٢١) in a text cell are refused rather than read as a number the workbook's own
formulas may not have taken them for."""


@lru_cache(maxsize=8192)
def a1(addr: str) -> tuple[int, int]:
    """'B4' -> (row 3, column 1), zero-based."""
    m = _A1.match(addr.upper())
    if not m:
        raise ValueError(f"not a cell address: {addr!r}")
    letters, digits = m.groups()
    c = 0
    for ch in letters:
        c = c * 26 + (ord(ch) - 64)
    return int(digits) - 1, c - 1


@dataclass
class Values:
    """Every sheet's cell values, as calamine gives them (empty cells are '')."""

    name: str
    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)

    def get(self, sheet: str, addr: str) -> Any:
        rows = self.sheets.get(sheet)
        if rows is None:
            return None
        r, c = a1(addr)
        if r >= len(rows) or c >= len(rows[r]):
            return ""
        return rows[r][c]

    def where(self, sheet: str, addr: str) -> Place:
        return Place(self.name, sheet, addr)


class UnreadableWorkbook(SvscoreError):
    """The reader (python-calamine) refused a file; ``detail`` says how, in its own words.

    Only the reader's own failures become this, so a mistake in svscore's code is never reported as
    a damaged file."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def load_values(path: Path, name: str | None = None, data: bytes | None = None) -> Values:
    """Read every sheet (hidden ones too) with positions kept; from ``data`` when the file's bytes
    are already in memory (the batch has read them to hash them), so the file is read once.
    Raises :class:`UnreadableWorkbook` when the reader refuses the file."""
    import io

    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data)) if data is not None else CalamineWorkbook.from_path(str(path))
        out = Values(name or path.name)
        for sheet in wb.sheet_names:
            out.sheets[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (CalamineError, OSError) as exc:  # its errors for a malformed file; OSError for one it cannot open
        raise UnreadableWorkbook(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    except BaseException as exc:
        # The reader panics on some damaged cells (a time of -1E+300): pyo3 raises PanicException,
        # which is not an Exception and cannot be imported by name. Anything else is not the reader's.
        if type(exc).__name__ != "PanicException":
            raise
        raise UnreadableWorkbook(f"the reader stopped on a damaged value ({str(exc)[:200]})") from None
    return out


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an encrypted workbook, an old .xls or another compound document begins (an .xlsx is a zip)."""


def encrypted(path: Path) -> bool:
    """Whether a file is a password-protected (encrypted) Office document (msoffcrypto-tool tells)."""
    try:
        import msoffcrypto

        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not an Office compound document at all
        return False


DAMAGED = "the file is damaged or not an Excel workbook (it is not a valid .xlsx zip package)"
RESAVE = "ask the bidder to save the workbook again in Excel and send it again"
"""The remedy for a package Excel would not have written: Excel writes a clean one."""
RESAVE_OWN = "save the workbook again in Excel"
"""The same remedy for the council's own files (score sheets)."""


def not_a_package(path: Path, head: bytes, returned: bool = False) -> str | None:
    """Why a file that begins with ``head`` cannot be an .xlsx package (empty, encrypted, an old
    .xls), or None. ``returned``: a bidder's file, so the remedy is to ask the bidder."""
    if not head:
        return ("the file is empty (0 bytes): it may not have finished downloading or copying; "
                + ("ask for it again" if returned else "copy it again"))
    if head[:8] == OLE_MAGIC:
        if encrypted(path):
            return ("the workbook is password-protected (encrypted): "
                    + ("ask the bidder for a copy without a password" if returned else "save a copy without a password"))
        return ("this is an old-style .xls file or another non-xlsx document: "
                + ("ask for the bid return workbook as .xlsx" if returned else "save it as .xlsx"))
    return None


def unreadable(path: Path) -> str:
    """Why a workbook calamine could not read cannot be read, in words an officer can act on."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return f"it could not be opened ({exc.strerror})"
    return not_a_package(path, head) or DAMAGED


def canonical(v: Any) -> Any:
    """A cell value as compared and fingerprinted: every number as a float (calamine reads 100 as
    100.0), text as text, blank as None."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | float):
        return float(v)
    return str(v)


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def parse_number(v: Any, where: Place | str, what: str, problems: list[Problem], notes: list[Problem] | None = None) -> Decimal | None:
    """A cell as an exact number, or None with a problem recorded. Blank gives None, no problem."""
    if type(v) is float and -LARGEST < v < LARGEST:  # a number of a sensible size: what nearly every number cell holds
        return exact_number(v)
    if is_blank(v):
        return None
    if isinstance(v, bool):
        problems.append(Problem(where, f"{what} must be a number, but is {described(v)}"))
        return None
    if isinstance(v, int | float):
        if v != v or v in (float("inf"), float("-inf")):
            problems.append(Problem(where, f"{what} must be a number"))
            return None
        return _sized(exact_number(float(v)) if isinstance(v, float) else Decimal(v), where, what, problems)
    if isinstance(v, str):
        text = v.strip().replace("\u00a0", " ")
        if _UK_AMOUNT.match(text) and text.count("-") <= 1:
            cleaned = text.replace("£", "").replace(",", "").replace(" ", "")
            try:
                d = Decimal(cleaned)
            except InvalidOperation:
                pass
            else:
                if notes is not None and abs(d) < LARGEST:
                    notes.append(Problem(where, f"{what} was typed as text {v!r}; read as {d}"))
                return _sized(d, where, what, problems)
        hint = " (a decimal comma? use a full stop, e.g. 12.50)" if re.search(r"\d,\d{1,2}$|\d\.\d{3},", text) else ""
        problems.append(Problem(where, f"{what} must be a number, but is the text {v!r}{hint}"))
        return None
    advice = ": format the cell as a number (Format Cells, Number) and check the amount" if isinstance(v, dt.date | dt.time | dt.timedelta) else ""
    problems.append(Problem(where, f"{what} must be a number, but is {described(v)}{advice}"))
    return None


def described(v: Any) -> str:
    """A cell's value in words, as the officer would see it in Excel (for messages)."""
    if isinstance(v, bool):
        return f"the true/false value {str(v).upper()}"
    if isinstance(v, str):
        return f"the text {v!r}"
    if isinstance(v, dt.datetime):
        shown = v.strftime("%d/%m/%Y") + ("" if v.time() == dt.time() else v.strftime(" %H:%M"))
        return f"shown as the date {shown} (the cell is formatted as a date)"
    if isinstance(v, dt.date):
        return f"shown as the date {v.strftime('%d/%m/%Y')} (the cell is formatted as a date)"
    if isinstance(v, dt.time):
        return f"shown as the time {v.strftime('%H:%M')} (the cell is formatted as a time)"
    if isinstance(v, dt.timedelta):
        return "shown as a length of time (the cell is formatted as a time)"
    if isinstance(v, float) and v.is_integer():
        return f"the number {int(v)}"
    if isinstance(v, int | float):
        return f"the number {v}"
    return f"{v!r}"


def _sized(d: Decimal, where: Place | str, what: str, problems: list[Problem]) -> Decimal | None:
    if abs(d) >= LARGEST:
        problems.append(Problem(where, f"{what} is {d:.3E}, far too large to be a real amount (svscore reads numbers smaller than {LARGEST:,})"))
        return None
    return d


def exact_number(v: float) -> Decimal:
    """A finite float as the decimal number it was typed as: 12.5 -> Decimal('12.5'), 3.0 -> 3."""
    return Decimal(int(v)) if v.is_integer() else Decimal(repr(v))


def as_text(v: Any) -> str:
    if is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def as_date(v: Any, where: Place | str, what: str, problems: list[Problem]) -> dt.date | None:
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and 1 <= v < 2958466:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
    if isinstance(v, str) and (d := text_date(v)) is not None:
        return d
    problems.append(Problem(where, f"{what} must be a date (e.g. 02/03/2026, day/month/year, or 2026-03-02), but is {described(v)}"))
    return None


DATE_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")
"""Dates typed as text, as UK users type them: day first (02/03/2026 is 2 March), or ISO 2026-03-02."""


def text_date(text: str) -> dt.date | None:
    """A date typed as text (a cell formatted as text keeps 02/03/2026 as text), or None."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def as_yes_no(v: Any, where: Place | str, what: str, problems: list[Problem]) -> bool | None:
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return v
    t = str(v).strip().lower()
    if t in ("yes", "y", "true"):
        return True
    if t in ("no", "n", "false"):
        return False
    problems.append(Problem(where, f"{what} must be Yes or No, but is {described(v)}"))
    return None


META = "_svscore"
"""The very hidden sheet that identifies a workbook svscore generated."""


KINDS = {
    "bid_return": "a bid return workbook (bidders fill it in; it belongs in the returns folder)",
    "score_sheets": "an evaluators' score sheets workbook (give its folder as --scores)",
    "evaluation": "an evaluation workbook",
    "evaluation_live": "an evaluation workbook (live, with xlwings functions)",
}
"""The kinds of workbook svscore generates, in words for messages."""


def kind_name(kind: str | None) -> str:
    """What a workbook of the given template kind is, for a message."""
    if not kind:
        return "not made from an svscore template (it has no svscore identity sheet)"
    return KINDS.get(kind, f"an svscore workbook of an unknown kind ({kind!r})")


def metadata(values: Values) -> dict[str, str] | None:
    """The generated workbook's identity, or None when it has no svscore metadata sheet."""
    rows = values.sheets.get(META)
    if rows is None:
        return None
    out = {}
    for row in rows:
        if row and isinstance(row[0], str) and row[0]:
            out[row[0]] = "".join(as_text(x) if not isinstance(x, str) else x for x in row[1:])
    return out


def metadata_extra(meta: dict[str, str], name: str, fields: dict[str, type | tuple[type, ...]],
                   optional: dict[str, type | tuple[type, ...]] | None = None) -> dict[str, Any]:
    """The ``extra`` entry of a workbook's hidden metadata sheet, checked once, where it is read:
    valid JSON holding each of ``fields`` with its type. Raises :class:`~svscore.errors.WorkbookError`
    naming the file and sheet, so a damaged copy is one file's error, never a traceback."""
    from svscore.errors import WorkbookError

    where = Place(name, META)

    def damaged(why: str) -> WorkbookError:
        return WorkbookError(name, [Problem(where, f"the hidden {META} sheet svscore wrote is damaged ({why}): "
                                                   "use the workbook as svscore built it, not an edited copy")])
    try:
        extra = json.loads(meta.get("extra") or "{}")
    except ValueError:
        raise damaged("its 'extra' entry is not valid JSON") from None
    if not isinstance(extra, dict):
        raise damaged("its 'extra' entry is not a JSON object")
    for key, kind in fields.items():
        value = extra.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise damaged(f"'{key}' is missing or of the wrong type")
    for key, kind in (optional or {}).items():
        if key in extra and extra[key] is not None and not isinstance(extra[key], kind):
            raise damaged(f"'{key}' is of the wrong type")
    return extra
