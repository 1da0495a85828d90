"""Read a returned bid workbook against its template: identity, tampering, formulas, the bid's values.

The file has passed the package checks and been parsed (values) by the time it is read here; its
cells' own XML (:class:`~svscore.excel.cellxml.CellXml`) answers what the values cannot. Every
problem names the file, sheet and cell; nothing read is ever executed or followed.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from svscore.errors import Place, Problem, Severity, WorkbookError
from svscore.excel.cells import (
    Values,
    a1,
    as_date,
    as_text,
    as_yes_no,
    canonical,
    described,
    exact_number,
    is_blank,
    metadata,
    parse_number,
)
from svscore.excel.cellxml import CellXml
from svscore.excel.readers import reader_for
from svscore.fmt import LARGEST

if TYPE_CHECKING:
    from svscore.batch.spec import LotSpec

ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE


@dataclass
class BidReturn:
    """What a bid return workbook said, and everything wrong with it."""

    name: str
    problems: list[Problem] = field(default_factory=list)
    lot: str | None = None
    bid: dict[str, Any] | None = None
    """None when the workbook could not be read as a bid (the problems say why)."""

    def add(self, severity: Severity, where: Place | str, message: str) -> None:
        self.problems.append(Problem(where, message, severity))


def read_bid_return(values: Values, cells: CellXml, name: str, specs: Mapping[int, dict[str, LotSpec]]) -> BidReturn:
    """Read a parsed bid return workbook against the tender's templates (``specs``: each format
    version's, by lot), with the reader its format version has (:mod:`svscore.excel.readers`)."""
    result = BidReturn(name)
    meta = metadata(values)
    try:
        reader = reader_for(meta, name, "bid_return")
    except WorkbookError as exc:
        result.problems += exc.problems
        return result
    assert meta is not None  # reader_for refuses a workbook without metadata
    if reader.version not in specs:
        result.add(ERROR, name, f"template format version {reader.version} is not one this tender's templates were built in ({sorted(specs)})")
        return result
    reader.read(values, meta, cells, result, specs[reader.version])
    return result


