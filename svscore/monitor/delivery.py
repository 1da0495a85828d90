"""Committed against delivered: per measure and year, cumulative to date, shortfalls, late returns,
KPIs against target, and where the supplier's spend went (local, SME, VCSE), all in exact fractions.

Social value is valued at the proxy values pinned in the contract record at award. The committed
value is the promise (quantity × proxy value); the evaluators' deliverability judgement at award
scaled the score, not the promise, and is not applied here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from svscore.errors import Problem
from svscore.model.contract import ContractRecord, MonitoringReturn, Period
from svscore.monitor.postcodes import LocalAreas


@dataclass(frozen=True)
class MeasureYear:
    """One commitment: a measure in one contract year (``year`` None: over the whole contract)."""

    measure: str
    description: str
    unit: str
    year: int | None
    committed: Fraction
    delivered: Fraction
    proxy_value: Fraction
    status: str
    """'met', 'shortfall' (its year, or the contract, is over and less was delivered), or 'in progress'."""
    evidence: tuple[str, ...] = ()

    @property
    def committed_value(self) -> Fraction:
        return self.committed * self.proxy_value

    @property
    def delivered_value(self) -> Fraction:
        return self.delivered * self.proxy_value

    @property
    def shortfall(self) -> Fraction:
        return max(self.committed - self.delivered, Fraction(0))


@dataclass(frozen=True)
class ReturnStatus:
    period: str
    due: dt.date
    received: dt.date | None
    status: str
    """'on time', 'late', 'received' (when is not known), 'missing' (due and not received) or 'not yet due'."""
    source: str = ""

    @property
    def days_late(self) -> int:
        return max((self.received - self.due).days, 0) if self.received else 0


@dataclass(frozen=True)
class SpendYear:
    year: int
    total: Fraction
    local: Fraction
    sme: Fraction
    vcse: Fraction
    unknown_postcode: Fraction
    """Spend whose postcode is not a UK postcode: counted in the total, not as local."""

    def share(self, part: Fraction) -> Fraction | None:
        return part / self.total if self.total else None


@dataclass(frozen=True)
class KpiLine:
    kpi: str
    name: str
    period: str
    value: Fraction
    target: Fraction
    unit: str
    met: bool


@dataclass
class ContractMonitoring:
    record: ContractRecord
    as_of: dt.date
    commitments: list[MeasureYear] = field(default_factory=list)
    returns: list[ReturnStatus] = field(default_factory=list)
    spend: list[SpendYear] = field(default_factory=list)
    kpis: list[KpiLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def shortfalls(self) -> list[MeasureYear]:
        return [c for c in self.commitments if c.status == "shortfall"]

    def totals(self) -> tuple[Fraction, Fraction]:
        """Social value committed over the contract, and delivered to date, in pounds at the pinned proxy values."""
        return (sum((c.committed_value for c in self.commitments), Fraction(0)),
                sum((c.delivered_value for c in self.commitments), Fraction(0)))

    def to_date(self) -> list[MeasureToDate]:
        """Each measure cumulatively: delivered to date against what was due by now (the commitments
        of the years that are over, and a whole-contract commitment once the contract is over) and
        against the whole contract's."""
        out = []
        for measure in dict.fromkeys(c.measure for c in self.commitments):
            lines = [c for c in self.commitments if c.measure == measure]
            due = sum((c.committed for c in lines if c.status != "in progress"), Fraction(0))
            out.append(MeasureToDate(measure, lines[0].unit, sum((c.delivered for c in lines), Fraction(0)), due,
                                     sum((c.committed for c in lines), Fraction(0)), lines[0].proxy_value))
        return out


@dataclass(frozen=True)
class MeasureToDate:
    measure: str
    unit: str
    delivered: Fraction
    due: Fraction
    """Committed for the years that are over (and the whole contract's, once it is over)."""
    committed: Fraction
    """Committed over the whole contract."""
    proxy_value: Fraction

    @property
    def behind(self) -> Fraction:
        return max(self.due - self.delivered, Fraction(0))


