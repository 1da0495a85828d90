"""What to read from a returned bid workbook, and what its protected cells must hold.

Built from the tender (never from a returned file, which a bidder controls): the current format
version's once in the parent process, handed to the worker processes as plain, picklable data; an
earlier version's, from the same tender, by a worker given a return of that version.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from svscore.excel.cells import a1

if TYPE_CHECKING:  # the worker processes import this module: keep it free of the models
    from svscore.model.measures import MeasuresTable
    from svscore.model.tender import Tender


@dataclass(frozen=True)
class Limits:
    """What one returned file may cost before it is refused."""

    max_file_bytes: int = 25 * 1024 * 1024
    max_members: int = 400
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 200
    """Largest compression ratio of a member over 1 MiB uncompressed (XML compresses ~10-20×)."""
    seconds: float = 30.0
    memory_mb: int = 1536


@dataclass(frozen=True)
class LotSpec:
    format_version: int
    tender_reference: str
    lot_id: str
    sheets: tuple[str, ...]
    cover: tuple[tuple[str, str, bool], ...]
    """(key, address on Cover, required)."""
    lines: tuple[tuple[str, Decimal, str, str], ...]
    """(line id, quantity, rate address, line-total address) on Pricing."""
    total_cell: str
    measures: tuple[tuple[str, bool, tuple[str, ...]], ...]
    """(measure id, first year only, quantity address per contract year) on Social Value."""
    responses: tuple[tuple[str, str], ...]
    """(criterion id, address on Quality)."""
    declarations: tuple[str, ...]
    signature: tuple[str, str, str]
    protected_at: tuple[tuple[str, tuple[ProtectedBlock, ...]], ...]
    """The locked constants svscore wrote, by sheet, in blocks of rows: the form the tamper check walks for every file."""
    @functools.cached_property
    def formulas_watched(self) -> tuple[tuple[str, frozenset[str], frozenset[str], frozenset[str]], ...]:
        """(sheet, its input cells, its protected cells, both) of each sheet searched for formulas a
        bidder put in (the template puts none in either): worked out once, not for every file."""
        inputs = {
            "Cover": frozenset(addr for _, addr, _ in self.cover),
            "Pricing": frozenset(rate for _, _, rate, _ in self.lines),
            "Social Value": frozenset(addr for _, _, addrs in self.measures for addr in addrs),
            "Quality": frozenset(addr for _, addr in self.responses),
            "Declarations": frozenset({*self.declarations, *self.signature}),
        }
        protected = {sheet: frozenset(a for b in blocks for p in b.rows for a in p.addresses) for sheet, blocks in self.protected_at}
        return tuple((sheet, inputs.get(sheet, frozenset()), protected.get(sheet, frozenset()),
                      inputs.get(sheet, frozenset()) | protected.get(sheet, frozenset()))
                     for sheet in dict.fromkeys([*inputs, *protected]))


@dataclass(frozen=True)
class ProtectedRow:
    """The protected cells of one row of a sheet: zero-based row, columns, addresses, and values."""

    row: int
    columns: tuple[int, ...]
    addresses: tuple[str, ...]
    values: tuple[Any, ...]
    """As :func:`svscore.excel.cells.canonical` gives them: None for a cell that must be empty."""
    as_read: Any
    """The values as the reader gives an unaltered row (an empty cell as ''), in the form
    ``operator.itemgetter(*columns)`` picks them out: one value for one column, else a tuple."""


@dataclass(frozen=True)
class ProtectedBlock:
    """Consecutive rows with their protected cells in the same columns (a pricing schedule's lines):
    an unaltered block is recognised with one comparison."""

    first: int
    """The zero-based row of the first."""
    columns: tuple[int, ...]
    rows: tuple[ProtectedRow, ...]
    as_read: list[Any]
    """Each row's ``as_read``."""


def by_position(protected: dict[str, Any]) -> tuple[tuple[str, tuple[ProtectedBlock, ...]], ...]:
    """Protected cells ('Sheet!A1' -> value) grouped by sheet, then in blocks of rows, with zero-based positions."""
    by_row: dict[str, dict[int, list[tuple[int, str, Any]]]] = {}
    for key, expected in protected.items():
        sheet, addr = key.split("!")
        r, c = a1(addr)
        by_row.setdefault(sheet, {}).setdefault(r, []).append((c, addr, expected))
    out = []
    for sheet, rows in by_row.items():
        blocks: list[list[ProtectedRow]] = []
        for r, cells in sorted(rows.items()):
            cells.sort(key=lambda cell: cell[0])
            read = tuple("" if v is None else v for _, _, v in cells)
            row = ProtectedRow(r, tuple(c for c, _, _ in cells), tuple(a for _, a, _ in cells), tuple(v for _, _, v in cells),
                               read[0] if len(read) == 1 else read)
            if blocks and blocks[-1][-1].row == r - 1 and blocks[-1][-1].columns == row.columns:
                blocks[-1].append(row)
            else:
                blocks.append([row])
        out.append((sheet, tuple(ProtectedBlock(b[0].row, b[0].columns, tuple(b), [p.as_read for p in b]) for b in blocks)))
    return tuple(out)


def lot_specs(tender: Tender, measures: MeasuresTable | None, format_version: int | None = None) -> dict[str, LotSpec]:
    """The read specification of each lot's bid return workbook, at ``format_version`` (the current one
    unless given): a return is checked against a fresh build of its own version's template."""
    from svscore.excel.bid_return import BID_RETURN_FORMAT_VERSION, BidReturnLayout, build_bid_return
    from svscore.excel.cells import canonical
    from svscore.excel.workbook import protected_cells

    version = BID_RETURN_FORMAT_VERSION if format_version is None else format_version
    out = {}
    for i, lot in enumerate(tender.all_lots()):
        wb = build_bid_return(tender, i, measures, version)
        lay = BidReturnLayout(tender, i, measures, version)
        out[lot.id] = LotSpec(
            format_version=version,
            tender_reference=tender.reference,
            lot_id=lot.id,
            sheets=tuple(ws.title for ws in wb.worksheets),
            cover=tuple((key, lay.cover_cell(key), required) for key, _, required, _ in lay.cover),
            lines=tuple((line.id, line.quantity, lay.rate_cell(n), lay.line_total_cell(n))
                        for n, line in enumerate(lay.lines)),
            total_cell=lay.total_price_cell,
            measures=tuple((m.id, m.first_year_only, tuple(lay.qty_cell(k, y) for y in range(lay.years)))
                           for k, m in enumerate(measures.measures)) if lay.has_sv and measures else (),
            responses=tuple((cid, lay.response_cell(n)) for n, (cid, *_) in enumerate(lay.quality)),
            declarations=lay.declaration_cells,
            signature=lay.signed_by_cells,
            protected_at=by_position({k: canonical(v) for k, v in protected_cells(wb).items()}),
        )
    return out


def read_specs(tender: Tender, measures: MeasuresTable | None) -> ReadSpecs:
    """Every bid return format version's read specifications, by version then lot: what a batch reads
    returns with, so a return filled in from a template issued before the format changed still reads.
    The current version's are built now; an earlier version's when a return of it is first read."""
    from svscore.excel.bid_return import BID_RETURN_FORMAT_VERSION
    from svscore.excel.readers import versions

    return ReadSpecs(tender, measures, tuple(versions("bid_return")), {BID_RETURN_FORMAT_VERSION: lot_specs(tender, measures)})


class ReadSpecs(Mapping[int, dict[str, LotSpec]]):
    """The read specifications of each format version a batch reads, by version then lot. Almost
    every return is of the current version, so only its specifications are built at first: an
    earlier version's are built from the same tender and measures table when a return of that
    version is first read (in the worker reading it), and kept. Sent to the workers with the tender
    and measures table pickled, so a worker unpickles them (importing the models) only if it has to
    build an earlier version's."""

    def __init__(self, tender: Tender, measures: MeasuresTable | None, versions: tuple[int, ...],
                 built: dict[int, dict[str, LotSpec]]):
        self.versions = versions
        self.built = dict(built)
        self._source: tuple[Tender, MeasuresTable | None] | None = (tender, measures)
        self._pickled: bytes | None = None

    def __getitem__(self, version: int) -> dict[str, LotSpec]:
        if version not in self.versions:
            raise KeyError(version)
        if version not in self.built:
            if self._source is None:
                assert self._pickled is not None  # one or the other is always kept
                self._source = pickle.loads(self._pickled)
            tender, measures = self._source
            self.built[version] = lot_specs(tender, measures, version)
        return self.built[version]

    def __contains__(self, version: object) -> bool:
        return version in self.versions

    def __iter__(self) -> Iterator[int]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    def __getstate__(self) -> dict[str, Any]:
        if self._pickled is None:
            self._pickled = pickle.dumps(self._source)
        return {"versions": self.versions, "built": self.built, "_source": None, "_pickled": self._pickled}
