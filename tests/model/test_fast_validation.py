"""The fast schema check (jsonschema-rs) accepts exactly what jsonschema accepts.

Files are checked by jsonschema-rs first because jsonschema costs about a millisecond a bid; only
jsonschema's errors name paths, so it is asked whenever the fast answer is no. The two must never
disagree about a valid file: these tests mutate every kind of svscore file at random places with
values near each rule's edge and compare the answers.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svscore.errors import TenderFileError
from svscore.model import loading
from svscore.model.loading import _fast_validator, _validator, parse_json, validate_document
from svscore.model.schemas import DOCUMENTS, latest
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.skipif(loading.jsonschema_rs is None, reason="jsonschema-rs is not installed here")

SAMPLES = {
    "tender": [EXAMPLES / "council-home-care.json", EXAMPLES / "central-digital-marks.json"],
    "bids": [EXAMPLES / "council-home-care-bids.json", EXAMPLES / "central-digital-marks-bids.json"],  # versions 1 and 2
    "measures": [EXAMPLES / "measures-illustrative.json"],
    "thresholds": [ROOT / "svscore" / "data" / "thresholds.json"],
    "contract": [EXAMPLES / "council-home-care-contract.json"],
}


def _sample(kind: str, i: int) -> Any:
    path = SAMPLES[kind][i % len(SAMPLES[kind])]
    return parse_json(path.read_text(encoding="utf-8"), str(path))


def _places(node: Any, at: tuple = ()) -> list[tuple]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _places(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _places(v, (*at, i))
    return out


EDGE_TEXT = st.sampled_from(["", " ", "a", "a b", "abc\n", "\x1c", "x\x1fy", "\u00a0", "\u2003", "\u200b", "é", "2026-02-30",
                             "2026-03-01", "20260301", "2026-03-01T09:00:00Z", "2026-03-01T09:00:00", "pass", "fail", "1"])
EDGE_NUMBER = st.sampled_from([0, 1, -1, 2, 100, 101, 10**15, -10**15, 10**39, Decimal("1.0"), Decimal("2.0"), Decimal("0.5"),
                               Decimal("-0.0"), Decimal("999999999999999.9999999"), Decimal("1000000000000000.0000001"),
                               Decimal("100.0000000001"), Decimal("1E+2"), Decimal("1E-30")])
VALUES = st.one_of(EDGE_TEXT, EDGE_NUMBER, st.booleans(), st.none(), st.builds(list), st.builds(dict),
                   st.builds(lambda: ["a"]), st.builds(lambda: {"x": 1}), st.text(max_size=4))  # fresh objects: a later mutation may edit them


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> Any:
    doc = copy.deepcopy(_sample(kind, draw(st.integers(0, 3))))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(doc)
        at = draw(st.sampled_from(places))
        if not at:
            continue
        parent = doc
        for key in at[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[at[-1]] = draw(VALUES)
        elif action == "delete":
            del parent[at[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "Weight", "notes"]))] = draw(VALUES)
    return doc


def _version(doc: Any, kind: str) -> int:
    """The version a document is read as: its own format_version where svscore has it, else the newest."""
    found = doc.get("format_version") if isinstance(doc, dict) else None
    return found if isinstance(found, int) and (kind, found) in DOCUMENTS else latest(kind).version


def _agree(doc: Any, kind: str) -> None:
    version = _version(doc, kind)
    fast = _fast_validator(kind, version).is_valid(doc)
    slow = not any(True for _ in _validator(kind, version).iter_errors(doc))
    assert fast == slow, f"jsonschema-rs says {'valid' if fast else 'invalid'}, jsonschema says {'valid' if slow else 'invalid'}"


@pytest.mark.parametrize("kind", sorted({k for k, _ in DOCUMENTS}))
def test_the_samples_are_valid_to_both(kind):
    for i in range(len(SAMPLES[kind])):
        _agree(_sample(kind, i), kind)
        assert _fast_validator(kind, _version(_sample(kind, i), kind)).is_valid(_sample(kind, i))


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted({k for k, _ in DOCUMENTS}))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_and_reference_validators_agree_on_mutated_files(kind, data):
    _agree(data.draw(mutated(kind)), kind)


def test_a_separator_character_is_not_an_id_in_either():
    """Python's \\S refuses U+001C-U+001F; the Rust engine's would accept them without the rewrite."""
    doc = _sample("measures", 0)
    doc["measures"][0]["id"] = "A\x1c"
    _agree(doc, "measures")
    with pytest.raises(TenderFileError, match=r"\$\.measures\[0\]\.id"):
        validate_document(doc, "measures", "measures.json")
    unrewritten = loading.jsonschema_rs.validator_for(loading.schema_for("measures", 1), validate_formats=True)
    assert unrewritten.is_valid(doc), "the Rust engine now refuses U+001C itself: the rewrite may go"


def test_a_whole_number_written_with_a_point_is_a_whole_number():
    """JSON Schema counts 1.0 as an integer; svscore reads it as 1 whichever validator answers."""
    doc = _sample("bids", 0)
    doc["format_version"] = Decimal("1.0")
    doc["bids"][0]["commitments"][0]["year"] = Decimal("1.0")
    _agree(doc, "bids")
    assert validate_document(doc, "bids", "bids.json").bids[0].commitments[0].year == 1
    doc["bids"][0]["commitments"][0]["year"] = Decimal("1.5")
    with pytest.raises(TenderFileError, match=r"\$\.bids\[0\]\.commitments\[0\]\.year"):
        validate_document(doc, "bids", "bids.json")


@pytest.mark.parametrize("kind", ["measures", "tender"])
def test_an_id_ending_in_a_line_break_is_refused_by_both(kind, tmp_path):
    """Found by the mutation test above: Python's ``$`` matches before a final line break, so
    jsonschema took ``"abc\\n"`` for an id matching ``^\\S+$`` where jsonschema-rs and JSON Schema's
    own (ECMA-262) meaning refuse it; the fast validator then said invalid and the reference named
    nothing. Both refuse it now, and the message names the path."""
    doc = copy.deepcopy(_sample(kind, 0))
    (doc["measures"] if kind == "measures" else doc["criteria"])[1]["id"] = "abc\n"
    _agree(doc, kind)
    assert not _fast_validator(kind, _version(doc, kind)).is_valid(doc)
    with pytest.raises(TenderFileError) as err:
        validate_document(doc, kind, "file.json")
    where = "$.measures[1].id" if kind == "measures" else "$.criteria[1].id"
    assert where in str(err.value) and "line breaks" in str(err.value), str(err.value)
