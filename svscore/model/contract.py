"""The contract record made at award, and a supplier's monitoring return for one period.

The record pins what was promised as it was valued at award: each social value commitment carries
the measure's description, unit and proxy value from the measures table used then (with that
table's SHA-256), so a later edit of the table never rewrites what the contract was awarded on.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from svscore.model.base import Frozen, Number

CONTRACT_FORMAT_VERSION = 1


class PinnedMeasure(Frozen):
    """A measure as the measures table described and valued it at award."""

    id: str = Field(min_length=1, pattern=r"^\S+$", description="The measure's id in the table used at award.")
    description: str = Field(min_length=1, description="What the supplier committed to.")
    unit: str = Field(min_length=1, description="What the quantity counts.")
    proxy_value: Number = Field(description="£ of social value per unit, as the table said at award.")


class PromisedCommitment(Frozen):
    """One commitment of the winning bid."""

    measure: str = Field(min_length=1, description="The measure id (one of the record's measures).")
    quantity: Number = Field(ge=0, description="The quantity committed.")
    year: int | None = Field(default=None, ge=1, description="The contract year it is due in; none: over the whole contract.")


class Kpi(Frozen):
    """A key performance indicator of the contract (PA 2023 s.52: at least three over £5m)."""

    id: str = Field(min_length=1, pattern=r"^\S+$", description="Short id, e.g. 'KPI1'.")
    name: str = Field(min_length=1, description="What is measured, e.g. 'Visits on time'.")
    target: Number = Field(description="The target value for each period.")
    unit: str = Field(default="", description="The unit of the value, e.g. '%'.")
    higher_is_better: bool = Field(default=True, description="True when a value at or above the target meets it.")


class Period(Frozen):
    """A reporting period: the supplier returns one monitoring workbook for it."""

    id: str = Field(min_length=1, pattern=r"^\S+$", description="Short id, e.g. 'Y1' or '2026-27'.")
    year: int = Field(ge=1, description="The contract year the period falls in.")
    start: dt.date
    end: dt.date
    due: dt.date = Field(description="The date the monitoring return is due.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period {self.id} ends ({self.end}) before it starts ({self.start})")
        return self


class Supplier(Frozen):
    bidder_id: str = Field(min_length=1, description="The supplier's id as in the bids (e.g. a company number).")
    name: str = Field(min_length=1, description="The supplier's name.")
    sme: bool = False
    vcse: bool = False


class MeasuresSource(Frozen):
    title: str = Field(min_length=1, description="The measures table's title at award.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the table file used at award.")
    illustrative: bool = Field(default=False, description="The table was example data (not for a real award).")


class ContractRecord(Frozen):
    """What a contract was awarded on, for monitoring its delivery."""

    format_version: Literal[1] = Field(default=1, description="Contract record format version.")
    reference: str = Field(min_length=1, description="The contract's reference, e.g. 'BCC-2026-014/1'.")
    tender_reference: str = Field(min_length=1, description="The tender it was awarded under.")
    title: str = Field(min_length=1, description="What the contract is for.")
    lot: str = Field(default="1", description="The lot awarded.")
    authority: str = Field(min_length=1, description="The contracting authority.")
    supplier: Supplier
    value: Number = Field(description="The contract's value as awarded (the winning price), in pounds.")
    start: dt.date = Field(description="The date the contract starts.")
    years: int = Field(ge=1, description="The contract's length in years.")
    measures_table: MeasuresSource | None = Field(default=None, description="The measures table the commitments were valued with.")
    measures: tuple[PinnedMeasure, ...] = Field(default=(), description="Each committed measure as valued at award.")
    commitments: tuple[PromisedCommitment, ...] = Field(default=(), description="The social value commitments of the winning bid.")
    kpis: tuple[Kpi, ...] = Field(default=(), description="The contract's key performance indicators.")
    periods: tuple[Period, ...] = Field(min_length=1, description="The reporting periods, in order.")

    @model_validator(mode="after")
    def _consistent(self) -> ContractRecord:
        ids = [m.id for m in self.measures]
        if len(set(ids)) != len(ids):
            raise ValueError("a measure appears more than once in 'measures'")
        whole = {c.measure for c in self.commitments if c.year is None}
        for c in self.commitments:
            if c.year is not None and c.measure in whole:
                raise ValueError(f"{c.measure!r} is committed both per year and over the whole contract: give it one way")
            if c.measure not in ids:
                raise ValueError(f"commitment to {c.measure!r}, which is not one of the record's measures")
            if c.year is not None and c.year > self.years:
                raise ValueError(f"commitment to {c.measure!r} in year {c.year}, after the contract's {self.years} years")
        for kind, items in (("period", self.periods), ("KPI", self.kpis)):
            keys = [x.id for x in items]
            if len(set(keys)) != len(keys):
                raise ValueError(f"a {kind} id appears more than once")
        for p in self.periods:
            if p.year > self.years:
                raise ValueError(f"period {p.id} is in year {p.year}, after the contract's {self.years} years")
        return self

    def measure(self, measure_id: str) -> PinnedMeasure:
        return next(m for m in self.measures if m.id == measure_id)

    def period(self, period_id: str) -> Period | None:
        return next((p for p in self.periods if p.id == period_id), None)


class Delivered(Frozen):
    """What was delivered of one measure in the period, with the evidence for it."""

    measure: str = Field(min_length=1)
    quantity: Number = Field(ge=0)
    evidence: str = Field(default="", description="Where the evidence is (a reference the council can check).")


class SpendLine(Frozen):
    """The supplier's spend in the period with one supplier or subcontractor."""

    name: str = Field(min_length=1)
    postcode: str = Field(default="", description="The recipient's postcode (its outward code decides whether it is local).")
    sme: bool = False
    vcse: bool = False
    amount: Number = Field(ge=0, description="Pounds spent in the period.")


class KpiResult(Frozen):
    kpi: str = Field(min_length=1)
    value: Number
    comment: str = ""


class MonitoringReturn(Frozen):
    """A supplier's return for one period (read from a monitoring return workbook)."""

    contract: str = Field(min_length=1, description="The contract reference.")
    period: str = Field(min_length=1, description="The period id.")
    received: dt.date | None = Field(default=None, description="When the council received it.")
    delivered: tuple[Delivered, ...] = ()
    spend: tuple[SpendLine, ...] = ()
    kpis: tuple[KpiResult, ...] = ()
    source: str = Field(default="", description="The file it was read from.")
