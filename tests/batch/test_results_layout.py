"""results.xlsx laid out for reading and printing: read back with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    r = run_cli("demo", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return openpyxl.load_workbook(out / "results" / "results.xlsx")


def test_rank_is_a_number_and_the_bidder_id_text_each_in_its_own_formatted_column(results):
    ws = results["Results"]
    head = [c.value for c in ws[2]]
    rank, bidder_id = ws.cell(3, head.index("Rank") + 1), ws.cell(3, head.index("Bidder id") + 1)
    assert rank.data_type == "n" and rank.number_format == "0" and rank.alignment.horizontal == "center"
    assert bidder_id.data_type == "s" and bidder_id.number_format == "@" and bidder_id.alignment.indent >= 1


def test_a_passed_gate_shows_pass(results):
    ws = results["Results"]
    head = [c.value for c in ws[2]]
    col = head.index("Insurance: employer's liability of at least £10m") + 1
    ranked = [r for r in range(3, ws.max_row + 1) if ws.cell(r, head.index("Status") + 1).value == "ranked"]
    assert ranked and all(ws.cell(r, col).value == "Pass" for r in ranked)


def test_the_results_sheet_prints_on_a4_landscape_with_titles_header_and_footer(results):
    ws = results["Results"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$2"
    assert "BCC-2026-014" in (ws.oddHeader.left.text or "") and "&A" in (ws.oddHeader.right.text or "")
    assert "&P" in (ws.oddFooter.center.text or "")
    # Fitted to the width of landscape A4 (about 145 characters at 10 pt): no scale below ~8 pt text.
    widths = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}
    assert set(widths) >= set(range(1, ws.max_column + 1))
    width = sum(widths[c] for c in range(1, ws.max_column + 1))
    assert width <= 145 * 10 / 8, width


def test_bidder_sheets_format_pounds_points_and_indent_sub_criteria(results):
    ws = results["Brightwater Homecare CIC"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(rows["PRICE"], 3).number_format == "£#,##0.00"
    assert ws.cell(rows["SV1"], 3).number_format == "£#,##0.00"
    assert ws.cell(rows["Q1"], 3).number_format == "0.00"
    assert ws.cell(rows["Q1"], 2).alignment.indent >= 1 and ws.cell(rows["QUAL"], 2).alignment.indent == 0


def test_the_illustrative_warning_in_the_title_wraps_within_the_table_so_the_page_is_not_shrunk(results):
    """Written as one long line, the warning set the fitted page's width and printed the table at ~3 pt."""
    ws = results["Results"]
    assert "ILLUSTRATIVE" in ws["A1"].value and ws["A1"].alignment.wrap_text
    header_width = sum(1 for c in ws[2] if c.value is not None)
    merged = [r for r in ws.merged_cells.ranges if r.min_row == 1 and r.min_col == 1]
    assert merged and merged[0].max_col == header_width
