"""The bids for a tender: who bid, at what price, what they committed, and how they were scored."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_serializer

from svscore.model.base import Frozen, Number, decimal_to_json

BIDS_FORMAT_VERSION = 1


class Score(Frozen):
    """One score for one criterion: a consensus score, or one evaluator's score."""

    criterion: str = Field(min_length=1, description="The criterion id.")
    evaluator: str | None = Field(
        default=None, description="Who gave the score. Leave out for an agreed consensus score."
    )
    value: Number | Literal["pass", "fail"] = Field(
        description="A value on the criterion's scale, or 'pass'/'fail' for a pass/fail criterion."
    )
    justification: str = Field(default="", description="Why this score, by reference to the bid.")

    @field_serializer("value", when_used="json")
    def _value_to_json(self, value: object) -> object:
        return decimal_to_json(value) if not isinstance(value, str) else value  # type: ignore[arg-type]


class Commitment(Frozen):
    """A social value commitment: a quantity of one measure from the council's table."""

    measure: str = Field(min_length=1, description="The measure id in the council's measures table.")
    quantity: Number = Field(description="How many units the bidder commits to (in the measure's unit).")
    year: int | None = Field(default=None, ge=1, description="Contract year, when committed per year.")
    criterion: str | None = Field(
        default=None, description="The social value criterion it counts towards, when a lot has more than one."
    )
    deliverability_percent: Number = Field(  # type: ignore[assignment]  # an int default, shown as a number in the schema
        default=100,
        description="Evaluators' judgement of how deliverable this commitment is, 0-100%; the value is scaled by it.",
    )
    note: str = Field(default="", description="Evaluators' reason for a deliverability below 100%.")


class Bid(Frozen):
    bidder_id: str = Field(min_length=1, description="A stable id for the bidder, e.g. a company number.")
    bidder: str = Field(min_length=1, description="The bidder's name.")
    lot: str | None = Field(default=None, description="Lot id, for a tender with several lots.")
    sme: bool = Field(default=False, description="Small or medium-sized enterprise.")
    vcse: bool = Field(default=False, description="Voluntary, community or social enterprise.")
    price: Number | None = Field(default=None, description="The tendered price in pounds.")
    commitments: tuple[Commitment, ...] = Field(default=(), description="Quantitative social value commitments.")
    scores: tuple[Score, ...] = Field(default=(), description="Evaluators' or consensus scores, one per criterion and evaluator.")


class BidsFile(Frozen):
    format_version: Literal[1] = Field(default=1, description="Bids file format version.")
    tender_reference: str | None = Field(default=None, description="The tender these bids answer.")
    bids: tuple[Bid, ...] = Field(description="The bids.")
