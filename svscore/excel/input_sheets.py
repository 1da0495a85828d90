"""The evaluation workbook's input sheets: Bidders, Scores (consensus scores on each criterion's
scale, or evaluators' own scores combined by mean or median; justifications and moderation notes),
Prices and Social Value (each bidder's committed quantities per contract year, counted over the
contract by formulas, and their deliverability)."""

from __future__ import annotations

from typing import Any

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
    """The Scores sheet: the score that counts for each criterion and bidder, and below it what
    stands behind it. Under consensus, the agreed score (from the criterion's scale), its
    justification and the panel's moderation note; under mean or median, each evaluator's own
    score and justification, combined by native formulas, and the spread flagged for moderation."""
    t = lay.tender
    ws = wb.create_sheet("Scores")
    rule = t.evaluation.aggregation.value
    ws["A1"] = (f"Scores: the {rule} of the evaluators' own scores (type them in the tables below)" if lay.combines
                else "Consensus scores (choose from the list: each criterion's scale), their justifications and moderation notes")
    ws["A1"].font = xw.TITLE
    head = lay.FIRST_SCORE_ROW - 1
    xw.header(ws, head, ["ID", "Criterion", "Scale", "Minimum"])
    _bidder_heads(ws, lay, head)
    scales = {}
    for cid, r in lay.score_rows.items():
        w = lay.leaf(cid)
        gate = w.kind is CriterionKind.PASS_FAIL
        _criterion_label(ws, lay, cid, r)
        if not gate:
            minimum = lay.criteria_ref(cid, "Minimum score")
            ws.cell(r, 4, f'=IF({minimum}="","",{minimum})')
        cells = f"{lay.score_cell(cid, 0)}:{lay.score_cell(cid, lay.slots - 1)}"
        if gate:
            for i in range(lay.slots):
                xw.unlock(ws[lay.score_cell(cid, i)])
            xw.list_validation(ws, '"pass,fail"', cells, "pass or fail")
            continue
        scale = t.scale(w.criterion.scale)
        assert scale is not None
        scales[cid] = scale
        if lay.combines:
            fn = "AVERAGE" if rule == "mean" else "MEDIAN"
            for i in range(lay.slots):
                own = lay.evaluator_scores_range(cid, i)
                ws[lay.score_cell(cid, i)] = f'=IF(COUNT({own})=0,"",{fn}({own}))'
                ws[lay.score_cell(cid, i)].number_format = "0.00"
        else:
            for i in range(lay.slots):
                xw.unlock(ws[lay.score_cell(cid, i)])
            xw.list_validation(ws, f"={lay.scale_range(scale.id)}", cells, f"a score on scale {scale.id}")
    if lay.score_rows:
        agreed = "the pass/fail results above" if lay.combines else "the consensus scores above"
        _text_block(ws, lay, "justification", None, f"Justification of {agreed}, by reference to the bid",
                    [cid for cid in lay.score_rows if not lay.combines or lay.leaf(cid).kind is CriterionKind.PASS_FAIL])
    if lay.combines and lay.score_rows:
        for e in range(lay.EVALUATOR_SLOTS):
            h = lay.block_header_row("evaluator", e)
            xw.header(ws, h, ["Scores by", "", "", ""])
            name = xw.unlock(ws[lay.evaluator_name_cell(e)], text=True)
            xw.set_text(name, f"Evaluator {e + 1}").font = xw.font(bold=True)
            _bidder_heads(ws, lay, h)
            for cid in lay.scaled_score_ids:
                _criterion_label(ws, lay, cid, lay.block_row("evaluator", cid, e))
                for i in range(lay.slots):
                    xw.unlock(ws[lay.block_cell("evaluator", cid, i, e)])
                first, last = lay.block_cell("evaluator", cid, 0, e), lay.block_cell("evaluator", cid, lay.slots - 1, e)
                xw.list_validation(ws, f"={lay.scale_range(scales[cid].id)}", f"{first}:{last}", f"a score on scale {scales[cid].id}")
            name_ref = lay.evaluator_name_cell(e)
            _text_block(ws, lay, "evaluator_justification", e, f'={name_ref}&"\'s justifications, by reference to the bid"',
                        lay.scaled_score_ids)
        _spread_block(ws, lay)
    elif lay.score_rows:
        _text_block(ws, lay, "moderation", None, "Moderation note: how the panel agreed the score "
                    "(where evaluators' first scores differed)", list(lay.score_rows))
    xw.widths(ws, {1: 9, 2: 40, 3: 9, 4: 9} | {lay.score_col(i): 18 for i in range(lay.slots)})
    ws.freeze_panes = ws.cell(head + 1, lay.score_col(0))
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _bidder_heads(ws: Worksheet, lay: EvaluationLayout, row: int) -> None:
    for i in range(lay.slots):
        c = ws.cell(row, lay.score_col(i), _bidder_name(lay, i))
        c.font, c.fill, c.border = xw.HEADER, xw.HEADER_FILL, xw.BOX
        c.alignment = Alignment(wrap_text=True, vertical="center")  # a long bidder name wraps, not cut off