def read_v1(values: Values, meta: dict[str, str], cells: CellXml, result: BidReturn, lot_specs: dict[str, LotSpec]) -> None:
    """Read a format version 1 bid return (its kind and version already checked) into ``result``."""
    name = result.name
    reference = next(iter(lot_specs.values())).tender_reference
    if meta.get("tender_reference") != reference:
        result.add(ERROR, name, f"made for tender {meta.get('tender_reference')!r}, not this tender ({reference!r})")
        return
    spec = lot_specs.get(meta.get("lot", ""))
    if spec is None:
        result.add(ERROR, name, f"made for lot {meta.get('lot')!r}, which this tender does not have")
        return
    result.lot = spec.lot_id
    missing_sheets = [s for s in spec.sheets if s not in values.sheets]
    if missing_sheets:
        result.add(ERROR, name, f"sheets missing or renamed: {', '.join(missing_sheets)}")
        return
    # Every sheet of the template: each one's values are read (answers, the identity) or compared
    # (protected labels, weights and proxy values), so a value Excel shows otherwise must not pass.
    if (misread := cells.misread_cell(spec.sheets)) is not None:
        result.add(ERROR, values.where(misread[0], misread[1]), misread[2])
        return
    _tampering(values, spec, result)
    _formulas(values, spec, cells, result)
    problems: list[Problem] = []
    notes: list[Problem] = []
    required_blank: list[tuple[str, str, str]] = []

    def text(sheet: str, addr: str, required: bool, what: str) -> str:
        v = values.get(sheet, addr)
        if is_blank(v) and required:
            required_blank.append((sheet, addr, what))
        return as_text(v)

    cover = {key: text("Cover", addr, req, key.replace("_", " ")) for key, addr, req in spec.cover}
    sme = as_yes_no(values.get("Cover", _cover(spec, "sme")), values.where("Cover", _cover(spec, "sme")), "SME", problems)
    vcse = as_yes_no(values.get("Cover", _cover(spec, "vcse")), values.where("Cover", _cover(spec, "vcse")), "VCSE", problems)
    price = Decimal(0)
    priced = True
    pricing = values.sheets.get("Pricing") or []
    for line_id, qty, rate_addr, _ in spec.lines:
        r, c = a1(rate_addr)
        v = pricing[r][c] if r < len(pricing) and c < len(pricing[r]) else ""
        if type(v) is float and 0 <= v < LARGEST:  # the usual case, checked without building messages
            price += qty * (Decimal(int(v)) if v.is_integer() else Decimal(repr(v)))  # exact_number(v), inline
            continue
        if is_blank(v):
            required_blank.append(("Pricing", rate_addr, f"the rate for line {line_id}"))
            priced = False
            continue
        rate = parse_number(v, values.where("Pricing", rate_addr), f"The rate for line {line_id}", problems, notes)
        if rate is None:
            priced = False
        elif rate < 0:
            problems.append(Problem(values.where("Pricing", rate_addr), f"The rate for line {line_id} is negative ({rate})"))
            priced = False
        else:
            price += qty * rate
    if priced and price >= LARGEST:
        problems.append(Problem(values.where("Pricing", spec.total_cell), f"The lines add up to {price:.3E}, far too large to be a real "
                                                                        f"price (svscore reads numbers smaller than {LARGEST:,}): check the rates"))
        priced = False
    if priced:
        _check_total(values, spec, price, result)
    commitments = []
    social_value = values.sheets.get("Social Value") or []
    blank_quantities: list[tuple[str, int, str]] = []
    for measure, _first_year_only, addrs in spec.measures:
        for year, addr in enumerate(addrs, start=1):
            r, c = a1(addr)
            v = social_value[r][c] if r < len(social_value) and c < len(social_value[r]) else ""
            if v == "":
                blank_quantities.append((measure, year, addr))
                continue
            if type(v) is float and 0 <= v < LARGEST:  # an ordinary quantity
                if v != 0:
                    commitments.append({"measure": measure, "quantity": exact_number(v), "year": year})
                continue
            q = parse_number(values.get("Social Value", addr), values.where("Social Value", addr), f"The quantity of {measure} in year {year}", problems, notes)
            if q is None or q == 0:
                continue
            if q < 0:
                problems.append(Problem(values.where("Social Value", addr), f"The quantity of {measure} in year {year} is negative ({q})"))
                continue
            commitments.append({"measure": measure, "quantity": q, "year": year})
    # A quantity whose formula gives an error value reads as blank: it must not vanish unnoticed.
    errors = cells.error_cells("Social Value") if blank_quantities else {}
    for measure, year, addr in blank_quantities if errors else ():
        if addr in errors:
            problems.append(Problem(values.where("Social Value", addr), f"The quantity of {measure} in year {year} holds the error "
                                                                      f"value {errors[addr]}: correct the cell, save the workbook and send it again"))
    for cid, addr in spec.responses:
        text("Quality", addr, True, f"the response to {cid}")
    for n, addr in enumerate(spec.declarations, start=1):
        answer = as_yes_no(values.get("Declarations", addr), values.where("Declarations", addr), f"Declaration {n}", problems)
        if answer is None:
            required_blank.append(("Declarations", addr, f"the answer to declaration {n}"))
        elif answer is False:
            result.add(WARNING, values.where("Declarations", addr), f"the bidder answered No to declaration {n}")
    signer, position, date = spec.signature
    text("Declarations", signer, True, "the name of the person signing")
    text("Declarations", position, True, "the signer's position")
    if is_blank(values.get("Declarations", date)):
        required_blank.append(("Declarations", date, "the date signed"))
    else:
        as_date(values.get("Declarations", date), values.where("Declarations", date), "The date signed", problems)
    for sheet, addr, what in required_blank:
        why = cells.why_blank(sheet, addr)
        result.add(ERROR, values.where(sheet, addr), f"{what[:1].upper()}{what[1:]} {why}" if why else f"required: {what} is empty")
    result.problems += problems
    result.problems += [replace(p, severity=NOTE) for p in notes]
    result.bid = {
        "bidder": cover.get("bidder") or "", "bidder_id": cover.get("bidder_id") or "", "sme": bool(sme), "vcse": bool(vcse),
        "contact": cover.get("contact", ""), "email": cover.get("email", ""), "address": cover.get("address", ""),
        "postal_address": cover.get("postal_address", ""), "unique_identifier": cover.get("unique_identifier", ""),
        "price": price if priced else None, "commitments": commitments, "lot": spec.lot_id,
        "cover_cells": _cover_cells(spec, contact_field(cover)),
    }


def read_v2(values: Values, meta: dict[str, str], cells: CellXml, result: BidReturn, lot_specs: dict[str, LotSpec]) -> None:
    """Read a format version 2 bid return: version 1's sheets with the Cover's postal address for
    correspondence and unique identifier below the registered address. Every difference between the
    versions is in their read specifications (each version's own template, built fresh), so the
    reading itself is version 1's."""
    read_v1(values, meta, cells, result, lot_specs)


