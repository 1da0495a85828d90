"""Price methods: each a pure function from prices to points, with the formula it applied.

All arithmetic is exact (``Fraction``). Prices must be positive; callers remove zero and
negative prices (an error for that bid) and disqualified bids before calling.

| method                            | points                                   |
|-----------------------------------|------------------------------------------|
| relative_to_lowest                | max × lowest ÷ price                     |
| deviation_from_lowest             | max × (1 − (price − lowest) ÷ lowest), never below 0 |
| pro_rata_to_qualification_price   | max × (Q − price) ÷ (Q − lowest), within 0..max |
| linear_lowest_to_highest          | max × (highest − price) ÷ (highest − lowest) |
| price_per_quality_point           | price ÷ quality points; lowest wins (no price points) |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from svscore.fmt import money, points
from svscore.model.tender import PriceMethod


@dataclass(frozen=True)
class PricePoints:
    points: Fraction
    formula: str


def relative_to_lowest(price: Fraction, lowest: Fraction, max_points: Fraction) -> Fraction:
    return max_points * lowest / price


def deviation_from_lowest(price: Fraction, lowest: Fraction, max_points: Fraction) -> Fraction:
    return max(Fraction(0), max_points * (1 - (price - lowest) / lowest))


def pro_rata_to_qualification_price(price: Fraction, lowest: Fraction, qualification: Fraction,
                                    max_points: Fraction) -> Fraction:
    if price >= qualification:
        return Fraction(0)
    if qualification == lowest:  # pragma: no cover - lowest < qualification whenever price < qualification
        return max_points
    return min(max_points, max_points * (qualification - price) / (qualification - lowest))


def linear_lowest_to_highest(price: Fraction, lowest: Fraction, highest: Fraction, max_points: Fraction) -> Fraction:
    if highest == lowest:
        return max_points
    return max_points * (highest - price) / (highest - lowest)


def price_per_quality_point(price: Fraction, quality_points: Fraction) -> Fraction | None:
    """Pounds per quality point; None when the bid has no quality points to divide by."""
    return None if quality_points <= 0 else price / quality_points


def score_prices(method: PriceMethod, prices: Sequence[Fraction], max_points: Fraction,
                 qualification_price: Fraction | None = None) -> list[PricePoints]:
    """Points for each price (all positive, all in the competition), with the formula used."""
    if not prices:
        return []
    if any(p <= 0 for p in prices):
        raise ValueError("prices must be positive")
    lowest, highest = min(prices), max(prices)
    mx = points(max_points)
    out = []
    for p in prices:
        if method is PriceMethod.RELATIVE_TO_LOWEST:
            pts = relative_to_lowest(p, lowest, max_points)
            formula = f"{mx} × {money(lowest)} (lowest price) ÷ {money(p)}"
        elif method is PriceMethod.DEVIATION_FROM_LOWEST:
            pts = deviation_from_lowest(p, lowest, max_points)
            formula = f"{mx} × (1 − ({money(p)} − {money(lowest)}) ÷ {money(lowest)} (lowest price)), never below 0"
        elif method is PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE:
            if qualification_price is None:
                raise ValueError("pro_rata_to_qualification_price needs a qualification price")
            pts = pro_rata_to_qualification_price(p, lowest, qualification_price, max_points)
            formula = (f"{mx} × ({money(qualification_price)} (qualification price) − {money(p)}) ÷ "
                       f"({money(qualification_price)} − {money(lowest)} (lowest price)), between 0 and {mx}")
        elif method is PriceMethod.LINEAR_LOWEST_TO_HIGHEST:
            pts = linear_lowest_to_highest(p, lowest, highest, max_points)
            formula = (f"{mx} × ({money(highest)} (highest price) − {money(p)}) ÷ ({money(highest)} − {money(lowest)} (lowest price))"
                       if highest != lowest else f"all prices are equal, so every bid scores the maximum {mx}")
        else:
            raise ValueError(f"{method.value} does not award price points")
        out.append(PricePoints(pts, formula))
    return out
