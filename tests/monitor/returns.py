"""Fill a monitoring return workbook as a supplier would (openpyxl), for the tests."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl

from svscore.excel import workbook as xw
from svscore.excel.monitoring_return import MonitoringLayout, build_monitoring_return
from svscore.model.contract import ContractRecord


def filled(record: ContractRecord, period: str, delivered: dict[str, Any], spend: list[tuple] = (),  # type: ignore[assignment]
           kpis: dict[str, Any] | None = None, cells: dict[str, Any] | None = None, cover: bool = True) -> bytes:
    """The return for ``period`` with ``delivered`` (measure -> quantity, or (quantity, evidence)),
    spend rows (name, postcode, sme, vcse, amount), KPI results, and any ``cells`` ("Sheet!A1": value) set."""
    lay = MonitoringLayout(record, record.period(period))
    wb = openpyxl.load_workbook(io.BytesIO(xw.to_bytes(build_monitoring_return(record, period))))
    if cover:
        for key, value in (("completed_by", "Pat Jones"), ("role", "Contract manager"), ("email", "pat@example.org"),
                           ("date", dt.datetime(2027, 7, 20))):
            wb["Cover"][lay.cover_cell(key)] = value
    for i, c in enumerate(lay.commitments):
        if c.measure in delivered:
            value = delivered[c.measure]
            q, evidence = value if isinstance(value, tuple) else (value, f"evidence {c.measure}")
            wb["Social Value"][lay.delivered_cell(i)] = q
            wb["Social Value"][lay.evidence_cell(i)] = evidence
    for i, row in enumerate(spend):
        for addr, v in zip(lay.spend_cells(i), row, strict=True):
            wb["Spend"][addr] = v
    for i, k in enumerate(record.kpis):
        if kpis and k.id in kpis:
            wb["KPIs"][lay.kpi_result_cell(i)] = kpis[k.id]
    for key, v in (cells or {}).items():
        sheet, addr = key.split("!")
        wb[sheet][addr] = v
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name
