"""The evaluation workbook's Governance sheet: what the evaluation meeting records beside the scores.

The evaluation panel and each member's conflict of interest declaration (Procurement Act 2023
s.81-83: a conflicts assessment before the award), the moderation log, the award recommendation,
sign-off and the version history; from format version 4 the award's own facts: the award notice's
publication date and the contract date, the decision on each abnormally low tender after asking the
supplier (s.19(4)), and how each tie the published rules did not break was decided. Every position is in :class:`GovernanceLayout`, so the builder
and the reader (:func:`read_governance`) agree; the panel and the award's facts are read into the
bids file (``panel``, ``notice_published``, ``contract_date``, each bid's ``abnormally_low``,
``tie_decisions``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from openpyxl.worksheet.datavalidation import DataValidation

from svscore.errors import Place, Problem
from svscore.excel import workbook as xw
from svscore.excel.cells import Values, as_date, as_text
from svscore.excel.workbook import address
from svscore.model.bids import AbnormallyLowDecision, PanelMember, TieDecision
from svscore.model.identity import bidder_key

SHEET = "Governance"


@dataclass(frozen=True)
class Section:
    """One table of the sheet: its title, its columns (label, kind, width), and how many rows it has room for."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]
    """(label, kind): kind is text, date, conflict, bidder (a name from the Bidders sheet) or decision."""
    rows: int
    since: int = 2
    """The evaluation workbook format version that added it."""


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
    Section("award_dates", "Award dates",
            (("Contract award notice published on", "date"), ("Contract entered into on", "date")), 1, since=4),
    Section("abnormally_low", "Abnormally low tenders (Procurement Act 2023 s.19(4))",
            (("Bidder", "bidder"), ("Supplier notified and asked to explain on", "date"), ("Its response", "text"),
             ("Decision", "decision"), ("Reason", "text"), ("Decided on", "date")), 4, since=4),
    Section("ties", "Ties the published rules did not break",
            (("Tied bidders (names, separated by ;)", "text"), ("Bidder preferred", "bidder"),
             ("How it was decided, and by whom", "text")), 3, since=4),
)
"""The sheet's tables, top to bottom."""

WIDTHS = {1: 30, 2: 24, 3: 24, 4: 16, 5: 36, 6: 14}
LAST_COL = 6

PROMPTS = {
    "Contract award notice published on": (
        "Award notice", "The day the contract award notice is (to be) published: the standstill period starts from it "
        "(Procurement Act 2023 s.50(1), s.51). Under PCR 2015: the day the standstill letters are sent."),
    "Contract entered into on": ("Contract date", "The day the contract is (to be) entered into: the award's records are "
                                 "kept for 3 years from it (Procurement Act 2023 s.98(4)(b))."),
    "Bidder": ("Bidder", "Choose the bidder whose price was flagged as abnormally low."),
    "Supplier notified and asked to explain on": (
        "Notified on", "The day the supplier was told its price looked abnormally low and asked to show it can perform "
        "the contract for it (s.19(4))."),
    "Its response": ("Response", "What the supplier sent in reply, in brief (or that it did not reply)."),
    "Decision": ("Decision", "accepted: the supplier showed it can perform for the price (s.19(5)); "
                 "rejected: the tender is disregarded (s.19(3)(c))."),
    "Reason": ("Reason", "Why, in the decision-maker's words."),
    "Decided on": ("Decided on", "The day of the decision."),
    "Tied bidders (names, separated by ;)": ("Tied bidders", "The names of the bidders tied, as on the Bidders sheet, "
                                             "separated by semicolons."),
    "Bidder preferred": ("Bidder preferred", "Choose the tied bidder preferred."),
    "How it was decided, and by whom": ("How decided", "How the tie was decided, and by whom."),
}
"""Each new column's input message (title, text), shown when its cell is selected."""


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


