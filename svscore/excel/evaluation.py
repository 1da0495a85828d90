"""The evaluation workbook for officers: Setup, Bidders, Scores, Prices, Social Value, Results.

Results are native formulas (classic functions only: SUM, SUMPRODUCT, MIN, MAX, COUNTIF,
MATCH, ROUND, IF), so the workbook calculates in Excel 2016, LibreOffice and Gnumeric without any
add-in. They are the one deliberate second implementation of the engine; a test recalculates them
with LibreOffice and with Gnumeric and compares every criterion's points, total, rank and flag with
the engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from svscore import __version__
from svscore.excel import workbook as xw
from svscore.excel.layout import BIDDER_FIELDS, CRITERIA_COLUMNS, DETAILS, EvaluationLayout
from svscore.model import tender as tm
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, PriceMethod, SocialValueMethod, Tender, WeightingMode
from svscore.rules.act import Decision
from svscore.scoring.engine import ABNORMALLY_LOW_PLACES

ENUMS: dict[str, type[StrEnum]] = {
    "AuthorityType": tm.AuthorityType, "Jurisdiction": tm.Jurisdiction, "ContractKind": tm.ContractKind,
    "WeightingMode": tm.WeightingMode, "PriceMethod": tm.PriceMethod, "Aggregation": tm.Aggregation,
    "SocialValueMethod": tm.SocialValueMethod,
}
R9 = 9  # decimal places compared when ranking: totals equal to 1e-9 tie, as in the engine
NO_KEY = "-1E+300"  # the hidden rank key of a bid that is not ranked: below every real key
LOW_PLACES = ABNORMALLY_LOW_PLACES  # the engine's rounding of an abnormally low price's shortfall


def get_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def excel_value(v: Any, kind: str) -> Any:
    if v is None:
        return None
    if kind == "bool":
        return "Yes" if v else "No"
    if kind == "date":
        return dt.date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def build_evaluation(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None,
                     slots: int = 10, live: bool = False) -> xw.Workbook:
    """Build the evaluation workbook for one lot of a tender.

    ``live``: add a Live sheet whose cells call svscore's Excel functions (xlwings) next to the
    native-formula results, so officers can see both agree. It needs the xlwings add-in or Lite.
    """
    lay = EvaluationLayout(tender, lot_index, slots, measures)
    wb = xw.new_workbook()
    lists = _lists(wb, lay)
    _setup(wb, lay, lay.report.decision, lists)
    _bidders(wb, lay)
    _scores(wb, lay)
    _prices(wb, lay)
    if lay.measures_leaf is not None:
        _social_value(wb, lay)
    _results(wb, lay)
    if live:
        from svscore.excel.live import add_live_sheet

        add_live_sheet(wb, lay)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    constants = protected_cells(wb)
    lot = tender.all_lots()[lot_index]
    xw.add_metadata(wb, xw.Metadata(
        "evaluation_live" if live else "evaluation", xw.TEMPLATE_FORMAT_VERSION, tender.reference, lot.id, __version__, xw.fingerprint(constants),
        {"tender": tender.model_dump(mode="json", exclude_defaults=True), "slots": slots, "lot_index": lot_index,
         "measures": measures.model_dump(mode="json") if measures else None},
    ))
    wb.active = 0
    return wb


def protected_cells(wb: xw.Workbook) -> dict[str, Any]:
    """Every locked constant (not formula) cell of the visible sheets: what tampering would change."""
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        if ws.title == xw.META_SHEET:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or c.value == "" or c.protection.locked is False:
                    continue
                if c.data_type == "f" or not isinstance(c.value, str | int | float | bool):
                    continue  # formulas (including array formulas) are not constants
                out[f"{ws.title}!{c.coordinate}"] = c.value
    return out


def _lists(wb: xw.Workbook, lay: EvaluationLayout) -> dict[str, str]:
    ws = wb.create_sheet("Lists")
    refs: dict[str, str] = {}

    def column(c: int, title: str, values: list[Any]) -> str:
        ws.cell(lay.LIST_FIRST_ROW - 1, c, title).font = Font(bold=True)
        for i, v in enumerate(values, start=lay.LIST_FIRST_ROW):
            xw.set_text(ws.cell(i, c), v) if isinstance(v, str) else ws.cell(i, c, v)
        letter = xw.col(c)
        return f"Lists!${letter}${lay.LIST_FIRST_ROW}:${letter}${lay.LIST_FIRST_ROW + len(values) - 1}"

    refs["bool"] = column(1, "Yes/No", ["Yes", "No"])
    refs["pass_fail"] = column(2, "Pass/fail", ["pass", "fail"])
    for s in lay.tender.scales:
        refs[f"scale:{s.id}"] = column(lay.scale_column[s.id], s.id, [excel_value(v, "number") for v in s.allowed()])
    c = lay.FIRST_SCALE_COL + len(lay.tender.scales)
    for name, enum in ENUMS.items():
        refs[name] = column(c, name, [e.value for e in enum])
        c += 1
    ws.sheet_state = "hidden"
    xw.protect(ws)
    return refs


def _setup(wb: xw.Workbook, lay: EvaluationLayout, decision: Decision | None, lists: dict[str, str]) -> None:
    t = lay.tender
    ws = wb.create_sheet("Setup")
    ws["A1"] = "Evaluation workbook"
    ws["A1"].font = xw.TITLE
    xw.set_text(ws["A2"], f"{t.reference}: {t.title}" + (f" — lot {t.all_lots()[lay.lot_index].id}" if t.lots else ""))
    ws.row_dimensions[lay.criteria_header].height = 30
    xw.header(ws, lay.DETAILS_ROW - 1, ["Tender details", "", "", "Value"])
    ws.merge_cells(start_row=lay.DETAILS_ROW - 1, start_column=1, end_row=lay.DETAILS_ROW - 1, end_column=3)
    value_col = lay.DETAILS_COL
    ws.merge_cells(start_row=lay.DETAILS_ROW - 1, start_column=value_col, end_row=lay.DETAILS_ROW - 1, end_column=value_col + 2)
    data = t.model_dump(mode="json")
    for path, label, kind, editable in DETAILS:
        r = lay.detail_row(path)
        ws.cell(r, 1, label)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=value_col - 1)
        cell = ws[lay.detail_cell(path)]
        ws.merge_cells(start_row=r, start_column=value_col, end_row=r, end_column=value_col + 2)
        v = excel_value(get_path(data, path), kind)
        if isinstance(v, str):
            xw.set_text(cell, v)
        else:
            cell.value = v
        if kind == "date":
            cell.number_format = "dd mmm yyyy"
        elif kind.startswith("number") and "£" in label:
            cell.number_format = "£#,##0.00"
        if editable:
            xw.unlock(cell)
            if kind == "bool":
                xw.list_validation(ws, f"={lists['bool']}", cell.coordinate, "Yes or No")
            elif kind in ENUMS:
                xw.list_validation(ws, f"={lists[kind]}", cell.coordinate, "a value")
            elif kind.startswith("number"):
                xw.number_validation(ws, cell.coordinate, 0, "a number")
            elif kind == "date":
                from openpyxl.worksheet.datavalidation import DataValidation
                dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=False,
                                    showErrorMessage=True, error="Enter a date.")
                dv.add(cell.coordinate)
                ws.add_data_validation(dv)
    _decision_block(ws, lay, decision)
    _criteria_table(ws, lay)
    xw.widths(ws, {1: 10, 2: 10, 3: 44, 4: 13, 5: 10, 6: 10, 7: 10, 8: 11, 9: 13, 10: 11, 11: 48})
    ws.freeze_panes = "A3"
    xw.print_setup(ws, "1:2", landscape=True)
    xw.protect(ws)


def _decision_block(ws: Worksheet, lay: EvaluationLayout, d: Decision | None) -> None:
    r = lay.decision_row
    xw.header(ws, r, ["Threshold and Social Value Act", "", "", "As worked out by svscore when this workbook was built"])
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=11)
    if d is None:
        ws.cell(r + 1, 1, "The thresholds table could not be read.")
        return
    from svscore.fmt import money
    rows = [
        ("Regime", d.regime_name),
        ("Threshold", f"{money(d.threshold.value)} ({'incl.' if d.threshold.includes_vat else 'excl.'} VAT), {d.threshold.source}" if d.threshold else "not in the table"),
        ("Value compared", money(d.value_compared)),
        ("Above threshold", {True: "Yes", False: "No", None: "Cannot tell"}[d.above_threshold]),
        ("Social Value Act applies", d.applies.value.capitalize() + (f" (instead: {d.other_duty})" if d.other_duty else "")),
    ]
    for i, (k, v) in enumerate(rows, start=1):
        ws.cell(r + i, 1, k)
        ws.merge_cells(start_row=r + i, start_column=1, end_row=r + i, end_column=3)
        xw.set_text(ws.cell(r + i, 4), v)
        ws.merge_cells(start_row=r + i, start_column=4, end_row=r + i, end_column=11)
    text = " ".join(d.reasons + tuple(f"Warning: {w}" for w in d.warnings))
    ws.cell(r + 6, 1, "Reasons")
    ws.merge_cells(start_row=r + 6, start_column=4, end_row=r + 12, end_column=11)
    c = xw.set_text(ws.cell(r + 6, 4), text[:32000])
    c.alignment = xw.WRAP


def _criteria_table(ws: Worksheet, lay: EvaluationLayout) -> None:
    t = lay.tender
    h = lay.criteria_header
    xw.header(ws, h, CRITERIA_COLUMNS, start_col=lay.CRITERIA_FIRST_COL)
    marks = t.weighting is WeightingMode.MARKS
    total_marks = lay.detail("total_marks")
    for w in lay.tree:
        c = w.criterion

        def at(name: str, cid: str = c.id) -> Cell:
            return ws[lay.criteria_cell(cid, name)]

        xw.set_text(at("ID"), c.id)
        xw.set_text(at("Parent"), w.parent_id or "")
        name = xw.set_text(at("Criterion"), ("   " * w.depth) + c.name)
        name.alignment = Alignment(wrap_text=True)
        xw.set_text(at("Kind"), w.kind.value if w.kind else "")
        gate = w.kind is CriterionKind.PASS_FAIL or (lay.ppqp and w.kind is CriterionKind.PRICE)
        weight = at("Weight")
        weight.value = excel_value(c.weight, "number") if not gate else None
        if not gate:
            xw.unlock(weight)
            xw.number_validation(ws, weight.coordinate, 0, "a weight")
        xw.set_text(at("Scale"), c.scale or "")
        if lay.scored_on_scale(w) and w.is_leaf:
            m = at("Minimum score")
            m.value = excel_value(c.minimum_score, "number")
            xw.unlock(m)
            xw.number_validation(ws, m.coordinate, -1e9, "a minimum score")
        xw.set_text(at("Scored by"), c.scored_by.value if c.scored_by else "")
        effective, points = at("Effective weight (%)"), at("Points available")
        if gate:
            xw.set_text(effective, "gate" if w.kind is CriterionKind.PASS_FAIL else "divides")
            points.value = 0
        else:
            if marks:
                effective.value = f"=IF(N({total_marks})=0,0,{weight.coordinate}/{total_marks}*100)"
                points.value = f"={weight.coordinate}"
            else:
                parent = lay.criteria_cell(w.parent_id, "Effective weight (%)") if w.parent_id in lay.criteria_row else None
                effective.value = f"={parent}*{weight.coordinate}/100" if parent else f"={weight.coordinate}"
                points.value = f"={effective.coordinate}"
            effective.number_format = "0.00##"
            points.number_format = "0.00##"
        if not w.is_leaf and not gate:
            target = weight.coordinate if marks else "100"
            check = at("Weights check")
            check.value = _check_formula(lay.weighted_children(c.id), lay, target, f"the sub-criteria of {c.id}")
            xw.flag_not_ok(ws, check.coordinate, check.coordinate)
    rr = lay.root_check_row
    ws.cell(rr, lay.criteria_col("Criterion"), "All top-level criteria").font = Font(bold=True)
    ws[lay.root_check_cell] = _check_formula(lay.weighted_children(None), lay, total_marks if marks else "100", "the top-level criteria")
    xw.flag_not_ok(ws, lay.root_check_cell, lay.root_check_cell)


def _check_formula(kids: list, lay: EvaluationLayout, target: str, what: str) -> str:
    if not kids:
        return '="ERROR: nothing here carries a weight"'
    s = "SUM(" + ",".join(lay.criteria_cell(k.criterion.id, "Weight") for k in kids) + ")"
    return (f'=IF(ROUND({s}-{target},9)=0,"OK: {what} add up to "&{target},'
            f'IF(ABS({s}-{target})<=ABS({target})/100000,"ROUNDING: {what} add up to "&{s}&", not "&{target}&"; make them exact",'
            f'"ERROR: {what} add up to "&{s}&", not "&{target}))')


def _bidders(wb: xw.Workbook, lay: EvaluationLayout) -> None:
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


def _scores(wb: xw.Workbook, lay: EvaluationLayout) -> None:
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


def _prices(wb: xw.Workbook, lay: EvaluationLayout) -> None:
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


def _illustrative_title(ws: Worksheet, lay: EvaluationLayout) -> None:
    """With an illustrative measures table, the sheet's title line says so (in red), as every output
    of svscore does: row 2 holds the headers, so the title is the one line always seen and printed."""
    if lay.measures is not None and lay.measures.illustrative:
        # short, so the title stays within the table's printed width; the results svscore writes
        # carry the table's full warning
        xw.set_text(ws["A1"], f"{ws['A1'].value} — ILLUSTRATIVE measures table: invented values, not for a real award"
                    ).font = Font(bold=True, size=14, color="C00000")


def _social_value(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    assert lay.measures is not None
    ws = wb.create_sheet("Social Value")
    ws["A1"] = "Social value commitments: quantity over the contract (first-year-only measures: year 1 only)"
    ws["A1"].font = xw.TITLE
    _illustrative_title(ws, lay)
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
    ws.cell(tr, 1, "Total social value (£)").font = Font(bold=True)
    for i in range(lay.slots):
        total = ws[lay.sv_total_cell(i)]
        total.value = f"=SUMPRODUCT({lay.sv_proxy_range},{lay.sv_qty_range(i)},{lay.sv_deliv_range(i)})/100"
        total.number_format = "£#,##0.00"
    xw.widths(ws, {1: 20, 2: 44, 3: 14, lay.sv_proxy_col: 14} | {lay.sv_col(i): 14 for i in range(lay.slots)})
    ws.freeze_panes = ws.cell(head + 1, lay.sv_col(0))
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _results(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    t = lay.tender
    ws = wb.create_sheet("Results")
    ws["A1"] = "Results (native formulas: no add-in needed)"
    ws["A1"].font = xw.TITLE
    _illustrative_title(ws, lay)
    cols = lay.results_columns
    labels = []
    for name in cols:
        if name.startswith("crit:"):
            cid = name[5:]
            labels.append(cid)
        else:
            labels.append(name.lstrip("_") if name.startswith("_") else name)
    head = lay.FIRST_BIDDER_ROW - 1
    xw.header(ws, head, labels)
    first, last = lay.bidder_row(0), lay.last_bidder_row

    def C(name: str, r: int | None = None, absolute: bool = False) -> str:
        letter = xw.col(lay.rcol(name))
        if r is None:
            return f"${letter}${first}:${letter}${last}"
        return f"${letter}{r}" if absolute else f"{letter}{r}"

    def rng(name: str) -> str:
        return C(name)

    scale_rng = {s.id: lay.scale_range(s.id) for s in t.scales}
    scale_max = {sid: f"MAX({r})" for sid, r in scale_rng.items()}
    quality_leaves = [w for w in lay.leaves if w.kind is CriterionKind.QUALITY and w.points_available > 0]
    gates = [w for w in lay.leaves if w.kind is CriterionKind.PASS_FAIL]
    for i in range(lay.slots):
        r = lay.bidder_row(i)

        def score(cid: str, i: int = i) -> str:
            return lay.score_ref(cid, i)

        name = lay.bidder_ref(i, "name")
        ws.cell(r, lay.rcol("Bidder"), f'=IF({name}="","",{name})')
        B = C("Status", r, True)
        price = lay.price_ref(i)
        ws.cell(r, lay.rcol("Price (£)"), f'=IF({price}="","",{price})').number_format = "£#,##0.00"
        ws.cell(r, lay.rcol("_price_in"), f'=IF(AND({B}="ranked",ISNUMBER({C("Price (£)", r)})),{C("Price (£)", r)},"")')
        missing = f"COUNTBLANK(Scores!{lay.score_column_range(i)})" if lay.score_rows else "0"
        if lay.price_leaf is not None:
            missing += f'+IF({price}="",1,0)'
        ws.cell(r, lay.rcol("_missing"), f"={missing}")
        invalid = [f'IF(AND({price}<>"",N({price})<=0),1,0)'] if lay.price_leaf is not None else []
        for cid in lay.score_rows:
            w = next(x for x in lay.tree if x.criterion.id == cid)
            if w.kind is CriterionKind.PASS_FAIL:
                invalid.append(f'IF({score(cid)}="",0,IF(OR({score(cid)}="pass",{score(cid)}="fail"),0,1))')
            else:
                invalid.append(f'IF({score(cid)}="",0,IF(ISNUMBER(MATCH({score(cid)},{scale_rng[w.criterion.scale_id()]},0)),0,1))')
        if lay.measures_leaf is not None:
            q, d = f"'Social Value'!{lay.sv_qty_range(i)}", f"'Social Value'!{lay.sv_deliv_range(i)}"
            invalid.append(f'COUNTIF({q},"<0")+COUNTIF({d},"<0")+COUNTIF({d},">100")')
        ws.cell(r, lay.rcol("_invalid"), "=" + ("+".join(invalid) or "0"))
        # Quality % (only when every quality criterion is scored)
        if quality_leaves:
            blanks = "+".join(f'({score(w.criterion.id)}="")' for w in quality_leaves)
            got = ",".join(C(f"crit:{w.criterion.id}", r) for w in quality_leaves)
            avail = "+".join(lay.criteria_ref(w.criterion.id, "Points available") for w in quality_leaves)
            ws.cell(r, lay.rcol("Quality (%)"), f'=IF(OR({blanks}),"",IF(COUNT({got})<{len(quality_leaves)},"",SUM({got})/({avail})*100))')
        else:
            ws.cell(r, lay.rcol("Quality (%)"), '=""')
        ws.cell(r, lay.rcol("Quality (%)")).number_format = "0.00"
        # Reason for disqualification
        reasons = []
        if gates:
            cells = ",".join(score(w.criterion.id) for w in gates)
            reasons.append((f'SUMPRODUCT(({cells.split(",")[0]}="fail")*1)' if len(gates) == 1 else
                            "(" + "+".join(f'({score(w.criterion.id)}="fail")' for w in gates) + ")") + ">0")
        mins = [w for w in lay.leaves if lay.scored_on_scale(w)]
        below = [f'AND(ISNUMBER({score(w.criterion.id)}),{lay.criteria_ref(w.criterion.id, "Minimum score")}<>"",'
                 f'{score(w.criterion.id)}<{lay.criteria_ref(w.criterion.id, "Minimum score")})' for w in mins]
        minq = lay.detail("minimum_quality_percent")
        qp = C("Quality (%)", r)
        reason = '""'
        if quality_leaves:
            # rounded: a quality % exactly on the minimum is 39.99999999999999 in Gnumeric
            reason = f'IF(AND({minq}<>"",ISNUMBER({qp})),IF(ROUND({qp}-{minq},{R9})<0,"Quality below the minimum",""),"")'
        if below:
            reason = f'IF(OR({",".join(below)}),"Below a minimum score",{reason})'
        if gates:
            reason = f'IF({reasons[0]},"Failed a pass/fail criterion",{reason})'
        ws.cell(r, lay.rcol("Reason"), f"={reason}")
        ranked = '"ranked"'
        if lay.ppqp:  # no quality points to divide the price by: incomplete, as the engine says
            zero = [f'SUM({",".join(C(f"crit:{w.criterion.id}", r) for w in mins)})=0' if mins else "TRUE"]
            if lay.measures_leaf is not None:  # its points depend on Status: judged by the bid's own £ value instead
                avail_sv = lay.criteria_ref(lay.measures_leaf.criterion.id, "Points available")
                zero.append(f'NOT(AND(N({C("Social value (£)", r)})>0,{avail_sv}>0))')
            ranked = f'IF(AND({",".join(zero)}),"incomplete","ranked")'
        status = (f'=IF({C("Bidder", r)}="","",IF({C("_invalid", r)}>0,"invalid",IF({C("Reason", r)}<>"","disqualified",'
                  f'IF({C("_missing", r)}>0,"incomplete",{ranked}))))')
        ws.cell(r, lay.rcol("Status"), status)
        # Criteria points
        for w in lay.tree:
            cell = ws.cell(r, lay.rcol(f"crit:{w.criterion.id}"))
            cell.number_format = "0.00"
            avail = lay.criteria_ref(w.criterion.id, "Points available")
            if not w.is_leaf:
                kids = [k for k in lay.children(w.criterion.id) if k.kind is not CriterionKind.PASS_FAIL]
                refs = ",".join(C(f"crit:{k.criterion.id}", r) for k in kids)
                cell.value = f'=IF(COUNT({refs})={len(kids)},SUM({refs}),"")' if kids else '=""'
            elif w.kind is CriterionKind.PASS_FAIL:
                cell.value = f'=IF({score(w.criterion.id)}="","",{score(w.criterion.id)})'
            elif lay.scored_on_scale(w):
                s = score(w.criterion.id)
                cell.value = (f'=IF({s}="","",IF(ISNUMBER(MATCH({s},{scale_rng[w.criterion.scale_id()]},0)),'
                              f'{s}/{scale_max[w.criterion.scale_id()]}*{avail},""))')
            elif w.kind is CriterionKind.PRICE:
                cell.value = _price_formula(lay, B, C("Price (£)", r), rng("_price_in"), avail)
            else:  # social value by measures
                v = C("Social value (£)", r)
                sv_in = rng("_sv_in")
                if t.social_value.quantitative_method is SocialValueMethod.RELATIVE_TO_HIGHEST:
                    cell.value = f'=IF({B}="ranked",IF(MAX({sv_in})>0,{avail}*{v}/MAX({sv_in}),0),"")'
                else:
                    tgt = lay.detail("social_value.target_pence_per_pound")
                    base = f'IF(N({C("Price (£)", r)})>0,{C("Price (£)", r)},{lay.detail("contract.estimated_value")})'
                    cell.value = f'=IF({B}="ranked",MIN({avail},{avail}*({v}/{base})/({tgt}/100)),"")'
        if lay.measures_leaf is not None:
            ws.cell(r, lay.rcol("Social value (£)"), f"='Social Value'!{lay.sv_total_cell(i)}").number_format = "£#,##0.00"
            ws.cell(r, lay.rcol("_sv_in"), f'=IF({B}="ranked",{C("Social value (£)", r)},"")')
        else:
            ws.cell(r, lay.rcol("Social value (£)"), '=""')
            ws.cell(r, lay.rcol("_sv_in"), '=""')
        tops = [w for w in lay.tree if w.depth == 0 and w.kind is not CriterionKind.PASS_FAIL]
        total = C("Total", r)
        ws.cell(r, lay.rcol("Total"), f'=IF({B}="ranked",SUM({",".join(C(f"crit:{w.criterion.id}", r) for w in tops)}),"")').number_format = "0.00"
        if lay.ppqp:
            ws.cell(r, lay.rcol("Price per quality point"), f'=IF(AND({B}="ranked",N({total})>0),{C("Price (£)", r)}/{total},"")').number_format = "£#,##0.00"
            ws.cell(r, lay.rcol("_key"), f'=IF(ISNUMBER({C("Price per quality point", r)}),ROUND(-{C("Price per quality point", r)},{R9}),{NO_KEY})')
        else:
            ws.cell(r, lay.rcol("Price per quality point"), '=""')
            ws.cell(r, lay.rcol("_key"), f'=IF(ISNUMBER({total}),ROUND({total},{R9}),{NO_KEY})')
        for k, tb in enumerate(t.tie_breaks):
            if tb.rule == "higher_score_on":
                src = C(f"crit:{tb.criterion}", r)
                ws.cell(r, lay.rcol(f"_tie{k}"), f'=IF(ISNUMBER({src}),ROUND({src},{R9}),{NO_KEY})')
            else:
                ws.cell(r, lay.rcol(f"_tie{k}"), f'=IF(ISNUMBER({C("Price (£)", r)}),ROUND(-{C("Price (£)", r)},{R9}),{NO_KEY})')
        key = C("_key", r)
        # Compared as numbers, never as criteria text (COUNTIF(range,">"&key) turns a 16-digit
        # price per point into 15-digit text, and a bid then counts itself better than itself).
        # Unranked rows carry NO_KEY, below every ranked key: a number, as Gnumeric does not
        # take ISNUMBER(range) element by element inside SUMPRODUCT.
        terms = [f"SUMPRODUCT(--({rng('_key')}>{key}))+1"]
        level = [f"({rng('_key')}={key})"]
        for k in range(len(t.tie_breaks)):
            tie, mine = rng(f"_tie{k}"), C(f"_tie{k}", r)
            terms.append(f"SUMPRODUCT({'*'.join(level)}*({tie}>{mine}))")
            level.append(f"({tie}={mine})")
        ws.cell(r, lay.rcol("Rank"), f'=IF({key}>{NO_KEY},{"+".join(terms)},"")')
        al = lay.detail("abnormally_low.percent_below_mean")
        pin = rng("_price_in")
        pr = C("Price (£)", r)
        # The shortfall below the limit is rounded to LOW_PLACES, as the engine rounds it, so a
        # price exactly on the limit is not flagged in any program, whatever its last binary digit.
        short = f"ROUND((SUM({pin})-{pr})/(COUNT({pin})-1)*(1-{al}/100)-{pr},{LOW_PLACES})"
        ws.cell(r, lay.rcol("Flags"), (f'=IF(AND({B}="ranked",COUNT({pin})>1,{al}<>""),IF({short}>0,'
                                       f'"Abnormally low price: ask the supplier (PA 2023 s.19(4))",""),"")'))
    # presentation
    for name in cols:
        letter = xw.col(lay.rcol(name))
        ws.column_dimensions[letter].width = 12
        if name.startswith("_"):
            ws.column_dimensions[letter].hidden = True
    ws.column_dimensions[xw.col(lay.rcol("Bidder"))].width = 32
    ws.column_dimensions[xw.col(lay.rcol("Flags"))].width = 40
    ws.column_dimensions[xw.col(lay.rcol("Reason"))].width = 26
    status_rng = f"{xw.col(lay.rcol('Status'))}{first}:{xw.col(lay.rcol('Status'))}{last}"
    from openpyxl.formatting.rule import FormulaRule
    s0 = f"{xw.col(lay.rcol('Status'))}{first}"
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'{s0}="ranked"'], fill=xw.OK_FILL))
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'OR({s0}="disqualified",{s0}="invalid")'], fill=xw.ERROR_FILL))
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'{s0}="incomplete"'], fill=xw.INPUT_FILL))
    ws.freeze_panes = ws.cell(first, lay.rcol("Status") + 1)  # the bidder and status stay in view
    ws.auto_filter.ref = f"A{head}:{xw.col(len(cols))}{last}"
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _price_formula(lay: EvaluationLayout, status: str, price: str, pin: str, avail: str) -> str:
    m = lay.tender.price.method
    lo, hi = f"MIN({pin})", f"MAX({pin})"
    if m is PriceMethod.PRICE_PER_QUALITY_POINT:
        return '=""'
    if m is PriceMethod.RELATIVE_TO_LOWEST:
        f = f"{avail}*{lo}/{price}"
    elif m is PriceMethod.DEVIATION_FROM_LOWEST:
        f = f"MAX(0,{avail}*(1-({price}-{lo})/{lo}))"
    elif m is PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE:
        q = lay.detail("price.qualification_price")
        f = f"IF({price}>={q},0,MIN({avail},{avail}*({q}-{price})/({q}-{lo})))"
    else:
        f = f"IF({hi}={lo},{avail},{avail}*({hi}-{price})/({hi}-{lo}))"
    return f'=IF({status}="ranked",{f},"")'
