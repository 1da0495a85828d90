"""``svscore monitor``: a folder of returned monitoring workbooks against the contract records.

Each returned file is taken in as the batch takes in a bid return (:mod:`svscore.batch.intake`:
hashed, its package checked for the same hostile-file defences, parsed by calamine), then read by
its layout against the record of the contract its identity names. The portal's receipt times come
from ``received.csv`` as the batch's do; nothing is guessed from file dates. One bad file is that
file's problem: the others are still read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svscore.batch.intake import start_reading
from svscore.batch.receipts import RECEIVED_FILE, Receipts, uk_time
from svscore.batch.run import discover
from svscore.batch.spec import Limits
from svscore.errors import DisagreementError, InputError, Problem, Severity, SvscoreError, file_label
from svscore.excel.cells import metadata
from svscore.excel.read_monitoring_return import read_monitoring_return
from svscore.model.contract import ContractRecord, MonitoringReturn
from svscore.model.loading import load_contract
from svscore.monitor.delivery import ContractMonitoring, monitor
from svscore.monitor.postcodes import LocalAreas


@dataclass
class ReturnFile:
    name: str
    size: int
    sha256: str
    contract: str | None = None
    period: str | None = None
    received: dt.date | None = None
    used: bool = False
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256, "contract": self.contract, "period": self.period,
                "received": self.received.isoformat() if self.received else None, "used": self.used,
                "problems": [p.as_dict() for p in self.problems]}


@dataclass
class MonitorRun:
    as_of: dt.date
    contracts: list[ContractMonitoring]
    files: list[ReturnFile]
    skipped: list[tuple[str, str]]
    problems: list[Problem]
    local: LocalAreas | None
    inputs: list[dict[str, Any]]
    """Every input file with its SHA-256: the records, the local areas list, received.csv, the returns."""


def load_records(path: Path) -> list[ContractRecord]:
    """A contract record, or every ``*.json`` record in a folder; two records of one contract are refused."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise InputError(file_label(str(path)), [Problem(file_label(str(path)), "no contract records (*.json) in this folder")])
    records = [load_contract(f) for f in files]
    seen: dict[str, Path] = {}
    for f, r in zip(files, records, strict=True):
        if r.reference in seen:
            raise DisagreementError(f"{file_label(str(seen[r.reference]))} and {file_label(str(f))} are both records of contract "
                                    f"{r.reference!r}: give one record a contract")
        seen[r.reference] = f
    return records


def load_local(path: Path) -> LocalAreas:
    """The council's list of local postcode areas and districts: one or more a line, separated by commas or spaces."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(file_label(str(path)), [Problem(file_label(str(path)), f"could not be read ({exc})")]) from None
    entries = [e for line in text.splitlines() if not line.lstrip().startswith("#") for e in line.replace(",", " ").split()]
    try:
        return LocalAreas.parse(entries)
    except SvscoreError as exc:
        raise InputError(file_label(str(path)), [Problem(file_label(str(path)), str(exc))]) from None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_monitor(records_path: Path, returns: Path, as_of: dt.date, local_path: Path | None = None,
                limits: Limits | None = None) -> MonitorRun:
    """Read every returned monitoring workbook in ``returns`` against the records in ``records_path``."""
    records = load_records(records_path)
    by_ref = {r.reference: r for r in records}
    local = load_local(local_path) if local_path is not None else None
    if not returns.is_dir():
        raise InputError(file_label(str(returns)), [Problem(file_label(str(returns)), "not a folder of returned monitoring workbooks")])
    found, skipped = discover(returns, False)
    problems: list[Problem] = []
    receipts = Receipts(returns, [label for _, label in found], problems)
    files: list[ReturnFile] = []
    usable: dict[str, list[MonitoringReturn]] = {r.reference: [] for r in records}
    for path, label in found:
        opened = start_reading(path, label, limits or Limits())
        report = ReturnFile(label, opened.result.size, opened.result.sha256, problems=list(opened.result.problems))
        files.append(report)
        if opened.values is None:
            continue
        meta = metadata(opened.values) or {}
        record = by_ref.get(meta.get("tender_reference", ""))
        if meta.get("template_kind") == "monitoring_return" and record is None:
            report.problems.append(Problem(label, f"is a return for contract {meta.get('tender_reference')!r}, which none of the "
                                                  "records given is: not used"))
            continue
        if record is None:
            report.problems.append(Problem(label, "not an svscore monitoring return workbook (use the workbook issued for the period)"))
            continue
        read = read_monitoring_return(opened.values, record)
        report.contract, report.period = record.reference, read.period
        report.problems += read.errors + [Problem(p.where, p.message, Severity.INFO) for p in read.notes]
        when = receipts.time_of(label)
        report.received = when.astimezone(uk_time()).date() if when is not None else None
        if read.ok and not any(p.severity is Severity.ERROR for p in report.problems):
            assert read.result is not None
            usable[record.reference].append(read.result.model_copy(update={"received": report.received}))
            report.used = True
    problems += receipts.unmatched()
    contracts = [monitor(r, usable[r.reference], as_of, local) for r in records]
    inputs = [{"name": f"records/{file_label(p.name)}", "sha256": _sha256(p)}
              for p in (sorted(records_path.glob("*.json")) if records_path.is_dir() else [records_path])]
    if local_path is not None:
        inputs.append({"name": f"local/{file_label(local_path.name)}", "sha256": _sha256(local_path)})
    if receipts.given:
        inputs.append({"name": f"returns/{RECEIVED_FILE}", "sha256": _sha256(returns / RECEIVED_FILE)})
    inputs += [{"name": f"returns/{f.name}", "sha256": f.sha256} for f in files]
    return MonitorRun(as_of, contracts, files, skipped, problems, local, inputs)