def add_governance_sheet(wb: xw.Workbook, reference: str, title: str, bidders: str | None = None) -> None:
    """The Governance sheet: every table's cells open for the panel to fill in. ``bidders``: the
    Bidders sheet's names (``Bidders!$B$3:$B$12``), offered in each bidder cell's dropdown."""
    lay = GovernanceLayout()
    ws = wb.create_sheet(SHEET)
    ws["A1"] = "Governance: the panel, conflicts of interest, moderation, recommendation, sign-off and award facts"
    ws["A1"].font = xw.TITLE
    xw.set_text(ws["A2"], f"{reference}: {title}")
    conflict = DataValidation(type="list", formula1='"none,declared"', allow_blank=True, showErrorMessage=True,
                              error="Choose none or declared.", promptTitle="Conflict of interest",
                              prompt="none: declared no conflict; declared: give the details and the steps taken.")
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True,
                           error="Enter a date.")
    own: dict[tuple[str, str], DataValidation] = {}  # from version 4, each column its own rule and input message
    for s in SECTIONS:
        first = lay.first_row[s.key]
        ws.cell(first - 2, 1, s.title).font = xw.font(bold=True, size=12)
        xw.header(ws, first - 1, [label for label, _ in s.columns])
        last = len(s.columns)
        for r in range(first - 1, first + s.rows):
            if last < LAST_COL and s.columns[-1][1] == "text":  # a last text column, the longest, runs to the right edge
                ws.merge_cells(start_row=r, start_column=last, end_row=r, end_column=LAST_COL)
            if r >= first and s.key in ("panel", "moderation_log", "recommendation", "sign_off", "version_history", "abnormally_low", "ties"):
                ws.row_dimensions[r].height = 30  # two wrapped lines show (the heights are not recalculated on opening)
        for i in range(s.rows):
            for label, kind in s.columns:
                cell = ws[lay.cell(s.key, i, label)]
                xw.unlock(cell, text=kind != "date").alignment = xw.WRAP
                if kind == "date":
                    cell.number_format = "dd mmm yyyy"
                if s.since >= 4:
                    own.setdefault((s.key, label), _validation(kind, label, bidders)).add(cell.coordinate)
                elif kind == "date":
                    dates.add(cell.coordinate)
                elif kind == "conflict":
                    conflict.add(cell.coordinate)
    ws.add_data_validation(conflict)
    for v in own.values():
        ws.add_data_validation(v)
    ws.add_data_validation(dates)
    xw.widths(ws, WIDTHS)
    xw.print_setup(ws, None)
    xw.protect(ws)


def keep_tables_whole(ws: Any) -> None:
    """Printed, each table of the Governance sheet on one page, its title and header with its rows
    (a table split between pages lost its header on the second). Once the sheet's width is fitted."""
    from svscore.excel.printing import keep_blocks_whole

    lay = GovernanceLayout()
    keep_blocks_whole(ws, [(lay.first_row[s.key] - 2, lay.first_row[s.key] + s.rows - 1) for s in SECTIONS])


def _validation(kind: str, label: str, bidders: str | None) -> DataValidation:
    """A new column's rule (a date, accepted or rejected, a bidder's name) with its input message."""
    title, prompt = PROMPTS[label]
    if kind == "date":
        rule: dict[str, Any] = {"type": "date", "operator": "greaterThan", "formula1": "1", "error": "Enter a date."}
    elif kind == "decision":
        rule = {"type": "list", "formula1": '"accepted,rejected"', "error": "Choose accepted or rejected."}
    elif kind == "bidder" and bidders:
        rule = {"type": "list", "formula1": f"={bidders}", "error": "Choose a bidder from the Bidders sheet."}
    else:
        rule = {"type": None}
    return DataValidation(allow_blank=True, showErrorMessage=rule["type"] is not None, showInputMessage=True,
                          promptTitle=title, prompt=prompt, **rule)


@dataclass
class Governance:
    """What the Governance sheet records: the panel and the award's facts as the bids file holds
    them, the rest as read, and the cell of each award fact (for ``svscore award``'s gaps)."""

    panel: list[PanelMember] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    """moderation_log, recommendation, sign_off, version_history: each a list of rows (column label → value)."""
    notice_published: dt.date | None = None
    contract_date: dt.date | None = None
    abnormally_low: dict[str, AbnormallyLowDecision] = field(default_factory=dict)
    """Bidder id → the s.19(4) decision recorded for it (from format version 4)."""
    tie_decisions: list[TieDecision] = field(default_factory=list)
    cells: dict[str, Place] = field(default_factory=dict)
    """Where each award fact is filled in: ``notice_published``, ``contract_date``, ``tie_decisions``
    (the first empty row), ``tie_decisions[i]``, ``abnormally_low`` (the first empty row) and
    ``abnormally_low:<bidder id>`` (from format version 4)."""


def read_governance(values: Values, problems: list[Problem], version: int = 3,
                    bidders: tuple[tuple[str, str], ...] = (), lot: str | None = None) -> Governance:
    """Read the Governance sheet. A panel member needs a conflict of interest declaration and its
    date (s.83); a declared conflict needs its details. From format version 4 the award's facts:
    ``bidders`` (id, name) are the Bidders sheet's, whose names (or ids) the abnormally low tenders
    and ties give; ``lot`` is the workbook's. Each problem names the cell."""
    lay = GovernanceLayout()
    out = Governance()
    if SHEET not in values.sheets:
        problems.append(Problem(values.name, "the Governance sheet is missing: use the workbook as svscore built it"))
        return out
    for s in SECTIONS:
        if s.since > version:
            continue
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
        elif s.since >= 4:
            _award_facts(values, lay, s, rows, out, problems, bidders, lot)
        else:
            out.record[s.key] = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if k != "_row"}
                                 for r in rows]
    return out


