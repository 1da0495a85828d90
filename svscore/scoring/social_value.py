"""Quantitative social value: commitments valued with the council's measures table, then scored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

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


def value_commitment(c: Commitment, m: Measure) -> ValuedCommitment:
    """£ value of one commitment: quantity × proxy value × deliverability."""
    if m.first_year_only and c.year is not None and c.year > 1:
        return ValuedCommitment(c, m, Fraction(0),
                                f"{m.id} counts only in the first contract year, so year {c.year}'s {number(c.quantity)} {m.unit} count for £0.")
    factor = Fraction(c.deliverability_percent) / 100
    value = Fraction(c.quantity) * Fraction(m.proxy_value) * factor
    year = f" in year {c.year}" if c.year else ""
    text = f"{number(c.quantity)} {m.unit} of {m.id}{year} × {money(m.proxy_value)} = {money(Fraction(c.quantity) * Fraction(m.proxy_value))}"
    if factor != 1:
        why = f" ({c.note})" if c.note else ""
        text += f", × {percent(c.deliverability_percent)} deliverability judged by evaluators{why} = {money(value)}"
    return ValuedCommitment(c, m, value, text)


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
