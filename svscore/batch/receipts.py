"""Receipt times from the tender portal (received.csv in the returns folder), matched to the
returned files, for deciding which bids were late."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections import defaultdict
from pathlib import Path

from svscore.errors import Problem, Severity, SvscoreError

RECEIVED_FILE = "received.csv"


class Receipts:
    """The portal's receipt times (received.csv in the returns folder) matched to the files there:
    by their path in the folder, or by the file name alone when the portal lists no folders and
    only one file has that name. File modification times are never used: copying a folder
    changes them, and a bid must not be called late on that evidence."""

    def __init__(self, returns: Path, names: list[str], problems: list[Problem]):
        """``names``: every name found in the folder; problems reading received.csv go to ``problems``."""
        self.path = returns / RECEIVED_FILE
        self.given = self.path.is_file()
        self.times, self.source = _read(returns, problems)
        # With no receipt times there is nothing to match: no table of every file name is held.
        self.in_folder = {_file_key(n.rstrip("/")): n.rstrip("/") for n in names} if self.times else {}
        self.with_base: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self.in_folder):
            self.with_base[_base(key)].append(key)
        self.by_base = {base: keys[0] for base, keys in self.with_base.items() if len(keys) == 1}

    def time_of(self, name: str) -> dt.datetime | None:
        key = _file_key(name)
        if key in self.times:
            return self.times[key][0]
        base = _base(key)
        if base in self.times and self.by_base.get(base) == key:
            return self.times[base][0]
        return None

    def unmatched(self) -> list[Problem]:
        """Problems with received.csv lines that name no file in the folder (a bid may be missing),
        or by name alone several."""
        problems: list[Problem] = []
        for line, name, when, same_name in sorted(
                (line, name, when, [self.in_folder[k] for k in self.with_base.get(key, [])])
                for key, (when, line, name) in self.times.items() if key not in self.in_folder and key not in self.by_base):
            if same_name:
                problems.append(Problem(f"{RECEIVED_FILE} line {line}", f"{name} could be any of {', '.join(same_name)}: their "
                                        "receipt times were not matched (list the files with their folders)", Severity.WARNING))
            else:
                problems.append(Problem(f"{RECEIVED_FILE} line {line}", f"the portal received {name} at {when.isoformat()}, but no such "
                                        "file is in the returns folder: a bid may be missing"))
        return problems


def _base(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _file_key(name: str) -> str:
    """A file name as matched between received.csv and the folder: the same in any case (Windows
    does not tell them apart), Unicode form (a Mac writes é as two characters) or slash direction."""
    return unicodedata.normalize("NFC", name.strip().replace("\\", "/")).casefold()


def _read(returns: Path, problems: list[Problem]) -> tuple[dict[str, tuple[dt.datetime, int, str]], str]:
    """Receipt times from received.csv, by :func:`_file_key`: (time, line, the name as listed), and
    where they came from."""
    path = returns / RECEIVED_FILE
    if not path.is_file():
        return {}, f"not checked: no {RECEIVED_FILE} (file,received_at) in the returns folder"
    out: dict[str, tuple[dt.datetime, int, str]] = {}
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved as "CSV" by Excel on Windows: the Windows code page
        text = raw.decode("cp1252", errors="replace")
        problems.append(Problem(RECEIVED_FILE, "not UTF-8: read as Windows text (cp1252)", Severity.NOTE))
    with io.StringIO(text, newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                when = _receipt_time(row["received_at"])
                name = row["file"].strip()
            except (KeyError, ValueError, AttributeError, TypeError):
                problems.append(Problem(f"{RECEIVED_FILE} line {n}", "needs the columns file,received_at with a date and time "
                                        "(2026-04-17T12:01:00+01:00, or 17/04/2026 12:01 in UK time)"))
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=uk_time())
            key = _file_key(name)
            if key in out:
                earlier = out[key]
                problems.append(Problem(f"{RECEIVED_FILE} line {n}", f"{name} is listed again (first on line {earlier[1]}): "
                                        "the later receipt time is used", Severity.WARNING))
                if when < earlier[0]:
                    continue
            out[key] = (when, n, name)
    return out, f"{RECEIVED_FILE} (receipt times from the tender portal; times without an offset are UK time)"


def uk_time() -> dt.tzinfo:
    """UK time (GMT or BST, as the date makes it), from the system's time zone database or the
    tzdata package (Windows has no system one: svscore installs tzdata)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:
        raise SvscoreError("UK time cannot be looked up: this computer has no time zone database. "
                           "Install it with: python -m pip install tzdata") from None


def _receipt_time(text: str) -> dt.datetime:
    """An ISO date and time, or one as UK portals and Excel write it: day first (17/04/2026 12:01:33)."""
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a date and time: {text!r}")
