"""Quantitative social value: commitments valued with the council's measures table, then scored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from svscore.fmt import money, number, percent, points
from svscore.model.bids import Commitment
from svscore.model.measures import Measure
from svscore.model.tender import SocialValueMethod


@dataclass(frozen=True)
class ValuedCommitment:
    commitment: Commitment
    measure: Measure
    value: Fraction
    explanation: str


def commitment_problem(c: Commitment) -> str | None:
    """Why a commitment cannot be valued (a negative quantity, a deliverability outside 0-100%), or
    None: the one rule the engine and the Excel function SV_SOCIALVALUE both apply."""
    if c.quantity < 0:
        return f"has a negative quantity {number(c.quantity)}"
    if not (0 <= c.deliverability_percent <= 100):
        return f"has deliverability {number(c.deliverability_percent)}%; it must be 0-100%"
    return None


def value_commitment(c: Commitment, m: Measure) -> ValuedCommitment:
    """£ value of one commitment: quantity × proxy value × deliverability."""
    value, text = _valued(m.id, m.unit, m.proxy_value, m.first_year_only, c.quantity, c.year, c.deliverability_percent, c.note)
    return ValuedCommitment(c, m, value, text)


@lru_cache(maxsize=4096)  # the recurring commitments are a few hundred; a note makes one a bid's own, so not one a bid is kept
def _valued(measure: str, unit: str, proxy_value: Decimal, first_year_only: bool, quantity: Decimal, year: int | None,
            deliverability_percent: Decimal, note: str) -> tuple[Fraction, str]:
    """The value and explanation of a commitment, from plain fields: the same quantities of the
    same measures recur across a batch's bids, so each distinct one is worked out once."""
    if first_year_only and year is not None and year > 1:
        return Fraction(0), f"{measure} counts only in the first contract year, so year {year}'s {number(quantity)} {unit} count for £0."
    factor = Fraction(deliverability_percent) / 100
    gross = Fraction(quantity) * Fraction(proxy_value)
    value = gross * factor
    where = f" in year {year}" if year else ""
    text = f"{number(quantity)} {unit} of {measure}{where} × {money(proxy_value)} = {money(gross)}"
    if factor != 1:
        why = f" ({note})" if note else ""
        text += f", × {percent(deliverability_percent)} deliverability judged by evaluators{why} = {money(value)}"
    return value, text


def score_values(method: SocialValueMethod, values: Sequence[Fraction], max_points: Fraction,
                 contract_values: Sequence[Fraction] | None = None,
                 target_pence_per_pound: Fraction | None = None) -> list[tuple[Fraction, str]]:
    """Points for each bid's total £ social value, with the formula used."""
    out = []
    mx = points(max_points)
    if method is SocialValueMethod.RELATIVE_TO_HIGHEST:
        highest = max(values, default=Fraction(0))
        for v in values:
            if highest <= 0:
                out.append((Fraction(0), "no bid offered any valued commitment, so every bid scores 0"))
            else:
                out.append((max_points * v / highest, f"{mx} × {money(v)} ÷ {money(highest)} (highest offer)"))
        return out
    if target_pence_per_pound is None or target_pence_per_pound <= 0 or contract_values is None:
        raise ValueError("target_ratio needs a positive target and each bid's contract value")
    target = target_pence_per_pound / 100
    for v, cv in zip(values, contract_values, strict=True):
        ratio = v / cv if cv > 0 else Fraction(0)
        pts = min(max_points, max_points * ratio / target)
        out.append((pts, f"{money(v)} ÷ {money(cv)} = {number(ratio * 100)}p per £1 against a target of "
                         f"{number(target_pence_per_pound)}p: {mx} × {number(ratio * 100)} ÷ {number(target_pence_per_pound)}, at most {mx}"))
    return out
