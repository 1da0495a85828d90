"""The monitoring return workbook a supplier fills in for one period of a contract.

Built from the contract record alone, like the bid return: what was committed is in locked cells
(so a returned file that changes it is found by comparing with a fresh build), and the supplier
fills the shaded cells: what was delivered of each commitment with its evidence, the period's spend
with each supplier or subcontractor, and the KPI results. :class:`MonitoringLayout` is the one
place its cell positions are decided; the reader reads by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from svscore import __version__
from svscore.excel import workbook as xw
from svscore.excel.workbook import excel_value, protected_cells
from svscore.model.contract import ContractRecord, Period

KIND = "monitoring_return"
FORMAT_VERSION = 1
SPEND_ROWS = 200
"""Rows for spend lines: a supplier with more splits them by category (the total is what counts)."""


@dataclass(frozen=True)
class Commitment:
    """A row of the Social Value sheet: one measure, and what is committed for the period's year."""

    measure: str
    description: str
    unit: str
    proxy_value: Decimal
    committed: Decimal
    over: str
    """'this contract year' or 'the whole contract'."""


@dataclass
class MonitoringLayout:
    record: ContractRecord
    period: Period
    commitments: list[Commitment] = field(init=False)

    COVER_FIRST = 4
    COVER = (("completed_by", "Completed by (name) *", True), ("role", "Role *", True),
             ("email", "Email *", True), ("date", "Date completed *", True))
    SV_FIRST = 5
    SPEND_FIRST = 5
    KPI_FIRST = 5

    def __post_init__(self) -> None:
        rows = []
        for m in self.record.measures:
            yearly = [c for c in self.record.commitments if c.measure == m.id and c.year == self.period.year]
            whole = [c for c in self.record.commitments if c.measure == m.id and c.year is None]
            if yearly or whole:
                committed = sum((c.quantity for c in yearly + whole), Decimal(0))
                rows.append(Commitment(m.id, m.description, m.unit, m.proxy_value, committed,
                                       "the whole contract" if whole else "this contract year"))
        self.commitments = rows

    # Cover
    def cover_cell(self, key: str) -> str:
        return f"B{self.COVER_FIRST + 3 + [k for k, _, _ in self.COVER].index(key)}"

    # Social Value: A measure, B description, C unit, D committed, E over, F delivered, G evidence, H proxy, I value
    def delivered_cell(self, i: int) -> str:
        return f"F{self.SV_FIRST + i}"

    def evidence_cell(self, i: int) -> str:
        return f"G{self.SV_FIRST + i}"

    def committed_cell(self, i: int) -> str:
        return f"D{self.SV_FIRST + i}"

    # Spend: A name, B postcode, C SME, D VCSE, E amount
    SPEND_COLUMNS = ("A", "B", "C", "D", "E")

    def spend_cells(self, i: int) -> tuple[str, str, str, str, str]:
        r = self.SPEND_FIRST + i
        return tuple(f"{c}{r}" for c in self.SPEND_COLUMNS)  # type: ignore[return-value]

    @property
    def spend_total_cell(self) -> str:
        return f"E{self.SPEND_FIRST + SPEND_ROWS}"

    # KPIs: A id, B name, C target, D unit, E direction, F result, G comment
    def kpi_result_cell(self, i: int) -> str:
        return f"F{self.KPI_FIRST + i}"

    def kpi_comment_cell(self, i: int) -> str:
        return f"G{self.KPI_FIRST + i}"


def build_monitoring_return(record: ContractRecord, period_id: str) -> xw.Workbook:
    """The return for one period of the contract: locked what was promised, shaded what to report."""
    period = record.period(period_id)
    if period is None:
        from svscore.errors import SvscoreError

        raise SvscoreError(f"The contract has no period {period_id!r}: its periods are {', '.join(p.id for p in record.periods)}.")
    lay = MonitoringLayout(record, period)
    wb = xw.new_workbook()
    _cover(wb, lay)
    if lay.commitments:
        _social_value(wb, lay)
    _spend(wb, lay)
    if record.kpis:
        _kpis(wb, lay)
    constants = protected_cells(wb)
    xw.fit_pages_legibly(wb)
    xw.add_metadata(wb, xw.Metadata(KIND, FORMAT_VERSION, record.reference, period.id, __version__, xw.fingerprint(constants),
                                    {"tender_reference": record.tender_reference, "lot": record.lot}))
    wb.active = 0
    return wb


