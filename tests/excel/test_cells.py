"""parse_number: a cell read as an exact number by the UK rules, or a problem naming the cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from svscore.errors import Place
from svscore.excel.cells import parse_number
from svscore.fmt import LARGEST

WHERE = Place("bid.xlsx", "Pricing", "E6")


def _parse(v):
    problems, notes = [], []
    return parse_number(v, WHERE, "The rate", problems, notes), [p.message for p in problems], [p.message for p in notes]


@pytest.mark.parametrize(("v", "expected"), [
    (21.09, Decimal("21.09")), (0.1, Decimal("0.1")), (3, Decimal(3)), (1000.0, Decimal(1000)), (-2.5, Decimal("-2.5")),
])
def test_a_number_cell_is_read_exactly_as_shown(v, expected):
    assert _parse(v) == (expected, [], [])


@pytest.mark.parametrize(("v", "expected"), [
    ("12.50", Decimal("12.50")), ("£1,234.56", Decimal("1234.56")), ("  £ 10,000 ", Decimal("10000")), ("-£5", Decimal("-5")),
    ("1\u00a0000", None),
])
def test_a_number_typed_as_text_is_read_by_uk_rules_and_noted(v, expected):
    n, problems, notes = _parse(v)
    assert n == expected
    if expected is None:
        assert problems == [f"The rate must be a number, but is the text {v!r}"]
    else:
        assert problems == [] and notes == [f"The rate was typed as text {v!r}; read as {expected}"]


@pytest.mark.parametrize(("v", "hint"), [("12,5", True), ("1.234,56", True), ("twenty pounds", False), ("1,2345", False), ("--5", False)])
def test_text_that_is_not_a_uk_amount_is_refused_and_a_decimal_comma_is_pointed_out(v, hint):
    n, problems, notes = _parse(v)
    assert n is None and notes == []
    assert problems == [f"The rate must be a number, but is the text {v!r}"
                        + (" (a decimal comma? use a full stop, e.g. 12.50)" if hint else "")]


@pytest.mark.parametrize("v", [None, "", "   "])
def test_a_blank_cell_gives_nothing_and_no_problem(v):
    assert _parse(v) == (None, [], [])


@pytest.mark.parametrize(("v", "said"), [
    (True, "The rate must be a number, but is the true/false value TRUE"),
    (float("nan"), "The rate must be a number"), (float("inf"), "The rate must be a number"),
    (dt.datetime(1900, 1, 27, 20, 24), "The rate must be a number, but is shown as the date 27/01/1900 20:24 (the cell is formatted "
                                       "as a date): format the cell as a number (Format Cells, Number) and check the amount"),
])
def test_a_value_of_another_kind_is_described_as_excel_shows_it(v, said):
    assert _parse(v) == (None, [said], [])


@pytest.mark.parametrize("v", [LARGEST, -LARGEST, 1e308, f"{LARGEST:.0f}"])
def test_an_amount_too_large_to_be_real_is_refused(v):
    n, problems, _ = _parse(v)
    assert n is None and len(problems) == 1 and "far too large to be a real amount" in problems[0]


def test_every_problem_names_the_file_sheet_and_cell():
    problems = []
    parse_number("x", WHERE, "The rate", problems)
    assert [(p.place.file, p.place.sheet, p.place.cell, p.location) for p in problems] == [
        ("bid.xlsx", "Pricing", "E6", "bid.xlsx › Pricing!E6")]
