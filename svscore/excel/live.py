"""The Live sheet: the same results from svscore's Excel functions, next to the native formulas.

Each block is a fixed-size array formula (it works in every Excel with the xlwings add-in, and
in Excel 365 the results would spill the same way). The "Agrees?" column compares every live
total with the native Results sheet, so an officer sees at a glance that both give one answer.
"""

from __future__ import annotations

from openpyxl.worksheet.formula import ArrayFormula

from svscore.excel import workbook as xw
from svscore.excel.layout import EvaluationLayout
from svscore.model.tender import WeightingMode


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def add_live_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    t = lay.tender
    ws = wb.create_sheet("Live")
    ws["A1"] = "Live results from svscore's Excel functions (needs the xlwings add-in or xlwings Lite)"
    ws["A1"].font = xw.TITLE
    criteria = lay.criteria_range
    mode = _q(t.weighting.value)
    marks = lay.detail("total_marks")
    scales = lay.scales_block
    ws["A3"] = "svscore version"
    ws["B3"] = "=SV_VERSION()"
    ws["A5"] = "Weights check"
    ws["A5"].font = xw.font(bold=True)
    ws["B5"] = ArrayFormula("B5:B9", f"=SV_WEIGHTCHECK({criteria},{mode},{marks})")
    r = 11
    ws.cell(r, 1, "Effective weights").font = xw.font(bold=True)
    ws.cell(r + 1, 2, ArrayFormula(f"B{r + 1}:C{r + len(lay.tree)}", f"=SV_EFFECTIVEWEIGHTS({criteria},{mode},{marks})"))
    r = r + len(lay.tree) + 2
    ws.cell(r, 1, "Threshold and Social Value Act").font = xw.font(bold=True)
    args = ",".join([
        f"{lay.detail('contract.estimated_value')}+N({lay.detail('contract.options_and_extensions_value')})",
        lay.detail("authority.type"), lay.detail("contract.kind"), lay.detail("contract.procurement_start"),
        lay.detail("authority.jurisdiction"), lay.detail("contract.value_includes_vat"),
        lay.detail("contract.services_share_percent"), lay.detail("authority.welsh_devolved_functions"),
    ])
    for k, (label, fn) in enumerate([("Threshold (£)", "SV_THRESHOLD"), ("Above threshold", "SV_ABOVETHRESHOLD"),
                                     ("Social Value Act applies", "SV_ACTAPPLIES")], start=1):
        ws.cell(r + k, 1, label)
        ws.cell(r + k, 2, f"={fn}({args})")
    r += 5
    ws.cell(r, 1, "Results").font = xw.font(bold=True)
    score_ids, scores = lay.scores_block
    bidders = lay.bidders_range("name")
    prices = lay.prices_range()
    sv = lay.sv_totals_range if lay.measures_leaf is not None else '""'
    ties = ";".join("lower_price" if tb.rule == "lower_price" else f"higher_score_on:{tb.criterion}" for tb in t.tie_breaks)
    formula = (f"=SV_RESULTS({criteria},{score_ids},{scores},"
               f"{bidders},{prices},{mode},{marks},{_q(t.price.method.value)},{lay.detail('price.qualification_price')},{sv},"
               f"{_q(t.social_value.quantitative_method.value)},{lay.detail('social_value.target_pence_per_pound')},"
               f"{lay.detail('minimum_quality_percent')},{lay.detail('abnormally_low.percent_below_mean')},{_q(ties)},{scales})")
    width = 2 + len(lay.tree) + 2
    top = r + 1
    ws.cell(top, 1, ArrayFormula(f"A{top}:{xw.col(width)}{top + lay.slots}", formula))
    total_col, agree_col = xw.col(width - 1), xw.col(width + 1)
    ws.cell(top, width + 1, "Agrees with the Results sheet?").font = xw.font(bold=True)
    res_name, res_total = lay.results_range("Bidder"), lay.results_range("Total")
    for k in range(1, lay.slots + 1):
        row = top + k
        native = f"INDEX({res_total},MATCH($A{row},{res_name},0))"
        ws[f"{agree_col}{row}"] = (f'=IF(ISERROR($A{row}),"",IF($A{row}="","",IF(AND(ISNUMBER({total_col}{row}),ISNUMBER({native})),'
                                   f'IF(ABS({total_col}{row}-{native})<1E-9,"agrees","DIFFERS"),'
                                   f'IF(AND(NOT(ISNUMBER({total_col}{row})),NOT(ISNUMBER({native}))),"agrees","DIFFERS"))))')
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    xw.print_setup(ws)
    xw.protect(ws)
    if t.weighting is WeightingMode.MARKS:
        ws.cell(2, 1, f"Points are out of {t.total_marks} marks.")
