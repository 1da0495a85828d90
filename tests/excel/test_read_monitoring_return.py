"""A returned monitoring workbook read back: what was delivered, spent and measured; a changed
commitment refused naming its cell; every missing or malformed answer named."""

from __future__ import annotations

from decimal import Decimal as D

from svscore.excel.cells import load_values
from svscore.excel.read_monitoring_return import read_monitoring_return
from svscore.model.loading import load_contract
from tests.conftest import EXAMPLES
from tests.monitor.returns import filled

RECORD = load_contract(EXAMPLES / "council-home-care-contract.json")
ALL = {"EX-LOCAL-FTE": ("3.5", "payroll Q4"), "EX-UNEMPLOYED-HIRE": 2, "EX-VOLUNTEER-HOURS": 300, "EX-EV-MILES": 0}
KPIS = {"KPI1": 96.5, "KPI2": 1.5, "KPI3": 91}


def read(data: bytes, name: str = "Y1Q4.xlsx"):
    return read_monitoring_return(load_values(None, name, data), RECORD)  # type: ignore[arg-type]


def test_a_filled_return_reads_back():
    got = read(filled(RECORD, "Y1Q4", ALL, [("Borsetshire Linen Ltd", "BS16 1QY", "Yes", "No", 40000),
                                             ("Valley Transport", "BS1 4DJ", "No", "Yes", "£1,250.50")], KPIS))
    assert got.ok, got.errors
    r = got.result
    assert (r.contract, r.period) == ("BCC-2026-014", "Y1Q4")
    assert {d.measure: d.quantity for d in r.delivered} == {"EX-LOCAL-FTE": D("3.5"), "EX-UNEMPLOYED-HIRE": 2,
                                                            "EX-VOLUNTEER-HOURS": 300, "EX-EV-MILES": 0}
    assert r.delivered[0].evidence == "payroll Q4"
    assert [(s.name, s.sme, s.vcse, s.amount) for s in r.spend] == [("Borsetshire Linen Ltd", True, False, 40000),
                                                                     ("Valley Transport", False, True, D("1250.50"))]
    assert any("typed as text" in str(n) for n in got.notes)
    assert {k.kpi: k.value for k in r.kpis} == {"KPI1": D("96.5"), "KPI2": D("1.5"), "KPI3": 91}


def test_a_lowered_commitment_is_refused_naming_the_cell():
    got = read(filled(RECORD, "Y1Q4", ALL, kpis=KPIS, cells={"Social Value!D5": 10}), "tampered.xlsx")
    assert not got.ok
    assert any("tampered.xlsx › Social Value!D5" in str(p) and "was 15" in str(p) and "now 10" in str(p) for p in got.errors)


def test_every_missing_or_malformed_answer_is_named():
    got = read(filled(RECORD, "Y1Q4", {"EX-LOCAL-FTE": "3,5"}, [("", "BS1", "Maybe", "No", -5)], {"KPI1": "high"}, cover=False))
    said = [str(p) for p in got.errors]
    assert any("Cover!B7" in p and "Completed by" in p for p in said)
    assert any("Social Value!F5" in p and "decimal comma" in p for p in said)
    assert any("Social Value!F6" in p and "required (0 if none)" in p for p in said)
    assert any("Spend!A5" in p and "name is required" in p for p in said)
    assert any("Spend!C5" in p and "Yes or No" in p for p in said)
    assert any("Spend!E5" in p and "negative" in p for p in said)
    assert any("KPIs!F5" in p and "must be a number" in p for p in said)
    assert any("KPIs!F6" in p and "required" in p for p in said)
    assert got.result is None


def test_another_kind_of_workbook_is_named():
    from svscore.excel import workbook as xw
    from svscore.excel.bid_return import build_bid_return
    from svscore.model.loading import load_tender, tender_measures

    tender = load_tender(EXAMPLES / "council-home-care.json")
    data = xw.to_bytes(build_bid_return(tender, 0, tender_measures(tender)[0]))
    got = read(data, "bid.xlsx")
    assert [str(p) for p in got.errors] == ["bid.xlsx: not an svscore monitoring return workbook (use the workbook issued for the period)"]
