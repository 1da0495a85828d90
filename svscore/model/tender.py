"""The evaluation model: everything a council publishes about how a tender will be evaluated.

One tender file describes the authority, the contract, the criteria tree with its weights and
scales, and the rules for price, social value, moderation, gates, abnormally low tenders and
tie-breaks. Every other part of svscore (checks, scoring, templates, batch) is derived from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from svscore.model.base import Frozen, Number
from svscore.model.enums import (
    Aggregation,
    AuthorityType,
    Commenced,
    ContractKind,
    CriterionKind,
    Jurisdiction,
    MainSubject,
    PriceMethod,
    ScoredBy,
    SocialValueMethod,
    WeightingMode,
)

TENDER_FORMAT_VERSION = 1


class Authority(Frozen):
    """The contracting authority."""

    name: str = Field(min_length=1, description="The authority's name, e.g. 'Borsetshire County Council'.")
    type: AuthorityType = Field(description="Central government, sub-central (e.g. councils), utility, or defence and security.")
    jurisdiction: Jurisdiction = Field(description="Where the authority is: england, wales, scotland or northern_ireland.")
    welsh_devolved_functions: bool = Field(
        default=False,
        description="True when the authority exercises wholly or mainly Welsh devolved functions (the 2012 Act then does not apply).",
    )
    welsh_listed_body: bool | None = Field(
        default=None,
        description="For a Welsh devolved authority: True when it is listed in Sch. 1 of the Social Partnership and Public Procurement (Wales) Act 2023 (s.22), whose s.24 duty binds only listed bodies.",
    )
    scottish_devolved: bool | None = Field(
        default=None,
        description="For an authority in Scotland: True for a devolved Scottish authority (e.g. a Scottish council), False for a reserved UK body operating in Scotland (under the Procurement Act 2023).",
    )


class Contract(Frozen):
    """What is being bought, and its estimated value."""

    kind: ContractKind = Field(description="services, goods, works, mixed, light_touch or concession.")
    concession: bool = Field(
        default=False,
        description="True when the contract is a concession contract as well as its kind (a light touch or works concession): "
        "Procurement Act 2023 Sch. 1 rows 2, 7 and 9. kind 'concession' alone means a services concession.",
    )
    services_share_percent: Number | None = Field(
        default=None,
        description="For a mixed contract: the services' share of the total value, in percent.",
    )
    framework: bool = Field(default=False, description="True when this procurement sets up a framework.")
    pcr_framework_call_off: bool = Field(
        default=False,
        description="True when the contract is a call-off under a framework awarded under the Public Contracts Regulations 2015 (it stays under them).",
    )
    commenced_by: Commenced | None = Field(
        default=None,
        description="How the procurement began on procurement_start: notice (a notice published), supplier_contacted, or not_yet (planning only). Decides the regime for a start before 24 Feb 2025.",
    )
    main_subject: MainSubject | None = Field(
        default=None,
        description="For a mixed contract: its main subject-matter (goods, services or works), which decides a contract mixing works with services.",
    )
    estimated_value: Number = Field(
        description="Estimated value in pounds. For a framework: the total of all contracts that could be awarded under it."
    )
    value_includes_vat: bool = Field(description="True when estimated_value includes VAT.")
    options_and_extensions_value: Number | None = Field(
        default=None,
        description="Value of options, extensions and renewals (Procurement Act 2023 Sch. 3), on the same VAT basis. Leave out when there are none.",
    )
    has_options_or_extensions: bool = Field(
        default=False,
        description="True when the contract has options, extensions or renewals (they must be valued).",
    )
    # Number defaults are ints so that the JSON Schema shows them as numbers; validate_default makes them Decimals.
    vat_rate_percent: Number = Field(default=20, description="VAT rate used to convert between bases (standard rate 20%).")  # type: ignore[assignment]
    procurement_start: dt.date = Field(description="Date the procurement starts (ISO date, e.g. 2026-03-01).")
    submission_deadline: dt.datetime | None = Field(
        default=None,
        description="Deadline for tenders: ISO date and time with its UTC offset, e.g. 2026-04-17T12:00:00+01:00 (noon, British Summer Time). Bids received after it are late.",
    )
    contract_years: int | None = Field(default=None, ge=1, description="Length of the contract in years.")
    how_to_return: str | None = Field(
        default=None,
        description="How bidders return their bid, as the bid return workbook tells them, e.g. 'Upload it to the council's e-tendering portal, project DN123456'.",
    )


class ScaleValue(Frozen):
    value: Number = Field(description="A score an evaluator may give.")
    descriptor: str = Field(default="", description="What this score means, e.g. 'Good: meets the requirement'.")


class Scale(Frozen):
    """A named scoring scale, reusable across criteria.

    Give either ``values`` (each allowed score, with a descriptor) or ``minimum``/``maximum``/``step``
    (every score from minimum to maximum in steps, e.g. 0 to 60 marks in steps of 1).
    """

    id: str = Field(min_length=1, description="How criteria refer to this scale, e.g. '0-5'.")
    name: str = Field(default="", description="A readable name, e.g. 'Standard 0 to 5'.")
    values: tuple[ScaleValue, ...] = Field(default=(), description="The allowed scores in ascending order.")
    minimum: Number | None = Field(default=None, description="Lowest score (with maximum and step, instead of values).")
    maximum: Number | None = Field(default=None, description="Highest score (with minimum and step, instead of values).")
    step: Number | None = Field(default=None, description="Step between allowed scores (with minimum and maximum).")

    @model_validator(mode="after")
    def _one_form(self) -> Scale:
        ranged = (self.minimum, self.maximum, self.step)
        if self.values and any(v is not None for v in ranged):
            raise ValueError("give either 'values' or 'minimum'/'maximum'/'step', not both")
        if not self.values and any(v is None for v in ranged):
            raise ValueError("give 'values', or all three of 'minimum', 'maximum' and 'step'")
        return self

    def allowed(self) -> tuple:
        """Every allowed score, in the order given (Decimals)."""
        return self._allowed

    @cached_property
    def _allowed(self) -> tuple:
        if self.values:
            return tuple(v.value for v in self.values)
        assert self.minimum is not None and self.maximum is not None and self.step is not None
        if self.step <= 0 or self.maximum < self.minimum:
            return ()
        count = int((self.maximum - self.minimum) / self.step)
        return tuple(self.minimum + i * self.step for i in range(count + 1))

    def top(self):
        """The highest allowed score (the scale's maximum)."""
        return self._top

    @cached_property
    def _top(self):
        allowed = self.allowed()
        return max(allowed) if allowed else None

    @cached_property
    def _value_set(self) -> frozenset:
        return frozenset(v.value for v in self.values)

    def contains(self, value) -> bool:
        if self.values:
            return value in self._value_set
        assert self.minimum is not None and self.maximum is not None and self.step is not None
        if self.step <= 0 or not (self.minimum <= value <= self.maximum):
            return False
        return (value - self.minimum) % self.step == 0

    def descriptor(self, value) -> str:
        for v in self.values:
            if v.value == value:
                return v.descriptor
        return ""

    def label(self) -> str:
        return self.name or self.id


class Criterion(Frozen):
    """One award criterion; a criterion with children is a group whose weight is shared among them."""

    id: str = Field(min_length=1, pattern=r"^\S+$", description="Short unique id with no spaces, e.g. 'Q1.2'.")
    name: str = Field(min_length=1, description="The criterion's title as published.")
    kind: CriterionKind | None = Field(
        default=None,
        description="price, quality, social_value or pass_fail. Children without a kind take their parent's.",
    )
    weight: Number | None = Field(
        default=None,
        description="Percent of the parent (percent mode) or marks (marks mode). Not used for pass_fail criteria.",
    )
    scale: str | None = Field(default=None, description="Id of the scale evaluators score this criterion on.")
    minimum_score: Number | None = Field(
        default=None, description="A score below this disqualifies the bid (must be on the scale)."
    )
    scored_by: ScoredBy | None = Field(
        default=None,
        description="For social value: 'scale' (evaluators score the response) or 'measures' (commitments valued with the measures table).",
    )
    description: str = Field(default="", description="What bidders are asked, or how it is assessed.")
    word_limit: int | None = Field(default=None, ge=1, description="The most words a written response may have (the bid return workbook says so).")
    children: tuple[Criterion, ...] = Field(default=(), description="Sub-criteria, to any depth.")

    def scale_id(self) -> str:
        """The scale of a criterion scored on one (the tender's checks make sure it names one)."""
        if self.scale is None:
            raise ValueError(f"criterion {self.id} names no scale")
        return self.scale


class Lot(Frozen):
    id: str = Field(min_length=1, pattern=r"^\S+$", description="Lot number or id, e.g. '1'.")
    title: str = Field(default="", description="The lot's title.")
    estimated_value: Number | None = Field(default=None, description="The lot's own estimated value, on the contract's VAT basis.")
    criteria: tuple[Criterion, ...] = Field(description="This lot's criteria tree.")


class PricingLine(Frozen):
    """One line of the pricing schedule bidders fill in: they give a rate, the line total is quantity × rate."""

    id: str = Field(min_length=1, pattern=r"^\S+$", description="Line id, e.g. 'L1'.")
    description: str = Field(min_length=1, description="What is priced, e.g. 'Standard weekday care hour'.")
    unit: str = Field(default="each", description="The unit of the quantity, e.g. 'hour'.")
    quantity: Number = Field(description="Estimated quantity over the evaluated term.")


class PriceRules(Frozen):
    method: PriceMethod = Field(default=PriceMethod.RELATIVE_TO_LOWEST, description="How prices become points.")
    qualification_price: Number | None = Field(
        default=None,
        description="For pro_rata_to_qualification_price: the price that scores zero (usually the budget ceiling).",
    )
    pricing_lines: tuple[PricingLine, ...] = Field(
        default=(),
        description="The pricing schedule of the bid return workbook. Without lines, bidders give one total price.",
    )
    rates_include_vat: bool | None = Field(
        default=None,
        description="Whether bidders' rates and prices include VAT (the bid return workbook says so). Leave out to say nothing.",
    )


class SocialValueRules(Frozen):
    quantitative_method: SocialValueMethod = Field(
        default=SocialValueMethod.RELATIVE_TO_HIGHEST,
        description="How valued commitments become points: relative to the highest offer, or against a target ratio.",
    )
    target_pence_per_pound: Number | None = Field(
        default=None,
        description="For target_ratio: £ of social value per £ of contract value that earns full marks, in pence (e.g. 25).",
    )
    measures_file: str | None = Field(
        default=None, description="Path to the council's measures table (relative to the tender file)."
    )


class EvaluationRules(Frozen):
    aggregation: Aggregation = Field(
        default=Aggregation.CONSENSUS,
        description="How evaluators' scores combine: one agreed consensus score, or the mean or median of evaluators.",
    )
    moderation_spread: Number | None = Field(
        default=None,
        description="Flag for moderation when evaluators' scores for one bid and criterion differ by at least this much.",
    )


class AbnormallyLowRule(Frozen):
    percent_below_mean: Number | None = Field(  # type: ignore[assignment]  # int default: see vat_rate_percent
        default=20,
        description="Flag a price more than this percent below the mean of the other compliant bids. Null turns the flag off.",
    )


class TieBreak(Frozen):
    rule: Literal["higher_score_on", "lower_price"] = Field(
        description="higher_score_on: the bid with more points on `criterion` wins; lower_price: the cheaper bid wins."
    )
    criterion: str | None = Field(default=None, description="For higher_score_on: the criterion (or group) id.")


class SocialValuePolicy(Frozen):
    minimum_percent: Number = Field(default=10, description="Minimum share of the total score for social value, in percent.")  # type: ignore[assignment]  # int default: see vat_rate_percent
    mandatory: bool | None = Field(
        default=None,
        description="True: below the minimum is an error. False: a warning. Null: mandatory for central government procurements starting on or after 1 Oct 2025 (PPN 002).",
    )


class Tender(Frozen):
    """A tender's published evaluation methodology."""

    _source_dir: Path | None = PrivateAttr(default=None)
    """The folder of the file it was read from: relative paths in it (``thresholds_table``,
    ``social_value.measures_file``) are relative to that folder, wherever the command runs."""

    format_version: Literal[1] = Field(default=1, description="Tender file format version.")
    reference: str = Field(min_length=1, description="The tender's reference, e.g. 'BCC-2026-014'.")
    title: str = Field(min_length=1, description="The tender's title.")
    authority: Authority
    contract: Contract
    weighting: WeightingMode = Field(
        default=WeightingMode.PERCENT,
        description="percent: siblings' weights sum to 100. marks: siblings sum to their parent's marks, the top level to total_marks.",
    )
    total_marks: Number | None = Field(default=None, description="In marks mode: the marks available in total.")
    scales: tuple[Scale, ...] = Field(default=(), description="Scoring scales that criteria refer to by id.")
    criteria: tuple[Criterion, ...] = Field(default=(), description="The criteria tree, for a tender with one lot.")
    lots: tuple[Lot, ...] = Field(default=(), description="For a tender with several lots: each lot with its own criteria.")
    price: PriceRules = Field(default_factory=PriceRules)
    social_value: SocialValueRules = Field(default_factory=SocialValueRules)
    evaluation: EvaluationRules = Field(default_factory=EvaluationRules)
    minimum_quality_percent: Number | None = Field(
        default=None, description="A bid scoring below this percent of the available quality points is disqualified."
    )
    abnormally_low: AbnormallyLowRule = Field(default_factory=AbnormallyLowRule)
    tie_breaks: tuple[TieBreak, ...] = Field(default=(), description="Applied in order when totals are exactly equal.")
    social_value_policy: SocialValuePolicy = Field(default_factory=SocialValuePolicy)
    thresholds_table: str | None = Field(
        default=None, description="Path to a council's own thresholds table, replacing the one shipped with svscore."
    )

    @model_validator(mode="after")
    def _criteria_or_lots(self) -> Tender:
        if self.criteria and self.lots:
            raise ValueError("give 'criteria' for a single-lot tender or 'lots', not both")
        if not self.criteria and not self.lots:
            raise ValueError("the tender has no criteria: give 'criteria', or 'lots' each with 'criteria'")
        return self

    def __eq__(self, other: object) -> bool:
        """Two tenders are equal when their contents are, wherever each was read from."""
        if not isinstance(other, Tender):
            return NotImplemented
        return type(self) is type(other) and all(getattr(self, k) == getattr(other, k) for k in type(self).model_fields)

    @property
    def source_dir(self) -> Path | None:
        """The folder relative paths in the tender are resolved against (None: the current folder)."""
        return self._source_dir

    def read_from(self, folder: Path | None) -> Tender:
        """This tender, noting the folder its relative paths are relative to; returns itself."""
        self._source_dir = folder
        return self

    def all_lots(self) -> tuple[Lot, ...]:
        """The lots, with a single-lot tender presented as one lot with id '1'."""
        if self.lots:
            return self.lots
        return (Lot(id="1", title=self.title, criteria=self.criteria),)

    def lot_path(self, index: int) -> list[str | int]:
        """JSON path parts of a lot's criteria list."""
        return ["lots", index, "criteria"] if self.lots else ["criteria"]

    def scale(self, scale_id: str | None) -> Scale | None:
        for s in self.scales:
            if s.id == scale_id:
                return s
        return None


def walk(
    criteria: tuple[Criterion, ...], path: list[str | int], parent_kind: CriterionKind | None = None
) -> Iterator[tuple[Criterion, list[str | int], CriterionKind | None]]:
    """Every criterion in a tree, depth first, with its JSON path and its effective kind."""
    for i, c in enumerate(criteria):
        here = [*path, i]
        kind = c.kind or parent_kind
        yield c, here, kind
        yield from walk(c.children, [*here, "children"], kind)
