"""The evaluation workbook's Setup sheet and its hidden Lists: the tender's details an officer may
correct, the threshold and Social Value Act decision with its reasons, and the criteria table with
its weights, minimum scores, effective weights and a check on every group of weights."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from svscore.excel import workbook as xw
from svscore.excel.layout import CRITERIA_COLUMNS, DETAILS, EvaluationLayout
from svscore.excel.workbook import excel_value
from svscore.model import tender as tm
from svscore.model.tender import CriterionKind, WeightingMode
from svscore.rules.act import Decision

ENUMS: dict[str, type[StrEnum]] = {
    "AuthorityType": tm.AuthorityType, "Jurisdiction": tm.Jurisdiction, "ContractKind": tm.ContractKind,
    "WeightingMode": tm.WeightingMode, "PriceMethod": tm.PriceMethod, "Aggregation": tm.Aggregation,
    "SocialValueMethod": tm.SocialValueMethod,
}

def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``contract.kind``) of a dumped model, or None."""
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def add_lists_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> dict[str, str]:
    """The hidden Lists sheet of every choice (Yes/No, pass/fail, each scale, each setting); its ranges by name."""
    ws = wb.create_sheet("Lists")
    refs: dict[str, str] = {}

    def column(c: int, title: str, values: list[Any]) -> str:
        ws.cell(lay.LIST_FIRST_ROW - 1, c, title).font = xw.font(bold=True)
        for i, v in enumerate(values, start=lay.LIST_FIRST_ROW):
            xw.set_text(ws.cell(i, c), v) if isinstance(v, str) else ws.cell(i, c, v)
        return xw.range_address(c, lay.LIST_FIRST_ROW, c, lay.LIST_FIRST_ROW + len(values) - 1, "Lists")

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


def add_setup_sheet(wb: xw.Workbook, lay: EvaluationLayout, decision: Decision | None, lists: dict[str, str]) -> None:
    """The Setup sheet: tender details, the threshold decision and the criteria table."""
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
    for path, label, kind, _editable in DETAILS:
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
        if lay.detail_editable(path):
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
    ws.cell(rr, lay.criteria_col("Criterion"), "All top-level criteria").font = xw.font(bold=True)
    ws[lay.root_check_cell] = _check_formula(lay.weighted_children(None), lay, total_marks if marks else "100", "the top-level criteria")
    xw.flag_not_ok(ws, lay.root_check_cell, lay.root_check_cell)


def _check_formula(kids: list, lay: EvaluationLayout, target: str, what: str) -> str:
    if not kids:
        return '="ERROR: nothing here carries a weight"'
    s = "SUM(" + ",".join(lay.criteria_cell(k.criterion.id, "Weight") for k in kids) + ")"
    return (f'=IF(ROUND({s}-{target},9)=0,"OK: {what} add up to "&{target},'
            f'IF(ABS({s}-{target})<=ABS({target})/100000,"ROUNDING: {what} add up to "&{s}&", not "&{target}&"; make them exact",'
            f'"ERROR: {what} add up to "&{s}&", not "&{target}))')


