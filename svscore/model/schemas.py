"""JSON Schemas for every file svscore reads, generated from the models.

The checked-in copies in ``schemas/`` are these, written by ``svscore schemas --out schemas``;
a test proves they are current. Each schema carries a ``$id`` naming its document kind and
format version, so that a reader can be chosen by version (see :mod:`svscore.model.loading`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from svscore.model.bids import BIDS_FORMAT_VERSION, BidsFile
from svscore.model.contract import CONTRACT_FORMAT_VERSION, ContractRecord
from svscore.model.measures import MEASURES_FORMAT_VERSION, MeasuresTable
from svscore.model.tender import TENDER_FORMAT_VERSION, Tender
from svscore.model.thresholds import THRESHOLDS_FORMAT_VERSION, ThresholdsTable

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FROZEN = Path(__file__).resolve().parent.parent / "data" / "schemas"


@dataclass(frozen=True)
class Document:
    """One kind of file svscore reads, at one format version."""

    kind: str
    version: int
    model: type[BaseModel]
    title: str
    description: str
    frozen: bool = False
    """An older version: its schema is the one published then (svscore/data/schemas/), and a file
    of it is read into ``model``, the newest version, which only added optional fields."""

    @property
    def schema_id(self) -> str:
        return f"urn:svscore:schema:{self.kind}:{self.version}"

    @property
    def filename(self) -> str:
        return f"{self.kind}-v{self.version}.schema.json"


DOCUMENTS: dict[tuple[str, int], Document] = {
    (d.kind, d.version): d
    for d in (
        Document("tender", TENDER_FORMAT_VERSION, Tender, "svscore tender evaluation",
                 "How a tender will be evaluated: authority, contract, criteria tree, weights, scales and scoring rules."),
        Document("bids", 1, BidsFile, "svscore bids",
                 "The bids received for a tender: prices, social value commitments and evaluators' scores.", frozen=True),
        Document("bids", BIDS_FORMAT_VERSION, BidsFile, "svscore bids",
                 "The bids received for a tender: prices, social value commitments and evaluators' scores; "
                 "the supplier's addresses, moderation notes, the panel and the award's dates and decisions."),
        Document("measures", MEASURES_FORMAT_VERSION, MeasuresTable, "svscore social value measures table",
                 "A council's social value measures with their units and proxy values in pounds."),
        Document("thresholds", THRESHOLDS_FORMAT_VERSION, ThresholdsTable, "svscore procurement thresholds table",
                 "Procurement thresholds by regime, category and date, each with its legal source."),
        Document("contract", CONTRACT_FORMAT_VERSION, ContractRecord, "svscore contract record",
                 "A contract as awarded: the supplier, its social value commitments valued as at award, KPIs and reporting periods."),
    )
}


def latest(kind: str) -> Document:
    """The newest format version of a document kind."""
    return max((d for d in DOCUMENTS.values() if d.kind == kind), key=lambda d: d.version)


@cache
def schema_for(kind: str, version: int) -> dict[str, Any]:
    """The JSON Schema of one document kind and version."""
    doc = DOCUMENTS[(kind, version)]
    if doc.frozen:
        published: dict[str, Any] = json.loads((FROZEN / doc.filename).read_text(encoding="utf-8"))
        return published
    generated = doc.model.model_json_schema(mode="validation")
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": doc.schema_id,
        "title": doc.title,
        "description": doc.description,
        "x-svscore-format-version": doc.version,
    }
    generated.pop("title", None)
    generated.pop("description", None)
    schema.update(generated)
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
