"""The council's social value measures table: id, description, unit and proxy £ value per unit.

svscore never ships a published framework's values (the National TOMs are CC BY-NC-ND):
each council loads its own table. The file bundled in ``examples/`` is illustrative only.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from svscore.model.base import Frozen, Number

MEASURES_FORMAT_VERSION = 1


class Measure(Frozen):
    id: str = Field(min_length=1, pattern=r"^\S+$", description="The measure's id, e.g. 'LOCAL-JOBS'.")
    description: str = Field(min_length=1, description="What the bidder commits to.")
    unit: str = Field(min_length=1, description="What the quantity counts, e.g. 'FTE per contract year' or '£ spent'.")
    proxy_value: Number = Field(description="£ of social value per unit.")
    theme: str = Field(default="", description="The theme or outcome the measure belongs to.")
    first_year_only: bool = Field(
        default=False, description="Counts only in the first contract year (e.g. some employment measures)."
    )


class MeasuresTable(Frozen):
    format_version: int = Field(default=1, ge=1, le=1, description="Measures file format version.")
    title: str = Field(min_length=1, description="Name of this table, e.g. 'Borsetshire social value measures 2026'.")
    illustrative: bool = Field(
        default=False, description="True for example data that must not be used to evaluate a real tender."
    )
    currency: str = Field(default="GBP", description="Currency of the proxy values.")
    measures: tuple[Measure, ...] = Field(min_length=1, description="The measures.")

    @model_validator(mode="after")
    def _unique_ids(self) -> MeasuresTable:
        seen: set[str] = set()
        for m in self.measures:
            if m.id in seen:
                raise ValueError(f"measure id {m.id!r} appears more than once")
            seen.add(m.id)
        return self

    def warning(self) -> str | None:
        """What every output must say when this table is example data, or None for a council's own."""
        if not self.illustrative:
            return None
        return (f"The measures table {self.title!r} is marked ILLUSTRATIVE: its proxy values are invented examples, "
                "not for a real award. Replace it with the council's own table before evaluating.")

    def by_id(self) -> dict[str, Measure]:
        return {m.id: m for m in self.measures}
