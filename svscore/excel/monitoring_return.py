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
from svscore.render.pages import contract_reference

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

    # Cover: labels in A, answers in B, below the contract's own three lines
    COVER_ANSWER_COL = 2

    def cover_cell(self, key: str) -> str:
        return xw.address(self.COVER_ANSWER_COL, self.COVER_FIRST + 3 + [k for k, _, _ in self.COVER].index(key))

    # Social Value: one row a commitment, in these columns
    SV_COLUMNS = ("Measure", "Description", "Unit", "Committed", "Committed over", "Delivered this period *",
                  "Evidence reference", "Proxy value (£ per unit)", "Value delivered (£)")

    def sv_col(self, heading: str) -> int:
        return self.SV_COLUMNS.index(heading) + 1

    def sv_row(self, i: int) -> int:
        return self.SV_FIRST + i

    def sv_cell(self, heading: str, i: int) -> str:
        return xw.address(self.sv_col(heading), self.sv_row(i))

    def delivered_cell(self, i: int) -> str:
        return self.sv_cell("Delivered this period *", i)

    def evidence_cell(self, i: int) -> str:
        return self.sv_cell("Evidence reference", i)

    def committed_cell(self, i: int) -> str:
        return self.sv_cell("Committed", i)

    def sv_range(self, heading: str) -> str:
        col = self.sv_col(heading)
        return xw.range_address(col, self.sv_row(0), col, self.sv_row(len(self.commitments) - 1))

    # Spend: one row a supplier or subcontractor, in these columns
    SPEND_COLUMNS = ("Supplier or subcontractor", "Postcode", "SME?", "VCSE?", "Amount (£)")

    def spend_cells(self, i: int) -> tuple[str, str, str, str, str]:
        return tuple(xw.address(c, self.SPEND_FIRST + i) for c in range(1, len(self.SPEND_COLUMNS) + 1))  # type: ignore[return-value]

    def spend_range(self, heading: str) -> str:
        col = self.SPEND_COLUMNS.index(heading) + 1
        return xw.range_address(col, self.SPEND_FIRST, col, self.SPEND_FIRST + SPEND_ROWS - 1)

    @property
    def spend_total_cell(self) -> str:
        return xw.address(len(self.SPEND_COLUMNS), self.SPEND_FIRST + SPEND_ROWS)

    # KPIs: one row a KPI, in these columns
    KPI_COLUMNS = ("KPI", "What is measured", "Target", "Unit", "Met when the result is", "Result *", "Comment")

    def kpi_cell(self, heading: str, i: int) -> str:
        return xw.address(self.KPI_COLUMNS.index(heading) + 1, self.KPI_FIRST + i)

    def kpi_result_cell(self, i: int) -> str:
        return self.kpi_cell("Result *", i)

    def kpi_comment_cell(self, i: int) -> str:
        return self.kpi_cell("Comment", i)

    def kpi_range(self, heading: str) -> str:
        return f"{self.kpi_cell(heading, 0)}:{self.kpi_cell(heading, len(self.record.kpis) - 1)}"


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
    xw.mark_pages(wb, contract_reference(record.tender_reference, record.reference))
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
    xw.header(ws, lay.SV_FIRST - 1, list(lay.SV_COLUMNS))
    for i, c in enumerate(lay.commitments):
        cell = lambda heading, i=i: ws[lay.sv_cell(heading, i)]  # noqa: E731 - the row's cell under a heading
        xw.set_text(cell("Measure"), c.measure)
        xw.set_text(cell("Description"), c.description).alignment = xw.WRAP
        ws.row_dimensions[lay.sv_row(i)].height = 15 * max(1, -(-len(c.description) // 40))  # the wrapped description's lines
        xw.set_text(cell("Unit"), c.unit)
        cell("Committed").value = excel_value(c.committed, "number")
        cell("Committed").number_format = "#,##0.##"
        xw.set_text(cell("Committed over"), c.over)
        xw.unlock(ws[lay.delivered_cell(i)], required=True).number_format = "#,##0.##"
        xw.unlock(ws[lay.evidence_cell(i)], text=True).alignment = xw.WRAP
        cell("Proxy value (£ per unit)").value = excel_value(c.proxy_value, "number")
        cell("Proxy value (£ per unit)").number_format = "£#,##0.00"
        cell("Value delivered (£)").value = f"=N({lay.delivered_cell(i)})*{lay.sv_cell('Proxy value (£ per unit)', i)}"
        cell("Value delivered (£)").number_format = "£#,##0.00"
        _prompt(lay.delivered_cell(i), ws, "Delivered this period", f"How many {c.unit} of {c.measure} you delivered in this period (0 if none).")
        _prompt(lay.evidence_cell(i), ws, "Evidence", "Where the council can check it: a document, register or report reference.")
        _top(ws, lay.sv_row(i), len(lay.SV_COLUMNS))
    n = len(lay.commitments)
    xw.number_validation(ws, lay.sv_range("Delivered this period *"), 0, "a quantity")
    total_row = lay.sv_row(n)
    ws.cell(total_row, lay.sv_col("Proxy value (£ per unit)"), "Total").font = xw.font(bold=True)
    total = ws.cell(total_row, lay.sv_col("Value delivered (£)"), f"=SUM({lay.sv_range('Value delivered (£)')})")
    total.number_format = "£#,##0.00"
    if lay.record.measures_table and lay.record.measures_table.illustrative:
        xw.set_text(ws.cell(total_row + 2, 1), "The measures table is ILLUSTRATIVE example data.").font = xw.font(color="C00000", bold=True)
    xw.widths(ws, {1: 20, 2: 44, 3: 14, 4: 12, 5: 16, 6: 14, 7: 28, 8: 14, 9: 16})
    ws.freeze_panes = xw.address(1, lay.SV_FIRST)
    xw.print_setup(ws, f"{lay.SV_FIRST - 1}:{lay.SV_FIRST - 1}")
    xw.protect(ws)


def _spend(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    ws = wb.create_sheet("Spend")
    _title(ws, "Spend with suppliers and subcontractors", "One row per supplier or subcontractor paid in this period (amounts in pounds).")
    xw.header(ws, lay.SPEND_FIRST - 1, list(lay.SPEND_COLUMNS))
    for i in range(SPEND_ROWS):
        name, postcode, sme, vcse, amount = (ws[c] for c in lay.spend_cells(i))
        for c in (name, postcode, sme, vcse):
            xw.unlock(c, text=True)
        xw.unlock(amount).number_format = "£#,##0.00"
    xw.list_validation(ws, '"Yes,No"', f"{lay.spend_range('SME?')} {lay.spend_range('VCSE?')}", "Yes or No")
    xw.number_validation(ws, lay.spend_range("Amount (£)"), 0, "an amount in pounds")
    _prompt(lay.spend_range("Postcode"), ws, "Postcode", "The postcode of the address you paid (for example BS16 1QY).")
    total = ws[lay.spend_total_cell]
    ws.cell(total.row, total.column - 1, "Total").font = xw.font(bold=True)
    total.value, total.number_format, total.font = f"=SUM({lay.spend_range('Amount (£)')})", "£#,##0.00", xw.font(bold=True)
    xw.widths(ws, {1: 44, 2: 12, 3: 8, 4: 8, 5: 16})
    ws.freeze_panes = xw.address(1, lay.SPEND_FIRST)
    xw.print_setup(ws, f"{lay.SPEND_FIRST - 1}:{lay.SPEND_FIRST - 1}", landscape=False)
    xw.protect(ws)


def _kpis(wb: xw.Workbook, lay: MonitoringLayout) -> None:
    ws = wb.create_sheet("KPIs")
    _title(ws, "Key performance indicators", f"The result of each KPI for period {lay.period.id}.")
    xw.header(ws, lay.KPI_FIRST - 1, list(lay.KPI_COLUMNS))
    for i, k in enumerate(lay.record.kpis):
        cell = lambda heading, i=i: ws[lay.kpi_cell(heading, i)]  # noqa: E731 - the row's cell under a heading
        xw.set_text(cell("KPI"), k.id)
        xw.set_text(cell("What is measured"), k.name).alignment = xw.WRAP
        ws.row_dimensions[cell("KPI").row].height = 15 * max(1, -(-len(k.name) // 40))
        cell("Target").value = excel_value(k.target, "number")
        xw.set_text(cell("Unit"), k.unit)
        xw.set_text(cell("Met when the result is"), "at or above the target" if k.higher_is_better else "at or below the target")
        xw.unlock(ws[lay.kpi_result_cell(i)], required=True)
        xw.unlock(ws[lay.kpi_comment_cell(i)], text=True).alignment = xw.WRAP
        _prompt(lay.kpi_result_cell(i), ws, k.id, f"The period's result for {k.name}" + (f", in {k.unit}" if k.unit else "") + ".")
        _top(ws, cell("KPI").row, len(lay.KPI_COLUMNS))
    xw.number_validation(ws, lay.kpi_range("Result *"), -1e15, "the result")
    xw.widths(ws, {1: 8, 2: 44, 3: 10, 4: 12, 5: 22, 6: 12, 7: 40})
    xw.print_setup(ws, f"{lay.KPI_FIRST - 1}:{lay.KPI_FIRST - 1}")
    xw.protect(ws)
