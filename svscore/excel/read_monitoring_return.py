"""Read a returned monitoring workbook against the contract record it was built from.

Every position comes from :class:`~svscore.excel.monitoring_return.MonitoringLayout`, computed from
the record, never from the file; the locked cells (what was committed, the KPI targets, the
contract's own details) are compared with a freshly built return, and any that changed is an
error naming the cell: a supplier cannot lower what it promised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from svscore.errors import Problem
from svscore.excel.cells import Values, as_date, as_text, as_yes_no, canonical, is_blank, metadata, parse_number
from svscore.excel.monitoring_return import KIND, SPEND_ROWS, MonitoringLayout, build_monitoring_return
from svscore.model.contract import ContractRecord, Delivered, KpiResult, MonitoringReturn, SpendLine

CHANGED_SHOWN = 20
"""Changed protected cells listed one by one; more are counted."""


@dataclass
class MonitoringRead:
    """What one returned monitoring workbook said, and everything wrong with it."""

    name: str
    period: str | None = None
    result: MonitoringReturn | None = None
    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.errors


@lru_cache(maxsize=64)
def _expected(record_json: str, period: str) -> tuple[tuple[str, str, Any], ...]:
    """The locked constants of a fresh return for ``period``: (sheet, cell, canonical value)."""
    from svscore.excel.workbook import protected_cells

    record = ContractRecord.model_validate_json(record_json)
    cells = protected_cells(build_monitoring_return(record, period))
    return tuple((key.split("!")[0], key.split("!")[1], canonical(v)) for key, v in sorted(cells.items()))


def _shown(v: Any) -> str:
    return "empty" if v is None else (repr(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v))


def read_monitoring_return(values: Values, record: ContractRecord) -> MonitoringRead:
    """The return ``values`` holds, read by the layout of ``record``; problems name file, sheet and cell."""
    out = MonitoringRead(values.name)
    meta = metadata(values)
    if meta is None or meta.get("template_kind") != KIND:
        out.errors.append(Problem(values.name, "not an svscore monitoring return workbook (use the workbook issued for the period)"))
        return out
    if (meta.get("format_version") or "").strip() != "1":
        out.errors.append(Problem(values.name, f"monitoring return format version {meta.get('format_version')!r} is not one this "
                                               "svscore reads (it reads 1)"))
        return out
    contract, period_id = meta.get("tender_reference", ""), meta.get("lot", "")
    out.period = period_id
    if contract != record.reference:
        out.errors.append(Problem(values.name, f"is the return for contract {contract!r}, not {record.reference!r}"))
        return out
    period = record.period(period_id)
    if period is None:
        out.errors.append(Problem(values.name, f"is for period {period_id!r}, which the contract does not have"))
        return out
    _tampering(values, record, period_id, out)
    lay = MonitoringLayout(record, period)
    errors, notes = out.errors, out.notes
    for key, label, required in lay.COVER:
        v = values.get("Cover", lay.cover_cell(key))
        if required and is_blank(v):
            errors.append(Problem(values.where("Cover", lay.cover_cell(key)), f"{label.rstrip(' *')} is required"))
    as_date(values.get("Cover", lay.cover_cell("date")), values.where("Cover", lay.cover_cell("date")), "The date completed", errors)
    delivered = []
    for i, c in enumerate(lay.commitments):
        where = values.where("Social Value", lay.delivered_cell(i))
        raw = values.get("Social Value", lay.delivered_cell(i))
        if is_blank(raw):
            errors.append(Problem(where, f"what was delivered of {c.measure} is required (0 if none)"))
            continue
        q = parse_number(raw, where, f"What was delivered of {c.measure}", errors, notes)
        if q is not None and q < 0:
            errors.append(Problem(where, f"What was delivered of {c.measure} cannot be negative ({q})"))
        elif q is not None:
            delivered.append(Delivered(measure=c.measure, quantity=q,
                                       evidence=as_text(values.get("Social Value", lay.evidence_cell(i)))))
    spend = []
    for i in range(SPEND_ROWS):
        cells = lay.spend_cells(i)
        name, postcode, sme, vcse, amount = (values.get("Spend", c) for c in cells)
        if all(is_blank(v) for v in (name, postcode, sme, vcse, amount)):
            continue
        row_errors: list[Problem] = []
        if is_blank(name):
            row_errors.append(Problem(values.where("Spend", cells[0]), "the supplier or subcontractor's name is required"))
        money = parse_number(amount, values.where("Spend", cells[4]), "The amount", row_errors, notes)
        if is_blank(amount):
            row_errors.append(Problem(values.where("Spend", cells[4]), "the amount is required"))
        elif money is not None and money < 0:
            row_errors.append(Problem(values.where("Spend", cells[4]), f"the amount cannot be negative ({money})"))
        flags = [as_yes_no(v, values.where("Spend", c), what, row_errors) for v, c, what in
                 ((sme, cells[2], "SME?"), (vcse, cells[3], "VCSE?"))]
        errors += row_errors
        if not row_errors and money is not None:
            spend.append(SpendLine(name=as_text(name), postcode=as_text(postcode), sme=bool(flags[0]), vcse=bool(flags[1]), amount=money))
    kpis = []
    for i, k in enumerate(record.kpis):
        where = values.where("KPIs", lay.kpi_result_cell(i))
        raw = values.get("KPIs", lay.kpi_result_cell(i))
        if is_blank(raw):
            errors.append(Problem(where, f"the result of {k.id} is required"))
            continue
        v = parse_number(raw, where, f"The result of {k.id}", errors, notes)
        if v is not None:
            kpis.append(KpiResult(kpi=k.id, value=v, comment=as_text(values.get("KPIs", lay.kpi_comment_cell(i)))))
    if not errors:
        out.result = MonitoringReturn(contract=record.reference, period=period_id, delivered=tuple(delivered),
                                      spend=tuple(spend), kpis=tuple(kpis), source=values.name)
    return out


def _tampering(values: Values, record: ContractRecord, period: str, out: MonitoringRead) -> None:
    changed = []
    for sheet, addr, expected in _expected(record.model_dump_json(), period):
        got = values.get(sheet, addr)
        got = None if is_blank(got) else canonical(got)
        if got != expected:
            changed.append(Problem(values.where(sheet, addr), f"protected cell changed: was {_shown(expected)}, now {_shown(got)}"))
    out.errors += changed[:CHANGED_SHOWN]
    if len(changed) > CHANGED_SHOWN:
        out.errors.append(Problem(values.name, f"{len(changed) - CHANGED_SHOWN} more protected cells changed"))
