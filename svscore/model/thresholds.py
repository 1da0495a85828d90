"""The procurement thresholds table: values by regime, category and date, each with its source.

Thresholds change every two years and the regime changed on 24 Feb 2025, so they are data,
not code. svscore ships a table (``svscore/data/thresholds.json``); a council can supply its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field, model_validator

from svscore.model.base import Frozen, Number

THRESHOLDS_FORMAT_VERSION = 1


class Regime(StrEnum):
    PCR_2015 = "pcr_2015"
    PA_2023 = "pa_2023"
    PCS_2015 = "pcs_2015"


REGIME_NAMES = {
    Regime.PCR_2015: "Public Contracts Regulations 2015",
    Regime.PA_2023: "Procurement Act 2023",
    Regime.PCS_2015: "Public Contracts (Scotland) Regulations 2015",
}


class ThresholdCategory(StrEnum):
    CENTRAL_GOODS_SERVICES = "central_goods_services"
    SUB_CENTRAL_GOODS_SERVICES = "sub_central_goods_services"
    WORKS = "works"
    CONCESSION = "concession"
    LIGHT_TOUCH = "light_touch"
    LIGHT_TOUCH_CONCESSION = "light_touch_concession"
    UTILITIES_GOODS_SERVICES = "utilities_goods_services"
    UTILITIES_WORKS = "utilities_works"
    UTILITIES_LIGHT_TOUCH = "utilities_light_touch"
    DEFENCE_SECURITY_GOODS_SERVICES = "defence_security_goods_services"
    DEFENCE_SECURITY_WORKS = "defence_security_works"
    DEFENCE_SECURITY_CONCESSION = "defence_security_concession"


CATEGORY_NAMES = {
    ThresholdCategory.CENTRAL_GOODS_SERVICES: "goods and services contracts of central government authorities",
    ThresholdCategory.SUB_CENTRAL_GOODS_SERVICES: "goods and services contracts of sub-central authorities",
    ThresholdCategory.WORKS: "works contracts",
    ThresholdCategory.CONCESSION: "concession contracts",
    ThresholdCategory.LIGHT_TOUCH: "light touch contracts",
    ThresholdCategory.LIGHT_TOUCH_CONCESSION: "light touch concession contracts",
    ThresholdCategory.UTILITIES_GOODS_SERVICES: "utilities' goods and services contracts",
    ThresholdCategory.UTILITIES_WORKS: "utilities' works contracts",
    ThresholdCategory.UTILITIES_LIGHT_TOUCH: "utilities' light touch contracts",
    ThresholdCategory.DEFENCE_SECURITY_GOODS_SERVICES: "defence and security goods and services contracts",
    ThresholdCategory.DEFENCE_SECURITY_WORKS: "defence and security works contracts",
    ThresholdCategory.DEFENCE_SECURITY_CONCESSION: "defence and security concession contracts",
}


class Feature(StrEnum):
    """What Schedule 1's rows say a contract is (a contract may be several at once)."""

    DEFENCE_AND_SECURITY = "defence and security contract"
    UTILITIES = "utilities contract"
    WORKS = "works contract"
    CONCESSION = "concession contract"
    LIGHT_TOUCH = "light touch contract"
    CENTRAL = "contract of a central government authority"
    SUB_CENTRAL = "contract of a sub-central government authority"


ANY_OTHER_ROW = (0,)
"""``not_within`` meaning "not within any other row" (rows 11 and 12)."""


@dataclass(frozen=True)
class ScheduleRow:
    """One row of the Procurement Act 2023 Sch. 1 table, its precedence written as its text writes it."""

    number: int
    category: ThresholdCategory
    is_a: frozenset[Feature]
    """The row applies to a contract that is all of these..."""
    not_within: tuple[int, ...] = ()
    """...and is not within any of these rows."""


