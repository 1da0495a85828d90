"""Evaluator score sheets: one workbook with a sheet per evaluator, a score and a justification
for every criterion and bidder. Justifications are required: they become the explanations in
each bidder's assessment summary (Procurement Act 2023 s.50)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment

from svscore import __version__
from svscore.errors import SvscoreError
from svscore.excel import workbook as xw
from svscore.excel.cells import META
from svscore.excel.layout import EvaluationLayout
from svscore.excel.workbook import excel_value, protected_cells
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender


@dataclass(frozen=True)
class ScoreSheetLayout:
    """Every position in a score sheets workbook, its first rows and columns class attributes as in
    :class:`EvaluationLayout` (so the builder and the batch's reader agree; moving one changes the format)."""

    FIRST_ROW: ClassVar[int] = 4
    """Each evaluator's sheet: the row of the first criterion (its headers are the row above)."""
    FIRST_SCORE_COL: ClassVar[int] = 4
    """Each evaluator's sheet: the score column of bidder slot 0, its justification to the right."""
    FIRST_BIDDER_ROW: ClassVar[int] = 3
    """Bidders: the row of bidder slot 0 (the id in A, the name in B)."""
    BIDDER_ID_COL: ClassVar[int] = 1
    BIDDER_NAME_COL: ClassVar[int] = 2
    LIST_FIRST_ROW: ClassVar[int] = 2
    """Lists: each scale's values from this row, one scale per column from A (its id above)."""

    rows: dict[str, int]
    """Row of each criterion evaluators score."""
    slots: int
    evaluators: tuple[str, ...]

    def score_col(self, slot: int) -> int:
        return self.FIRST_SCORE_COL + 2 * slot

    def justification_col(self, slot: int) -> int:
        return self.FIRST_SCORE_COL + 1 + 2 * slot

    def score_cell(self, cid: str, slot: int) -> str:
        return xw.address(self.score_col(slot), self.rows[cid])

    def justification_cell(self, cid: str, slot: int) -> str:
        return xw.address(self.justification_col(slot), self.rows[cid])

    def bidder_row(self, slot: int) -> int:
        """The Bidders sheet's row of bidder slot 0..slots-1."""
        return self.FIRST_BIDDER_ROW + slot

    def bidder_name_ref(self, slot: int) -> str:
        """A bidder's name as the evaluators' sheets refer to it (``Bidders!$B$3``)."""
        return xw.address(self.BIDDER_NAME_COL, self.bidder_row(slot), "Bidders")

    def scale_col(self, index: int) -> int:
        """The Lists column of the tender's scale ``index`` (in the tender's order)."""
        return 1 + index

    def scale_range(self, index: int, values: int) -> str:
        """The allowed values of the tender's scale ``index`` on the Lists sheet (``Lists!$A$2:$A$7``)."""
        c = self.scale_col(index)
        return xw.range_address(c, self.LIST_FIRST_ROW, c, self.LIST_FIRST_ROW + values - 1, "Lists")

    @property
    def header_row(self) -> int:
        return self.FIRST_ROW - 1


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
    return ScoreSheetLayout({cid: ScoreSheetLayout.FIRST_ROW + i for i, cid in enumerate(ev.score_rows)}, ev.slots, evaluators)


def build_score_sheets(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None, slots: int = 10,
                       evaluators: tuple[str, ...] = ("Evaluator 1", "Evaluator 2", "Evaluator 3")) -> xw.Workbook:
    check_evaluators(evaluators)
    ev = EvaluationLayout(tender, lot_index, slots, measures)
    lay = _from_evaluation(ev, evaluators)
    wb = xw.new_workbook()
    bidders = wb.create_sheet("Bidders")
    bidders["A1"] = "Bidders (the same on every evaluator's sheet)"
    bidders["A1"].font = xw.TITLE
    xw.header(bidders, lay.FIRST_BIDDER_ROW - 1, ["Bidder id", "Bidder name"])
    for i in range(slots):
        xw.unlock(bidders.cell(lay.bidder_row(i), lay.BIDDER_ID_COL), text=True)
        xw.unlock(bidders.cell(lay.bidder_row(i), lay.BIDDER_NAME_COL), text=True)
    xw.widths(bidders, {lay.BIDDER_ID_COL: 22, lay.BIDDER_NAME_COL: 40})
    xw.protect(bidders)
    lists = wb.create_sheet("Lists")
    for s_i, s in enumerate(tender.scales):
        lists.cell(lay.LIST_FIRST_ROW - 1, lay.scale_col(s_i), s.id)
        for v_i, v in enumerate(s.allowed()):
            lists.cell(lay.LIST_FIRST_ROW + v_i, lay.scale_col(s_i), excel_value(v, "number"))
    lists.sheet_state = "hidden"
    xw.protect(lists)
    for name in evaluators:
        ws = wb.create_sheet(name)
        ws["A1"] = f"Score sheet: {name}"
        ws["A1"].font = xw.TITLE
        xw.set_text(ws["A2"], f"{tender.reference}: {tender.title}. Score each bid independently and justify every score by reference to the bid.")
        xw.header(ws, lay.header_row, ["ID", "Criterion", "Scale"])
        for i in range(slots):
            name_ref = lay.bidder_name_ref(i)
            head = f'IF({name_ref}="","Bidder {i + 1}",{name_ref})'
            for c, suffix in ((lay.score_col(i), ": score"), (lay.justification_col(i), ": justification")):
                cell = ws.cell(lay.header_row, c, f'={head}&"{suffix}"')
                cell.font, cell.fill, cell.alignment = xw.HEADER, xw.HEADER_FILL, Alignment(wrap_text=True)
        for cid, r in lay.rows.items():
            w = next(x for x in ev.tree if x.criterion.id == cid)
            gate = w.kind is CriterionKind.PASS_FAIL
            xw.set_text(ws.cell(r, 1), cid).alignment = xw.WRAP
            xw.set_text(ws.cell(r, 2), w.criterion.name).alignment = xw.WRAP
            xw.set_text(ws.cell(r, 3), "pass/fail" if gate else w.criterion.scale).alignment = xw.WRAP
            for i in range(slots):
                score = xw.unlock(ws[lay.score_cell(cid, i)])
                just = xw.unlock(ws[lay.justification_cell(cid, i)])
                just.alignment = xw.WRAP
                ws.conditional_formatting.add(just.coordinate, FormulaRule(
                    formula=[f'AND({score.coordinate}<>"",{just.coordinate}="")'], fill=xw.ERROR_FILL))
            dv_cells = " ".join(lay.score_cell(cid, i) for i in range(slots))
            if gate:
                xw.list_validation(ws, '"pass,fail"', dv_cells, "pass or fail")
            else:
                s_i = [s.id for s in tender.scales].index(w.criterion.scale_id())
                scale = tender.scales[s_i]
                xw.list_validation(ws, f"={lay.scale_range(s_i, len(scale.allowed()))}", dv_cells, f"a score on scale {scale.id}")
            ws.row_dimensions[r].height = 60
        xw.widths(ws, {1: 8, 2: 32, 3: 9} | {lay.score_col(i): 9 for i in range(slots)} | {lay.justification_col(i): 40 for i in range(slots)})
        ws.freeze_panes = ws.cell(lay.FIRST_ROW, lay.score_col(0))
        xw.print_setup(ws, f"{lay.header_row}:{lay.header_row}")
        xw.protect(ws)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    constants = protected_cells(wb)
    lot = tender.all_lots()[lot_index]
    xw.fit_pages_legibly(wb)
    xw.add_metadata(wb, xw.Metadata("score_sheets", xw.TEMPLATE_FORMAT_VERSION, tender.reference, lot.id, __version__,
                                    xw.fingerprint(constants), {"slots": slots, "evaluators": list(evaluators)}))
    wb.active = 0
    return wb
