"""The evaluation workbook's input sheets: Bidders, Scores (consensus scores on each criterion's
scale), Prices and Social Value (each bidder's committed quantities and their deliverability)."""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from svscore.excel import workbook as xw
from svscore.excel.layout import BIDDER_FIELDS, EvaluationLayout
from svscore.excel.workbook import excel_value
from svscore.model.tender import CriterionKind


def add_bidders_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    """The Bidders sheet: each slot's id, name, SME and VCSE, typed by the officer."""
    ws = wb.create_sheet("Bidders")
    ws["A1"] = "Bidders"
    ws["A1"].font = xw.TITLE
    head = lay.FIRST_BIDDER_ROW - 1
    xw.header(ws, head, ["Bidder id (e.g. company number)", "Bidder name", "SME", "VCSE"], start_col=lay.BIDDERS_FIRST_COL)
    for i in range(lay.slots):
        for field in BIDDER_FIELDS:
            xw.unlock(ws[lay.bidder_cell(i, field)], text=field in ("id", "name"))  # ids and names as typed
    xw.list_validation(ws, '"Yes,No"', f"{lay.bidder_cell(0, 'sme')}:{lay.bidder_cell(lay.slots - 1, 'vcse')}", "Yes or No")
    xw.widths(ws, {lay.bidder_col("id"): 24, lay.bidder_col("name"): 40, lay.bidder_col("sme"): 8, lay.bidder_col("vcse"): 8})
    ws.freeze_panes = ws.cell(head + 1, 1)
    xw.print_setup(ws, f"1:{head}", landscape=False)
    xw.protect(ws)


def _bidder_name(lay: EvaluationLayout, slot: int) -> str:
    name = lay.bidder_ref(slot, "name")
    return f'=IF({name}="","Bidder {slot + 1}",{name})'


def add_scores_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    """The Scores sheet: a consensus score for each criterion and bidder, chosen from the criterion's scale."""
    t = lay.tender
    ws = wb.create_sheet("Scores")
    ws["A1"] = "Consensus scores (choose from the list: each criterion's scale)"
    ws["A1"].font = xw.TITLE
    head = lay.FIRST_SCORE_ROW - 1
    xw.header(ws, head, ["ID", "Criterion", "Scale", "Minimum"])
    for i in range(lay.slots):
        c = ws.cell(head, lay.score_col(i), _bidder_name(lay, i))
        c.font, c.fill, c.border = xw.HEADER, xw.HEADER_FILL, xw.BOX
    for cid, r in lay.score_rows.items():
        w = next(x for x in lay.tree if x.criterion.id == cid)
        xw.set_text(ws.cell(r, 1), cid)
        xw.set_text(ws.cell(r, 2), w.criterion.name).alignment = Alignment(wrap_text=True)
        gate = w.kind is CriterionKind.PASS_FAIL
        xw.set_text(ws.cell(r, 3), "pass/fail" if gate else (w.criterion.scale or ""))
        if not gate:
            minimum = lay.criteria_ref(cid, "Minimum score")
            ws.cell(r, 4, f'=IF({minimum}="","",{minimum})')
        cells = f"{lay.score_cell(cid, 0)}:{lay.score_cell(cid, lay.slots - 1)}"
        for i in range(lay.slots):
            xw.unlock(ws[lay.score_cell(cid, i)])
        if gate:
            xw.list_validation(ws, '"pass,fail"', cells, "pass or fail")
        else:
            scale = t.scale(w.criterion.scale)
            assert scale is not None
            xw.list_validation(ws, f"={lay.scale_range(scale.id)}", cells, f"a score on scale {scale.id}")
    xw.widths(ws, {1: 9, 2: 40, 3: 9, 4: 9} | {lay.score_col(i): 14 for i in range(lay.slots)})
    ws.freeze_panes = ws.cell(head + 1, lay.score_col(0))
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def add_prices_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    """The Prices sheet: each bidder's tendered total price."""
    ws = wb.create_sheet("Prices")
    ws["A1"] = "Tendered prices (total from each bid return workbook)"
    ws["A1"].font = xw.TITLE
    head = lay.FIRST_BIDDER_ROW - 1
    xw.header(ws, head, ["Bidder", "Price (£)"])
    for i in range(lay.slots):
        ws.cell(lay.bidder_row(i), 1, _bidder_name(lay, i))
        xw.unlock(ws[lay.price_cell(i)]).number_format = "£#,##0.00"
    xw.number_validation(ws, lay.prices_range(sheet=False), 0.01, "a price in pounds")
    xw.widths(ws, {1: 40, lay.PRICE_COL: 18})
    ws.freeze_panes = ws.cell(head + 1, 1)
    xw.print_setup(ws, f"1:{head}", landscape=False)
    xw.protect(ws)


