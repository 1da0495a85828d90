"""Reading a returned bid workbook against its template: values, dates, totals, and a LibreOffice-saved return."""
from __future__ import annotations

from decimal import Decimal

import pytest

from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from svscore.excel.libreoffice import convert
from tests.batch.conftest import (
    GOOD,
    MEASURES,
    TENDER,
    triples,
)


def test_libreoffice_saved_return_reads_the_same(tmp_path, libreoffice):
    original = tmp_path / "bid.xlsx"
    from svscore.batch.demo import fill_bid_return
    original.write_bytes(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    [saved] = convert([original], tmp_path / "lo")
    specs = read_specs(TENDER, MEASURES)
    a = inspect_file(original, "bid.xlsx", specs, Limits())
    b = inspect_file(saved, "bid.xlsx", specs, Limits())
    assert a.ok and b.ok, b.problems
    assert a.bid == b.bid
    assert [p for p in b.problems if p.severity == "error"] == []


@pytest.mark.parametrize(("typed", "problem"), [
    ("31/12/2026", None),  # a date cell formatted as text keeps what was typed: day first, as in the UK
    ("2026-12-31", None),
    ("31 Dec 2026", None),
    ("12/31/2026", "The date signed must be a date (e.g. 02/03/2026, day/month/year, or 2026-03-02), but is the text '12/31/2026'"),
    ("next tuesday", "The date signed must be a date (e.g. 02/03/2026, day/month/year, or 2026-03-02), but is the text 'next tuesday'"),
])
def test_a_signature_date_typed_as_text(tmp_path, typed, problem):
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT, edit

    cell = LAYOUT.signed_by_cells[2]

    def change(wb):
        wb["Declarations"][cell].value = typed
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    errors = [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"]
    assert errors == ([] if problem is None else [(f"bid.xlsx › Declarations!{cell}", problem)])


@pytest.mark.parametrize(("cell", "value", "number_format", "problem"), [
    ("Pricing!E6", 27.85, "dd/mm/yyyy hh:mm", "The rate for line L2 must be a number, but is shown as the date 27/01/1900 20:24 "
                                             "(the cell is formatted as a date): format the cell as a number (Format Cells, Number) "
                                             "and check the amount"),
    ("Pricing!E6", True, None, "The rate for line L2 must be a number, but is the true/false value TRUE"),
    ("Cover!B6", 3, None, "SME must be Yes or No, but is the number 3"),
])
def test_a_wrong_kind_of_value_is_described_as_excel_shows_it(tmp_path, cell, value, number_format, problem):
    """Messages are for officers: a value is described as Excel shows it, never as Python writes it."""
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import edit

    sheet, addr = cell.split("!")

    def change(wb):
        wb[sheet][addr].value = value
        if number_format:
            wb[sheet][addr].number_format = number_format
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [(f"bid.xlsx › {cell}", problem)]


def test_answers_that_are_text_are_formatted_as_text_in_every_template():
    """Excel keeps what is typed into a Text cell as typed: 04567890 stays 04567890."""
    from svscore.excel.bid_return import COVER, build_bid_return
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.score_sheets import build_score_sheets
    from tests.batch.conftest import LAYOUT
    cover = build_bid_return(TENDER, 0, MEASURES)["Cover"]
    assert {key: cover[LAYOUT.cover_cell(key)].number_format for key, *_ in COVER} == {
        key: "@" if kind == "text" else "General" for key, _, _, kind in COVER}
    bidders = build_score_sheets(TENDER, 0, MEASURES, 5, ["A", "B"])["Bidders"]
    assert bidders["A3"].number_format == bidders["B7"].number_format == "@"
    bidders = build_evaluation(TENDER, 0, MEASURES)["Bidders"]
    assert bidders["A3"].number_format == bidders["B3"].number_format == "@" and bidders["C3"].number_format == "General"


def test_a_total_that_disagrees_with_the_lines_is_reported_in_pounds(tmp_path):
    """The price is always the sum of quantity × rate; a total cell typed over is an altered formula."""
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT, edit

    data = fill_bid_return(TENDER, 0, MEASURES, GOOD[0])
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(data, lambda wb: setattr(wb["Pricing"][LAYOUT.total_price_cell], "value", 1000)))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    price = sum(line.quantity * Decimal(str(rate)) for line, rate in zip(LAYOUT.lines, GOOD[0].rates, strict=True))
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        (f"bid.xlsx › Pricing!{LAYOUT.total_price_cell}",
         f"the workbook shows a total of £1,000.00, but its lines add up to £{price:,.2f}: the total formula was altered")]
