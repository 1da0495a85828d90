"""The OCDS 1.1.5 release schema with the bids and award criteria breakdown extensions merged, and checks against it."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

EXTENSIONS = ("bids-extension.json", "awardCriteriaBreakdown-extension.json")


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7396), as OCDS applies an extension to the release schema."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _shipped(name: str) -> Any:
    return json.loads(resources.files("svscore.data").joinpath("ocds", name).read_text(encoding="utf-8"))


@cache
def release_schema() -> dict[str, Any]:
    """The release schema shipped in svscore/data/ocds, with both extensions merged in."""
    schema = _shipped("release-schema.json")
    for name in EXTENSIONS:
        schema = merge_patch(schema, _shipped(name))
    return schema


def problems(release: dict[str, Any]) -> list[str]:
    """Every way ``release`` breaks the merged schema, each named by its JSON path; empty when it is valid.

    The award criteria breakdown extension patches ``Lot``, which the OCDS lots extension defines
    and svscore does not ship: each ``tender.lots[]`` entry is checked against the merged ``Lot``
    definition here, so the award criteria are checked too.
    """
    schema = release_schema()
    found = [f"{error.json_path}: {error.message}"
             for error in jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(release)]
    # The lots extension requires a lot's id; its other fields are the officer's to add.
    lot_schema: dict[str, Any] = {"$ref": "#/definitions/Lot", "definitions": dict(schema["definitions"])}
    lot_schema["definitions"]["Lot"] = {**schema["definitions"]["Lot"], "type": "object",
                                        "required": ["id"], "properties": {"id": {"type": "string"},
                                                                            **schema["definitions"]["Lot"]["properties"]}}
    lots = release.get("tender", {}).get("lots", [])
    for n, lot in enumerate(lots if isinstance(lots, list) else []):
        for error in jsonschema.Draft4Validator(lot_schema).iter_errors(lot):
            found.append(f"$.tender.lots[{n}]{error.json_path[1:]}: {error.message}")
    return found
