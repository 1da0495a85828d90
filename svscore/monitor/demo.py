"""The demo's year of monitoring for the example contract: four quarterly returns, the year's local
jobs short of what was promised, one return late, and the results written as ``svscore monitor``
writes them."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

from svscore.atomic import write_atomic
from svscore.excel import workbook as xw
from svscore.excel.monitoring_return import MonitoringLayout, build_monitoring_return
from svscore.model.contract import ContractRecord
from svscore.model.loading import load_contract

AS_OF = dt.date(2027, 8, 15)
"""The day the demo looks at the contract: two weeks after the last return of year 1 was due."""
LOCAL = "# Borsetshire: the postcode areas and districts counted as local\nBS\nGL12\n"
# What the supplier reports each quarter of year 1: 12.5 of the 15 local jobs committed (a shortfall)
DELIVERED: dict[str, dict[str, float]] = {
    "Y1Q1": {"EX-LOCAL-FTE": 3.5, "EX-UNEMPLOYED-HIRE": 2, "EX-VOLUNTEER-HOURS": 120, "EX-EV-MILES": 31000},
    "Y1Q2": {"EX-LOCAL-FTE": 3.5, "EX-UNEMPLOYED-HIRE": 2, "EX-VOLUNTEER-HOURS": 90, "EX-EV-MILES": 33500},
    "Y1Q3": {"EX-LOCAL-FTE": 3, "EX-UNEMPLOYED-HIRE": 1, "EX-VOLUNTEER-HOURS": 110, "EX-EV-MILES": 35250},
    "Y1Q4": {"EX-LOCAL-FTE": 2.5, "EX-UNEMPLOYED-HIRE": 1, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 36000},
}
SPEND = [("Borsetshire Linen Ltd", "BS16 1QY", "Yes", "No", 31250.0), ("Valley Community Transport", "BS1 4DJ", "No", "Yes", 8400.0),
         ("Severn Vehicle Leasing Ltd", "GL12 8AA", "Yes", "No", 22500.0), ("National Care Supplies plc", "B1 1AA", "No", "No", 61000.0)]
KPIS = {"KPI1": 95.5, "KPI2": 2.4, "KPI3": 91.0}
RECEIVED = {"Y1Q1": "2026-10-21T10:04:00+01:00", "Y1Q2": "2027-01-28T15:30:00Z",
            "Y1Q3": "2027-05-06T09:12:00+01:00", "Y1Q4": "2027-07-29T11:45:00+01:00"}  # Y1Q3 due 30 Apr: late


def filled_return(record: ContractRecord, period: str) -> bytes:
    """The supplier's return for ``period`` filled as the demo's supplier fills it."""
    import openpyxl

    lay = MonitoringLayout(record, record.period(period))  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(io.BytesIO(xw.to_bytes(build_monitoring_return(record, period))))
    end = record.period(period).end  # type: ignore[union-attr]
    for key, value in (("completed_by", "Sam Okafor"), ("role", "Contract manager"), ("email", "sam.okafor@brightwater.example"),
                       ("date", dt.datetime(end.year, end.month, end.day) + dt.timedelta(days=14))):
        wb["Cover"][lay.cover_cell(key)] = value
    for i, c in enumerate(lay.commitments):
        wb["Social Value"][lay.delivered_cell(i)] = DELIVERED[period].get(c.measure, 0)
        wb["Social Value"][lay.evidence_cell(i)] = f"Quarterly report {period}, appendix {i + 1}"
    for i, row in enumerate(SPEND):
        for addr, v in zip(lay.spend_cells(i), row, strict=True):
            wb["Spend"][addr] = v
    for i, k in enumerate(record.kpis):
        wb["KPIs"][lay.kpi_result_cell(i)] = KPIS[k.id]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_monitoring_demo(out: Path, record_path: Path) -> dict[str, Path]:
    """The demo's monitoring folder: the contract record, the year's returns with received.csv, and the local list."""
    record = load_contract(record_path)
    returns = out / "returns"
    returns.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(record_path, out / record_path.name)
    for period in DELIVERED:
        write_atomic(returns / f"{record.supplier.name.replace(' ', '-')}-{period}.xlsx", filled_return(record, period))
    lines = ["file,received_at"] + [f"{record.supplier.name.replace(' ', '-')}-{p}.xlsx,{t}" for p, t in RECEIVED.items()]
    write_atomic(returns / "received.csv", "\n".join(lines) + "\n")
    write_atomic(out / "local-areas.txt", LOCAL)
    return {"record": out / record_path.name, "returns": returns, "local": out / "local-areas.txt"}