def illustrative_title(ws: Worksheet, lay: EvaluationLayout) -> None:
    """With an illustrative measures table, the sheet's title line says so (in red), as every output
    of svscore does: row 2 holds the headers, so the title is the one line always seen and printed."""
    if lay.measures is not None and lay.measures.illustrative:
        # short, so the title stays within the table's printed width; the results svscore writes
        # carry the table's full warning
        xw.set_text(ws["A1"], f"{ws['A1'].value} — ILLUSTRATIVE measures table: invented values, not for a real award"
                    ).font = xw.font(bold=True, size=14, color="C00000")


def add_social_value_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    """The Social Value sheet: each bidder's quantity of every measure, its deliverability, and the total in pounds."""
    assert lay.measures is not None
    ws = wb.create_sheet("Social Value")
    ws["A1"] = "Social value commitments: quantity over the contract (first-year-only measures: year 1 only)"
    ws["A1"].font = xw.TITLE
    illustrative_title(ws, lay)
    heads = ["Measure", "Description", "Unit", "Proxy value (£)"]
    head = lay.FIRST_SV_ROW - 1
    xw.header(ws, head, heads)
    for i in range(lay.slots):
        c = ws.cell(head, lay.sv_col(i), _bidder_name(lay, i))
        c.font, c.fill = xw.HEADER, xw.HEADER_FILL
    for m, measure in enumerate(lay.measures.measures):
        for row in (lay.sv_qty_row(m), lay.sv_deliv_row(m)):
            xw.set_text(ws.cell(row, 1), measure.id)
            xw.set_text(ws.cell(row, 2), measure.description)
            xw.set_text(ws.cell(row, 3), measure.unit)
            ws.cell(row, lay.sv_proxy_col, excel_value(measure.proxy_value, "number")).number_format = "£#,##0.00"
        for i in range(lay.slots):
            xw.unlock(ws[lay.sv_qty_cell(m, i)])
            deliverable = ws[lay.sv_deliv_cell(m, i)]
            deliverable.value = 100
            xw.unlock(deliverable)
    h = lay.sv_deliv_header()
    xw.header(ws, h, ["Deliverability (%)", "Evaluators' judgement of each commitment (100 = fully deliverable)"])
    last_measure, last_slot = lay.measure_count - 1, lay.slots - 1
    qty = f"{lay.sv_qty_cell(0, 0)}:{lay.sv_qty_cell(last_measure, last_slot)}"
    deliv = f"{lay.sv_deliv_cell(0, 0)}:{lay.sv_deliv_cell(last_measure, last_slot)}"
    xw.number_validation(ws, qty, 0, "a quantity")
    xw.number_validation(ws, deliv, 0, "a percentage", 100)
    tr = lay.sv_total_row()
    ws.cell(tr, 1, "Total social value (£)").font = xw.font(bold=True)
    for i in range(lay.slots):
        total = ws[lay.sv_total_cell(i)]
        total.value = f"=SUMPRODUCT({lay.sv_proxy_range},{lay.sv_qty_range(i)},{lay.sv_deliv_range(i)})/100"
        total.number_format = "£#,##0.00"
    _deliverability_reasons(ws, lay)
    xw.widths(ws, {1: 20, 2: 44, 3: 14, lay.sv_proxy_col: 14} | {lay.sv_col(i): 14 for i in range(lay.slots)})
    ws.freeze_panes = ws.cell(head + 1, lay.sv_col(0))
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _deliverability_reasons(ws: Worksheet, lay: EvaluationLayout) -> None:
    """Below the totals, a reason for every deliverability below 100%: shown red until it is given,
    as the award report must say why a commitment was counted at less than its full value."""
    assert lay.measures is not None
    h = lay.sv_reason_header()
    xw.header(ws, h, ["Reason for a deliverability below 100%", "Why the evaluators judged the commitment less than fully deliverable"])
    for i in range(lay.slots):
        c = ws.cell(h, lay.sv_col(i), _bidder_name(lay, i))
        c.font, c.fill = xw.HEADER, xw.HEADER_FILL
    for m, measure in enumerate(lay.measures.measures):
        r = lay.sv_reason_row(m)
        xw.set_text(ws.cell(r, 1), measure.id)
        xw.set_text(ws.cell(r, 2), measure.description)
        for i in range(lay.slots):
            cell = xw.unlock(ws.cell(r, lay.sv_col(i)), text=True)
            cell.alignment = xw.WRAP
    first = f"{xw.col(lay.sv_col(0))}{lay.sv_reason_row(0)}"
    deliv = lay.sv_deliv_cell(0, 0).replace("$", "")
    cells = f"{first}:{xw.col(lay.sv_col(lay.slots - 1))}{lay.sv_reason_row(lay.measure_count - 1)}"
    from openpyxl.formatting.rule import FormulaRule
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f'AND(N({deliv})<100,ISNUMBER({deliv}),{first}="")'],
                                                     fill=xw.ERROR_FILL))
