"""The bids for a tender: who bid, at what price, what they committed, and how they were scored."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_serializer

from svscore.model.base import Frozen, Number, decimal_to_json

BIDS_FORMAT_VERSION = 2
"""Version 2 added what the award documents need (addresses, moderation notes, the panel, the award's
dates, abnormally low and tie decisions); a version 1 file reads as version 2 without them."""


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
    moderation_note: str = Field(
        default="",
        description="For a consensus score: how the panel agreed it at moderation (e.g. where evaluators' first scores differed).",
    )

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


class AbnormallyLowDecision(Frozen):
    """What the authority did about an abnormally low price: Procurement Act 2023 s.19(3)(c), (4) and (5)."""

    notified_on: dt.date = Field(
        description="The day the supplier was told its price looked abnormally low and asked to show it can perform for it (s.19(4))."
    )
    response: str = Field(min_length=1, description="What the supplier sent in reply, in brief (or that it did not reply).")
    decision: Literal["accepted", "rejected"] = Field(
        description="accepted: the supplier showed it can perform for the price, so the tender may not be disregarded (s.19(5)); "
        "rejected: the tender is disregarded (s.19(3)(c))."
    )
    reason: str = Field(min_length=1, description="Why, in the decision-maker's words.")
    decided_on: dt.date | None = Field(default=None, description="The day of the decision.")


class Bid(Frozen):
    bidder_id: str = Field(min_length=1, description="A stable id for the bidder, e.g. a company number.")
    bidder: str = Field(min_length=1, description="The bidder's name.")
    lot: str | None = Field(default=None, description="Lot id, for a tender with several lots.")
    sme: bool = Field(default=False, description="Small or medium-sized enterprise.")
    vcse: bool = Field(default=False, description="Voluntary, community or social enterprise.")
    price: Number | None = Field(default=None, description="The tendered price in pounds.")
    commitments: tuple[Commitment, ...] = Field(default=(), description="Quantitative social value commitments.")
    scores: tuple[Score, ...] = Field(default=(), description="Evaluators' or consensus scores, one per criterion and evaluator.")
    postal_address: str | None = Field(default=None, description="The supplier's contact postal address, as the assessment summary gives it.")
    email: str | None = Field(default=None, description="The supplier's contact email address.")
    unique_identifier: str | None = Field(
        default=None, description="The supplier's unique identifier on the central digital platform, when it differs from bidder_id."
    )
    abnormally_low: AbnormallyLowDecision | None = Field(
        default=None, description="When the price was flagged as abnormally low: the steps taken and the decision (s.19(4))."
    )


class PanelMember(Frozen):
    """One member of the evaluation panel, with the conflict of interest declaration (PA 2023 s.81-83)."""

    name: str = Field(min_length=1, description="The member's name, as it appears on the score sheets.")
    role: str = Field(default="", description="Their role, e.g. 'Commissioning manager'.")
    conflict: Literal["none", "declared"] = Field(
        description="none: declared no conflict of interest; declared: declared one (give the details and the steps taken)."
    )
    declared_on: dt.date = Field(description="The day the declaration was signed.")
    details: str = Field(default="", description="For a declared conflict: what it is, and the steps taken to mitigate it (s.83).")


class TieDecision(Frozen):
    """How a tie that the published tie-break rules did not break was decided."""

    lot: str | None = Field(default=None, description="The lot, for a tender with several.")
    bidders: tuple[str, ...] = Field(min_length=2, description="The bidder ids of the tied bids.")
    winner: str = Field(min_length=1, description="The bidder id of the bid preferred.")
    how: str = Field(min_length=1, description="How it was decided, and by whom.")


class BidsFile(Frozen):
    format_version: Literal[2] = Field(default=2, description="Bids file format version (files of version 1 still read).")
    tender_reference: str | None = Field(default=None, description="The tender these bids answer.")
    bids: tuple[Bid, ...] = Field(description="The bids.")
    panel: tuple[PanelMember, ...] = Field(default=(), description="The evaluation panel and each member's conflict of interest declaration.")
    notice_published: dt.date | None = Field(
        default=None,
        description="PA 2023: the day the contract award notice is (to be) published. PCR 2015: the day the standstill letters are sent.",
    )
    contract_date: dt.date | None = Field(
        default=None, description="The day the contract is (to be) entered into; the award's records are kept from it."
    )
    tie_decisions: tuple[TieDecision, ...] = Field(
        default=(), description="How each tie the published tie-break rules did not break was decided."
    )
