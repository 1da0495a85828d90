"""The bid return workbook for bidders, and where to find each answer in a returned one.

:class:`BidReturnLayout` is computed from the tender alone, never from the returned file, so a
bidder cannot move the cells svscore reads. The expected protected cells are those of a freshly
built workbook, so tampering is found by comparing a returned file with what svscore would write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from svscore import __version__
from svscore.excel import workbook as xw
from svscore.excel.layout import EvaluationLayout
from svscore.excel.workbook import excel_value, protected_cells
from svscore.model.measures import MeasuresTable
from svscore.model.tender import PricingLine, Tender
from svscore.model.thresholds import Regime
from svscore.rules.act import regime_of

BID_RETURN_FORMAT_VERSION = 2
"""The bid return's format. Version 2 added two questions below the registered address on the Cover
(:data:`COVER_ADDED`); every other cell is where version 1 has it."""

# (key, label, required, kind) on the Cover sheet, from BidReturnLayout.COVER_ROW in column B.
COVER_V1 = (
    ("bidder", "Bidder (legal name)", True, "text"),
    ("bidder_id", "Company number or other registration number", True, "text"),
    ("sme", "Small or medium-sized enterprise (SME)?", True, "yesno"),
    ("vcse", "Voluntary, community or social enterprise (VCSE)?", True, "yesno"),
    ("contact", "Contact name", True, "text"),
    ("email", "Contact email", True, "text"),
    ("phone", "Contact telephone", False, "text"),
    ("address", "Registered address", True, "text"),
)
COVER_ADDED = (
    ("postal_address", "Postal address for correspondence (if different from the registered address)", False, "text"),
    ("unique_identifier", "Unique identifier on Find a Tender (PPON)", False, "text"),
)
"""The questions version 2 added. The assessment summary gives the supplier's contact postal address
and unique identifier (Procurement Regulations 2024 reg 31); the Regulations tell the contact postal
address apart from the registered or principal office address (reg 9(3)(c) and (d)), so the registered
address is not taken for it where the bidder gives another. Whether the unique identifier is required
is :data:`UNIQUE_IDENTIFIER_RULE`'s, by the tender's regime."""
COVER = COVER_V1 + COVER_ADDED
"""The Cover's questions at the current format version; ``required`` as written is the rule's default."""
PROMPT_TITLES = {"postal_address": "Postal address for letters", "unique_identifier": "Unique identifier (PPON)"}
"""The input message's title of a question whose label is longer than Excel's 32 characters for one."""
COVERS = {1: COVER_V1, 2: COVER}
"""The Cover's questions of each format version, so a version 1 return is read and checked as built."""

UNIQUE_IDENTIFIER_RULE = (
    "Required under the Procurement Act 2023: the assessment summary gives the supplier's unique identifier (Procurement "
    "Regulations 2024 reg 31), it is part of the supplier's basic information (reg 9(3)(b)), and in an open or competitive "
    "flexible procedure the supplier must have registered on the central digital platform (reg 6(3), (5)(a)). Optional "
    "under the Public Contracts Regulations 2015, whose standstill letter (reg 86(2)) asks for no identifier, and under "
    "the other regimes, to which the 2024 Regulations' platform registration does not apply; optional too where the "
    "regime cannot be told. Uncertain: that the platform's unique identifier for a supplier is the number Find a "
    "Tender calls its Public Procurement Organisation Number (PPON) is from public guidance (Education Authority Northern "
    "Ireland, 'Public Procurement Organisation Numbers and Share Codes'), not the Regulations: reg 8 (unique identifiers) "
    "was not read here."
)
"""Why the Cover's unique identifier is required or optional, with its sources (read 3 Dec 2026)."""

DECLARATIONS = (
    "We confirm that the information in this bid is accurate and complete.",
    "We have not colluded with any other bidder or fixed the price of this bid.",
    "We will hold the insurances the contract requires from its start.",
    "We have read and accept the contract's terms and conditions.",
)
PRICING_COLUMNS = ("Line", "Description", "Unit", "Quantity", "Rate (£) *", "Line total (£)")
"""The Pricing sheet's columns, from column A."""


