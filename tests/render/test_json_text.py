"""JSON text: orjson's indented output is the standard library's, and what orjson refuses still writes."""

from __future__ import annotations

import json

import pytest

from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.render import tables
from svscore.render.tables import to_json
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES


def _standard(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", ["council-home-care", "central-digital-marks"])
def test_a_result_is_written_as_the_standard_library_writes_it(name):
    tender = load_tender(EXAMPLES / f"{name}.json")
    result = score_tender(tender, load_bids(EXAMPLES / f"{name}-bids.json"), tender_measures(tender)[0])
    assert to_json(result.as_dict()) == _standard(result.as_dict())


def test_awkward_text_is_escaped_as_the_standard_library_escapes_it():
    data = {"name": 'é\u2028\x1f\x7f"\\\n\t\u00a0😀 <b>&', "empty": [], "nested": [{"x": [[]]}, {}], "n": [0, -1, 2.5, None, True]}
    assert to_json(data) == _standard(data)


@pytest.mark.skipif(tables.orjson is None, reason="orjson is not installed here")
@pytest.mark.parametrize("value", [10**30, "\ud800", {1: "a key that is not text"}])
def test_what_orjson_refuses_is_written_by_the_standard_library(value):
    data = {"value": value}
    with pytest.raises(TypeError):
        tables.orjson.dumps(data)
    assert to_json(data) == _standard(data)


@pytest.mark.skipif(tables.orjson is None, reason="orjson is not installed here")
def test_an_exponent_loses_only_its_padding():
    assert json.loads(to_json({"x": 1e-7})) == {"x": 1e-7}
    assert to_json({"x": 1e-7}) == '{\n  "x": 1e-7\n}\n'
