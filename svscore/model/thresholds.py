"""The procurement thresholds table: values by regime, category and date, each with its source.

Thresholds change every two years and the regime changed on 24 Feb 2025, so they are data,
not code. svscore ships a table (``svscore/data/thresholds.json``); a council can supply its own.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator

from svscore.model.base import Frozen, Number

THRESHOLDS_FORMAT_VERSION = 1


class Regime(StrEnum):
    PCR_2015 = "pcr_2015"
    PA_2023 = "pa_2023"


REGIME_NAMES = {
    Regime.PCR_2015: "Public Contracts Regulations 2015",
    Regime.PA_2023: "Procurement Act 2023",
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


class ThresholdRow(Frozen):
    regime: Regime = Field(description="pcr_2015 (Public Contracts Regulations 2015) or pa_2023 (Procurement Act 2023).")
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
