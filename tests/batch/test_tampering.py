"""The tamper check compares blocks of protected rows at once; a difference anywhere in a block
must still be found and named cell by cell, however the sheet was cut, widened or retyped."""

from __future__ import annotations

import copy

import pytest

from svscore.batch.spec import by_position, lot_specs
from svscore.excel.cells import Values
from svscore.excel.read_bid_return import BidReturn, _tampering
from tests.batch.conftest import MEASURES, TENDER, triples

PROTECTED = {
    "Pricing!A4": "L1", "Pricing!B4": "Care hour", "Pricing!D4": 1000,
    "Pricing!A5": "L2", "Pricing!B5": "Night hour", "Pricing!D5": 250.5,
    "Pricing!A6": "L3", "Pricing!B6": "Bank holiday", "Pricing!D6": 40,
    "Pricing!A8": "Total", "Pricing!C1": None,  # a lone cell, and one that must stay empty
}


def _spec(protected=PROTECTED):
    spec = next(iter(lot_specs(TENDER, MEASURES).values()))
    return type(spec)(**{**spec.__dict__, "protected_at": by_position(protected)})


def _rows():
    rows = [["", "", "", ""] for _ in range(8)]
    rows[3][:4] = ["L1", "Care hour", "", 1000.0]
    rows[4][:4] = ["L2", "Night hour", "", 250.5]
    rows[5][:4] = ["L3", "Bank holiday", "", 40.0]
    rows[7][0] = "Total"
    return rows


def _changed(rows) -> list[tuple[str, str]]:
    result = BidReturn("bid.xlsx")
    _tampering(Values("bid.xlsx", {"Pricing": rows}), _spec(), result)
    return [(loc.split("!")[1], msg) for _, loc, msg in triples(result.problems)]


def test_consecutive_rows_with_the_same_columns_form_one_block():
    (sheet, blocks), = by_position(PROTECTED)
    assert sheet == "Pricing"
    assert [(b.first, b.columns, len(b.rows)) for b in blocks] == [(0, (2,), 1), (3, (0, 1, 3), 3), (7, (0,), 1)]


def test_an_unaltered_sheet_has_no_changes():
    assert _changed(_rows()) == []


@pytest.mark.parametrize(("row", "col", "value", "expected"), [
    (4, 3, 251.0, ("D5", "protected cell changed: was 250.5, now 251")),
    (5, 1, "Bank holiday ", ("B6", "protected cell changed: was 'Bank holiday', now 'Bank holiday '")),
    (3, 0, "", ("A4", "protected cell changed: was 'L1', now empty")),
    (0, 2, "x", ("C1", "protected cell changed: was empty, now 'x'")),
    (7, 0, 1.0, ("A8", "protected cell changed: was 'Total', now 1")),
])
def test_one_changed_cell_is_named(row, col, value, expected):
    rows = _rows()
    rows[row][col] = value
    assert _changed(rows) == [expected]


def test_a_sheet_cut_short_or_narrowed_reports_each_missing_cell():
    rows = _rows()
    assert _changed(rows[:5]) == [("A6", "protected cell changed: was 'L3', now empty"),
                                  ("B6", "protected cell changed: was 'Bank holiday', now empty"),
                                  ("D6", "protected cell changed: was 40, now empty"),
                                  ("A8", "protected cell changed: was 'Total', now empty")]
    narrow = [row[:2] for row in copy.deepcopy(rows)]
    assert [cell for cell, _ in _changed(narrow)] == ["D4", "D5", "D6"]


def test_a_wider_sheet_with_the_same_protected_values_is_unaltered():
    assert _changed([[*row, "note"] for row in _rows()]) == []
