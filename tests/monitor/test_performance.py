"""Contract performance notice data: an OCDS release of the KPI assessments and commitments, valid
against the OCDS 1.1.5 schema (the copies shipped, equal to ../shared's where present)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from svscore.award.ocds_schema import problems
from svscore.errors import SvscoreError
from svscore.model.contract import KpiResult
from svscore.monitor import performance
from svscore.monitor.delivery import monitor
from svscore.monitor.performance import performance_release
from tests.monitor.test_delivery import YEAR_ONE, record

WHEN = dt.datetime(2027, 8, 15, 9, 0, tzinfo=dt.UTC)


def released():
    returns = [r.model_copy(update={"kpis": (KpiResult(kpi="KPI1", value=D("96.5")), KpiResult(kpi="KPI2", value=D(3)))})
               if r.period == "Y1Q4" else r for r in YEAR_ONE]
    return performance_release(monitor(record(), returns, as_of=dt.date(2027, 8, 15)), ocid_prefix="ocds-b5fd17", date=WHEN)


def test_the_release_is_valid_ocds_with_each_assessment():
    release = released()
    assert problems(release) == [] and release["tag"] == ["implementation"]
    (contract,) = release["contracts"]
    milestones = {m["id"]: m for m in contract["implementation"]["milestones"]}
    assert milestones["BCC-2026-014-KPI1-Y1Q4"]["status"] == "met" and milestones["BCC-2026-014-KPI1-Y1Q4"]["type"] == "assessment"
    assert milestones["BCC-2026-014-KPI2-Y1Q4"]["status"] == "notMet"
    fte = milestones["BCC-2026-014-SV-EX-LOCAL-FTE-Y1"]
    assert fte["status"] == "partiallyMet" and "delivered 12.5" in fte["description"] and "£312,500" in fte["description"]
    assert milestones["BCC-2026-014-SV-EX-UNEMPLOYED-HIRE-Y1"]["status"] == "notMet"
    assert not any("-Y2" in m for m in milestones)  # years not over are not assessed
    assert contract["awardID"] == "BCC-2026-014-award-1"  # the award notice's award id


def test_a_release_that_breaks_the_schema_is_never_returned(monkeypatch):
    monkeypatch.setattr(performance, "_milestone_status", lambda c: "behind")
    with pytest.raises(SvscoreError, match="breaks the OCDS schema"):
        released()


def test_a_release_date_needs_a_time_zone():
    with pytest.raises(SvscoreError, match="time zone"):
        performance_release(monitor(record(), [], as_of=dt.date(2027, 1, 1)), ocid_prefix="x", date=dt.datetime(2027, 1, 1))
