"""The bid return workbook: inputs unlocked and validated, each layout method naming the cell the
builder wrote, and a workbook with every position moved read back by the batch through the same layout."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from svscore.excel.bid_return import DECLARATIONS, PRICING_COLUMNS, BidReturnLayout, build_bid_return
from svscore.excel.cells import load_values, metadata
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen, shift, temporary, validations

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")

SHIFTED_BID_RETURN = {"COVER_ROW": 7, "PRICING_FIRST": 9, "PRICING_FIRST_COL": 3, "SV_FIRST": 8, "QUALITY_FIRST": 6, "DECL_FIRST": 7,
                      "SV_FIRST_YEAR_COL": 6, "RESPONSE_COL": 6, "ANSWER_COL": 3}


def test_bid_return_workbook_inputs_are_unlocked_and_validated():
    lay = BidReturnLayout(HOME, 0, MEASURES)
    wb = reopen(build_bid_return(HOME, 0, MEASURES))
    assert wb.sheetnames == ["Instructions", "Cover", "Pricing", "Social Value", "Quality", "Declarations", "_svscore"]
    pricing = wb["Pricing"]
    assert pricing[lay.rate_cell(0)].protection.locked is False
    assert pricing["D5"].value == 72000 and pricing["D5"].protection.locked is True
    assert pricing[lay.total_price_cell].value == "=SUM(F5:F8)"
    assert validations(pricing)["E5:E8"] == "decimal:0"
    sv = wb["Social Value"]
    assert sv[lay.qty_cell(0, 0)].protection.locked is False and sv["D5"].protection.locked is True
    assert validations(wb["Cover"])[lay.cover_cell("sme")] == 'list:"Yes,No"'
    assert wb["Quality"][lay.response_cell(0)].protection.locked is False
    meta = metadata(load_values(temporary(build_bid_return(HOME, 0, MEASURES))))
    assert meta["template_kind"] == "bid_return" and meta["lot"] == "1"
    for ws in wb.worksheets:
        assert ws.protection.sheet


def test_bid_return_layout_positions():
    lay = BidReturnLayout(HOME, 0, MEASURES)
    ws = reopen(build_bid_return(HOME, 0, MEASURES))
    pricing = ws["Pricing"]
    assert [pricing.cell(lay.PRICING_FIRST - 1, lay.pricing_col(n)).value for n in PRICING_COLUMNS] == list(PRICING_COLUMNS)
    for i, line in enumerate(lay.lines):
        assert (lay.quantity_cell(i), lay.rate_cell(i), lay.line_total_cell(i)) == tuple(f"{c}{5 + i}" for c in "DEF")
        assert pricing[lay.line_total_cell(i)].value == f'=IF({lay.rate_cell(i)}="","",{lay.quantity_cell(i)}*{lay.rate_cell(i)})'
        assert Decimal(str(pricing[lay.quantity_cell(i)].value)) == line.quantity
    assert pricing[lay.total_price_cell].value == f"=SUM({lay.line_total_cell(0)}:{lay.line_total_cell(len(lay.lines) - 1)})"
    assert ws["Cover"][lay.cover_cell("bidder")].protection.locked is False
    sv = ws["Social Value"]
    n = len(MEASURES.measures)
    assert sv[lay.sv_value_cell(n)].value == f"=SUM({lay.sv_value_cell(0)}:{lay.sv_value_cell(n - 1)})"
    assert lay.qty_cell(0, 0) == "E5" and lay.sv_value_cell(0) == f"{sv.cell(1, 5 + lay.years).column_letter}5"
    decl = ws["Declarations"]
    assert len(lay.declaration_cells) == len(DECLARATIONS)
    assert [decl.cell(decl[c].row, 1).value for c in lay.declaration_cells] == list(DECLARATIONS)
    assert [decl.cell(r, 1).value for r in lay.signed_by_rows] == ["Signed by (name) *", "Position *", "Date *"]
    assert lay.signed_by_cells == tuple(f"B{r}" for r in lay.signed_by_rows)
    assert ws["Quality"][lay.response_cell(0)].protection.locked is False


def test_shifted_bid_return_reads_back(monkeypatch, tmp_path):
    from svscore.batch.demo import demo_bids, fill_bid_return
    from svscore.batch.intake import inspect_file
    from svscore.batch.spec import Limits, lot_specs, read_specs
    from svscore.excel import bid_return

    shift(monkeypatch, BidReturnLayout, SHIFTED_BID_RETURN)
    monkeypatch.setattr(bid_return, "DECLARATIONS", (*DECLARATIONS, "We will keep this bid open for 90 days."))
    bid = demo_bids()[0]
    path = tmp_path / "bid.xlsx"
    path.write_bytes(fill_bid_return(HOME, 0, MEASURES, bid))
    lay = BidReturnLayout(HOME, 0, MEASURES)
    shown = load_workbook(path, data_only=True)  # the values the demo saved as Excel would calculate them
    for i, (line, rate) in enumerate(zip(lay.lines, bid.rates, strict=True)):
        assert shown["Pricing"][lay.line_total_cell(i)].value == float(line.quantity) * rate
    assert shown["Declarations"][lay.declaration_cells[-1]].value == "Yes"
    got = inspect_file(path, "bid.xlsx", read_specs(HOME, MEASURES), Limits())
    assert [p for p in got.problems if p[0] != "note"] == []
    assert got.ok
    assert (got.bid["bidder"], got.bid["bidder_id"], got.bid["sme"]) == (bid.bidder, bid.bidder_id, bid.sme)
    assert Decimal(str(got.bid["price"])) == sum((line.quantity * Decimal(str(r)) for line, r in zip(lay.lines, bid.rates, strict=True)),
                                                 Decimal(0))
    committed = sorted((c["measure"], c["year"], c["quantity"]) for c in got.bid["commitments"])
    assert committed == sorted((m, y, Decimal(str(q))) for m, qs in bid.quantities.items() for y, q in enumerate(qs, start=1) if q)
    assert got.bid["contact"] == "Bid Manager"
    spec = lot_specs(HOME, MEASURES)[HOME.all_lots()[0].id]
    assert len(spec.declarations) == 5
    formulas = load_workbook(path)["Pricing"]
    for i, (_line, _qty, rate_at, total_at) in enumerate(spec.lines):  # what the read specification says each line's cells are
        assert formulas[total_at].value == f'=IF({rate_at}="","",{lay.quantity_cell(i)}*{rate_at})'


def _polished_tender():
    """The example with how to return, VAT on rates and a word limit given (optional tender fields)."""
    data = HOME.model_dump(mode="json", exclude_defaults=True)
    data["contract"]["how_to_return"] = "Upload it to the council's e-tendering portal, project DN123456."
    data["price"]["rates_include_vat"] = False
    data["criteria"][1]["children"][0]["word_limit"] = 1500
    return HOME.model_validate(data)


def test_instructions_give_deadline_return_and_vat_and_fit_the_page():
    from svscore.excel.printing import printed_size

    wb = reopen(build_bid_return(_polished_tender(), 0, MEASURES))
    ws = wb["Instructions"]
    text = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    assert any(line.startswith("Return this workbook by 12:00 on Friday 17 April 2026 (UTC+01:00)") for line in text)
    assert "How to return it: Upload it to the council's e-tendering portal, project DN123456." in text
    assert any("EXCLUDING VAT" in line for line in text)
    size = printed_size(ws)
    assert size.scale == 1.0  # the column fits a portrait page: nothing cut off or shrunk
    for r in range(4, ws.max_row + 1):  # every wrapped line has the height its text needs
        line = ws.cell(r, 1).value or ""
        assert (ws.row_dimensions[r].height or 15) >= 15 * (len(line) // 95 + 1)


def test_steps_are_numbered_without_gaps_when_a_sheet_is_absent():
    central = load_tender(EXAMPLES / "central-digital-marks.json")
    ws = build_bid_return(central, 0, None)["Instructions"]
    numbers = [int(v.split(".")[0]) for r in range(4, ws.max_row + 1) if (v := ws.cell(r, 1).value) and v[0].isdigit()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_input_cell_has_a_prompt_and_rates_must_be_more_than_nothing():
    wb = reopen(build_bid_return(_polished_tender(), 0, MEASURES))
    for ws in wb.worksheets:
        prompted = set()
        for dv in ws.data_validations.dataValidation:
            if dv.showInputMessage and dv.prompt:
                for rng in dv.sqref.ranges:
                    prompted |= {f"{get_column_letter(c)}{r}" for c in range(rng.min_col, rng.max_col + 1)
                                 for r in range(rng.min_row, rng.max_row + 1)}
        inputs = {c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False}
        assert inputs <= prompted, (ws.title, sorted(inputs - prompted))
    lay = BidReturnLayout(_polished_tender(), 0, MEASURES)
    rates = [dv for dv in wb["Pricing"].data_validations.dataValidation if lay.rate_cell(0).replace("$", "") in str(dv.sqref)]
    assert rates[0].operator == "greaterThan" and rates[0].formula1 == "0"
    assert wb["Pricing"][lay.quantity_cell(0)].number_format.startswith("#,##0")


def test_quality_questions_give_what_we_look_for_the_scale_and_the_word_limit():
    wb = reopen(build_bid_return(_polished_tender(), 0, MEASURES))
    ws = wb["Quality"]
    lay = BidReturnLayout(_polished_tender(), 0, MEASURES)
    r = wb["Quality"][lay.response_cell(0)].row
    looking = ws.cell(r, 4).value
    assert "How it is scored:" in looking and "Word limit: 1,500 words." in looking
    assert ws.row_dimensions[r].height >= 15 * looking.count("\n")
    # every cell of a question's row reads from the top: an ID at the foot of a tall row reads as the next question's
    assert all(ws.cell(r, c).alignment.vertical == "top" for c in range(1, 5))


def test_year_one_commitments_are_in_the_required_colour():
    from svscore.excel import workbook as xw

    wb = reopen(build_bid_return(HOME, 0, MEASURES))
    lay = BidReturnLayout(HOME, 0, MEASURES)
    assert wb["Social Value"][lay.qty_cell(0, 0)].fill.fgColor.rgb.endswith(xw.REQUIRED_FILL.fgColor.rgb[-6:])
    if lay.years > 1:
        assert wb["Social Value"][lay.qty_cell(0, 1)].fill.fgColor.rgb.endswith(xw.INPUT_FILL.fgColor.rgb[-6:])