@dataclass
class BidReturnLayout:
    """Every position in one lot's bid return workbook. The first rows and columns are class
    attributes, so the builder, the batch's reader and a test that shifts them all agree. Moving
    one changes the workbook's format: bump ``TEMPLATE_FORMAT_VERSION`` and keep reading workbooks
    of the old one."""

    COVER_ROW: ClassVar[int] = 4
    """Cover: the first question (labels in A, answers in B)."""
    PRICING_FIRST: ClassVar[int] = 5
    """Pricing: the first line (columns as :data:`PRICING_COLUMNS`); the total is below the last."""
    SV_FIRST: ClassVar[int] = 5
    """Social Value: the first measure (measure, description, unit, proxy value, then one column per year and the value)."""
    QUALITY_FIRST: ClassVar[int] = 4
    """Quality: the first criterion answered in writing (the response in E)."""
    DECL_FIRST: ClassVar[int] = 4
    """Declarations: the first statement (the answer in B); the signature is below the last, after a blank row."""
    PRICING_FIRST_COL: ClassVar[int] = 1
    """Pricing: the column of the first of :data:`PRICING_COLUMNS` (the line id)."""
    SV_FIRST_YEAR_COL: ClassVar[int] = 5
    RESPONSE_COL: ClassVar[int] = 5
    ANSWER_COL: ClassVar[int] = 2
    """Cover and Declarations: the column of the bidder's answers."""

    tender: Tender
    lot_index: int
    measures: MeasuresTable | None
    format_version: int = BID_RETURN_FORMAT_VERSION
    """The version built or read: a version 1 return is compared with a version 1 build (:data:`COVERS`)."""
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
        self.asked = [w.criterion for w in ev.leaves if ev.scored_on_scale(w)]
        """The criteria answered in writing, in the order of :attr:`quality` (word limit, scale)."""
        self.has_sv = ev.measures_leaf is not None
        if self.format_version not in COVERS:
            raise ValueError(f"bid return format version {self.format_version} is not one svscore builds ({sorted(COVERS)})")
        needs_id = regime_of(t) is Regime.PA_2023  # UNIQUE_IDENTIFIER_RULE
        self.cover = tuple((key, label, needs_id if key == "unique_identifier" else required, kind)
                           for key, label, required, kind in COVERS[self.format_version])
        """The Cover's questions, (key, label, required, kind), in order from :attr:`COVER_ROW`."""

    @property
    def lot_id(self) -> str:
        return self.tender.all_lots()[self.lot_index].id

    def cover_row(self, key: str) -> int:
        return self.COVER_ROW + [c[0] for c in self.cover].index(key)

    def cover_cell(self, key: str) -> str:
        return xw.address(self.ANSWER_COL, self.cover_row(key))

    # --- Pricing
    @classmethod
    def pricing_col(cls, name: str) -> int:
        """The Pricing column of one of :data:`PRICING_COLUMNS`."""
        return cls.PRICING_FIRST_COL + PRICING_COLUMNS.index(name)

    def pricing_row(self, i: int) -> int:
        return self.PRICING_FIRST + i

    def _pricing(self, name: str, i: int) -> str:
        return xw.address(self.pricing_col(name), self.pricing_row(i))

    def quantity_cell(self, i: int) -> str:
        return self._pricing("Quantity", i)

    def rate_cell(self, i: int) -> str:
        return self._pricing("Rate (£) *", i)

    def line_total_cell(self, i: int) -> str:
        """Line ``i``'s total: a formula, quantity times rate."""
        return self._pricing("Line total (£)", i)

    @property
    def total_price_row(self) -> int:
        return self.pricing_row(len(self.lines))

    @property
    def total_price_cell(self) -> str:
        return self._pricing("Line total (£)", len(self.lines))

    # --- Social Value
    def sv_row(self, m: int) -> int:
        return self.SV_FIRST + m

    def qty_col(self, year: int) -> int:
        """The column of contract year ``year`` (0-based) on the Social Value sheet."""
        return self.SV_FIRST_YEAR_COL + year

    def qty_cell(self, m: int, year: int) -> str:
        return xw.address(self.qty_col(year), self.sv_row(m))

    @property
    def sv_value_col(self) -> int:
        """The column of each measure's value (after the last year), and of the total below them."""
        return self.qty_col(self.years)

    def sv_value_cell(self, m: int) -> str:
        """Measure ``m``'s value in pounds; with ``m`` one past the last measure, the total."""
        return xw.address(self.sv_value_col, self.sv_row(m))

    # --- Quality and Declarations
    def response_cell(self, i: int) -> str:
        return xw.address(self.RESPONSE_COL, self.QUALITY_FIRST + i)

    def declaration_cell(self, i: int) -> str:
        return xw.address(self.ANSWER_COL, self.DECL_FIRST + i)

    @property
    def declaration_cells(self) -> tuple[str, ...]:
        """The answer to every declaration, in order."""
        return tuple(self.declaration_cell(i) for i in range(len(DECLARATIONS)))

    @property
    def signed_by_rows(self) -> tuple[int, int, int]:
        """The rows of the signatory's name, position and date."""
        r = self.DECL_FIRST + len(DECLARATIONS) + 1
        return r, r + 1, r + 2

    @property
    def signed_by_cells(self) -> tuple[str, str, str]:
        name, position, date = self.signed_by_rows
        return xw.address(self.ANSWER_COL, name), xw.address(self.ANSWER_COL, position), xw.address(self.ANSWER_COL, date)


