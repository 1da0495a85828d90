"""The contract record, made at award from the winning bid and the measures table used to score it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from svscore.errors import SvscoreError
from svscore.model.bids import BidsFile
from svscore.model.contract import (
    ContractRecord,
    Kpi,
    MeasuresSource,
    Period,
    PinnedMeasure,
    PromisedCommitment,
    Supplier,
)
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Tender
from svscore.scoring.result import TenderResult

DUE_DAYS = 30
"""Default: a period's return is due this many days after the period ends (the council may set its own)."""


def annual_periods(start: dt.date, years: int, due_days: int = DUE_DAYS) -> tuple[Period, ...]:
    """One reporting period per contract year from ``start`` (PA 2023 s.71: at least every 12 months)."""
    out = []
    for y in range(1, years + 1):
        first = _add_years(start, y - 1)
        last = _add_years(start, y) - dt.timedelta(days=1)
        out.append(Period(id=f"Y{y}", year=y, start=first, end=last, due=last + dt.timedelta(days=due_days)))
    return tuple(out)


def quarterly_periods(start: dt.date, years: int, due_days: int = DUE_DAYS) -> tuple[Period, ...]:
    """Four reporting periods a contract year from ``start`` (Y1Q1 ... ), each due ``due_days`` after it ends."""
    out = []
    for y in range(1, years + 1):
        for q in range(4):
            first = _add_months(start, 12 * (y - 1) + 3 * q)
            last = _add_months(start, 12 * (y - 1) + 3 * (q + 1)) - dt.timedelta(days=1)
            out.append(Period(id=f"Y{y}Q{q + 1}", year=y, start=first, end=last, due=last + dt.timedelta(days=due_days)))
    return tuple(out)


def _add_years(day: dt.date, years: int) -> dt.date:
    return _add_months(day, 12 * years)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later; the month's last day where it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=day.year + year, month=month + 1, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def contract_record(tender: Tender, result: TenderResult, bids: BidsFile, measures: MeasuresTable | None,
                    measures_file: Path | None, *, start: dt.date, lot: str | None = None, years: int | None = None,
                    kpis: Sequence[Kpi] = (), periods: Sequence[Period] | None = None) -> ContractRecord:
    """The record of the contract awarded on ``lot`` (the only lot when not given) to its single
    winner: its commitments with the measures valued as at award, the KPIs and the reporting periods
    (annual from ``start`` unless given). A lot without a single winner has no contract to record."""
    lots = {x.lot_id: x for x in result.lots}
    if lot is None and len(lots) != 1:
        raise SvscoreError(f"The tender has {len(lots)} lots: say which lot's contract to record ({', '.join(lots)}).")
    lot_result = lots.get(lot) if lot is not None else next(iter(lots.values()))
    if lot_result is None:
        raise SvscoreError(f"The tender has no lot {lot!r}.")
    winners = lot_result.winners()
    if len(winners) != 1:
        raise SvscoreError(f"Lot {lot_result.lot_id} has no single winner ({'a tie not broken' if winners else 'no bid ranked'}): "
                           "there is no contract to record until the award is decided.")
    winner = winners[0]
    bid = next(b for b in bids.bids if b.bidder_id == winner.bidder_id and (b.lot or lot_result.lot_id) == lot_result.lot_id)
    years = years or tender.contract.contract_years
    if years is None:
        raise SvscoreError("The contract's length is not known: give years, or contract.contract_years in the tender.")
    table = measures.by_id() if measures else {}
    missing = sorted({c.measure for c in bid.commitments} - set(table))
    if missing:
        raise SvscoreError(f"The winning bid commits to {', '.join(missing)}, which the measures table does not have.")
    pinned = tuple(PinnedMeasure(id=m.id, description=m.description, unit=m.unit, proxy_value=m.proxy_value)
                   for mid in dict.fromkeys(c.measure for c in bid.commitments) for m in (table[mid],))
    source = None
    if measures is not None and measures_file is not None:
        source = MeasuresSource(title=measures.title, sha256=hashlib.sha256(Path(measures_file).read_bytes()).hexdigest(),
                                illustrative=measures.illustrative)
    assert bid.price is not None  # a ranked bid has a price
    return ContractRecord(
        reference=tender.reference if len(lots) == 1 else f"{tender.reference}/{lot_result.lot_id}",
        tender_reference=tender.reference, title=lot_result.title or tender.title, lot=lot_result.lot_id,
        authority=tender.authority.name,
        supplier=Supplier(bidder_id=winner.bidder_id, name=winner.bidder, sme=winner.sme, vcse=winner.vcse),
        value=bid.price,
        start=start, years=years, measures_table=source, measures=pinned,
        commitments=tuple(PromisedCommitment(measure=c.measure, quantity=c.quantity, year=c.year) for c in bid.commitments),
        kpis=tuple(kpis), periods=tuple(periods) if periods is not None else annual_periods(start, years),
    )

