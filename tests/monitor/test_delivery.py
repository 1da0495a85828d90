"""Committed against delivered, shortfalls, returns late or missing, KPIs, and where the money went:
each figure worked out by hand from the example contract record (EX-LOCAL-FTE 15 a year at £25,000;
proxy values are the illustrative table's, pinned at award)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from svscore.errors import TenderFileError
from svscore.model.contract import ContractRecord, Delivered, KpiResult, MonitoringReturn, SpendLine
from svscore.model.loading import load_contract
from svscore.monitor.delivery import monitor
from svscore.monitor.postcodes import LocalAreas, outward
from tests.conftest import EXAMPLES

RECORD = EXAMPLES / "council-home-care-contract.json"


def record() -> ContractRecord:
    return load_contract(RECORD)


def ret(period, received, fte=None, spend=(), kpis=(), source=None, contract="BCC-2026-014"):
    delivered = (Delivered(measure="EX-LOCAL-FTE", quantity=D(fte), evidence=f"payroll {period}"),) if fte is not None else ()
    return MonitoringReturn(contract=contract, period=period, received=received, delivered=delivered, spend=tuple(spend),
                            kpis=tuple(kpis), source=source or f"{period}.xlsx")


YEAR_ONE = [ret("Y1Q1", dt.date(2026, 10, 20), "3.5"), ret("Y1Q2", dt.date(2027, 1, 29), "3.5"),
            ret("Y1Q3", dt.date(2027, 5, 6), "3"), ret("Y1Q4", dt.date(2027, 7, 28), "2.5")]


def fte(result, year):
    return next(c for c in result.commitments if c.measure == "EX-LOCAL-FTE" and c.year == year)


def test_a_year_delivered_short_is_a_shortfall_in_exact_figures():
    result = monitor(record(), YEAR_ONE, as_of=dt.date(2027, 8, 15))
    y1 = fte(result, 1)
    assert (y1.committed, y1.delivered) == (15, F(25, 2))  # 3.5 + 3.5 + 3 + 2.5 = 12.5 of 15
    assert y1.status == "shortfall" and y1.shortfall == F(5, 2)
    assert y1.committed_value == 375_000 and y1.delivered_value == 312_500  # x £25,000 pinned
    assert y1.evidence == ("Y1Q1: payroll Y1Q1", "Y1Q2: payroll Y1Q2", "Y1Q3: payroll Y1Q3", "Y1Q4: payroll Y1Q4")
    assert fte(result, 2).status == "in progress" and fte(result, 2).delivered == 0
    # nothing reported of the 6 people hired from long-term unemployment committed in year 1
    assert [(c.measure, c.year, c.shortfall) for c in result.shortfalls] == [("EX-LOCAL-FTE", 1, F(5, 2)), ("EX-UNEMPLOYED-HIRE", 1, 6)]


def test_a_year_still_running_is_in_progress_not_short():
    result = monitor(record(), YEAR_ONE[:3], as_of=dt.date(2027, 5, 10))
    assert fte(result, 1).status == "in progress" and fte(result, 1).delivered == 10


def test_late_and_missing_returns_are_named():
    result = monitor(record(), YEAR_ONE[:2] + YEAR_ONE[3:], as_of=dt.date(2027, 8, 15))
    status = {r.period: r for r in result.returns}
    assert status["Y1Q1"].status == "on time" and status["Y1Q4"].status == "on time"
    assert status["Y1Q3"].status == "missing"  # due 30 Apr 2027, none by 15 Aug
    assert status["Y2Q1"].status == "not yet due"
    late = monitor(record(), [ret("Y1Q3", dt.date(2027, 5, 6), "3")], as_of=dt.date(2027, 5, 10))
    (q3,) = [r for r in late.returns if r.period == "Y1Q3"]
    assert q3.status == "late" and q3.days_late == 6  # due 30 Apr, received 6 May


def test_the_pinned_proxy_value_not_the_current_table_values_the_delivery(tmp_path):
    data = json.loads(RECORD.read_text(encoding="utf-8"))
    table = json.loads((EXAMPLES / "measures-illustrative.json").read_text(encoding="utf-8"))
    for m in table["measures"]:
        m["proxy_value"] = 1  # the council revises its table after the award
    (tmp_path / "measures.json").write_text(json.dumps(table))
    (tmp_path / "contract.json").write_text(json.dumps(data))
    result = monitor(load_contract(tmp_path / "contract.json"), YEAR_ONE, as_of=dt.date(2027, 8, 15))
    assert fte(result, 1).delivered_value == 312_500


def test_where_the_money_went_worked_out_by_hand():
    spend = [SpendLine(name="Borsetshire Linen Ltd", postcode="BS16 1QY", sme=True, amount=D(40_000)),
             SpendLine(name="Valley Community Transport", postcode="bs1 4dj", vcse=True, amount=D(10_000)),
             SpendLine(name="National Supplies plc", postcode="B1 1AA", amount=D(45_000)),  # B (Birmingham) is not BS
             SpendLine(name="Overseas Ltd", postcode="not known", amount=D(5_000))]
    result = monitor(record(), [ret("Y1Q1", dt.date(2026, 10, 1), "3", spend)], as_of=dt.date(2026, 10, 2),
                     local=LocalAreas.parse(["BS", "GL12"]))
    (year,) = result.spend
    assert (year.total, year.local, year.sme, year.vcse, year.unknown_postcode) == (100_000, 50_000, 40_000, 10_000, 5_000)
    assert year.share(year.local) == F(1, 2) and year.share(year.sme) == F(2, 5) and year.share(year.vcse) == F(1, 10)


def test_kpis_against_target_either_way():
    kpis = [KpiResult(kpi="KPI1", value=D("96.5")), KpiResult(kpi="KPI2", value=D(3)), KpiResult(kpi="KPI3", value=D(90))]
    result = monitor(record(), [ret("Y1Q1", dt.date(2026, 10, 1), "3", kpis=kpis)], as_of=dt.date(2026, 10, 2))
    assert [(k.kpi, k.met) for k in result.kpis] == [("KPI1", True), ("KPI2", False), ("KPI3", True)]  # KPI2: lower is better, 3 > 2


def test_returns_that_cannot_be_used_are_said_and_not_counted():
    q1 = ret("Y1Q1", dt.date(2026, 10, 1), "3", source="a.xlsx")
    other = ret("Y1Q1", dt.date(2026, 10, 2), "4", source="b.xlsx")
    stray = MonitoringReturn(contract="BCC-2026-014", period="Y1Q2", received=dt.date(2027, 1, 2), source="c.xlsx",
                             delivered=(Delivered(measure="EX-NOPE", quantity=D(1)),), kpis=(KpiResult(kpi="KPI9", value=D(1)),))
    result = monitor(record(), [q1, other, stray, ret("Y9", None, "1", source="d.xlsx"), ret("Y1Q3", None, "1", source="e.xlsx", contract="X")],
                     as_of=dt.date(2027, 1, 5))
    said = [str(p) for p in result.problems]
    assert any("a.xlsx and b.xlsx" in p and "two different returns for period Y1Q1" in p for p in said)
    assert any("c.xlsx" in p and "EX-NOPE" in p for p in said) and any("KPI9" in p for p in said)
    assert any("d.xlsx" in p and "'Y9'" in p for p in said) and any("e.xlsx" in p and "'X'" in p for p in said)
    assert fte(result, 1).delivered == 0
    same_twice = monitor(record(), [q1, q1.model_copy(update={"source": "a copy.xlsx"})], as_of=dt.date(2026, 10, 2))
    assert not same_twice.problems and fte(same_twice, 1).delivered == 3


def test_a_record_that_does_not_hold_together_is_refused_with_its_path(tmp_path):
    data = json.loads(RECORD.read_text(encoding="utf-8"))
    data["commitments"].append({"measure": "EX-LOCAL-FTE", "quantity": 1})
    (tmp_path / "c.json").write_text(json.dumps(data))
    with pytest.raises(TenderFileError, match="both per year and over the whole contract"):
        load_contract(tmp_path / "c.json")


@pytest.mark.parametrize(("code", "parts"), [("BS16 1QY", ("BS", "BS16")), ("ec1a1bb", ("EC", "EC1A")), ("B1 1AA", ("B", "B1")),
                                              ("W1A 0AX", ("W", "W1A")), ("not a code", None), ("BS16", None)])
def test_outward_codes(code, parts):
    assert outward(code) == parts


def test_a_local_list_that_is_not_postcodes_is_refused():
    from svscore.errors import SvscoreError

    with pytest.raises(SvscoreError, match="'Bristol'"):
        LocalAreas.parse(["BS", "Bristol"])


def test_cumulative_to_date_per_measure():
    later = [*YEAR_ONE, ret("Y2Q1", dt.date(2027, 10, 20), "4")]
    result = monitor(record(), later, as_of=dt.date(2027, 11, 1))
    fte = next(t for t in result.to_date() if t.measure == "EX-LOCAL-FTE")
    # 12.5 in year 1 and 4 so far in year 2; due by now: year 1's 15 (year 2 is not over); 45 over three years
    assert (fte.delivered, fte.due, fte.behind, fte.committed) == (F(33, 2), 15, 0, 45)
    hires = next(t for t in result.to_date() if t.measure == "EX-UNEMPLOYED-HIRE")
    assert (hires.delivered, hires.due, hires.behind) == (0, 6, 6)
