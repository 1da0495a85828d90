"""Evaluator score sheets: one workbook with a sheet per evaluator, a score and a justification
for every criterion and bidder. Justifications are required: they become the explanations in
each bidder's assessment summary (Procurement Act 2023 s.50)."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment

from svscore import __version__
from svscore.errors import SvscoreError
from svscore.excel import workbook as xw
from svscore.excel.cells import META
from svscore.excel.evaluation import excel_value, protected_cells
from svscore.excel.layout import EvaluationLayout
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender

FIRST_ROW = 4


@dataclass(frozen=True)
class ScoreSheetLayout:
    rows: dict[str, int]
    """Row of each criterion evaluators score."""
    slots: int
    evaluators: tuple[str, ...]

    def score_col(self, slot: int) -> int:
        return 4 + 2 * slot

    def justification_col(self, slot: int) -> int:
        return 5 + 2 * slot


RESERVED_SHEETS = {"bidders", "lists", "history", META.lower()}
BAD_SHEET_CHARS = set("[]:*?/\\'")


def check_evaluators(evaluators: tuple[str, ...]) -> None:
    """Each evaluator gets a sheet named after them, so names must make distinct, legal sheet titles."""
    if not evaluators:
        raise SvscoreError("Give at least one evaluator's name (--evaluators \"Ann,Bob\").")
    seen: set[str] = set()
    for name in evaluators:
        if not name.strip():
            raise SvscoreError("An evaluator's name is empty.")
        if len(name) > 31:
            raise SvscoreError(f"Evaluator name {name!r} is longer than 31 characters, the most an Excel sheet name can hold.")
        bad = sorted(BAD_SHEET_CHARS & set(name))
        if bad:
            raise SvscoreError(f"Evaluator name {name!r} contains {' '.join(bad)}, which Excel sheet names cannot hold.")
        if name.lower() in RESERVED_SHEETS:
            raise SvscoreError(f"Evaluator name {name!r} is taken by a sheet of the workbook; choose another.")
        if name.lower() in seen:
            raise SvscoreError(f"Evaluator name {name!r} is given twice (names are compared without case).")
        seen.add(name.lower())


def score_sheet_layout(tender: Tender, lot_index: int, measures: MeasuresTable | None, slots: int,
                       evaluators: tuple[str, ...]) -> ScoreSheetLayout:
    return _from_evaluation(EvaluationLayout(tender, lot_index, slots, measures), evaluators)


def _from_evaluation(ev: EvaluationLayout, evaluators: tuple[str, ...]) -> ScoreSheetLayout:
    return ScoreSheetLayout({cid: FIRST_ROW + i for i, cid in enumerate(ev.score_rows)}, ev.slots, evaluators)


def build_score_sheets(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None, slots: int = 10,
                       evaluators: tuple[str, ...] = ("Evaluator 1", "Evaluator 2", "Evaluator 3")) -> xw.Workbook:
    check_evaluators(evaluators)
    ev = EvaluationLayout(tender, lot_index, slots, measures)
    lay = _from_evaluation(ev, evaluators)
    wb = xw.new_workbook()
    bidders = wb.create_sheet("Bidders")
    bidders["A1"] = "Bidders (the same on every evaluator's sheet)"
    bidders["A1"].font = xw.TITLE
    xw.header(bidders, 2, ["Bidder id", "Bidder name"])
    for i in range(slots):
        xw.unlock(bidders.cell(3 + i, 1), text=True)
        xw.unlock(bidders.cell(3 + i, 2), text=True)
    xw.widths(bidders, {1: 22, 2: 40})
    xw.protect(bidders)
    lists = wb.create_sheet("Lists")
    for s_i, s in enumerate(tender.scales):
        lists.cell(1, 1 + s_i, s.id)
        for v_i, v in enumerate(s.allowed()):
            lists.cell(2 + v_i, 1 + s_i, excel_value(v, "number"))
    lists.sheet_state = "hidden"
    xw.protect(lists)
    for name in evaluators:
        ws = wb.create_sheet(name)
        ws["A1"] = f"Score sheet: {name}"
        ws["A1"].font = xw.TITLE
        xw.set_text(ws["A2"], f"{tender.reference}: {tender.title}. Score each bid independently and justify every score by reference to the bid.")
        xw.header(ws, FIRST_ROW - 1, ["ID", "Criterion", "Scale"])
        for i in range(slots):
            head = f'=IF(Bidders!$B${3 + i}="","Bidder {i + 1}",Bidders!$B${3 + i})'
            for c, suffix in ((lay.score_col(i), ": score"), (lay.justification_col(i), ": justification")):
                cell = ws.cell(FIRST_ROW - 1, c, f'={head[1:]}&"{suffix}"')
                cell.font, cell.fill, cell.alignment = xw.HEADER, xw.HEADER_FILL, Alignment(wrap_text=True)
        for cid, r in lay.rows.items():
            w = next(x for x in ev.tree if x.criterion.id == cid)
            gate = w.kind is CriterionKind.PASS_FAIL
            xw.set_text(ws.cell(r, 1), cid).alignment = xw.WRAP
            xw.set_text(ws.cell(r, 2), w.criterion.name).alignment = xw.WRAP
            xw.set_text(ws.cell(r, 3), "pass/fail" if gate else w.criterion.scale).alignment = xw.WRAP
            for i in range(slots):
                score = xw.unlock(ws.cell(r, lay.score_col(i)))
                just = xw.unlock(ws.cell(r, lay.justification_col(i)))
                just.alignment = xw.WRAP
                ws.conditional_formatting.add(just.coordinate, FormulaRule(
                    formula=[f'AND({score.coordinate}<>"",{just.coordinate}="")'], fill=xw.ERROR_FILL))
            dv_cells = " ".join(f"{xw.col(lay.score_col(i))}{r}" for i in range(slots))
            if gate:
                xw.list_validation(ws, '"pass,fail"', dv_cells, "pass or fail")
            else:
                s_i = [s.id for s in tender.scales].index(w.criterion.scale_id())
                scale = tender.scales[s_i]
                letter = xw.col(1 + s_i)
                xw.list_validation(ws, f"=Lists!${letter}$2:${letter}${len(scale.allowed()) + 1}", dv_cells, f"a score on scale {scale.id}")
            ws.row_dimensions[r].height = 60
        xw.widths(ws, {1: 8, 2: 32, 3: 9} | {lay.score_col(i): 9 for i in range(slots)} | {lay.justification_col(i): 40 for i in range(slots)})
        ws.freeze_panes = ws.cell(FIRST_ROW, 4)
        xw.print_setup(ws, f"{FIRST_ROW - 1}:{FIRST_ROW - 1}")
        xw.protect(ws)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    constants = protected_cells(wb)
    lot = tender.all_lots()[lot_index]
    xw.add_metadata(wb, xw.Metadata("score_sheets", xw.TEMPLATE_FORMAT_VERSION, tender.reference, lot.id, __version__,
                                    xw.fingerprint(constants), {"slots": slots, "evaluators": list(evaluators)}))
    wb.active = 0
    return wb