def _usable(record: ContractRecord, returns: list[MonitoringReturn], problems: list[Problem]) -> dict[str, MonitoringReturn]:
    """One return per period; a return for another contract or an unknown period, or two returns
    for one period that differ, is a problem and is not used."""
    by_period: dict[str, list[MonitoringReturn]] = defaultdict(list)
    for r in returns:
        where = r.source or f"the return for {r.period}"
        if r.contract != record.reference:
            problems.append(Problem(where, f"is for contract {r.contract!r}, not {record.reference!r}: not used"))
        elif record.period(r.period) is None:
            problems.append(Problem(where, f"is for period {r.period!r}, which the contract does not have "
                                           f"({', '.join(p.id for p in record.periods)}): not used"))
        else:
            by_period[r.period].append(r)
    out = {}
    for period, found in by_period.items():
        contents = {r.model_copy(update={"source": "", "received": None}) for r in found}
        if len(contents) > 1:
            problems.append(Problem(" and ".join(r.source or "a return" for r in found),
                                    f"are two different returns for period {period}: neither is used until one is withdrawn"))
            continue
        out[period] = min(found, key=lambda r: (r.received or dt.date.max))  # the same return twice: the first received
    return out


def _return_status(period: Period, r: MonitoringReturn | None, as_of: dt.date) -> ReturnStatus:
    if r is None:
        return ReturnStatus(period.id, period.due, None, "missing" if as_of > period.due else "not yet due")
    if r.received is None:
        return ReturnStatus(period.id, period.due, None, "received", r.source)
    return ReturnStatus(period.id, period.due, r.received, "late" if r.received > period.due else "on time", r.source)


def monitor(record: ContractRecord, returns: list[MonitoringReturn], as_of: dt.date,
            local: LocalAreas | None = None) -> ContractMonitoring:
    """What the returns say of the contract ``record`` on the date ``as_of``."""
    out = ContractMonitoring(record, as_of)
    usable = _usable(record, returns, out.problems)
    out.returns = [_return_status(p, usable.get(p.id), as_of) for p in record.periods]
    measures = {m.id for m in record.measures}
    delivered: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    evidence: dict[tuple[str, int], list[str]] = defaultdict(list)
    spend: dict[int, list[Fraction]] = defaultdict(lambda: [Fraction(0)] * 5)
    kpis = {k.id: k for k in record.kpis}
    for period in record.periods:
        r = usable.get(period.id)
        if r is None:
            continue
        for d in r.delivered:
            if d.measure not in measures:
                out.problems.append(Problem(r.source or period.id, f"reports {d.measure!r}, a measure the contract did not commit to: not counted"))
                continue
            delivered[(d.measure, period.year)] += Fraction(d.quantity)
            if d.evidence:
                evidence[(d.measure, period.year)].append(f"{period.id}: {d.evidence}")
        for line in r.spend:
            totals = spend[period.year]
            amount = Fraction(line.amount)
            is_local = local.is_local(line.postcode) if local else None
            totals[0] += amount
            totals[1] += amount if is_local else 0
            totals[2] += amount if line.sme else 0
            totals[3] += amount if line.vcse else 0
            totals[4] += amount if (local and is_local is None) else 0
        for k in r.kpis:
            kpi = kpis.get(k.kpi)
            if kpi is None:
                out.problems.append(Problem(r.source or period.id, f"reports KPI {k.kpi!r}, which the contract does not have: not counted"))
                continue
            value, target = Fraction(k.value), Fraction(kpi.target)
            out.kpis.append(KpiLine(kpi.id, kpi.name, period.id, value, target, kpi.unit,
                                    value >= target if kpi.higher_is_better else value <= target))
    out.commitments = _commitments(record, delivered, evidence, out.returns)
    out.spend = [SpendYear(y, *t) for y, t in sorted(spend.items())]
    return out


def _year_over(record: ContractRecord, year: int | None, returns: list[ReturnStatus]) -> bool:
    """A year (or the whole contract) is over once every one of its periods is reported or overdue."""
    periods = [p for p in record.periods if year is None or p.year == year]
    status = {s.period: s.status for s in returns}
    return bool(periods) and all(status[p.id] != "not yet due" for p in periods)


def _commitments(record: ContractRecord, delivered: dict[tuple[str, int], Fraction], evidence: dict[tuple[str, int], list[str]],
                 returns: list[ReturnStatus]) -> list[MeasureYear]:
    out = []
    for c in record.commitments:
        m = record.measure(c.measure)
        if c.year is None:
            got = sum((q for (mid, _), q in delivered.items() if mid == c.measure), Fraction(0))
            seen = [e for (mid, _), es in sorted(evidence.items()) if mid == c.measure for e in es]
        else:
            got, seen = delivered.get((c.measure, c.year), Fraction(0)), evidence.get((c.measure, c.year), [])
        committed = Fraction(c.quantity)
        status = "met" if got >= committed else ("shortfall" if _year_over(record, c.year, returns) else "in progress")
        out.append(MeasureYear(c.measure, m.description, m.unit, c.year, committed, got, Fraction(m.proxy_value), status, tuple(seen)))
    return out
