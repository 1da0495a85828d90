"""Each price method's formula, edges, and refusal of non-positive prices."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from svscore.model.tender import PriceMethod as M
from svscore.scoring import price


def pts(method, prices, mx=100, q=None):
    return [p.points for p in price.score_prices(method, [F(x) for x in prices], F(mx), F(q) if q else None)]


def test_relative_to_lowest():
    assert pts(M.RELATIVE_TO_LOWEST, [100, 200, 400]) == [100, 50, 25]


def test_deviation_from_lowest_floors_at_zero():
    assert pts(M.DEVIATION_FROM_LOWEST, [100, 150, 250]) == [100, 50, 0]


def test_pro_rata_to_qualification_price():
    assert pts(M.PRO_RATA_TO_QUALIFICATION_PRICE, [100, 150, 200, 220], q=200) == [100, 50, 0, 0]


def test_linear_lowest_to_highest():
    assert pts(M.LINEAR_LOWEST_TO_HIGHEST, [100, 150, 200]) == [100, 50, 0]
    assert pts(M.LINEAR_LOWEST_TO_HIGHEST, [120, 120]) == [100, 100]


def test_price_per_quality_point():
    assert price.price_per_quality_point(F(1000), F(80)) == F(25, 2)
    assert price.price_per_quality_point(F(1000), F(0)) is None


def test_formula_is_explained():
    [_a, b] = price.score_prices(M.RELATIVE_TO_LOWEST, [F(1_000_000), F(1_200_000)], F(50))
    assert b.formula == "50.00 × £1,000,000 (lowest price) ÷ £1,200,000"


@pytest.mark.parametrize("bad", [0, -5])
def test_non_positive_prices_are_refused(bad):
    with pytest.raises(ValueError, match="positive"):
        price.score_prices(M.RELATIVE_TO_LOWEST, [F(10), F(bad)], F(100))


def test_ppqp_awards_no_price_points():
    with pytest.raises(ValueError):
        price.score_prices(M.PRICE_PER_QUALITY_POINT, [F(10)], F(100))
