"""The monitoring return workbook: what was promised locked, what to report shaded and prompted."""

from __future__ import annotations

import io

import openpyxl
import pytest

from svscore.errors import SvscoreError
from svscore.excel import workbook as xw
from svscore.excel.monitoring_return import SPEND_ROWS, MonitoringLayout, build_monitoring_return
from svscore.model.loading import load_contract
from tests.conftest import EXAMPLES


def built(period="Y1Q4"):
    record = load_contract(EXAMPLES / "council-home-care-contract.json")
    data = xw.to_bytes(build_monitoring_return(record, period))
    return record, MonitoringLayout(record, record.period(period)), openpyxl.load_workbook(io.BytesIO(data))


def test_what_was_promised_is_locked_and_what_to_report_is_shaded_and_prompted():
    _, lay, wb = built()
    sv = wb["Social Value"]
    assert [c.measure for c in lay.commitments] == ["EX-LOCAL-FTE", "EX-UNEMPLOYED-HIRE", "EX-VOLUNTEER-HOURS", "EX-EV-MILES"]
    assert [sv[lay.committed_cell(i)].value for i in range(4)] == [15, 6, 1200, 400000]  # year 1, and the whole contract
    for i in range(4):
        assert sv[lay.committed_cell(i)].protection.locked and not sv[lay.delivered_cell(i)].protection.locked
        assert not sv[lay.evidence_cell(i)].protection.locked
    prompted = {str(r) for dv in sv.data_validations.dataValidation if dv.showInputMessage for r in dv.sqref.ranges}
    assert lay.delivered_cell(0) in prompted and lay.evidence_cell(3) in prompted
    assert all(ws.protection.sheet for ws in wb.worksheets)
    assert all(int(ws.page_setup.paperSize) == 9 for ws in wb.worksheets if ws.sheet_state == "visible")  # 9: A4


def test_spend_and_kpis_have_room_and_rules():
    record, lay, wb = built()
    spend = wb["Spend"]
    assert all(not spend[c].protection.locked for c in lay.spend_cells(SPEND_ROWS - 1))
    assert spend[lay.spend_total_cell].value.startswith("=SUM(")
    kpis = wb["KPIs"]
    assert [kpis.cell(lay.KPI_FIRST + i, 1).value for i in range(3)] == [k.id for k in record.kpis]
    assert kpis.cell(lay.KPI_FIRST + 1, 5).value == "at or below the target"  # missed visits: lower is better


def test_the_workbook_says_which_contract_and_period_it_is():
    record, lay, wb = built("Y2Q1")
    meta = {r[0].value: r[1].value for r in wb[xw.META_SHEET].iter_rows()}
    assert meta["template_kind"] == "monitoring_return" and meta["tender_reference"] == record.reference and meta["lot"] == "Y2Q1"
    assert wb["Social Value"][lay.committed_cell(0)].value == 15  # year 2's own commitment
    assert "30 October 2027" in " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)


def test_an_unknown_period_is_named():
    record = load_contract(EXAMPLES / "council-home-care-contract.json")
    with pytest.raises(SvscoreError, match="no period 'Y9'"):
        build_monitoring_return(record, "Y9")
