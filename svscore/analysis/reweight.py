"""A tender with other weights: a new tender, checked as any tender is, the original untouched."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from svscore.errors import SvscoreError
from svscore.model.tender import Tender, WeightingMode
from svscore.rules.checks import check_tender, require_no_errors

Weight = int | float | Decimal | Fraction | str


def _decimal(criterion: str, value: Weight) -> Decimal:
    if isinstance(value, bool):
        raise SvscoreError(f"The weight of {criterion} must be a number, not {value!r}.")
    try:
        if isinstance(value, Fraction):
            exact = Decimal(value.numerator) / Decimal(value.denominator)
            if Fraction(exact) != value:
                raise SvscoreError(f"The weight of {criterion}, {value}, has no exact decimal form: give it as a decimal.")
            return exact
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError:
        raise SvscoreError(f"The weight of {criterion} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise SvscoreError(f"The weight of {criterion} must be a finite number, not {value!r}.")
    return number


def _scale(nodes: list[dict[str, Any]], ratio: Fraction, weights: dict[str, Decimal]) -> None:
    """Marks mode: a group's children carry its marks between them, so they scale with it (a
    child given its own weight keeps it)."""
    for node in nodes:
        if node.get("weight") is not None and node["id"] not in weights:
            scaled = Fraction(node["weight"]) * ratio
            exact = Decimal(scaled.numerator) / Decimal(scaled.denominator)
            if Fraction(exact) != scaled:
                raise SvscoreError(f"In marks, {node['id']}'s {node['weight']} marks scaled with its group would be {float(scaled):.6g}, "
                                   "which has no exact decimal form: give its marks too.")
            node["weight"] = exact
        _scale(node.get("children", []), ratio, weights)


def _reweigh(nodes: list[dict[str, Any]], weights: dict[str, Decimal], used: set[str], marks: bool) -> None:
    for node in nodes:
        if node["id"] in weights:
            old = node.get("weight")
            node["weight"] = weights[node["id"]]
            used.add(node["id"])
            if marks and old:
                _scale(node.get("children", []), Fraction(weights[node["id"]]) / Fraction(old), weights)
        _reweigh(node.get("children", []), weights, used, marks)


def with_weights(tender: Tender, weights: Mapping[str, Weight], *, lot: str | None = None) -> Tender:
    """``tender`` with the criteria named in ``weights`` (criterion id → weight, as the tender file
    gives weights: percent of the parent, or marks) re-weighted, in every lot or in ``lot`` only.

    The result is a new tender, validated and checked as a tender file is (an error such as
    siblings no longer summing to 100 is raised, naming it); ``tender`` itself is not changed.
    A float is taken as the decimal it prints as (``0.1`` is 0.1, not the nearest binary fraction).
    In marks mode a group's sub-criteria carry its marks between them, so they are scaled with it
    (unless given their own); a scaled mark with no exact decimal form is refused, naming it.
    """
    wanted = {cid: _decimal(cid, w) for cid, w in weights.items()}
    data = tender.model_dump(mode="python", exclude_unset=True)  # as given: a field given empty stays given
    lots = data.get("lots") or None
    if lot is not None and not (lots and any(x["id"] == lot for x in lots)) and not (lots is None and lot == "1"):
        raise SvscoreError(f"The tender has no lot {lot!r}.")
    used: set[str] = set()
    marks = tender.weighting is WeightingMode.MARKS
    if lots is None:
        _reweigh(data["criteria"], wanted, used, marks)
    else:
        for x in lots:
            if lot is None or x["id"] == lot:
                _reweigh(x["criteria"], wanted, used, marks)
    unknown = [cid for cid in wanted if cid not in used]
    if unknown:
        raise SvscoreError(f"No criterion {', '.join(map(repr, unknown))} in the tender"
                           + (f"'s lot {lot}" if lot else "") + ": weights are given by criterion id.")
    new = Tender.model_validate(data).read_from(tender.source_dir)
    require_no_errors(check_tender(new, measures_supplied=True), "the re-weighted tender cannot be scored")
    return new