_F = Feature
SCHEDULE_1 = (
    ScheduleRow(1, ThresholdCategory.DEFENCE_SECURITY_WORKS, frozenset({_F.DEFENCE_AND_SECURITY, _F.WORKS})),
    ScheduleRow(2, ThresholdCategory.DEFENCE_SECURITY_CONCESSION, frozenset({_F.DEFENCE_AND_SECURITY, _F.CONCESSION})),
    ScheduleRow(3, ThresholdCategory.DEFENCE_SECURITY_GOODS_SERVICES, frozenset({_F.DEFENCE_AND_SECURITY}), (1, 2, 8)),
    ScheduleRow(4, ThresholdCategory.UTILITIES_WORKS, frozenset({_F.UTILITIES, _F.WORKS})),
    ScheduleRow(5, ThresholdCategory.UTILITIES_LIGHT_TOUCH, frozenset({_F.UTILITIES, _F.LIGHT_TOUCH})),
    ScheduleRow(6, ThresholdCategory.UTILITIES_GOODS_SERVICES, frozenset({_F.UTILITIES}), (3, 4, 5)),
    ScheduleRow(7, ThresholdCategory.LIGHT_TOUCH_CONCESSION, frozenset({_F.LIGHT_TOUCH, _F.CONCESSION})),
    ScheduleRow(8, ThresholdCategory.LIGHT_TOUCH, frozenset({_F.LIGHT_TOUCH}), (5, 7)),
    ScheduleRow(9, ThresholdCategory.CONCESSION, frozenset({_F.CONCESSION}), (2, 6, 7)),
    ScheduleRow(10, ThresholdCategory.WORKS, frozenset({_F.WORKS}), (1, 4, 9)),
    ScheduleRow(11, ThresholdCategory.CENTRAL_GOODS_SERVICES, frozenset({_F.CENTRAL}), ANY_OTHER_ROW),
    ScheduleRow(12, ThresholdCategory.SUB_CENTRAL_GOODS_SERVICES, frozenset({_F.SUB_CENTRAL}), ANY_OTHER_ROW),
)
"""Procurement Act 2023 Sch. 1 para 1(1), as on legislation.gov.uk (ukpga/2023/54/schedule/1): each
row's "that is a ..." as ``is_a`` and its "not within row ..." as ``not_within``. The figures are
in the thresholds table, by category and date; this is only which row a contract is within."""


def schedule_1_rows(features: frozenset[Feature]) -> tuple[ScheduleRow, ...]:
    """Every Sch. 1 row a contract with these features is within, by the one rule the rows state:
    it is all that the row names, and is not within a row the row excludes."""
    by_number = {r.number: r for r in SCHEDULE_1}

    def within(row: ScheduleRow, seen: frozenset[int]) -> bool:
        if not row.is_a <= features:
            return False
        others = [n for n in by_number if n != row.number] if row.not_within == ANY_OTHER_ROW else row.not_within
        # "seen" stops rows that exclude each other (11 and 12) from asking each other forever.
        return not any(within(by_number[n], seen | {row.number}) for n in others if n not in seen)

    return tuple(r for r in SCHEDULE_1 if within(r, frozenset()))


class ThresholdRow(Frozen):
    regime: Regime = Field(description="pcr_2015 (Public Contracts Regulations 2015), pa_2023 (Procurement Act 2023) or pcs_2015 (Public Contracts (Scotland) Regulations 2015, for devolved Scottish authorities).")
    category: ThresholdCategory = Field(description="The kind of contract the threshold is for.")
    effective_from: dt.date = Field(description="The value applies to procurements starting on or after this date.")
    value: Number = Field(description="The threshold in pounds.")
    includes_vat: bool = Field(description="True when the threshold value includes VAT.")
    source: str = Field(min_length=1, description="The legal instrument or guidance the value comes from.")
    confirmed: bool = Field(default=True, description="False when the figure could not be checked against the instrument's text.")
    note: str = Field(default="", description="Anything an officer should know about this row.")


class ThresholdsTable(Frozen):
    format_version: int = Field(default=1, ge=1, le=1, description="Thresholds file format version.")
    title: str = Field(min_length=1, description="What this table is, e.g. 'UK procurement thresholds 2020-2027'.")
    covers_until: dt.date | None = Field(
        default=None,
        description="The last procurement start date the table is known to cover (e.g. the day before the next scheduled revision).",
    )
    rows: tuple[ThresholdRow, ...] = Field(min_length=1, description="The thresholds.")

    @model_validator(mode="after")
    def _no_duplicate_rows(self) -> ThresholdsTable:
        seen: set[tuple] = set()
        for i, row in enumerate(self.rows):
            key = (row.regime, row.category, row.effective_from)
            if key in seen:
                raise ValueError(
                    f"rows[{i}] repeats {row.regime.value} / {row.category.value} from {row.effective_from}"
                )
            seen.add(key)
        return self

    def earliest(self) -> dt.date:
        return min(r.effective_from for r in self.rows)
