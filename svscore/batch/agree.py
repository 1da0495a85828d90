"""Where the evaluation workbook (or a bids file) and a returned workbook both give a fact about a bid, do they agree?

An officer may type a bid's price, SME/VCSE status, name or social value commitments into the
evaluation workbook's Bidders, Prices and Social Value sheets as well as receive them in the
bidder's returned workbook; a bids file given to ``svscore award`` beside a batch's results may
give the supplier's contact postal and email address and unique identifier that the returned workbook's
Cover gives.
When both are given and differ, the batch uses the returned workbook (the bidder's own offer,
whose SHA-256 the manifest records) and reports every difference as an error, so the run does not
pass (exit 1) until the officer corrects one side.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from svscore.excel.read_bid_return import contact_field
from svscore.fmt import money, number
from svscore.model.bids import Bid
from svscore.model.identity import same_name

USED = "the returned workbook's is used (it is the bidder's own offer); correct {source}, or the bid, and re-run"


def contact_address(returned: dict[str, Any]) -> str:
    """The supplier's contact postal address a returned workbook gives (:func:`contact_field`)."""
    return str(returned.get(contact_field(returned)) or "").strip()


CONTACT: tuple[tuple[str, Callable[[dict[str, Any]], str], str], ...] = (
    ("postal_address", contact_address, "contact postal address"),
    ("email", lambda r: str(r.get("email") or "").strip(), "contact email address"),
    ("unique_identifier", lambda r: str(r.get("unique_identifier") or "").strip(), "unique identifier"),
)
"""(the bid's field, what the returned workbook gives for it, what it is called): the Cover's contact details and identifier."""


def same_text(a: str, b: str) -> bool:
    """Two addresses or emails alike but for case, spacing and commas between the lines of an address."""
    def plain(t: str) -> str:
        return " ".join(t.replace(",", " ").split()).casefold()
    return plain(a) == plain(b)


def _rows(items: Any) -> list[tuple[str, Decimal, int | None]]:
    """Commitments (a returned workbook's dicts, or a bid's models) as (measure, quantity, year)."""
    rows = [c if isinstance(c, dict) else {k: getattr(c, k) for k in ("measure", "quantity", "year")} for c in items]
    return [(str(c["measure"]), Decimal(str(c["quantity"])), None if c.get("year") is None else int(c["year"])) for c in rows]


def _by_year(items: Any, first_year_only: frozenset[str] = frozenset()) -> dict[tuple[str, int], Decimal]:
    """Each measure and contract year's quantity (zero where none is given); a first-year-only
    measure's later years count for nothing, so they are not compared."""
    out: dict[tuple[str, int], Decimal] = {}
    for measure, quantity, year in _rows(items):
        if measure in first_year_only and year is not None and year > 1:
            continue
        out[(measure, year or 1)] = out.get((measure, year or 1), Decimal(0)) + quantity
    return {k: v for k, v in out.items() if v}


def _over_contract(items: Any, first_year_only: frozenset[str]) -> dict[str, Decimal]:
    """Each measure's quantity over the contract, as it counts (a first-year-only measure: year 1)."""
    out: dict[str, Decimal] = {}
    for measure, quantity, year in _rows(items):
        if measure in first_year_only and year is not None and year > 1:
            continue
        out[measure] = out.get(measure, Decimal(0)) + quantity
    return {k: v for k, v in out.items() if v}


def _commitments_differ(returned: Any, recorded: Any, first_year_only: frozenset[str], source: str) -> list[str]:
    """Each measure (and year) whose quantity differs, as "EX-LOCAL-FTE in year 2: 10 here, 12 there".
    An evaluation workbook of format version 3 or later gives quantities by contract year, as the
    returned workbook does; an earlier one, over the contract, so those are compared."""
    ours: dict[Any, Decimal]
    theirs: dict[Any, Decimal]
    where: dict[Any, str]
    if any(year is None for _, _, year in _rows(recorded)):
        ours, theirs = _over_contract(recorded, first_year_only), _over_contract(returned, first_year_only)
        where = {k: f"{k} over the contract" for k in ours.keys() | theirs.keys()}
    else:
        ours, theirs = _by_year(recorded, first_year_only), _by_year(returned, first_year_only)
        where = {k: f"{k[0]} in year {k[1]}" for k in ours.keys() | theirs.keys()}
    return [f"{where[k]}: {number(ours.get(k, Decimal(0)), 10)} in {source}, "
            f"{number(theirs.get(k, Decimal(0)), 10)} in the returned workbook"
            for k in sorted(where, key=str) if ours.get(k, Decimal(0)) != theirs.get(k, Decimal(0))]


def disagreements(returned: dict[str, Any], recorded: Bid, source: str = "the evaluation workbook", *,
                  first_year_only: frozenset[str] = frozenset()) -> list[str]:
    """Each fact ``source`` (the evaluation workbook, or a bids file) records for this bid differently
    from its returned workbook, in words naming both values. A fact ``source`` leaves blank is not
    compared. ``first_year_only``: the measures that count in the first contract year only."""
    out: list[str] = []
    who = returned.get("bidder") or returned.get("bidder_id") or "this bid"
    if recorded.bidder and not same_name(recorded.bidder, returned.get("bidder") or ""):
        out.append(f"{source} names {recorded.bidder!r}, the returned workbook {returned.get('bidder')!r}")
    if recorded.price is not None and returned.get("price") is not None \
            and Decimal(str(recorded.price)) != Decimal(str(returned["price"])):
        out.append(f"{source}'s price for {who} is {money(recorded.price)}, "
                   f"the returned workbook's is {money(returned['price'])}")
    for fact, label in (("sme", "SME"), ("vcse", "VCSE")):
        # The evaluation workbook's reader gives a blank SME/VCSE cell as "no", so only its "yes" is
        # known to be an answer: a "yes" there against a "no" in the returned workbook is reported.
        if getattr(recorded, fact) and returned.get(fact) is False:
            out.append(f"{source} says {who} is an {label}, the returned workbook says it is not")
    differ = _commitments_differ(returned.get("commitments") or (), recorded.commitments, first_year_only, source) \
        if recorded.commitments else []
    if differ:
        out.append(f"{source}'s social value commitments for {who} are not those of the returned workbook "
                   f"({'; '.join(differ)})")
    for field, given, label in CONTACT:
        theirs, ours = (getattr(recorded, field) or "").strip(), given(returned)
        if theirs and ours and not same_text(theirs, ours):
            out.append(f"{source}'s {label} for {who} is {theirs!r}, the returned workbook's Cover gives {ours!r}")
    return [f"{d}: {USED.format(source=source)}" for d in out]