def _criterion_label(ws: Worksheet, lay: EvaluationLayout, cid: str, row: int) -> None:
    w = lay.leaf(cid)
    xw.set_text(ws.cell(row, 1), cid)
    xw.set_text(ws.cell(row, 2), w.criterion.name).alignment = Alignment(wrap_text=True)
    xw.set_text(ws.cell(row, 3), "pass/fail" if w.kind is CriterionKind.PASS_FAIL else (w.criterion.scale or ""))


def _text_block(ws: Worksheet, lay: EvaluationLayout, kind: str, evaluator: int | None, title: str,
                editable: list[str]) -> None:
    """A block of wrapped text cells (justifications, moderation notes), one per criterion and bidder,
    under a heading (a formula when it starts with '='); only the ``editable`` criteria's cells are
    open (the others show a dash)."""
    h = lay.block_header_row(kind, evaluator)
    xw.header(ws, h, ["", "", "", ""])
    if title.startswith("="):
        ws.cell(h, 1, title).font = xw.HEADER
    else:
        xw.set_text(ws.cell(h, 1), title).font = xw.HEADER
    ws.merge_cells(start_row=h, start_column=1, end_row=h, end_column=4)
    _bidder_heads(ws, lay, h)
    for cid in lay.score_rows:
        if kind.startswith("evaluator") and cid not in lay.scaled_score_ids:
            continue
        r = lay.block_row(kind, cid, evaluator)
        _criterion_label(ws, lay, cid, r)
        for i in range(lay.slots):
            cell = ws[lay.block_cell(kind, cid, i, evaluator)]
            if cid in editable:
                xw.unlock(cell, text=True).alignment = xw.WRAP
            else:
                cell.value = "—"
        ws.row_dimensions[r].height = 45 if cid in editable else None


def _spread_block(ws: Worksheet, lay: EvaluationLayout) -> None:
    """Each criterion and bidder's spread of the evaluators' own scores, flagged as the engine flags it:
    at least the moderation spread set on the Setup sheet (compared at 9 decimal places, so that a
    score typed as 0.1 does not miss the limit by a rounding error in one program and not another)."""
    h = lay.block_header_row("spread", None)
    xw.header(ws, h, ["Spread", "Evaluators' highest score less lowest (flagged at the Setup sheet's moderation spread)", "", ""])
    ws.merge_cells(start_row=h, start_column=2, end_row=h, end_column=4)
    _bidder_heads(ws, lay, h)
    limit = lay.detail("evaluation.moderation_spread")
    for cid in lay.scaled_score_ids:
        _criterion_label(ws, lay, cid, lay.block_row("spread", cid))
        for i in range(lay.slots):
            own = lay.evaluator_scores_range(cid, i)
            gap = f"MAX({own})-MIN({own})"
            ws[lay.block_cell("spread", cid, i)] = (
                f'=IF(COUNT({own})=0,"",IF(AND(ISNUMBER({limit}),ROUND({gap},9)>={limit}),'
                f'"MODERATE: spread "&ROUND({gap},9),ROUND({gap},9)))')


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
    """The Social Value sheet: each bidder's quantity of every measure in each contract year, as
    the bid return gives them; the quantities counted over the contract (native formulas); their
    deliverability; and the total in pounds."""
    assert lay.measures is not None
    ws = wb.create_sheet("Social Value")
    ws["A1"] = "Social value commitments per contract year, as in each bid return"
    ws["A1"].font = xw.TITLE
    illustrative_title(ws, lay)
    heads = ["Measure", "Description", "Unit", "Proxy value (£)"]
    head = lay.FIRST_SV_ROW - 1
    xw.header(ws, head, heads)
    _bidder_row(ws, lay, head)
    measures = lay.measures.measures
    last_measure, last_slot = lay.measure_count - 1, lay.slots - 1
    for y in range(lay.sv_years):
        _sv_heading(ws, lay, lay.sv_year_header(y), f"Year {y + 1}: quantity committed in contract year {y + 1} "
                                                     f"(the bid return's Year {y + 1} column)")
        for m, measure in enumerate(measures):
            r = lay.sv_year_row(m, y)
            _measure_label(ws, lay, r, measure, proxy=True)
            if y and measure.first_year_only:  # open, as in the bid return, but counted at nothing
                xw.set_text(ws.cell(r, 2), f"Counts in year 1 only: {measure.description}")
            for i in range(lay.slots):
                xw.unlock(ws[lay.sv_year_cell(m, y, i)])
        xw.number_validation(ws, f"{lay.sv_year_cell(0, y, 0)}:{lay.sv_year_cell(last_measure, y, last_slot)}", 0, "a quantity")
    _sv_heading(ws, lay, lay.sv_counted_header(),
                "Counted over the contract: the years added (a first-year-only measure: year 1 only)")
    for m, measure in enumerate(measures):
        r = lay.sv_qty_row(m)
        _measure_label(ws, lay, r, measure, proxy=True)
        years = [0] if measure.first_year_only else range(lay.sv_years)
        for i in range(lay.slots):
            cells = ",".join(lay.sv_year_cell(m, y, i) for y in years)
            # blank until a year's quantity is typed (SUMPRODUCT takes the blank text as 0)
            ws[lay.sv_qty_cell(m, i)] = f'=IF(COUNT({cells})=0,"",SUM({cells}))'
    _sv_heading(ws, lay, lay.sv_deliv_header(), "Deliverability (%): evaluators' judgement of each commitment "
                                                "(100 = fully deliverable), applied to every year's quantity")
    for m, measure in enumerate(measures):
        _measure_label(ws, lay, lay.sv_deliv_row(m), measure, proxy=False)
        for i in range(lay.slots):
            deliverable = ws[lay.sv_deliv_cell(m, i)]
            deliverable.value = 100
            xw.unlock(deliverable)
    deliv = f"{lay.sv_deliv_cell(0, 0)}:{lay.sv_deliv_cell(last_measure, last_slot)}"
    xw.number_validation(ws, deliv, 0, "a percentage", 100)
    tr = lay.sv_total_row()
    ws.cell(tr, 1, "Total social value (£)").font = xw.font(bold=True)
    for i in range(lay.slots):
        total = ws[lay.sv_total_cell(i)]
        total.value = f"=SUMPRODUCT({lay.sv_proxy_range},{lay.sv_qty_range(i)},{lay.sv_deliv_range(i)})/100"
        total.number_format = "£#,##0.00"
    _deliverability_reasons(ws, lay)
    xw.widths(ws, {1: 20, 2: 44, 3: 14, lay.sv_proxy_col: 14} | {lay.sv_col(i): 16 for i in range(lay.slots)})
    ws.freeze_panes = ws.cell(head + 1, lay.sv_col(0))
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _bidder_row(ws: Worksheet, lay: EvaluationLayout, row: int) -> None:
    """Each bidder's name above their column, wrapped in a row two lines tall (a long name shows)."""
    for i in range(lay.slots):
        c = ws.cell(row, lay.sv_col(i), _bidder_name(lay, i))
        c.font, c.fill, c.alignment = xw.HEADER, xw.HEADER_FILL, Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[row].height = 30


