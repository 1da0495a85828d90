"""The evaluation workbook's Governance sheet: what the evaluation meeting records beside the scores.

The evaluation panel and each member's conflict of interest declaration (Procurement Act 2023
s.81-83: a conflicts assessment before the award), the moderation log, the award recommendation,
sign-off and the version history. Every position is in :class:`GovernanceLayout`, so the builder
and the reader (:func:`read_governance`) agree; the panel is read into the bids file's ``panel``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from openpyxl.worksheet.datavalidation import DataValidation

from svscore.errors import Problem
from svscore.excel import workbook as xw
from svscore.excel.cells import Values, as_date, as_text
from svscore.excel.workbook import address
from svscore.model.bids import PanelMember

SHEET = "Governance"


@dataclass(frozen=True)
class Section:
    """One table of the sheet: its title, its columns (label, kind, width), and how many rows it has room for."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]
    """(label, kind): kind is text, date or conflict."""
    rows: int


SECTIONS = (
    Section("panel", "Evaluation panel and conflict of interest declarations (Procurement Act 2023 s.81-83)",
            (("Name (as on the score sheets)", "text"), ("Role", "text"), ("Conflict of interest", "conflict"),
             ("Declared on", "date"), ("Details, and the steps taken to mitigate it", "text")), 8),
    Section("moderation_log", "Moderation log",
            (("Date", "date"), ("Criterion", "text"), ("Bidder", "text"), ("Discussed and agreed", "text")), 10),
    Section("recommendation", "Award recommendation",
            (("Recommended bidder", "text"), ("Recommended on", "date"), ("Reason", "text")), 1),
    Section("sign_off", "Sign-off",
            (("Name", "text"), ("Role", "text"), ("Date", "date")), 4),
    Section("version_history", "Version history (record every change to this workbook, and why)",
            (("Version", "text"), ("Date", "date"), ("By", "text"), ("Change", "text")), 10),
)
"""The sheet's tables, top to bottom."""

WIDTHS = {1: 30, 2: 24, 3: 24, 4: 16, 5: 50}
LAST_COL = 5


@dataclass
class GovernanceLayout:
    """Where each table of the Governance sheet sits: a title row, a header row, then its rows.
    Moving one changes the evaluation workbook's format (see ``EVALUATION_FORMAT_VERSION``)."""

    FIRST_ROW: ClassVar[int] = 4
    """The first table's title row (the sheet's title and the tender are above)."""
    GAP: ClassVar[int] = 1
    """Blank rows between tables."""

    first_row: dict[str, int] = field(default_factory=dict)
    """Each table's first row of data, by its key."""

    def __post_init__(self) -> None:
        row = self.FIRST_ROW
        for s in SECTIONS:
            self.first_row[s.key] = row + 2
            row += 2 + s.rows + self.GAP

    @staticmethod
    def section(key: str) -> Section:
        return next(s for s in SECTIONS if s.key == key)

    def cell(self, key: str, index: int, column: str) -> str:
        """The cell of one column (by its label) in row ``index`` of a table."""
        s = self.section(key)
        c = 1 + [label for label, _ in s.columns].index(column)
        return address(c, self.first_row[key] + index)


