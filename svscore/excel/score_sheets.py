"""Evaluator score sheets: one workbook with a sheet per evaluator, a score and a justification
for every criterion and bidder. Justifications are required: they become the explanations in
each bidder's assessment summary (Procurement Act 2023 s.50). Printed, each page is one evaluator
and one bidder, with each criterion's scale descriptors beside the score and the evaluator's
signature and date in the footer, so a signed page stands on its own in the evaluation record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break

from svscore import __version__
from svscore.errors import SvscoreError
from svscore.excel import workbook as xw
from svscore.excel.cells import META
from svscore.excel.layout import EvaluationLayout
from svscore.excel.workbook import excel_value, protected_cells
from svscore.fmt import number
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender
from svscore.render.pages import wrapped_lines
from svscore.rules.weights import WeightedCriterion


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
        _evaluator_sheet(wb, tender, ev, lay, name)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    constants = protected_cells(wb)
    lot = tender.all_lots()[lot_index]
    xw.fit_pages_legibly(wb)
    xw.mark_pages(wb, tender.reference, {name: SIGNATURE for name in evaluators})
    xw.add_metadata(wb, xw.Metadata("score_sheets", xw.TEMPLATE_FORMAT_VERSION, tender.reference, lot.id, __version__,
                                    xw.fingerprint(constants), {"slots": slots, "evaluators": list(evaluators)}))
    wb.active = 0
    return wb


SIGNATURE = "Signed (&A): ____________________   Date: ____________"
"""The footer's left on every printed page of an evaluator's sheet (``&A``: the sheet, the
evaluator's name): each page is one bidder's, and is signed and dated as such."""
DESCRIPTOR_PT = 9
"""The scale descriptors' text size: they print beside every score, so small but legible (8 pt and more)."""
LINE_PT = {9: 12.0, 11: 14.5}
"""How tall a line of text of each size is, for the rows' heights (openpyxl cannot measure text)."""


def descriptors(tender: Tender, w: WeightedCriterion) -> str:
    """What each score of a criterion's scale means, a line a score ("3  Satisfactory: ..."), as
    printed beside the evaluator's score."""
    if w.kind is CriterionKind.PASS_FAIL:
        return "pass: meets the requirement\nfail: does not meet it"
    scale = tender.scale(w.criterion.scale)
    assert scale is not None
    if not scale.values:  # a range: no descriptor a score
        assert scale.minimum is not None and scale.maximum is not None and scale.step is not None
        return f"{scale.label()}: a score from {number(scale.minimum)} to {number(scale.maximum)} in steps of {number(scale.step)}"
    return "\n".join(f"{number(v.value)}  {v.descriptor}".rstrip() for v in scale.values)


def _lines(text: str, width: float, size: int) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters (of Calibri 11) wide, in ``size`` pt."""
    return wrapped_lines(text, width * 11 / size)


WIDTHS = {1: 7.0, 2: 26.0, 3: 46.0}
"""ID, criterion and descriptors, repeated on every printed page; then each bidder's score and justification."""
SCORE_WIDTH, JUSTIFICATION_WIDTH = 9.0, 40.0


def _evaluator_sheet(wb: xw.Workbook, tender: Tender, ev: EvaluationLayout, lay: ScoreSheetLayout, name: str) -> None:
    """One evaluator's sheet. It prints one bidder a page across (a page break after each bidder's
    justification column; the ID, criterion and scale descriptors repeated on the left of every
    page, the headings on its top), at full size, and a page down as many criteria as fit; every
    page's footer has the evaluator's signature and the date."""
    slots = lay.slots
    ws = wb.create_sheet(name)
    ws["A1"] = f"Score sheet: {name}"
    ws["A1"].font = xw.TITLE
    intro = xw.set_text(ws["A2"], f"{tender.reference}: {tender.title}. Score each bid independently and justify "
                                  "every score by reference to the bid. Each page is one bidder's: sign and date it.")
    intro.alignment = xw.WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    ws.row_dimensions[2].height = LINE_PT[11] * (_lines(str(intro.value), sum(WIDTHS.values()), 11) + 1)
    xw.header(ws, lay.header_row, ["ID", "Criterion", "What each score means"])
    for i in range(slots):
        name_ref = lay.bidder_name_ref(i)
        head = f'IF({name_ref}="","Bidder {i + 1}",{name_ref})'
        for c, suffix in ((lay.score_col(i), ": score"), (lay.justification_col(i), ": justification")):
            cell = ws.cell(lay.header_row, c, f'={head}&"{suffix}"')
            cell.font, cell.fill, cell.alignment = xw.HEADER, xw.HEADER_FILL, Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[lay.header_row].height = 2 * LINE_PT[11] + 4
    small = xw.font(size=DESCRIPTOR_PT)
    for cid, r in lay.rows.items():
        w = next(x for x in ev.tree if x.criterion.id == cid)
        gate = w.kind is CriterionKind.PASS_FAIL
        xw.set_text(ws.cell(r, 1), cid).alignment = xw.WRAP
        xw.set_text(ws.cell(r, 2), w.criterion.name).alignment = xw.WRAP
        text = descriptors(tender, w)
        meaning = xw.set_text(ws.cell(r, 3), text)
        meaning.alignment, meaning.font = xw.WRAP, small
        for i in range(slots):
            score = xw.unlock(ws[lay.score_cell(cid, i)])
            score.alignment = Alignment(horizontal="center", vertical="top")
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
        # tall enough for the descriptors and the criterion's name, and room to write a justification
        ws.row_dimensions[r].height = max(LINE_PT[DESCRIPTOR_PT] * _lines(text, WIDTHS[3], DESCRIPTOR_PT),
                                          LINE_PT[11] * _lines(w.criterion.name, WIDTHS[2], 11), 60.0) + 4
    xw.widths(ws, WIDTHS | {lay.score_col(i): SCORE_WIDTH for i in range(slots)}
              | {lay.justification_col(i): JUSTIFICATION_WIDTH for i in range(slots)})
    ws.freeze_panes = ws.cell(lay.FIRST_ROW, lay.score_col(0))
    xw.print_setup(ws, f"1:{lay.header_row}")
    # Pages break after each bidder's justification, at full size: fitting to the page's width would
    # make Excel ignore the breaks (and shrink the text).
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 100
    ws.print_title_cols = f"A:{xw.col(len(WIDTHS))}"
    ws.page_setup.pageOrder = "downThenOver"  # all of one bidder's pages, then the next bidder's
    for i in range(slots - 1):
        ws.col_breaks.append(Break(id=lay.justification_col(i)))  # a break is left of the 0-based column id
    xw.protect(ws)