def _sv_heading(ws: Worksheet, lay: EvaluationLayout, row: int, title: str) -> None:
    """A block's heading across the measure's columns, the bidders' names above their columns."""
    xw.header(ws, row, ["", "", "", ""])
    head = xw.set_text(ws.cell(row, 1), title)
    head.font, head.alignment = xw.HEADER, Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=lay.sv_proxy_col)
    _bidder_row(ws, lay, row)


def _measure_label(ws: Worksheet, lay: EvaluationLayout, row: int, measure: Any, proxy: bool) -> None:
    for col, text in ((1, measure.id), (2, measure.description), (3, measure.unit)):
        xw.set_text(ws.cell(row, col), text).alignment = TOP  # beside a reason's first line, in a taller row
    if proxy:
        ws.cell(row, lay.sv_proxy_col, excel_value(measure.proxy_value, "number")).number_format = "£#,##0.00"


TOP = Alignment(vertical="top")
REASONS = "Reason for a deliverability below 100%: why the evaluators judged the commitment less than fully deliverable"


def _deliverability_reasons(ws: Worksheet, lay: EvaluationLayout) -> None:
    """Below the totals, a reason for every deliverability below 100%: shown red until it is given,
    as the award report must say why a commitment was counted at less than its full value."""
    assert lay.measures is not None
    h = lay.sv_reason_header()
    _sv_heading(ws, lay, h, REASONS)
    for m, measure in enumerate(lay.measures.measures):
        r = lay.sv_reason_row(m)
        _measure_label(ws, lay, r, measure, proxy=False)
        for i in range(lay.slots):
            cell = xw.unlock(ws.cell(r, lay.sv_col(i)), text=True)
            cell.alignment = xw.WRAP
        ws.row_dimensions[r].height = 48  # room for a reason of three short lines (rows may be made taller)
    first = f"{xw.col(lay.sv_col(0))}{lay.sv_reason_row(0)}"
    deliv = lay.sv_deliv_cell(0, 0).replace("$", "")
    cells = f"{first}:{xw.col(lay.sv_col(lay.slots - 1))}{lay.sv_reason_row(lay.measure_count - 1)}"
    from openpyxl.formatting.rule import FormulaRule
    ws.conditional_formatting.add(cells, FormulaRule(formula=[f'AND(N({deliv})<100,ISNUMBER({deliv}),{first}="")'],
                                                     fill=xw.ERROR_FILL))