def add_governance_sheet(wb: xw.Workbook, reference: str, title: str) -> None:
    """The Governance sheet: every table's cells open for the panel to fill in."""
    lay = GovernanceLayout()
    ws = wb.create_sheet(SHEET)
    ws["A1"] = "Governance: the panel, conflicts of interest, moderation, recommendation and sign-off"
    ws["A1"].font = xw.TITLE
    xw.set_text(ws["A2"], f"{reference}: {title}")
    conflict = DataValidation(type="list", formula1='"none,declared"', allow_blank=True, showErrorMessage=True,
                              error="Choose none or declared.", promptTitle="Conflict of interest",
                              prompt="none: declared no conflict; declared: give the details and the steps taken.")
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True,
                           error="Enter a date.")
    for s in SECTIONS:
        first = lay.first_row[s.key]
        ws.cell(first - 2, 1, s.title).font = xw.font(bold=True, size=12)
        xw.header(ws, first - 1, [label for label, _ in s.columns])
        last = len(s.columns)
        for r in range(first - 1, first + s.rows):
            if last < LAST_COL:  # the last column, where the text is longest, runs to the sheet's right edge
                ws.merge_cells(start_row=r, start_column=last, end_row=r, end_column=LAST_COL)
            if r >= first and s.key in ("panel", "moderation_log", "recommendation"):
                ws.row_dimensions[r].height = 30  # two wrapped lines show (the heights are not recalculated on opening)
        for i in range(s.rows):
            for label, kind in s.columns:
                cell = ws[lay.cell(s.key, i, label)]
                xw.unlock(cell, text=kind != "date").alignment = xw.WRAP
                if kind == "date":
                    cell.number_format = "dd mmm yyyy"
                    dates.add(cell.coordinate)
                elif kind == "conflict":
                    conflict.add(cell.coordinate)
    ws.add_data_validation(conflict)
    ws.add_data_validation(dates)
    xw.widths(ws, WIDTHS)
    xw.print_setup(ws, None)
    xw.protect(ws)


@dataclass
class Governance:
    """What the Governance sheet records: the panel as the bids file holds it, and the rest as read."""

    panel: list[PanelMember] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    """moderation_log, recommendation, sign_off, version_history: each a list of rows (column label → value)."""


def read_governance(values: Values, problems: list[Problem]) -> Governance:
    """Read the Governance sheet. A panel member needs a conflict of interest declaration and its
    date (s.83); a declared conflict needs its details. Each problem names the cell."""
    lay = GovernanceLayout()
    out = Governance()
    if SHEET not in values.sheets:
        problems.append(Problem(values.name, "the Governance sheet is missing: use the workbook as svscore built it"))
        return out
    for s in SECTIONS:
        rows: list[dict[str, Any]] = []
        for i in range(s.rows):
            row: dict[str, Any] = {}
            for label, kind in s.columns:
                at = lay.cell(s.key, i, label)
                v = values.get(SHEET, at)
                if kind == "date":
                    d = as_date(v, values.where(SHEET, at), label, problems)
                    if d is not None:
                        row[label] = d
                elif as_text(v):
                    row[label] = as_text(v)
            if row:
                rows.append({"_row": i, **row})
        if s.key == "panel":
            out.panel = [m for r in rows if (m := _member(values, lay, r, problems)) is not None]
        else:
            out.record[s.key] = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if k != "_row"}
                                 for r in rows]
    return out


def _member(values: Values, lay: GovernanceLayout, row: dict[str, Any], problems: list[Problem]) -> PanelMember | None:
    i = row["_row"]
    name = row.get("Name (as on the score sheets)")

    def where(column: str) -> Any:
        return values.where(SHEET, lay.cell("panel", i, column))

    if not name:
        problems.append(Problem(where("Name (as on the score sheets)"), "a panel member's declaration has no name"))
        return None
    conflict = str(row.get("Conflict of interest", "")).lower()
    ok = True
    if conflict not in ("none", "declared"):
        problems.append(Problem(where("Conflict of interest"), f"{name}'s conflict of interest declaration must be none or declared "
                                                               "(Procurement Act 2023 s.83: a conflicts assessment is required)"))
        ok = False
    declared_on = row.get("Declared on")
    if declared_on is None:
        problems.append(Problem(where("Declared on"), f"{name}'s conflict of interest declaration has no date"))
        ok = False
    details = row.get("Details, and the steps taken to mitigate it", "")
    if conflict == "declared" and not details:
        problems.append(Problem(where("Details, and the steps taken to mitigate it"),
                                f"{name} declared a conflict of interest: give its details and the steps taken to mitigate it (s.83)"))
        ok = False
    if not ok:
        return None
    return PanelMember(name=name, role=row.get("Role", ""), conflict=conflict, declared_on=declared_on, details=details)  # type: ignore[arg-type]
