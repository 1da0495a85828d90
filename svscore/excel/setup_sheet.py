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

WORDS: dict[str, str] = {
    "central_government": "central government authority", "sub_central": "sub-central authority",
    "utility": "utility", "defence_and_security": "defence and security", "northern_ireland": "Northern Ireland",
    "light_touch": "light touch services", "percent": "weights in percent", "marks": "marks out of a total",
    "relative_to_lowest": "relative to lowest price", "deviation_from_lowest": "deviation from the lowest price",
    "pro_rata_to_qualification_price": "pro rata to the qualification price",
    "linear_lowest_to_highest": "straight line from lowest to highest price",
    "price_per_quality_point": "lowest price per quality point", "consensus": "a consensus score",
    "mean": "the mean of the evaluators' scores", "median": "the median of the evaluators' scores",
    "relative_to_highest": "relative to the highest social value", "target_ratio": "against a target per £1",
    "social_value": "social value", "pass_fail": "pass/fail",
}
"""Each setting's code in plain words: the code stays in the cell svscore reads, the words beside it."""
REASON_LINE = 95
"""Characters a line of the threshold decision's reasons holds across columns D to K."""
CORRECTING_A_WEIGHT = (
    "The weights are locked: they are the published evaluation method. To correct an error: Review > "
    "Unprotect Sheet (no password), change the weight, protect the sheet again, and record the change "
    "below (what, why, who approved it).")


def words(code: str) -> str:
    """A setting's code as an officer says it."""
    return WORDS.get(code, code.replace("_", " "))


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
    title = xw.set_text(ws["A2"], f"{t.reference}: {t.title}" + (f" — lot {t.all_lots()[lay.lot_index].id}" if t.lots else ""))
    title.alignment = xw.WRAP
    ws.merge_cells("A2:K2")
    ws.row_dimensions[2].height = _height(len(str(title.value)), 150)
    ws.row_dimensions[lay.criteria_header].height = 30
    xw.header(ws, lay.DETAILS_ROW - 1, ["Tender details", "", "", "Value"])
    ws.merge_cells(start_row=lay.DETAILS_ROW - 1, start_column=1, end_row=lay.DETAILS_ROW - 1, end_column=3)
    value_col = lay.DETAILS_COL
    ws.merge_cells(start_row=lay.DETAILS_ROW - 1, start_column=value_col, end_row=lay.DETAILS_ROW - 1, end_column=value_col + 2)
    xw.header(ws, lay.DETAILS_ROW - 1, ["In words"], start_col=value_col + 3)
    ws.merge_cells(start_row=lay.DETAILS_ROW - 1, start_column=value_col + 3, end_row=lay.DETAILS_ROW - 1, end_column=11)
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
        if kind in ENUMS:  # the words follow the code an officer picks
            codes = [e.value for e in ENUMS[kind]]
            said = ",".join(f'"{words(c)}"' for c in codes)
            ws.cell(r, value_col + 3, f'=IFERROR(CHOOSE(MATCH({cell.coordinate},{lists[kind]},0),{said}),"")')
            ws.merge_cells(start_row=r, start_column=value_col + 3, end_row=r, end_column=11)
        if kind == "text":
            cell.alignment = xw.WRAP
            ws.row_dimensions[r].height = _height(len(str(v or "")), 32)
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
    # one reason a line, the figures to check first: an officer reads down, not along
    lines = [f"Please check before relying on this: {w}" for w in d.warnings] + [_sentences(x) for x in d.reasons]
    text = "\n".join(lines)
    ws.cell(r + 6, 1, "Reasons")
    ws.merge_cells(start_row=r + 6, start_column=4, end_row=r + 12, end_column=11)
    c = xw.set_text(ws.cell(r + 6, 4), text[:32000])
    c.alignment = xw.WRAP
    shown = sum(max(1, -(-len(line) // REASON_LINE)) for line in lines)
    for j in range(7):  # the merged block's rows share the height the lines need
        ws.row_dimensions[r + 6 + j].height = max(15.0, round(15.0 * shown / 7 + 1, 1))


def _sentences(reason: str) -> str:
    """A reason as it reads best on one line (it is already one sentence or two)."""
    return " ".join(reason.split())


def _height(chars: int, per_line: int) -> float:
    """A row's height for wrapped text of ``chars`` characters at ``per_line`` characters a line."""
    return 15.0 * max(1, -(-chars // per_line)) + (3 if chars > per_line else 0)


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
        xw.set_text(at("Kind"), words(w.kind.value) if w.kind else "")  # svscore's functions read either
        gate = w.kind is CriterionKind.PASS_FAIL or (lay.ppqp and w.kind is CriterionKind.PRICE)
        weight = at("Weight")
        weight.value = excel_value(c.weight, "number") if not gate else None
        if not gate:  # locked: a correction is made as CORRECTING_A_WEIGHT says, and recorded
            xw.number_validation(ws, weight.coordinate, 0, "a weight")
        xw.set_text(at("Scale"), c.scale or "")
        if lay.scored_on_scale(w) and w.is_leaf:
            m = at("Minimum score")
            m.value = excel_value(c.minimum_score, "number")
            xw.unlock(m)
            allowed = next(s.allowed() for s in t.scales if s.id == c.scale_id())
            lo, hi = (excel_value(x, "number") for x in (min(allowed), max(allowed)))  # a minimum off the scale could never be met, or always is
            xw.number_validation(ws, m.coordinate, lo, f"a minimum score on the scale {c.scale_id()}", hi)
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
    _version_history(ws, lay)


def _version_history(ws: Worksheet, lay: EvaluationLayout, rows: int = 6) -> None:
    """Where a correction to the published method is recorded: version, date, change, who."""
    r = lay.version_history_row
    ws.cell(r, 1, "Version history").font = xw.font(bold=True, size=12)
    note = ws.cell(r + 1, 1, CORRECTING_A_WEIGHT)
    note.alignment = xw.WRAP
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=11)
    ws.row_dimensions[r + 1].height = 32
    heads = {1: "Version", 2: "Date", 4: "Change", 9: "Made by", 11: "Approved by, and why"}
    for c, label in heads.items():
        ws.cell(r + 2, c, label)
    xw.header(ws, r + 2, [heads.get(c, "") for c in range(1, 12)])
    spans = ((1, 1), (2, 3), (4, 8), (9, 10), (11, 11))
    for a, b in spans[1:]:
        if b > a:
            ws.merge_cells(start_row=r + 2, start_column=a, end_row=r + 2, end_column=b)
    for k in range(rows):
        row = r + 3 + k
        for a, b in spans:
            cell = xw.unlock(ws.cell(row, a), text=a not in (2,))
            if a == 2:
                cell.number_format = "dd mmm yyyy"
            cell.alignment = xw.WRAP
            if b > a:
                ws.merge_cells(start_row=row, start_column=a, end_row=row, end_column=b)
        if k == 0:
            xw.set_text(ws.cell(row, 1), "1")
            xw.set_text(ws.cell(row, 4), "As published")


def _check_formula(kids: list, lay: EvaluationLayout, target: str, what: str) -> str:
    if not kids:
        return '="ERROR: nothing here carries a weight"'
    s = "SUM(" + ",".join(lay.criteria_cell(k.criterion.id, "Weight") for k in kids) + ")"
    return (f'=IF(ROUND({s}-{target},9)=0,"OK: {what} add up to "&{target},'
            f'IF(ABS({s}-{target})<=ABS({target})/100000,"ROUNDING: {what} add up to "&{s}&", not "&{target}&"; make them exact",'
            f'"ERROR: {what} add up to "&{s}&", not "&{target}))')


