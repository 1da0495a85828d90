"""Normalise what Excel sends to a custom function before the engine sees it.

Excel (through xlwings) sends a single cell as a scalar, a one-row or one-column range as a flat
list, and a block as a list of lists; blank cells arrive as ``None`` (classic add-in) or ``""``;
numbers as floats; dates as ``datetime`` (classic) or serial numbers (xlwings Lite, e.g. 45658 for
1 Jan 2025); error cells as ``None`` or, with ``err_to_str``, as text such as ``"#N/A"``.

Numbers typed as text follow the same rule as returned workbooks: an unambiguous UK amount
("£1,250.50", "12,500") is accepted; a European decimal comma ("12,5"), words, or anything else
is refused with a message naming the row and column.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from svscore.errors import Problem, SvscoreError
from svscore.excel.cells import parse_number, text_date

EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA",
                "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!", "#PYTHON!", "#EXTERNAL!")
"""Every error value Excel shows in a cell: the classic seven, the dynamic-array errors (#SPILL!,
#CALC!) and those of data types, linked services and Python in Excel. An error is never a blank,
a default or a number."""
EXCEL_EPOCH = dt.date(1899, 12, 30)


class BadInput(SvscoreError, ValueError):
    """An input an officer must fix; its message is shown in the cell.

    Also a ValueError, as it was before svscore's own hierarchy held it."""


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


COM_ERRORS = {code - 2146828288: name for code, name in (
    (2000, "#NULL!"), (2007, "#DIV/0!"), (2015, "#VALUE!"), (2023, "#REF!"), (2029, "#NAME?"), (2036, "#NUM!"),
    (2042, "#N/A"), (2043, "#GETTING_DATA"), (2045, "#SPILL!"), (2046, "#CONNECT!"), (2047, "#BLOCKED!"),
    (2048, "#UNKNOWN!"), (2049, "#FIELD!"), (2050, "#CALC!"))}
"""Excel's error values as the classic add-in receives them from Windows (CVErr: 0x800A0000 plus
the XlCVError code, as a signed 32-bit integer). xlwings turns only the classic seven into text
(``err_to_str``); the others, #SPILL! and #CALC! among them, arrive as integers such as
-2146826243, which would otherwise be read as a price or a score."""


def error_name(v: Any) -> str | None:
    """The Excel error ``v`` is (``"#SPILL!"``), or None when it is not an error value."""
    if isinstance(v, str):
        name = v.strip().upper()
        return name if name in EXCEL_ERRORS else None
    if isinstance(v, int) and not isinstance(v, bool):
        return COM_ERRORS.get(v)
    return None


def is_error(v: Any) -> bool:
    return error_name(v) is not None


def table(value: Any) -> list[list[Any]]:
    """Any shape as a list of rows. A flat list is taken as one column (a row of cells arrives
    the same way, so functions that need 2-D ranges declare ndim=2)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        if not value:
            return []
        if all(isinstance(r, list | tuple) for r in value):
            return [list(r) for r in value]
        return [[v] for v in value]
    return [[value]]


def column(value: Any) -> list[Any]:
    """A scalar, a 1×n or an n×1 range as one flat list of cells."""
    rows = table(value)
    if not rows:
        return []
    if len(rows) == 1:
        return list(rows[0])
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise BadInput(f"expected a single row or column, but got {len(rows)} rows × {max(len(r) for r in rows)} columns")


def drop_blank_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [r for r in rows if not all(is_blank(v) for v in r)]


def number(v: Any, where: str, what: str = "a number", *, required: bool = True) -> Decimal | None:
    if is_error(v):
        raise BadInput(f"{where}: the cell holds the Excel error {error_name(v)}")
    if is_blank(v):
        if required:
            raise BadInput(f"{where}: {what} is missing")
        return None
    problems: list[Problem] = []
    n = parse_number(v, where, what, problems)
    if problems:
        raise BadInput(problems[0].message if problems[0].message.startswith(where) else f"{where}: {problems[0].message}")
    return n


def text(v: Any, where: str, what: str, *, required: bool = True) -> str:
    if is_error(v):
        raise BadInput(f"{where}: the cell holds the Excel error {error_name(v)}")
    if is_blank(v):
        if required:
            raise BadInput(f"{where}: {what} is missing")
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def date(v: Any, where: str, what: str = "the date") -> dt.date:
    """A date from a datetime (classic add-in), a serial number (xlwings Lite) or text (day first, or ISO)."""
    if is_error(v):
        raise BadInput(f"{where}: the cell holds the Excel error {error_name(v)}")
    if is_blank(v):
        raise BadInput(f"{where}: {what} is missing")
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if not 1 <= v < 2958466:
            raise BadInput(f"{where}: {v} is not a date serial number")
        return EXCEL_EPOCH + dt.timedelta(days=int(v))
    if isinstance(v, str) and (d := text_date(v)) is not None:
        return d
    raise BadInput(f"{where}: {what} must be a date (e.g. 2026-03-02 or 02/03/2026), not {v!r}")


def yes_no(v: Any, where: str, what: str, default: bool) -> bool:
    if is_error(v):
        raise BadInput(f"{where}: the cell holds the Excel error {error_name(v)}")
    if is_blank(v):
        return default
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return bool(v)
    t = str(v).strip().lower()
    if t in ("yes", "y", "true", "incl", "including", "inc"):
        return True
    if t in ("no", "n", "false", "excl", "excluding", "ex"):
        return False
    raise BadInput(f"{where}: {what} must be Yes or No, not {v!r}")


def choice(v: Any, where: str, what: str, options: list[str], default: str | None = None) -> str:
    if is_error(v):
        raise BadInput(f"{where}: the cell holds the Excel error {error_name(v)}")
    if is_blank(v):
        if default is None:
            raise BadInput(f"{where}: {what} is missing (one of {', '.join(options)})")
        return default
    t = str(v).strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"subcentral": "sub_central", "central": "central_government", "council": "sub_central",
               "local_authority": "sub_central", "defence": "defence_and_security", "service": "services"}
    t = aliases.get(t, t)
    if t not in options:
        raise BadInput(f"{where}: {what} {v!r} is not one of {', '.join(options)}")
    return t


def cell(row: int, col: int | None = None) -> str:
    """'row 3' or 'row 3, column 2' (1-based, within the range given)."""
    return f"row {row}" if col is None else f"row {row}, column {col}"


def out(value: Any) -> Any:
    """An explicit value for Excel: never None or NaN (runtimes show those differently)."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return value.numerator / value.denominator  # what float() does, without its detour through numbers.Rational
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:
        return ""
    return value