def build_bid_return(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None,
                     format_version: int = BID_RETURN_FORMAT_VERSION) -> xw.Workbook:
    """One lot's bid return workbook, at the current format version unless an earlier one is asked for
    (the batch builds each version's, to check a return of that version against what svscore wrote)."""
    lay = BidReturnLayout(tender, lot_index, measures, format_version)
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
    xw.fit_pages_legibly(wb)
    xw.mark_pages(wb, tender.reference)
    xw.add_metadata(wb, xw.Metadata("bid_return", format_version, tender.reference, lay.lot_id,
                                    __version__, xw.fingerprint(constants), {"years": lay.years}))
    wb.active = 0
    return wb


def prompt(ws, cells: str, title: str, text: str, dv: DataValidation | None = None) -> DataValidation:
    """An input message shown when a bidder selects the cell (Excel's Data Validation > Input
    Message), on a validation rule of its own when the cell has none."""
    if dv is None:
        dv = DataValidation(allow_blank=True)
        dv.add(cells)
        ws.add_data_validation(dv)
    dv.showInputMessage, dv.promptTitle, dv.prompt = True, title[:32], text[:255]
    return dv


def _wrapped_height(text: str, chars_per_line: float, minimum: float = 15.0) -> float:
    """The height a row needs for ``text`` wrapped in a column ``chars_per_line`` wide, so the
    text never runs under the next row (Excel does not grow a row it was given a height for)."""
    lines = sum(max(1, -(-len(part) // max(1, int(chars_per_line)))) for part in text.split("\n"))
    return max(minimum, 15.0 * lines + 2)


def _scale_text(tender: Tender, scale_id: str | None) -> str:
    scale = next((s for s in tender.scales if s.id == scale_id), None)
    if scale is None:
        return ""
    if scale.values and any(v.descriptor for v in scale.values):
        return "How it is scored:\n" + "\n".join(f"{excel_value(v.value, 'number')} – {v.descriptor}" for v in scale.values)
    allowed = scale.allowed()
    return f"Scored from {excel_value(allowed[0], 'number')} to {excel_value(allowed[-1], 'number')}." if allowed else ""


def _title(ws, text: str, sub: str | None = None) -> None:
    ws["A1"] = text
    ws["A1"].font = xw.TITLE
    if sub:
        xw.set_text(ws["A2"], sub)


def _instructions(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    t = lay.tender
    ws = wb.create_sheet("Instructions")
    _title(ws, "Bid return workbook", f"{t.reference}: {t.title}" + (f" — lot {lay.lot_id}" if t.lots else ""))
    deadline = t.contract.submission_deadline
    vat = {True: "Give every rate and price INCLUDING VAT.", False: "Give every rate and price EXCLUDING VAT.",
           None: ""}[t.price.rates_include_vat]
    steps = ["Fill in every shaded cell. Cells shaded orange are required; cells shaded yellow are optional.",
             "Cover: your organisation's details.",
             "Pricing: a rate in pounds for each line, more than £0, as a number (no £ sign or text). Line totals "
             "and the total are calculated for you." + (f" {vat}" if vat else "")]
    if lay.has_sv:
        steps.append("Social Value: the quantity you commit to deliver for each measure, in each contract year, in the measure's unit.")
    if lay.quality:
        steps.append("Quality: your response to each question, within its word limit where one is given.")
    steps.append("Declarations: answer each statement and sign.")
    lines = [f"Issued by {t.authority.name}."]
    if deadline is not None:
        lines.append(f"Return this workbook by {deadline.strftime('%H:%M on %A %d %B %Y')} (UTC{deadline.strftime('%z')[:3]}:"
                     f"{deadline.strftime('%z')[3:]}). A bid received after the deadline is late.")
    if t.contract.how_to_return:
        lines.append(f"How to return it: {t.contract.how_to_return}")
    lines.append("How to complete this workbook:")
    lines += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]  # numbered from the sheets there are
    lines += [
        "Do not add, delete, rename or move sheets, rows or columns, and do not change any cell that is not shaded: "
        "the evaluation checks this workbook against the template and reports any change.",
        "Return the workbook as an .xlsx file, without a password.",
    ]
    width = 86  # within a portrait A4 page at full size, so no line is cut off at the page edge
    for i, line in enumerate(lines, start=4):
        xw.set_text(ws.cell(i, 1), line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = _wrapped_height(line, width * 1.1)
    ws.column_dimensions["A"].width = width
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


def _cover(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Cover")
    _title(ws, "Cover details", "Shaded cells are for you to fill in; orange ones are required.")
    xw.header(ws, lay.COVER_ROW - 1, ["Question", "Your answer"])
    label_width = 52
    for key, label, required, kind in lay.cover:
        shown = label + (" *" if required else "")
        cell = xw.set_text(ws.cell(lay.cover_row(key), 1), shown)
        if len(shown) > label_width:  # wrapped, on a row tall enough, so the label is never cut off
            cell.alignment = xw.WRAP
            ws.row_dimensions[lay.cover_row(key)].height = _wrapped_height(shown, label_width * 1.1)
        c = xw.unlock(ws[lay.cover_cell(key)], required=required, text=kind == "text")
        need = "Required." if required else "Optional."
        if kind == "yesno":
            prompt(ws, c.coordinate, PROMPT_TITLES.get(key, label), f"{need} Choose Yes or No.", xw.list_validation(ws, '"Yes,No"', c.coordinate, "Yes or No"))
        else:
            prompt(ws, c.coordinate, PROMPT_TITLES.get(key, label), _cover_prompt(key, required))
    xw.widths(ws, {1: label_width, lay.ANSWER_COL: 50})
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


def _cover_prompt(key: str, required: bool) -> str:
    """The input message of a Cover question typed as text (at most 255 characters, Excel's limit)."""
    if key == "postal_address":
        return "Optional. The postal address for letters about this tender, if not your registered address above."
    if key == "unique_identifier":
        need = "Required for a procurement under the Procurement Act 2023." if required else "Optional: give it if you have one."
        return (f"{need} Your organisation's Public Procurement Organisation Number (PPON), given when it registered on "
                "Find a Tender (the central digital platform): see your organisation's details there.")
    return f"{'Required.' if required else 'Optional.'} Type your answer."


def _pricing(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Pricing")
    vat = {True: " Rates include VAT.", False: " Rates exclude VAT.", None: ""}[lay.tender.price.rates_include_vat]
    _title(ws, "Pricing schedule", f"Give a rate in pounds for every line (numbers only, more than £0). Totals are calculated.{vat}")
    xw.header(ws, lay.PRICING_FIRST - 1, PRICING_COLUMNS, start_col=lay.PRICING_FIRST_COL)
    col = lay.pricing_col
    for i, line in enumerate(lay.lines):
        r = lay.pricing_row(i)
        xw.set_text(ws.cell(r, col("Line")), line.id)
        xw.set_text(ws.cell(r, col("Description")), line.description).alignment = xw.WRAP
        ws.row_dimensions[r].height = _wrapped_height(line.description, 50)
        xw.set_text(ws.cell(r, col("Unit")), line.unit)
        ws[lay.quantity_cell(i)] = excel_value(line.quantity, "number")
        ws[lay.quantity_cell(i)].number_format = "#,##0" if line.quantity == int(line.quantity) else "#,##0.00"
        xw.unlock(ws[lay.rate_cell(i)], required=True).number_format = "£#,##0.00"
        rate, qty = lay.rate_cell(i), lay.quantity_cell(i)
        ws[lay.line_total_cell(i)] = f'=IF({rate}="","",{qty}*{rate})'
        ws[lay.line_total_cell(i)].number_format = "£#,##0.00"
    last = len(lay.lines) - 1
    rates = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True, showErrorMessage=True,
                           errorTitle="Not a valid rate", error="Enter a rate in pounds: a number more than 0, without £ signs or text.")
    rates.add(f"{lay.rate_cell(0)}:{lay.rate_cell(last)}")
    ws.add_data_validation(rates)
    vat = {True: " including VAT", False: " excluding VAT", None: ""}[lay.tender.price.rates_include_vat]
    prompt(ws, "", "Rate (£)", f"Required. Your rate in pounds{vat} for one unit of this line: a number more than 0.", rates)
    ws.cell(lay.total_price_row, col("Rate (£) *"), "Total price").font = xw.font(bold=True)
    total = ws[lay.total_price_cell]
    total.value = f"=SUM({lay.line_total_cell(0)}:{lay.line_total_cell(last)})"
    total.number_format, total.font = "£#,##0.00", xw.font(bold=True)
    xw.widths(ws, {col("Line"): 8, col("Description"): 50, col("Unit"): 12, col("Quantity"): 12, col("Rate (£) *"): 14,
                   col("Line total (£)"): 18})
    ws.freeze_panes = ws.cell(lay.PRICING_FIRST, 1)
    xw.print_setup(ws, f"{lay.PRICING_FIRST - 1}:{lay.PRICING_FIRST - 1}", landscape=False)
    xw.protect(ws)


def _social_value(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    assert lay.measures is not None
    ws = wb.create_sheet("Social Value")
    _title(ws, "Social value commitments", "For each measure, the quantity you commit to in each contract year, in the measure's unit.")
    years = [f"Year {y} *" if y == 1 else f"Year {y}" for y in range(1, lay.years + 1)]
    xw.header(ws, lay.SV_FIRST - 1, ["Measure", "Description", "Unit", "Proxy value (£ per unit)", *years, "Value (£)"])
    n = len(lay.measures.measures)
    vcol = lay.sv_value_col
    proxy_col = lay.SV_FIRST_YEAR_COL - 1
    for m, measure in enumerate(lay.measures.measures):
        r = lay.sv_row(m)
        xw.set_text(ws.cell(r, 1), measure.id)
        text = measure.description + (" (counts in year 1 only)" if measure.first_year_only else "")
        xw.set_text(ws.cell(r, 2), text).alignment = xw.WRAP
        ws.row_dimensions[r].height = _wrapped_height(text, 50)
        xw.set_text(ws.cell(r, 3), measure.unit)
        ws.cell(r, proxy_col, excel_value(measure.proxy_value, "number")).number_format = "£#,##0.00"
        for y in range(lay.years):  # year 1 is required (its heading says so), later years optional
            xw.unlock(ws[lay.qty_cell(m, y)], required=y == 0)
        counted = lay.qty_cell(m, 0) if measure.first_year_only else f"SUM({lay.qty_cell(m, 0)}:{lay.qty_cell(m, lay.years - 1)})"
        ws[lay.sv_value_cell(m)] = f"=N({counted})*{xw.address(proxy_col, r)}"
        ws[lay.sv_value_cell(m)].number_format = "£#,##0.00"
    qty = xw.number_validation(ws, f"{lay.qty_cell(0, 0)}:{lay.qty_cell(n - 1, lay.years - 1)}", 0, "a quantity")
    prompt(ws, "", "Quantity committed", "The quantity you commit to in this contract year, in the measure's unit "
           "(0 or more; year 1 required).", qty)
    ws.cell(lay.sv_row(n), vcol - 1, "Total").font = xw.font(bold=True)
    ws[lay.sv_value_cell(n)] = f"=SUM({lay.sv_value_cell(0)}:{lay.sv_value_cell(n - 1)})"
    ws[lay.sv_value_cell(n)].number_format = "£#,##0.00"
    if lay.measures.illustrative:
        xw.set_text(ws.cell(lay.sv_row(n + 2), 1), "The measures table is ILLUSTRATIVE example data.").font = xw.font(color="C00000", bold=True)
    xw.widths(ws, {1: 20, 2: 50, 3: 14, proxy_col: 14} | {lay.qty_col(y): 11 for y in range(lay.years)} | {vcol: 16})
    ws.freeze_panes = lay.qty_cell(0, 0)
    xw.print_setup(ws, f"{lay.SV_FIRST - 1}:{lay.SV_FIRST - 1}")
    xw.protect(ws)


def _quality(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Quality")
    _title(ws, "Quality responses", "Answer each question in the shaded cell.")
    xw.header(ws, lay.QUALITY_FIRST - 1, ["ID", "Criterion", "Weighting (% of total score)", "What we are looking for", "Your response *"])
    for i, ((cid, name, description, weight), c) in enumerate(zip(lay.quality, lay.asked, strict=True)):
        response = ws[lay.response_cell(i)]
        r = response.row
        xw.set_text(ws.cell(r, 1), cid).alignment = xw.WRAP  # at the top of its row, beside its criterion's text
        xw.set_text(ws.cell(r, 2), name).alignment = xw.WRAP
        weighting = ws.cell(r, 3, weight)
        weighting.number_format, weighting.alignment = "0.00", Alignment(vertical="top")
        limit = f"Word limit: {c.word_limit:,} words." if c.word_limit else ""
        looking = "\n\n".join(x for x in (description, _scale_text(lay.tender, c.scale_id()), limit) if x)
        xw.set_text(ws.cell(r, 4), looking).alignment = xw.WRAP
        xw.unlock(response, required=True).alignment = xw.WRAP
        prompt(ws, response.coordinate, f"Response to {cid}", f"Required. Your response to {cid} {name}."
               + (f" At most {c.word_limit:,} words." if c.word_limit else ""))
        ws.row_dimensions[r].height = max(120.0, _wrapped_height(looking, 40))
    xw.widths(ws, {1: 8, 2: 30, 3: 12, 4: 40, lay.RESPONSE_COL: 80})
    xw.print_setup(ws, f"{lay.QUALITY_FIRST - 1}:{lay.QUALITY_FIRST - 1}")
    xw.protect(ws)


def _declarations(wb: xw.Workbook, lay: BidReturnLayout) -> None:
    ws = wb.create_sheet("Declarations")
    _title(ws, "Declarations", "Answer Yes or No to each statement, then sign.")
    xw.header(ws, lay.DECL_FIRST - 1, ["Statement", "Yes / No *"])
    answers = lay.declaration_cells
    for text, cell in zip(DECLARATIONS, answers, strict=True):
        answer = ws[cell]
        xw.set_text(ws.cell(answer.row, 1), text).alignment = xw.WRAP
        xw.unlock(answer, required=True)
    prompt(ws, "", "Yes / No", "Required. Choose Yes or No.", xw.list_validation(ws, '"Yes,No"', f"{answers[0]}:{answers[-1]}", "Yes or No"))
    date = lay.signed_by_cells[2]
    for cell, r, label in zip(lay.signed_by_cells, lay.signed_by_rows, ("Signed by (name) *", "Position *", "Date *"), strict=True):
        xw.set_text(ws.cell(r, 1), label)
        xw.unlock(ws[cell], required=True)
        if cell != date:
            prompt(ws, cell, label.rstrip(" *"), "Required. Type it in.")
    ws[date].number_format = "dd mmm yyyy"
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True, showErrorMessage=True,
                        error="Enter the date you signed.")
    dv.add(date)
    ws.add_data_validation(dv)
    prompt(ws, "", "Date", "Required. The date you signed, e.g. 17/04/2026.", dv)
    xw.widths(ws, {1: 80, lay.ANSWER_COL: 24})
    xw.print_setup(ws, landscape=False)
    xw.protect(ws)


