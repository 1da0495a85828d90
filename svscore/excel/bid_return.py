"""The bid return workbook for bidders, and where to find each answer in a returned one.

:class:`BidReturnLayout` is computed from the tender alone, never from the returned file, so a
bidder cannot move the cells svscore reads. The expected protected cells are those of a freshly
built workbook, so tampering is found by comparing a returned file with what svscore would write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from svscore import __version__
from svscore.excel import workbook as xw
from svscore.excel.evaluation import excel_value, protected_cells
from svscore.excel.layout import EvaluationLayout
from svscore.model.measures import MeasuresTable
from svscore.model.tender import PricingLine, Tender

# (key, label, required, kind) on the Cover sheet, from row COVER_ROW in column B.
COVER = (
    ("bidder", "Bidder (legal name)", True, "text"),
    ("bidder_id", "Company number or other registration number", True, "text"),
    ("sme", "Small or medium-sized enterprise (SME)?", True, "yesno"),
    ("vcse", "Voluntary, community or social enterprise (VCSE)?", True, "yesno"),
    ("contact", "Contact name", True, "text"),
    ("email", "Contact email", True, "text"),
    ("phone", "Contact telephone", False, "text"),
    ("address", "Registered address", True, "text"),
)
COVER_ROW = 4
DECLARATIONS = (
    "We confirm that the information in this bid is accurate and complete.",
    "We have not colluded with any other bidder or fixed the price of this bid.",
    "We will hold the insurances the contract requires from its start.",
    "We have read and accept the contract's terms and conditions.",
)
PRICING_FIRST = 5
SV_FIRST = 5
QUALITY_FIRST = 4
DECL_FIRST = 4


@dataclass
class BidReturnLayout:
    tender: Tender
    lot_index: int
    measures: MeasuresTable | None
    lines: tuple[PricingLine, ...] = field(init=False)
    years: int = field(init=False)
    quality: list[tuple[str, str, str, float]] = field(init=False)
    """(criterion id, name, description, effective weight in %) of each criterion answered in writing."""

    def __post_init__(self) -> None:
        t = self.tender
        self.lines = t.price.pricing_lines or (PricingLine(id="TOTAL", description="Total price for the contract", unit="contract", quantity=1),)
        self.years = t.contract.contract_years or 1
        ev = EvaluationLayout(t, self.lot_index, 1, self.measures)
        self.quality = [(w.criterion.id, w.criterion.name, w.criterion.description, round(float(w.effective_percent), 6))
                        for w in ev.leaves if ev.scored_on_scale(w)]
        self.has_sv = ev.measures_leaf is not None

    @property
    def lot_id(self) -> str:
        return self.tender.all_lots()[self.lot_index].id

    def cover_cell(self, key: str) -> str:
        return f"B{COVER_ROW + [c[0] for c in COVER].index(key)}"

    def rate_cell(self, i: int) -> str:
        return f"E{PRICING_FIRST + i}"

    @property
    def total_price_cell(self) -> str:
        return f"F{PRICING_FIRST + len(self.lines)}"

    def qty_cell(self, m: int, year: int) -> str:
        return f"{xw.col(5 + year)}{SV_FIRST + m}"

    def response_cell(self, i: int) -> str:
        return f"E{QUALITY_FIRST + i}"

    def declaration_cell(self, i: int) -> str:
        return f"B{DECL_FIRST + i}"

    @property
    def signed_by_cells(self) -> tuple[str, str, str]:
        r = DECL_FIRST + len(DECLARATIONS) + 1
        return f"B{r}", f"B{r + 1}", f"B{r + 2}"


def build_bid_return(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None) -> xw.Workbook:
    lay = BidReturnLayout(tender, lot_index, measures)
    wb = xw.new_workbook()
    _instructions(wb, lay)
    _cover(wb, lay)
    _pricing(wb, lay)
    if lay.has_sv:
        _social_value(wb, lay)
    if lay.quality:
        _quality(wb, lay)
    _declarations(wb, lay)
    constants = protected_cells(wb)
    xw.add_metadata(wb, xw.Metadata("bid_return", xw.TEMPLATE_FORMAT_VERSION, tender.reference, lay.lot_id,
                                    __version__, xw.fingerprint(constants), {"years": lay.years}))
    wb.active = 0
    return wb


def _title(ws, text: str, sub: str | None = None) -> None:
    ws["A1"] = text
    ws["A1"].font = xw.TITLE
    if sub:
        xw.set_text(ws["A2"], sub)


def _instructions(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    t = lay.tender
    ws = wb.create_sheet("Instructions")
    _title(ws, "Bid return workbook", f"{t.reference}: {t.title}" + (f" — lot {lay.lot_id}" if t.lots else ""))
    lines = [
        f"Issued by {t.authority.name}.",
        "How to complete this workbook:",
        "1. Fill in every shaded cell. Cells shaded orange are required; cells shaded yellow are optional.",
        "2. Cover: your organisation's details.",
        "3. Pricing: a rate in pounds for each line, as a number (no £ sign or text). Line totals and the total are calculated for you.",
    ]
    if lay.has_sv:
        lines.append("4. Social Value: the quantity you commit to deliver for each measure, in each contract year, in the measure's unit.")
    if lay.quality:
        lines.append("5. Quality: your response to each question.")
    lines += [
        "6. Declarations: answer each statement and sign.",
        "Do not add, delete, rename or move sheets, rows or columns, and do not change any cell that is not shaded:",
        "the evaluation checks this workbook against the template and reports any change.",
        "Return the workbook as an .xlsx file, without a password.",
    ]
    for i, line in enumerate(lines, start=4):
        xw.set_text(ws.cell(i, 1), line).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


def _cover(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Cover")
    _title(ws, "Cover details", "Shaded cells are for you to fill in; orange ones are required.")
    xw.header(ws, COVER_ROW - 1, ["Question", "Your answer"])
    for i, (_key, label, required, kind) in enumerate(COVER):
        r = COVER_ROW + i
        xw.set_text(ws.cell(r, 1), label + (" *" if required else ""))
        c = xw.unlock(ws.cell(r, 2), required=required, text=kind == "text")
        if kind == "yesno":
            xw.list_validation(ws, '"Yes,No"', c.coordinate, "Yes or No")
    xw.widths(ws, {1: 52, 2: 50})
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


def _pricing(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Pricing")
    _title(ws, "Pricing schedule", "Give a rate in pounds for every line (numbers only). Totals are calculated.")
    xw.header(ws, PRICING_FIRST - 1, ["Line", "Description", "Unit", "Quantity", "Rate (£) *", "Line total (£)"])
    for i, line in enumerate(lay.lines):
        r = PRICING_FIRST + i
        xw.set_text(ws.cell(r, 1), line.id)
        xw.set_text(ws.cell(r, 2), line.description).alignment = Alignment(wrap_text=True)
        xw.set_text(ws.cell(r, 3), line.unit)
        ws.cell(r, 4, excel_value(line.quantity, "number"))
        xw.unlock(ws.cell(r, 5), required=True).number_format = "£#,##0.00"
        ws.cell(r, 6, f'=IF(E{r}="","",D{r}*E{r})').number_format = "£#,##0.00"
    last = PRICING_FIRST + len(lay.lines) - 1
    xw.number_validation(ws, f"E{PRICING_FIRST}:E{last}", 0, "a rate in pounds")
    tr = last + 1
    ws.cell(tr, 5, "Total price").font = Font(bold=True)
    total = ws.cell(tr, 6, f"=SUM(F{PRICING_FIRST}:F{last})")
    total.number_format, total.font = "£#,##0.00", Font(bold=True)
    xw.widths(ws, {1: 8, 2: 50, 3: 12, 4: 12, 5: 14, 6: 18})
    ws.freeze_panes = f"A{PRICING_FIRST}"
    xw.print_setup(ws, f"{PRICING_FIRST - 1}:{PRICING_FIRST - 1}", landscape=False)
    xw.protect(ws)


def _social_value(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    assert lay.measures is not None
    ws = wb.create_sheet("Social Value")
    _title(ws, "Social value commitments", "For each measure, the quantity you commit to in each contract year, in the measure's unit.")
    years = [f"Year {y} *" if y == 1 else f"Year {y}" for y in range(1, lay.years + 1)]
    xw.header(ws, SV_FIRST - 1, ["Measure", "Description", "Unit", "Proxy value (£ per unit)", *years, "Value (£)"])
    n = len(lay.measures.measures)
    vcol = 5 + lay.years
    for m, measure in enumerate(lay.measures.measures):
        r = SV_FIRST + m
        xw.set_text(ws.cell(r, 1), measure.id)
        xw.set_text(ws.cell(r, 2), measure.description + (" (counts in year 1 only)" if measure.first_year_only else "")).alignment = Alignment(wrap_text=True)
        xw.set_text(ws.cell(r, 3), measure.unit)
        ws.cell(r, 4, excel_value(measure.proxy_value, "number")).number_format = "£#,##0.00"
        for y in range(lay.years):
            xw.unlock(ws.cell(r, 5 + y))
        counted = "E" + str(r) if measure.first_year_only else f"SUM(E{r}:{xw.col(4 + lay.years)}{r})"
        ws.cell(r, vcol, f"=N({counted})*D{r}").number_format = "£#,##0.00"
    xw.number_validation(ws, f"E{SV_FIRST}:{xw.col(4 + lay.years)}{SV_FIRST + n - 1}", 0, "a quantity")
    ws.cell(SV_FIRST + n, vcol - 1, "Total").font = Font(bold=True)
    ws.cell(SV_FIRST + n, vcol, f"=SUM({xw.col(vcol)}{SV_FIRST}:{xw.col(vcol)}{SV_FIRST + n - 1})").number_format = "£#,##0.00"
    if lay.measures.illustrative:
        xw.set_text(ws.cell(SV_FIRST + n + 2, 1), "The measures table is ILLUSTRATIVE example data.").font = Font(color="C00000", bold=True)
    xw.widths(ws, {1: 20, 2: 50, 3: 14, 4: 14} | {5 + y: 11 for y in range(lay.years)} | {vcol: 16})
    ws.freeze_panes = f"E{SV_FIRST}"
    xw.print_setup(ws, f"{SV_FIRST - 1}:{SV_FIRST - 1}")
    xw.protect(ws)


def _quality(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Quality")
    _title(ws, "Quality responses", "Answer each question in the shaded cell.")
    xw.header(ws, QUALITY_FIRST - 1, ["ID", "Criterion", "Weighting (% of total score)", "What we are looking for", "Your response *"])
    for i, (cid, name, description, weight) in enumerate(lay.quality):
        r = QUALITY_FIRST + i
        xw.set_text(ws.cell(r, 1), cid)
        xw.set_text(ws.cell(r, 2), name).alignment = xw.WRAP
        ws.cell(r, 3, weight).number_format = "0.00"
        xw.set_text(ws.cell(r, 4), description).alignment = xw.WRAP
        xw.unlock(ws.cell(r, 5), required=True).alignment = xw.WRAP
        ws.row_dimensions[r].height = 120
    xw.widths(ws, {1: 8, 2: 30, 3: 12, 4: 40, 5: 80})
    xw.print_setup(ws, f"{QUALITY_FIRST - 1}:{QUALITY_FIRST - 1}")
    xw.protect(ws)


def _declarations(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Declarations")
    _title(ws, "Declarations", "Answer Yes or No to each statement, then sign.")
    xw.header(ws, DECL_FIRST - 1, ["Statement", "Yes / No *"])
    for i, text in enumerate(DECLARATIONS):
        r = DECL_FIRST + i
        xw.set_text(ws.cell(r, 1), text).alignment = xw.WRAP
        xw.unlock(ws.cell(r, 2), required=True)
    xw.list_validation(ws, '"Yes,No"', f"B{DECL_FIRST}:B{DECL_FIRST + len(DECLARATIONS) - 1}", "Yes or No")
    name, position, date = lay.signed_by_cells
    for cell, label in ((name, "Signed by (name) *"), (position, "Position *"), (date, "Date *")):
        r = int(cell[1:])
        xw.set_text(ws.cell(r, 1), label)
        xw.unlock(ws[cell], required=True)
    ws[date].number_format = "dd mmm yyyy"
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                        error="Enter the date you signed.")
    dv.add(date)
    ws.add_data_validation(dv)
    xw.widths(ws, {1: 80, 2: 24})
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


