"""Contract performance notice data (PA 2023 s.71) as an OCDS 1.1 release, tag ``implementation``.

Each KPI assessed in a period, and each social value commitment whose year is over, is a
milestone of the contract's implementation: ``type`` ``assessment`` (a KPI) or ``delivery`` (a
commitment), ``status`` ``met`` or ``notMet`` (``partiallyMet`` where some but not all of a
commitment was delivered), with the figures in the description. These are OCDS's own fields
(milestoneType and milestoneStatus codelists); the release is validated against the OCDS 1.1.5
release schema (with the extensions svscore ships) before it is written.

Uncertain: the UK contract performance notice's own rating of a KPI (the scale Procurement
Regulations 2024 set for it) could not be read from the sources here, so no UK rating is given:
the officer adds it on the central digital platform, with the notice's other fields.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from svscore.award.ocds_schema import problems
from svscore.errors import SvscoreError
from svscore.fmt import money, number
from svscore.monitor.delivery import ContractMonitoring, MeasureYear


def _milestone_status(c: MeasureYear) -> str:
    if c.status == "met":
        return "met"
    return "partiallyMet" if c.delivered > 0 else "notMet"


def _commitment(c: MeasureYear, reference: str) -> dict[str, Any]:
    when = f"year {c.year}" if c.year is not None else "the contract"
    return {
        "id": f"{reference}-SV-{c.measure}-{'Y' + str(c.year) if c.year is not None else 'all'}",
        "title": f"Social value: {c.description} ({when})",
        "type": "delivery",
        "code": c.measure,
        "status": _milestone_status(c),
        "description": (f"Committed {number(c.committed)} {c.unit}; delivered {number(c.delivered)} "
                        f"({money(c.delivered_value)} of {money(c.committed_value)} at the proxy values pinned at award)."),
    }


def performance_release(monitoring: ContractMonitoring, *, ocid_prefix: str, date: dt.datetime) -> dict[str, Any]:
    """The OCDS release of the contract's performance to ``monitoring.as_of``: KPI assessments and
    commitments whose year is over. ``date`` is the release's (given, not read from the clock).
    Raises when the release breaks the OCDS schema (a fault in svscore, never written)."""
    if date.tzinfo is None:
        raise SvscoreError("The release date needs a time zone (UTC or UK time).")
    record = monitoring.record
    periods = {p.id: p for p in record.periods}
    milestones: list[dict[str, Any]] = []
    for k in monitoring.kpis:
        comparison = "at least" if next(x for x in record.kpis if x.id == k.kpi).higher_is_better else "at most"
        milestones.append({
            "id": f"{record.reference}-{k.kpi}-{k.period}", "title": f"KPI {k.kpi}: {k.name}", "type": "assessment", "code": k.kpi,
            "dueDate": _midnight(periods[k.period].end), "status": "met" if k.met else "notMet",
            "description": f"{k.period}: {number(k.value)}{_unit(k.unit)} against a target of {comparison} {number(k.target)}{_unit(k.unit)}.",
        })
    milestones += [_commitment(c, record.reference) for c in monitoring.commitments if c.status != "in progress"]
    award_id = f"{record.tender_reference}-award-{record.lot}"
    release = {
        "ocid": f"{ocid_prefix}-{record.tender_reference}",
        "id": f"{record.reference}-performance-{monitoring.as_of.isoformat()}",
        "date": date.isoformat().replace("+00:00", "Z"),
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": "buyer", "name": record.authority},
        "parties": [{"id": "buyer", "name": record.authority, "roles": ["buyer"]},
                    {"id": f"tenderer-{record.supplier.bidder_id}", "name": record.supplier.name, "roles": ["supplier"]}],
        "contracts": [{
            "id": record.reference, "awardID": award_id, "title": record.title, "status": "active",
            "value": {"amount": _amount(Fraction(record.value)), "currency": "GBP"},
            "period": {"startDate": _midnight(record.start)},
            "implementation": {"milestones": milestones},
        }],
    }
    found = problems(release)
    if found:
        raise SvscoreError("The performance release breaks the OCDS schema (a fault in svscore):\n  " + "\n  ".join(found))
    return release


def _unit(unit: str) -> str:
    return unit if unit == "%" else (f" {unit}" if unit else "")


def _midnight(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _amount(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)