def _award_facts(values: Values, lay: GovernanceLayout, s: Section, rows: list[dict[str, Any]], out: Governance,
                 problems: list[Problem], bidders: tuple[tuple[str, str], ...], lot: str | None) -> None:
    def where(i: int, column: str) -> Place:
        return values.where(SHEET, lay.cell(s.key, i, column))

    def who(i: int, column: str, text: str) -> str | None:
        found = next((b for b, name in bidders if bidder_key(text) in (bidder_key(b), bidder_key(name))), None)
        if found is None:
            problems.append(Problem(where(i, column), f"{text!r} is not a bidder on the Bidders sheet: give a bidder's name as "
                                                      "it is there"))
        return found

    first_free = next(i for i in range(s.rows + 1) if i == s.rows or i not in {r["_row"] for r in rows})
    if s.key == "award_dates":
        out.cells["notice_published"] = where(0, "Contract award notice published on")
        out.cells["contract_date"] = where(0, "Contract entered into on")
        row = rows[0] if rows else {}
        out.notice_published, out.contract_date = row.get("Contract award notice published on"), row.get("Contract entered into on")
        return
    if s.key == "abnormally_low":
        out.cells["abnormally_low"] = where(min(first_free, s.rows - 1), "Bidder")
        for r in rows:
            i = r["_row"]
            if "Bidder" not in r:
                problems.append(Problem(where(i, "Bidder"), "an abnormally low tender decision names no bidder"))
                continue
            bid_id = who(i, "Bidder", r["Bidder"])
            if bid_id is None:
                continue
            if bid_id in out.abnormally_low or f"abnormally_low:{bid_id}" in out.cells:
                problems.append(Problem(where(i, "Bidder"), f"{r['Bidder']}'s abnormally low tender decision is given twice: "
                                                            "keep one row"))
                continue
            out.cells[f"abnormally_low:{bid_id}"] = where(i, "Bidder")
            decision = str(r.get("Decision", "")).lower()
            ok = True
            for column, say in (("Supplier notified and asked to explain on", "the day the supplier was notified and asked to explain"),
                                ("Its response", "the supplier's response (or that it did not reply)"),
                                ("Reason", "the reason for the decision")):
                if column not in r:
                    problems.append(Problem(where(i, column), f"{r['Bidder']}'s abnormally low tender decision has no {say} "
                                                              "(Procurement Act 2023 s.19(4))"))
                    ok = False
            if decision not in ("accepted", "rejected"):
                problems.append(Problem(where(i, "Decision"), f"{r['Bidder']}'s abnormally low tender decision must be accepted or "
                                                              "rejected (Procurement Act 2023 s.19(3)(c), (5))"))
                ok = False
            if ok:
                out.abnormally_low[bid_id] = AbnormallyLowDecision(
                    notified_on=r["Supplier notified and asked to explain on"], response=r["Its response"],
                    decision=decision, reason=r["Reason"], decided_on=r.get("Decided on"))  # type: ignore[arg-type]
        return
    out.cells["tie_decisions"] = where(min(first_free, s.rows - 1), "Tied bidders (names, separated by ;)")
    for r in rows:
        i = r["_row"]
        out.cells[f"tie_decisions[{len(out.tie_decisions)}]"] = where(i, "Tied bidders (names, separated by ;)")
        names = [n.strip() for n in str(r.get("Tied bidders (names, separated by ;)", "")).split(";") if n.strip()]
        tied = [b for n in names if (b := who(i, "Tied bidders (names, separated by ;)", n)) is not None]
        ok = len(tied) == len(names)
        if len(names) < 2:
            problems.append(Problem(where(i, "Tied bidders (names, separated by ;)"),
                                    "a tie decision needs the names of two or more tied bidders, separated by semicolons"))
            ok = False
        winner = who(i, "Bidder preferred", r["Bidder preferred"]) if "Bidder preferred" in r else None
        if "Bidder preferred" not in r:
            problems.append(Problem(where(i, "Bidder preferred"), "a tie decision names no bidder preferred"))
        if "How it was decided, and by whom" not in r:
            problems.append(Problem(where(i, "How it was decided, and by whom"), "a tie decision does not say how it was decided"))
        if ok and winner is not None and "How it was decided, and by whom" in r:
            out.cells[f"tie_decisions[{len(out.tie_decisions)}].winner"] = where(i, "Bidder preferred")
            out.tie_decisions.append(TieDecision(lot=lot, bidders=tuple(tied), winner=winner, how=r["How it was decided, and by whom"]))


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