def _title(ws, text: str, sub: str) -> None:
    ws["A1"] = text
    ws["A1"].font = xw.TITLE
    xw.set_text(ws["A2"], sub).alignment = Alignment(wrap_text=False)


def _top(ws, row: int, columns: int) -> None:
    """A row whose description wraps reads from the top in every cell."""
    for c in range(1, columns + 1):
        cell = ws.cell(row, c)
        cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")


def _prompt(cell: str, ws, title: str, text: str) -> None:
    """An input message Excel and LibreOffice show when the cell is selected (no restriction)."""
    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=text[:255])
    dv.add(cell)
    ws.add_data_validation(dv)


def _cover(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    r, p = lay.record, lay.period
    ws = wb.create_sheet("Cover")
    _title(ws, "Contract monitoring return", f"{r.reference}: {r.title}")
    facts = (("Contract", r.reference), ("Supplier", r.supplier.name), ("Period", f"{p.id}: {p.start:%d %b %Y} to {p.end:%d %b %Y}"))
    for i, (label, value) in enumerate(facts):
        xw.set_text(ws.cell(lay.COVER_FIRST + i, 1), label)
        xw.set_text(ws.cell(lay.COVER_FIRST + i, 2), value)
    for key, label, required in lay.COVER:
        cell = ws[lay.cover_cell(key)]
        xw.set_text(ws.cell(cell.row, 1), label)
        xw.unlock(cell, required=required, text=key != "date")
    date = lay.cover_cell("date")
    ws[date].number_format = "dd mmm yyyy"
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                        error="Enter the date you completed this return.")
    dv.add(date)
    ws.add_data_validation(dv)
    notes = [f"Return this workbook to {r.authority} by {p.due:%d %B %Y}, as an .xlsx file without a password.",
             "Fill in every shaded cell that applies; orange cells are required. Do not change the other cells, or add, "
             "delete, rename or move sheets, rows or columns: the return is checked against the contract record.",
             "Social Value: what you delivered in this period of each commitment, and where the evidence is.",
             "Spend: what you spent in this period with each supplier or subcontractor, its postcode, and whether it is an SME or a VCSE.",
             "KPIs: the period's result for each key performance indicator."]
    start = lay.COVER_FIRST + 3 + len(lay.COVER) + 1
    for i, text in enumerate(notes):
        xw.set_text(ws.cell(start + i, 1), text).alignment = xw.WRAP
        ws.merge_cells(start_row=start + i, start_column=1, end_row=start + i, end_column=2)
        ws.row_dimensions[start + i].height = 32
    xw.widths(ws, {1: 30, 2: 70})
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