def contact_field(cover: Mapping[str, Any]) -> str:
    """Which of a returned workbook's Cover answers is the supplier's contact postal address: the
    postal address for correspondence where the bidder gave one (a version 2 Cover), else the
    registered address. The one rule for the address and for the cell it is read from."""
    return "postal_address" if str(cover.get("postal_address") or "").strip() else "address"


def _cover_cells(spec: LotSpec, contact: str) -> dict[str, str]:
    """Where the Cover gives each answer, and (``contact_address``) the cell of the supplier's
    contact postal address (``contact``: :func:`contact_field`)."""
    cells = {key: addr for key, addr, _ in spec.cover}
    cells["contact_address"] = cells[contact]
    return cells


def _cover(spec: LotSpec, key: str) -> str:
    return next(addr for k, addr, _ in spec.cover if k == key)


def _tampering(values: Values, spec: LotSpec, result: BidReturn) -> None:
    changed = []
    for sheet, blocks in spec.protected_at:
        rows = values.sheets.get(sheet) or []
        for block in blocks:
            try:  # the usual case: the block's rows as written, compared at once
                if list(map(_picker(block.columns), rows[block.first:block.first + len(block.rows)])) == block.as_read:
                    continue
            except IndexError:  # a row ends before a protected cell
                pass
            for p in block.rows:  # compared cell by cell, to say which changed
                row = rows[p.row] if p.row < len(rows) else ()
                for c, addr, expected in zip(p.columns, p.addresses, p.values, strict=True):
                    got = row[c] if c < len(row) else ""
                    if got == expected:  # equal raw values are equal canonical ones
                        continue
                    got = None if got == "" else canonical(got)
                    if got != expected:
                        changed.append((sheet, addr, expected, got))
    for sheet, addr, expected, got in changed[:20]:
        result.add(ERROR, values.where(sheet, addr), f"protected cell changed: was {_was(expected)}, now {_was(got)}")
    if len(changed) > 20:
        result.add(ERROR, result.name, f"{len(changed) - 20} more protected cells changed")


def _formulas(values: Values, spec: LotSpec, cells: CellXml, result: BidReturn) -> None:
    """Report every input cell holding a formula (its value is Excel's last calculation, which may
    be out of date) and every protected cell turned into one (tampering, even with its value unchanged).
    The template puts no formula in either, so any found there was put by the bidder."""
    for sheet, inputs, protected, watched in spec.formulas_watched:
        found = cells.formula_cells(sheet, watched)
        for addr, formula in found.items():
            shown = f"={formula}" if formula else "a formula shared with the cells beside it"
            if addr in protected:
                result.add(ERROR, values.where(sheet, addr), f"protected cell changed: it now holds a formula ({shown}), "
                                                             "even if its value looks the same")
            elif addr in inputs:
                v = values.get(sheet, addr)
                used = "nothing (it was never calculated)" if is_blank(v) else described(v)
                result.add(WARNING, values.where(sheet, addr), f"the cell holds a formula ({shown}); the value used is {used}, "
                                                               "Excel's last calculation, which may be out of date: check it, or ask the "
                                                               "bidder to type the value itself")


@functools.lru_cache(maxsize=1024)
def _picker(columns: tuple[int, ...]) -> operator.itemgetter:
    return operator.itemgetter(*columns)


def _check_total(values: Values, spec: LotSpec, price: Decimal, result: BidReturn) -> None:
    shown = values.get("Pricing", spec.total_cell)
    where = values.where("Pricing", spec.total_cell)
    if is_blank(shown):
        result.add(NOTE, where, "the total price formula has no calculated value (the file was not saved by Excel); "
                                "svscore calculated the total from the rates")
        return
    if isinstance(shown, bool) or not isinstance(shown, int | float) or abs(Decimal(repr(float(shown))) - price) > Decimal("0.005"):
        amount = f"£{shown:,.2f}" if isinstance(shown, int | float) and not isinstance(shown, bool) and abs(shown) < LARGEST else described(shown)
        result.add(ERROR, where, f"the workbook shows a total of {amount}, but its lines add up to £{price:,.2f}: "
                                 "the total formula was altered")


def _was(v: Any) -> str:
    """A protected cell's value in a message: empty, a number as typed, or quoted text."""
    if v is None:
        return "empty"
    return repr(v) if isinstance(v, str) else described(v).removeprefix("the number ")

