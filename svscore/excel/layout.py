"""Where everything sits in the evaluation workbook, computed once from the tender.

The builder writes by this layout and the reader reads by it, so the two cannot drift apart.
A layout is chosen by the workbook's format version (see :data:`TEMPLATE_FORMAT_VERSION`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from svscore.errors import ScoringError
from svscore.excel.workbook import address, range_address
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Aggregation, CriterionKind, PriceMethod, ScoredBy, Tender
from svscore.rules.checks import CheckReport
from svscore.rules.weights import WeightedCriterion, weighted_tree

# Setup sheet: (json path in the tender, label, type, editable). Structural settings that the
# formulas are built from (weighting, price method, social value method) are shown but locked:
# change them in the tender file and rebuild.
DETAILS: tuple[tuple[str, str, str, bool], ...] = (
    ("reference", "Tender reference", "text", True),
    ("title", "Title", "text", True),
    ("authority.name", "Authority", "text", True),
    ("authority.type", "Authority type", "AuthorityType", True),
    ("authority.jurisdiction", "Jurisdiction", "Jurisdiction", True),
    ("authority.welsh_devolved_functions", "Exercises mainly Welsh devolved functions", "bool", True),
    ("contract.kind", "Contract kind", "ContractKind", True),
    ("contract.services_share_percent", "Services' share of the value (%, mixed contracts)", "number?", True),
    ("contract.framework", "Framework", "bool", True),
    ("contract.estimated_value", "Estimated value (£)", "number", True),
    ("contract.value_includes_vat", "Value includes VAT", "bool", True),
    ("contract.options_and_extensions_value", "Options, extensions and renewals (£)", "number?", True),
    ("contract.procurement_start", "Procurement start date", "date", True),
    ("weighting", "Weighting (rebuild to change)", "WeightingMode", False),
    ("total_marks", "Total marks (marks mode)", "number?", True),
    ("price.method", "Price method (rebuild to change)", "PriceMethod", False),
    ("price.qualification_price", "Qualification price (£)", "number?", True),
    ("evaluation.aggregation", "Evaluators' scores combined by (rebuild to change)", "Aggregation", False),
    ("evaluation.moderation_spread", "Moderation spread that is flagged", "number?", True),
    ("minimum_quality_percent", "Minimum quality score (% of quality points)", "number?", True),
    ("abnormally_low.percent_below_mean", "Abnormally low: % below the mean of the others", "number?", True),
    ("social_value.quantitative_method", "Social value commitments scored (rebuild to change)", "SocialValueMethod", False),
    ("social_value.target_pence_per_pound", "Target: pence of social value per £1", "number?", True),
    ("social_value_policy.minimum_percent", "Social value policy minimum (%, change in the tender file)", "number", False),
)
# Format version 1 read these as the officer typed them, though no formula used them: the Scores
# sheet's formulas are built for one rule of combining, and the policy minimum drives no cell.
EDITABLE_IN_V1 = frozenset({"evaluation.aggregation", "social_value_policy.minimum_percent"})

EVALUATION_FORMAT_VERSION = 4
"""The evaluation workbook's format: version 2 added evaluators' own scores (mean or median),
justifications and moderation notes on the Scores sheet, and the Governance sheet; version 3 the
Social Value sheet's quantities per contract year, as the bid return gives them (version 2 took
each measure's quantity over the contract); version 4 the Governance sheet's award facts (the award
notice's publication date and the contract date, abnormally low tender decisions, tie decisions),
below its earlier tables."""

CRITERIA_COLUMNS = ("ID", "Parent", "Criterion", "Kind", "Weight", "Scale", "Minimum score", "Scored by",
                    "Effective weight (%)", "Points available", "Weights check")
"""The Setup sheet's criteria table, left to right. The first eight are what svscore's Excel
functions read as a criteria range (ID to Scored by)."""
BIDDER_FIELDS = ("id", "name", "sme", "vcse")
"""The Bidders sheet's columns, left to right."""


@dataclass
class EvaluationLayout:
    """Every position in one lot's evaluation workbook. The first rows and columns are class
    attributes, so the builder, the reader and a test that shifts them all agree.
    Moving one changes the workbook's format: bump ``TEMPLATE_FORMAT_VERSION`` and keep reading
    workbooks of the old one."""

    DETAILS_ROW: ClassVar[int] = 4
    """Setup: the first tender detail (labels across A:C, values in D:F, merged)."""
    DETAILS_COL: ClassVar[int] = 4
    CRITERIA_FIRST_COL: ClassVar[int] = 1
    """Setup: the column of the criteria table's first column (ID)."""
    BIDDERS_FIRST_COL: ClassVar[int] = 1
    """Bidders: the column of the first of :data:`BIDDER_FIELDS` (the id)."""
    FIRST_BIDDER_ROW: ClassVar[int] = 3
    """Bidders, Prices and Results: the row of bidder slot 0."""
    PRICE_COL: ClassVar[int] = 2
    """Prices: the column of the tendered prices (the bidder's name is in A)."""
    FIRST_SCORE_ROW: ClassVar[int] = 3
    FIRST_SCORE_COL: ClassVar[int] = 5
    """Scores: the row of the first criterion scored and the column of bidder slot 0."""
    FIRST_SV_ROW: ClassVar[int] = 3
    FIRST_SV_COL: ClassVar[int] = 5
    """Social Value: the row of year 1's heading (before format version 3, of the first measure's
    quantity over the contract) and the column of bidder slot 0."""
    FIRST_SCALE_COL: ClassVar[int] = 3
    """Lists: the column of the first scale's values (Yes/No in A, pass/fail in B, enums after the scales)."""
    LIST_FIRST_ROW: ClassVar[int] = 2
    """Lists: the row of each list's first value (its title is above)."""
    EVALUATOR_SLOTS: ClassVar[int] = 4
    """Scores, under mean or median: how many evaluators' own scores each criterion and bidder has room for."""
    EVALUATOR_NAME_COL: ClassVar[int] = 2
    """Scores: the column of an evaluator's name, in the header row of their block."""

    tender: Tender
    lot_index: int
    slots: int
    measures: MeasuresTable | None
    version: int = EVALUATION_FORMAT_VERSION
    """The format version whose positions this layout gives (a reader of an older workbook asks for its own)."""
    tree: list[WeightedCriterion] = field(init=False)
    criteria_row: dict[str, int] = field(init=False)
    """Setup sheet row of each criterion."""
    criteria_header: int = field(init=False)
    root_check_row: int = field(init=False)
    decision_row: int = field(init=False)
    score_rows: dict[str, int] = field(init=False)
    """Scores sheet row of each criterion evaluators score (scale leaves, then pass/fail)."""
    scale_column: dict[str, int] = field(init=False)
    """Lists sheet column of each scale's values."""
    report: CheckReport = field(init=False)
    """The tender's check report (a tender with errors gets no layout, and so no workbooks)."""
    score_blocks: dict[tuple[str, int | None], int] = field(init=False)
    """Scores sheet: the first row of each block below the agreed or combined scores, by
    (kind, evaluator): ("justification", None) and ("moderation", None) under consensus;
    ("justification", None) for the pass/fail results, then ("evaluator", e) and
    ("evaluator_justification", e) for each evaluator and ("spread", None) under mean or median."""

    def __post_init__(self) -> None:
        from svscore.rules.checks import check_tender, require_no_errors

        t = self.tender
        self.report = check_tender(t, measures_supplied=True)
        require_no_errors(self.report, "its workbooks cannot be built")
        self.tree = weighted_tree(t, self.lot_index)
        measured = [w for w in self.tree if w.is_leaf and w.criterion.scored_by is ScoredBy.MEASURES]
        if len(measured) > 1:
            raise ScoringError("Templates support one social value criterion scored by measures per lot.")
        if measured and self.measures is None:
            raise ScoringError("This tender scores social value by measures: give the council's measures table.")
        self.decision_row = self.DETAILS_ROW + len(DETAILS) + 1
        self.criteria_header = self.decision_row + 14
        self.criteria_row = {w.criterion.id: self.criteria_header + 1 + i for i, w in enumerate(self.tree)}
        self.root_check_row = self.criteria_header + 1 + len(self.tree)
        scaled = [w for w in self.leaves if w.kind is not CriterionKind.PASS_FAIL and self.scored_on_scale(w)]
        gates = [w for w in self.leaves if w.kind is CriterionKind.PASS_FAIL]
        self.score_rows = {w.criterion.id: self.FIRST_SCORE_ROW + i for i, w in enumerate(scaled + gates)}
        self.scale_column = {s.id: self.FIRST_SCALE_COL + i for i, s in enumerate(t.scales)}
        self.score_blocks = {}
        if self.score_rows:
            # each block has a blank row and a header row above it, and the same criteria rows in order
            blocks: list[tuple[str, int | None, int]] = [("justification", None, len(self.score_rows))]
            if self.combines:
                for e in range(self.EVALUATOR_SLOTS):
                    blocks += [("evaluator", e, len(scaled)), ("evaluator_justification", e, len(scaled))]
                blocks.append(("spread", None, len(scaled)))
            else:
                blocks.append(("moderation", None, len(self.score_rows)))
            row = self.FIRST_SCORE_ROW + len(self.score_rows)
            for kind, who, n in blocks:
                self.score_blocks[(kind, who)] = row + 2
                row += 2 + n

    # --- what the tree holds
    @property
    def leaves(self) -> list[WeightedCriterion]:
        return [w for w in self.tree if w.is_leaf]

    @staticmethod
    def scored_on_scale(w: WeightedCriterion) -> bool:
        return w.kind in (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE) and w.criterion.scored_by is not ScoredBy.MEASURES

    @property
    def price_leaf(self) -> WeightedCriterion | None:
        return next((w for w in self.leaves if w.kind is CriterionKind.PRICE), None)

    @property
    def measures_leaf(self) -> WeightedCriterion | None:
        return next((w for w in self.leaves if w.criterion.scored_by is ScoredBy.MEASURES), None)

    @property
    def ppqp(self) -> bool:
        return self.tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT

    def children(self, cid: str) -> list[WeightedCriterion]:
        return [w for w in self.tree if w.parent_id == cid]

    def weighted_children(self, cid: str | None) -> list[WeightedCriterion]:
        kids = [w for w in self.tree if w.parent_id == cid and (cid is not None or w.depth == 0)]
        return [w for w in kids if w.kind is not CriterionKind.PASS_FAIL
                and not (self.ppqp and w.kind is CriterionKind.PRICE)]

    # --- Setup: tender details
    def detail_row(self, path: str) -> int:
        return self.DETAILS_ROW + [d[0] for d in DETAILS].index(path)

    def detail_editable(self, path: str) -> bool:
        """Whether the officer may change a tender detail in the Setup sheet: only the details a
        formula or the reader uses (the moderation spread only where evaluators' own scores are combined)."""
        if path == "evaluation.moderation_spread":
            return self.combines
        return next(d[3] for d in DETAILS if d[0] == path)

    def detail_cell(self, path: str) -> str:
        return address(self.DETAILS_COL, self.detail_row(path))

    def detail(self, path: str) -> str:
        """A tender detail's value as a formula reference (``Setup!$D$17``)."""
        return address(self.DETAILS_COL, self.detail_row(path), "Setup")

    # --- Setup: criteria table
    @classmethod
    def criteria_col(cls, name: str) -> int:
        """The Setup column of one of :data:`CRITERIA_COLUMNS`."""
        return cls.CRITERIA_FIRST_COL + CRITERIA_COLUMNS.index(name)

    def criteria_cell(self, cid: str, name: str) -> str:
        """A criterion's cell in the criteria table (``E24``), as the Setup sheet's own formulas refer to it."""
        return address(self.criteria_col(name), self.criteria_row[cid])

    def criteria_ref(self, cid: str, name: str) -> str:
        """A criterion's cell as another sheet's formulas refer to it (``Setup!$J$24``)."""
        return address(self.criteria_col(name), self.criteria_row[cid], "Setup")

    @property
    def version_history_row(self) -> int:
        """Setup: the version history's title, below the criteria table (how to correct a weight,
        its headings, then its rows)."""
        return self.root_check_row + 3

    @property
    def root_check_cell(self) -> str:
        """The check that the top-level criteria's weights add up."""
        return address(self.criteria_col("Weights check"), self.root_check_row)

    @property
    def criteria_range(self) -> str:
        """The criteria table from ID to Scored by: the criteria range svscore's Excel functions read."""
        first, last = self.criteria_row[self.tree[0].criterion.id], self.criteria_row[self.tree[-1].criterion.id]
        return range_address(self.criteria_col("ID"), first, self.criteria_col("Scored by"), last, "Setup")

    # --- Bidders and Prices
    def bidder_row(self, slot: int) -> int:
        """Row of bidder slot 0..slots-1 on the Bidders, Prices and Results sheets."""
        return self.FIRST_BIDDER_ROW + slot

    @property
    def last_bidder_row(self) -> int:
        return self.bidder_row(self.slots - 1)

    @classmethod
    def bidder_col(cls, name: str) -> int:
        """The Bidders column of one of :data:`BIDDER_FIELDS`."""
        return cls.BIDDERS_FIRST_COL + BIDDER_FIELDS.index(name)

    def bidder_cell(self, slot: int, name: str) -> str:
        return address(self.bidder_col(name), self.bidder_row(slot))

    def bidder_ref(self, slot: int, name: str) -> str:
        """A bidder's detail as another sheet's formulas refer to it (``Bidders!$B$3``)."""
        return address(self.bidder_col(name), self.bidder_row(slot), "Bidders")

    def bidders_range(self, name: str, sheet: bool = True) -> str:
        """One Bidders column over every slot (``Bidders!$B$3:$B$12``; ``sheet=False``: ``B3:B12``)."""
        c = self.bidder_col(name)
        return range_address(c, self.bidder_row(0), c, self.last_bidder_row, "Bidders" if sheet else None)

    def price_cell(self, slot: int) -> str:
        return address(self.PRICE_COL, self.bidder_row(slot))

    def price_ref(self, slot: int) -> str:
        return address(self.PRICE_COL, self.bidder_row(slot), "Prices")

    def prices_range(self, sheet: bool = True) -> str:
        c = self.PRICE_COL
        return range_address(c, self.bidder_row(0), c, self.last_bidder_row, "Prices" if sheet else None)

    # --- Scores
    def score_col(self, slot: int) -> int:
        return self.FIRST_SCORE_COL + slot

    def score_cell(self, cid: str, slot: int) -> str:
        return address(self.score_col(slot), self.score_rows[cid])

    def score_ref(self, cid: str, slot: int) -> str:
        return address(self.score_col(slot), self.score_rows[cid], "Scores")

    @property
    def score_row_span(self) -> tuple[int, int]:
        """The first and last rows of scores (an empty span, first > last, when nothing is scored)."""
        rows = self.score_rows.values()
        return min(rows, default=self.FIRST_SCORE_ROW), max(rows, default=self.FIRST_SCORE_ROW - 1)

    def score_column_range(self, slot: int) -> str:
        """One bidder's scores for every criterion (``$E$3:$E$9``), on the Scores sheet."""
        first, last = self.score_row_span
        c = self.score_col(slot)
        return range_address(c, first, c, last, absolute=True)

    @property
    def scores_block(self) -> tuple[str, str]:
        """The criterion ids and every bidder's scores, as svscore's Excel functions read them
        (``Scores!$A$3:$A$9``, ``Scores!$E$3:$N$9``); one row when nothing is scored."""
        rows = sorted(self.score_rows.values())
        first, last = (rows[0], rows[-1]) if rows else (self.FIRST_SCORE_ROW, self.FIRST_SCORE_ROW)
        return (range_address(1, first, 1, last, "Scores"),
                range_address(self.score_col(0), first, self.score_col(self.slots - 1), last, "Scores"))

    @property
    def combines(self) -> bool:
        """Whether the tender combines evaluators' own scores (mean or median) rather than taking a consensus."""
        return self.tender.evaluation.aggregation is not Aggregation.CONSENSUS

    @property
    def scaled_score_ids(self) -> list[str]:
        """The criteria scored on a scale (the first rows of the Scores sheet; pass/fail results follow)."""
        return [cid for cid in self.score_rows if self.leaf(cid).kind is not CriterionKind.PASS_FAIL]

    def leaf(self, cid: str) -> WeightedCriterion:
        return next(w for w in self.tree if w.criterion.id == cid)

    def block_header_row(self, kind: str, evaluator: int | None = None) -> int:
        """The header row of one block of the Scores sheet (see :attr:`score_blocks`)."""
        return self.score_blocks[(kind, evaluator)] - 1

    def block_row(self, kind: str, cid: str, evaluator: int | None = None) -> int:
        """A criterion's row in one block of the Scores sheet (an evaluator's scores, justifications,
        moderation notes, spread flags): its blocks keep the criteria in the order of the first rows."""
        return self.score_blocks[(kind, evaluator)] + self.score_rows[cid] - self.FIRST_SCORE_ROW

    def block_cell(self, kind: str, cid: str, slot: int, evaluator: int | None = None) -> str:
        """A criterion and bidder's cell in one block of the Scores sheet, as the Scores sheet refers to it."""
        return address(self.score_col(slot), self.block_row(kind, cid, evaluator))

    def block_ref(self, kind: str, cid: str, slot: int, evaluator: int | None = None) -> str:
        """The same cell as another sheet's formulas refer to it (``Scores!$E$30``)."""
        return address(self.score_col(slot), self.block_row(kind, cid, evaluator), "Scores")

    def evaluator_name_cell(self, evaluator: int) -> str:
        """Where an evaluator's name is typed, in the header row of their block."""
        return address(self.EVALUATOR_NAME_COL, self.block_header_row("evaluator", evaluator))

    def evaluator_scores_range(self, cid: str, slot: int) -> str:
        """Every evaluator's own score for one criterion and bidder, as a list of cells the
        combining formula takes (``E20,E32,E44,E56``)."""
        return ",".join(self.block_cell("evaluator", cid, slot, e) for e in range(self.EVALUATOR_SLOTS))

    def panel_missing(self, slot: int) -> str:
        """A formula counting the criteria on which a bidder lacks a score from an evaluator on the
        criterion's panel (who scored it for any bidder): the engine counts the bid incomplete when
        two or more are on the panel and a bid has some of their scores but not all."""
        terms = []
        for cid in self.scaled_score_ids:
            rows = [range_address(self.score_col(0), self.block_row("evaluator", cid, e), self.score_col(self.slots - 1),
                                  self.block_row("evaluator", cid, e), "Scores") for e in range(self.EVALUATOR_SLOTS)]
            panel = "+".join(f"(COUNT({r})>0)" for r in rows)
            own = ",".join(self.block_ref("evaluator", cid, slot, e) for e in range(self.EVALUATOR_SLOTS))
            terms.append(f"IF(AND(COUNT({own})>0,{panel}>=2,COUNT({own})<{panel}),1,0)")
        return "+".join(terms) or "0"

    def scale_checked_refs(self, cid: str, slot: int) -> list[str]:
        """The cells whose values must be on the criterion's scale (Results flags any that is not):
        the agreed score under consensus, each evaluator's own score under mean or median."""
        if self.combines and self.leaf(cid).kind is not CriterionKind.PASS_FAIL:
            return [self.block_ref("evaluator", cid, slot, e) for e in range(self.EVALUATOR_SLOTS)]
        return [self.score_ref(cid, slot)]

    # --- Lists
    def scale_range(self, scale_id: str) -> str:
        """A scale's allowed values on the Lists sheet (``Lists!$C$2:$C$7``)."""
        c = self.scale_column[scale_id]
        n = len(next(s for s in self.tender.scales if s.id == scale_id).allowed())
        return range_address(c, self.LIST_FIRST_ROW, c, self.LIST_FIRST_ROW + n - 1, "Lists")

    @property
    def scales_block(self) -> str:
        """Every scale's column on the Lists sheet, titles included: the scales range svscore's Excel functions read."""
        longest = max((len(s.allowed()) for s in self.tender.scales), default=1)
        last = self.FIRST_SCALE_COL + max(len(self.tender.scales), 1) - 1
        return range_address(self.FIRST_SCALE_COL, self.LIST_FIRST_ROW - 1, last, self.LIST_FIRST_ROW + longest - 1, "Lists")

    # --- Social Value sheet
    @property
    def measure_count(self) -> int:
        return len(self.measures.measures) if self.measures else 0

    @property
    def sv_per_year(self) -> bool:
        """Whether quantities are typed per contract year (format version 3 on), not over the contract."""
        return self.version >= 3

    @property
    def sv_years(self) -> int:
        """The contract years quantities are typed for: the bid return's (the contract's years, or one)."""
        return (self.tender.contract.contract_years or 1) if self.sv_per_year else 1

    def sv_year_header(self, year: int) -> int:
        """Social Value, version 3: the heading row of contract year ``year``'s quantities (0-based year),
        each year a block of one row a measure below its heading."""
        return self.FIRST_SV_ROW + year * (self.measure_count + 1)

    def sv_year_row(self, m: int, year: int) -> int:
        return self.sv_year_header(year) + 1 + m

    def sv_year_cell(self, m: int, year: int, slot: int) -> str:
        """Where a bidder's quantity of measure ``m`` in contract year ``year`` (0-based) is typed."""
        return address(self.sv_col(slot), self.sv_year_row(m, year))

    def sv_year_range(self, year: int, slot: int) -> str:
        c = self.sv_col(slot)
        return range_address(c, self.sv_year_row(0, year), c, self.sv_year_row(self.measure_count - 1, year))

    def sv_input_ranges(self, slot: int) -> list[str]:
        """One bidder's typed quantities, a range each (each year's from version 3; the contract's before)."""
        if self.sv_per_year:
            return [self.sv_year_range(y, slot) for y in range(self.sv_years)]
        return [self.sv_qty_range(slot)]

    def sv_counted_header(self) -> int:
        """Social Value, version 3: the heading of the quantities counted over the contract (formulas)."""
        return self.sv_year_header(self.sv_years)

    def sv_qty_row(self, m: int) -> int:
        """The row of measure ``m``'s quantity over the contract: typed before version 3, from it the
        years' quantities added (a first-year-only measure's year 1 only) by a formula."""
        if self.sv_per_year:
            return self.sv_counted_header() + 1 + m
        return self.FIRST_SV_ROW + m

    def sv_deliv_header(self) -> int:
        return self.sv_qty_row(0) + self.measure_count + 1

    def sv_deliv_row(self, m: int) -> int:
        return self.sv_deliv_header() + 1 + m

    def sv_total_row(self) -> int:
        return self.sv_deliv_row(self.measure_count) + 1

    def sv_reason_header(self) -> int:
        """Social Value: the heading of the reasons for a deliverability below 100%, below the totals."""
        return self.sv_total_row() + 2

    def sv_reason_row(self, m: int) -> int:
        return self.sv_reason_header() + 1 + m

    def sv_col(self, slot: int) -> int:
        return self.FIRST_SV_COL + slot

    def sv_qty_cell(self, m: int, slot: int) -> str:
        return address(self.sv_col(slot), self.sv_qty_row(m))

    def sv_deliv_cell(self, m: int, slot: int) -> str:
        return address(self.sv_col(slot), self.sv_deliv_row(m))

    def sv_total_cell(self, slot: int) -> str:
        return address(self.sv_col(slot), self.sv_total_row())

    @property
    def sv_proxy_col(self) -> int:
        """The column of each measure's proxy value (measure, description and unit before it)."""
        return self.FIRST_SV_COL - 1

    @property
    def sv_proxy_range(self) -> str:
        """Every measure's proxy value (``$D$3:$D$9``)."""
        c = self.sv_proxy_col
        return range_address(c, self.sv_qty_row(0), c, self.sv_qty_row(self.measure_count - 1), absolute=True)

    def sv_qty_range(self, slot: int) -> str:
        """One bidder's quantities of every measure (``E3:E9``)."""
        c = self.sv_col(slot)
        return range_address(c, self.sv_qty_row(0), c, self.sv_qty_row(self.measure_count - 1))

    def sv_deliv_range(self, slot: int) -> str:
        c = self.sv_col(slot)
        return range_address(c, self.sv_deliv_row(0), c, self.sv_deliv_row(self.measure_count - 1))

    @property
    def sv_totals_range(self) -> str:
        """Every bidder's total social value (``'Social Value'!$E$20:$N$20``)."""
        r = self.sv_total_row()
        return range_address(self.sv_col(0), r, self.sv_col(self.slots - 1), r, "Social Value")

    # Results sheet columns
    @property
    def results_columns(self) -> list[str]:
        # what an officer reads first, then the hidden workings (so a view below the table can use
        # the visible columns A to E)
        cols = ["Bidder", "Status", "Price (£)", "Reason", "Why incomplete", "Quality (%)"]
        cols += [f"crit:{w.criterion.id}" for w in self.tree]
        cols += ["Total", "Social value (£)", "Price per quality point", "Rank", "Tie-break", "Flags"]
        cols += ["_price_in", "_missing", "_invalid", "_gaps", "_sv_in", "_key"]
        cols += [f"_tie{i}" for i in range(len(self.tender.tie_breaks))]
        cols += ["_slot", "_rk", "_order"]
        return cols

    def rcol(self, name: str) -> int:
        return self.results_columns.index(name) + 1

    def results_range(self, name: str) -> str:
        """One Results column over every bidder slot (``Results!$L$3:$L$12``)."""
        c = self.rcol(name)
        return range_address(c, self.bidder_row(0), c, self.last_bidder_row, "Results")