def _social_value(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    ws = wb.create_sheet("Social Value")
    _title(ws, "Social value delivered", f"Year {lay.period.year} of the contract, period {lay.period.id}: give what was delivered in this period.")
    xw.header(ws, lay.SV_FIRST - 1, ["Measure", "Description", "Unit", "Committed", "Committed over", "Delivered this period *",
                                      "Evidence reference", "Proxy value (£ per unit)", "Value delivered (£)"])
    for i, c in enumerate(lay.commitments):
        r = lay.SV_FIRST + i
        xw.set_text(ws.cell(r, 1), c.measure)
        xw.set_text(ws.cell(r, 2), c.description).alignment = xw.WRAP
        ws.row_dimensions[r].height = 15 * max(1, -(-len(c.description) // 40))  # the wrapped description's lines
        xw.set_text(ws.cell(r, 3), c.unit)
        ws.cell(r, 4, excel_value(c.committed, "number")).number_format = "#,##0.##"
        xw.set_text(ws.cell(r, 5), c.over)
        xw.unlock(ws[lay.delivered_cell(i)], required=True).number_format = "#,##0.##"
        xw.unlock(ws[lay.evidence_cell(i)], text=True).alignment = xw.WRAP
        ws.cell(r, 8, excel_value(c.proxy_value, "number")).number_format = "£#,##0.00"
        ws.cell(r, 9, f"=N({lay.delivered_cell(i)})*H{r}").number_format = "£#,##0.00"
        _prompt(lay.delivered_cell(i), ws, "Delivered this period", f"How many {c.unit} of {c.measure} you delivered in this period (0 if none).")
        _prompt(lay.evidence_cell(i), ws, "Evidence", "Where the council can check it: a document, register or report reference.")
        _top(ws, r, 9)
    last = lay.SV_FIRST + len(lay.commitments) - 1
    xw.number_validation(ws, f"{lay.delivered_cell(0)}:{lay.delivered_cell(len(lay.commitments) - 1)}", 0, "a quantity")
    ws.cell(last + 1, 8, "Total").font = xw.font(bold=True)
    ws.cell(last + 1, 9, f"=SUM(I{lay.SV_FIRST}:I{last})").number_format = "£#,##0.00"
    if lay.record.measures_table and lay.record.measures_table.illustrative:
        xw.set_text(ws.cell(last + 3, 1), "The measures table is ILLUSTRATIVE example data.").font = xw.font(color="C00000", bold=True)
    xw.widths(ws, {1: 20, 2: 44, 3: 14, 4: 12, 5: 16, 6: 14, 7: 28, 8: 14, 9: 16})
    ws.freeze_panes = f"A{lay.SV_FIRST}"
    xw.print_setup(ws, f"{lay.SV_FIRST - 1}:{lay.SV_FIRST - 1}")
    xw.protect(ws)


def _spend(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    ws = wb.create_sheet("Spend")
    _title(ws, "Spend with suppliers and subcontractors", "One row per supplier or subcontractor paid in this period (amounts in pounds).")
    xw.header(ws, lay.SPEND_FIRST - 1, ["Supplier or subcontractor", "Postcode", "SME?", "VCSE?", "Amount (£)"])
    for i in range(SPEND_ROWS):
        name, postcode, sme, vcse, amount = (ws[c] for c in lay.spend_cells(i))
        for c in (name, postcode, sme, vcse):
            xw.unlock(c, text=True)
        xw.unlock(amount).number_format = "£#,##0.00"
    first, last = lay.spend_cells(0), lay.spend_cells(SPEND_ROWS - 1)
    xw.list_validation(ws, '"Yes,No"', f"{first[2]}:{last[2]} {first[3]}:{last[3]}", "Yes or No")
    xw.number_validation(ws, f"{first[4]}:{last[4]}", 0, "an amount in pounds")
    _prompt(f"{first[1]}:{last[1]}", ws, "Postcode", "The postcode of the address you paid (for example BS16 1QY).")
    total = ws[lay.spend_total_cell]
    ws.cell(total.row, total.column - 1, "Total").font = xw.font(bold=True)
    total.value, total.number_format, total.font = f"=SUM({first[4]}:{last[4]})", "£#,##0.00", xw.font(bold=True)
    xw.widths(ws, {1: 44, 2: 12, 3: 8, 4: 8, 5: 16})
    ws.freeze_panes = f"A{lay.SPEND_FIRST}"
    xw.print_setup(ws, f"{lay.SPEND_FIRST - 1}:{lay.SPEND_FIRST - 1}", landscape=False)
    xw.protect(ws)


def _kpis(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    ws = wb.create_sheet("KPIs")
    _title(ws, "Key performance indicators", f"The result of each KPI for period {lay.period.id}.")
    xw.header(ws, lay.KPI_FIRST - 1, ["KPI", "What is measured", "Target", "Unit", "Met when the result is", "Result *", "Comment"])
    for i, k in enumerate(lay.record.kpis):
        r = lay.KPI_FIRST + i
        xw.set_text(ws.cell(r, 1), k.id)
        xw.set_text(ws.cell(r, 2), k.name).alignment = xw.WRAP
        ws.row_dimensions[r].height = 15 * max(1, -(-len(k.name) // 40))
        ws.cell(r, 3, excel_value(k.target, "number"))
        xw.set_text(ws.cell(r, 4), k.unit)
        xw.set_text(ws.cell(r, 5), "at or above the target" if k.higher_is_better else "at or below the target")
        xw.unlock(ws[lay.kpi_result_cell(i)], required=True)
        xw.unlock(ws[lay.kpi_comment_cell(i)], text=True).alignment = xw.WRAP
        _prompt(lay.kpi_result_cell(i), ws, k.id, f"The period's result for {k.name}" + (f", in {k.unit}" if k.unit else "") + ".")
        _top(ws, r, 7)
    n = len(lay.record.kpis)
    xw.number_validation(ws, f"{lay.kpi_result_cell(0)}:{lay.kpi_result_cell(n - 1)}", -1e15, "the result")
    xw.widths(ws, {1: 8, 2: 44, 3: 10, 4: 12, 5: 22, 6: 12, 7: 40})
    xw.print_setup(ws, f"{lay.KPI_FIRST - 1}:{lay.KPI_FIRST - 1}")
    xw.protect(ws)

