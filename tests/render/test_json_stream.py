"""JSON written a piece at a time is byte for byte the JSON written whole."""

from __future__ import annotations

import pytest

from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.render.json_stream import Lazy, json_pieces
from svscore.render.tables import to_json_bytes
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("name", ["council-home-care", "central-digital-marks"])
def test_a_result_written_a_bid_at_a_time_is_the_result_written_whole(name):
    tender = load_tender(EXAMPLES / f"{name}.json")
    result = score_tender(tender, load_bids(EXAMPLES / f"{name}-bids.json"), tender_measures(tender)[0])
    assert b"".join(json_pieces(result.as_dict(bids_as=Lazy))) == to_json_bytes(result.as_dict())


DOCUMENTS = [
    {},
    [],
    {"a": []},
    {"a": {}},
    "text",
    None,
    {"name": 'é\u2028\x1f\x7f"\\\n\t\u00a0😀 <b>&', "empty": [], "nested": [{"x": [[]]}, {}], "n": [0, -1, 2.5, None, True, 1e-7]},
    {"lots": [{"bids": [], "after": 1}, {"bids": [{"x": [1, {"y": []}]}, {}, [], 3], "after": {"z": "é"}}], "end": []},
]


def lazy(value):
    """Every list that is a field's value made lazy (its items written whole), as a lot's bids are."""
    if isinstance(value, dict):
        return {k: Lazy(iter(v)) if isinstance(v, list) else lazy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lazy(v) for v in value]
    return value


@pytest.mark.parametrize("data", DOCUMENTS)
def test_lazy_lists_at_any_depth_write_what_lists_write(data):
    whole = to_json_bytes(data)
    assert b"".join(json_pieces(data)) == whole
    assert b"".join(json_pieces(lazy(data))) == whole
    if isinstance(data, list):
        assert b"".join(json_pieces(Lazy(iter(data)))) == whole


def test_the_items_of_a_lazy_list_are_made_only_as_they_are_written():
    made: list[int] = []

    def items():
        for i in range(3):
            made.append(i)
            yield {"i": i}

    pieces = json_pieces({"bids": Lazy(items())})
    next(pieces)
    assert made == []
    b"".join(pieces)
    assert made == [0, 1, 2]


@pytest.mark.parametrize("data", DOCUMENTS)
def test_compact_json_in_pieces_is_the_document_written_compact_at_once(data):
    import json

    whole = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    assert b"".join(json_pieces(data, compact=True)) == whole
    assert b"".join(json_pieces(lazy(data), compact=True)) == whole
    if isinstance(data, list):
        assert b"".join(json_pieces(Lazy(iter(data)), compact=True)) == whole


def test_compact_json_writes_small_numbers_and_keys_as_the_standard_library_does():
    # orjson would write 0.00001 for 1e-05: the batch's results.json keeps the standard library's bytes.
    import json

    data = {"n": [1e-05, 5e-05, 1.25e-05, 1e-07], "by_number": {1: "a", 2: {"x": 1}}, "bids": Lazy(iter([{3: 4}]))}
    expected = json.dumps({"n": [1e-05, 5e-05, 1.25e-05, 1e-07], "by_number": {1: "a", 2: {"x": 1}}, "bids": [{3: 4}]},
                          ensure_ascii=False, separators=(",", ":")) + "\n"
    assert b"".join(json_pieces(data, compact=True)).decode() == expected
    indented = {"by_number": {1: "a"}, "nested": {"inner": {2: [1]}}}
    assert b"".join(json_pieces(indented)) == to_json_bytes(indented)


def test_compact_json_of_a_value_orjson_refuses_is_the_standard_librarys():
    import json

    data = {"big": 2 ** 70, "bids": Lazy(iter([{"n": 2 ** 65}]))}
    expected = json.dumps({"big": 2 ** 70, "bids": [{"n": 2 ** 65}]}, separators=(",", ":")) + "\n"
    assert b"".join(json_pieces(data, compact=True)).decode() == expected
