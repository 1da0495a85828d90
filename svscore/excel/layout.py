"""Where everything sits in the evaluation workbook, computed once from the tender.

The builder writes by this layout and the reader reads by it, so the two cannot drift apart.
A layout is chosen by the workbook's format version (see :data:`TEMPLATE_FORMAT_VERSION`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svscore.errors import ScoringError
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, PriceMethod, ScoredBy, Tender
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
    ("evaluation.aggregation", "Evaluators' scores combined by", "Aggregation", True),
    ("evaluation.moderation_spread", "Moderation spread that is flagged", "number?", True),
    ("minimum_quality_percent", "Minimum quality score (% of quality points)", "number?", True),
    ("abnormally_low.percent_below_mean", "Abnormally low: % below the mean of the others", "number?", True),
    ("social_value.quantitative_method", "Social value commitments scored (rebuild to change)", "SocialValueMethod", False),
    ("social_value.target_pence_per_pound", "Target: pence of social value per £1", "number?", True),
    ("social_value_policy.minimum_percent", "Social value policy minimum (%)", "number", True),
)

DETAILS_ROW = 4
DETAILS_COLUMN = "D"
"""Details: labels across A:C, values in D."""
CRITERIA_COLUMNS = ("ID", "Parent", "Criterion", "Kind", "Weight", "Scale", "Minimum score", "Scored by",
                    "Effective weight (%)", "Points available", "Weights check")


@dataclass
class EvaluationLayout:
    tender: Tender
    lot_index: int
    slots: int
    measures: MeasuresTable | None
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
        self.decision_row = DETAILS_ROW + len(DETAILS) + 1
        self.criteria_header = self.decision_row + 14
        self.criteria_row = {w.criterion.id: self.criteria_header + 1 + i for i, w in enumerate(self.tree)}
        self.root_check_row = self.criteria_header + 1 + len(self.tree)
        scaled = [w for w in self.leaves if w.kind is not CriterionKind.PASS_FAIL and self.scored_on_scale(w)]
        gates = [w for w in self.leaves if w.kind is CriterionKind.PASS_FAIL]
        self.score_rows = {w.criterion.id: 3 + i for i, w in enumerate(scaled + gates)}
        self.scale_column = {s.id: 3 + i for i, s in enumerate(t.scales)}

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

    # --- cells
    def detail_row(self, path: str) -> int:
        return DETAILS_ROW + [d[0] for d in DETAILS].index(path)

    def detail_cell(self, path: str) -> str:
        return f"{DETAILS_COLUMN}{self.detail_row(path)}"

    def detail(self, path: str) -> str:
        return f"Setup!${DETAILS_COLUMN}${self.detail_row(path)}"

    def bidder_row(self, slot: int) -> int:
        """Row of bidder slot 0..slots-1 on the Bidders, Prices and Results sheets."""
        return 3 + slot

    def score_col(self, slot: int) -> int:
        return 5 + slot

    @property
    def last_bidder_row(self) -> int:
        return self.bidder_row(self.slots - 1)

    # Social Value sheet
    @property
    def measure_count(self) -> int:
        return len(self.measures.measures) if self.measures else 0

    def sv_qty_row(self, m: int) -> int:
        return 3 + m

    def sv_deliv_header(self) -> int:
        return 3 + self.measure_count + 1

    def sv_deliv_row(self, m: int) -> int:
        return self.sv_deliv_header() + 1 + m

    def sv_total_row(self) -> int:
        return self.sv_deliv_row(self.measure_count) + 1

    def sv_col(self, slot: int) -> int:
        return 5 + slot

    # Results sheet columns
    @property
    def results_columns(self) -> list[str]:
        cols = ["Bidder", "Status", "Price (£)", "_price_in", "_missing", "_invalid", "Reason", "Quality (%)"]
        cols += [f"crit:{w.criterion.id}" for w in self.tree]
        cols += ["Total", "Social value (£)", "_sv_in", "Price per quality point", "_key"]
        cols += [f"_tie{i}" for i in range(len(self.tender.tie_breaks))]
        cols += ["Rank", "Flags"]
        return cols

    def rcol(self, name: str) -> int:
        return self.results_columns.index(name) + 1
