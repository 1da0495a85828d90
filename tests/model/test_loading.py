"""Malformed files: every error names its JSON path and says what was wrong, in plain English."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from svscore.errors import Problem, TenderFileError
from svscore.model.loading import load_bids, load_measures, load_tender, load_thresholds
from svscore.model.schemas import DOCUMENTS, render, schema_for
from tests.conftest import EXAMPLES, ROOT, tender_dict


def problems(path) -> list[Problem]:
    with pytest.raises(TenderFileError) as info:
        load_tender(path)
    return list(info.value.problems)


def test_checked_in_schemas_equal_freshly_generated_ones():
    for (kind, version), doc in DOCUMENTS.items():
        on_disk = (ROOT / "schemas" / doc.filename).read_text(encoding="utf-8")
        assert on_disk == render(schema_for(kind, version)), f"schemas/{doc.filename} is stale: run 'svscore schemas'"


def test_schemas_have_id_version_and_descriptions():
    s = schema_for("tender", 1)
    assert s["$id"] == "urn:svscore:schema:tender:1"
    assert s["x-svscore-format-version"] == 1
    assert "description" in s["properties"]["weighting"]


@pytest.mark.parametrize("name", ["council-home-care", "central-digital-marks", "broken-tender"])
def test_examples_load(name):
    tender = load_tender(EXAMPLES / f"{name}.json")
    assert tender.reference


def test_example_bids_and_measures_load():
    assert len(load_bids(EXAMPLES / "council-home-care-bids.json").bids) == 5
    assert load_measures(EXAMPLES / "measures-illustrative.json").illustrative is True


def test_numbers_are_kept_exactly(write_json):
    data = tender_dict(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 33.33},
                                 {"id": "Q", "name": "Q", "kind": "quality", "weight": 66.67, "scale": "0-5"}])
    tender = load_tender(write_json(data))
    assert tender.criteria[0].weight == Decimal("33.33")


def test_not_json(write_json):
    [p] = problems(write_json('{"reference": "x",\n  "title": }'))
    assert p.location == "line 2, column 12"
    assert p.message.startswith("not valid JSON")


def test_missing_file(tmp_path):
    [p] = problems(tmp_path / "nope.json")
    assert p.message == "no such file"


def test_weight_as_text_names_the_path(write_json):
    data = tender_dict()
    data["criteria"][2]["weight"] = "10"
    [p] = problems(write_json(data))
    assert p.location == "$.criteria[2].weight"
    assert p.message == "expected a number, but found the text '10'"


def test_nested_path(write_json):
    data = tender_dict(criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 50},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 50,
         "children": [{"id": "Q1", "name": "One", "weight": True, "scale": "0-5"}]}])
    [p] = problems(write_json(data))
    assert p.location == "$.criteria[1].children[0].weight"
    assert p.message == "expected a number, but found true"


def test_missing_field(write_json):
    data = tender_dict()
    del data["criteria"][1]["name"]
    [p] = problems(write_json(data))
    assert (p.location, p.message) == ("$.criteria[1].name", "this required field is missing")


def test_unknown_field_suggests_the_right_one(write_json):
    data = tender_dict()
    data["criteria"][0]["wieght"] = 50
    [p] = problems(write_json(data))
    assert p.location == "$.criteria[0].wieght"
    assert p.message == "unknown field 'wieght'; did you mean 'weight'?"


def test_wrong_enum(write_json):
    data = tender_dict()
    data["authority"]["type"] = "council"
    [p] = problems(write_json(data))
    assert p.location == "$.authority.type"
    assert p.message == ("the text 'council' is not allowed; expected one of: 'central_government', "
                         "'sub_central', 'utility', 'defence_and_security'")


def test_bad_date(write_json):
    data = tender_dict()
    data["contract"]["procurement_start"] = "02/03/2026"
    [p] = problems(write_json(data))
    assert p.location == "$.contract.procurement_start"
    assert p.message == "expected an ISO date such as 2026-03-01, but found the text '02/03/2026'"


def test_several_errors_reported_at_once(write_json):
    data = tender_dict()
    data["criteria"][0]["weight"] = "50"
    data["criteria"][1]["kind"] = "qualty"
    locations = {p.location for p in problems(write_json(data))}
    assert locations == {"$.criteria[0].weight", "$.criteria[1].kind"}


def test_duplicate_key_refused(write_json):
    text = json.dumps(tender_dict())[:-1] + ', "title": "again"}'
    [p] = problems(write_json(text))
    assert p.message == "the field 'title' appears twice in one object"


def test_nan_refused(write_json):
    text = json.dumps(tender_dict()).replace('"weight": 50', '"weight": NaN')
    [p] = problems(write_json(text))
    assert "NaN" in p.message


def test_nesting_beyond_what_python_can_follow_is_a_clear_error(write_json):
    [p] = problems(write_json("[" * 100_000 + "]" * 100_000))
    assert p.location == "$" and p.message.startswith("lists or objects are nested more deeply than svscore can follow")


def test_a_whole_number_of_absurd_length_is_a_clear_error(write_json):
    text = json.dumps(tender_dict()).replace('"weight": 50', '"weight": ' + "9" * 5000, 1)
    [p] = problems(write_json(text))
    assert p.message == "a whole number 5,000 digits long, far larger than any value an svscore file holds"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_tender_saved_by_notepad_as_unicode_or_with_a_byte_order_mark_is_read(tmp_path, encoding):
    path = tmp_path / "tender.json"
    path.write_text(json.dumps(tender_dict(), ensure_ascii=False), encoding=encoding)  # utf-16 writes its mark
    assert load_tender(path).reference == tender_dict()["reference"]


def test_model_rule_errors_have_paths(write_json):
    data = tender_dict(lots=[{"id": "1", "criteria": [{"id": "P", "name": "Price", "kind": "price", "weight": 100}]}])
    [p] = problems(write_json(data))
    assert p.location == "$"
    assert p.message == "give 'criteria' for a single-lot tender or 'lots', not both"


def test_scale_with_both_forms(write_json):
    data = tender_dict(scales=[{"id": "x", "values": [{"value": 0}], "minimum": 0, "maximum": 5, "step": 1}])
    [p] = problems(write_json(data))
    assert p.location == "$.scales[0]"
    assert "not both" in p.message


def test_newer_format_version_is_explained(write_json):
    [p] = problems(write_json(tender_dict(format_version=7)))
    assert p.location == "$.format_version"
    assert "newer than this svscore understands" in p.message


def test_error_message_is_readable():
    data = tender_dict()
    with pytest.raises(TenderFileError) as info:
        from svscore.model.loading import validate_document
        data["criteria"][0]["weight"] = "50"
        validate_document(data, "tender", "my-tender.json")
    assert str(info.value) == ("my-tender.json could not be read:\n"
                               "  $.criteria[0].weight: expected a number, but found the text '50'")


def test_bad_thresholds_row_is_named(write_json):
    table = json.loads((ROOT / "svscore" / "data" / "thresholds.json").read_text())
    table["rows"][3]["value"] = "lots"
    with pytest.raises(TenderFileError) as info:
        load_thresholds(write_json(table))
    assert info.value.problems[0].location == "$.rows[3].value"


def test_duplicate_measure_ids(write_json):
    data = {"title": "M", "measures": [{"id": "A", "description": "a", "unit": "u", "proxy_value": 1},
                                       {"id": "A", "description": "b", "unit": "u", "proxy_value": 2}]}
    with pytest.raises(TenderFileError) as info:
        load_measures(write_json(data))
    assert "measure id 'A' appears more than once" in info.value.problems[0].message


def test_an_absurdly_large_number_is_refused_at_its_path(write_json):
    data = tender_dict()
    data["contract"]["estimated_value"] = 10**16
    found = problems(write_json(data))
    assert [p.location for p in found] == ["$.contract.estimated_value"]
    assert "less than 1000000000000000" in found[0].message


def test_the_model_refuses_it_too_when_built_in_code():
    from pydantic import ValidationError

    from svscore.model.bids import Bid
    with pytest.raises(ValidationError, match="far too large"):
        Bid(bidder_id="1", bidder="A", price=10**16)



def test_a_bids_file_built_a_bid_at_a_time_reports_every_error_as_one_pass_does():
    """load_bids builds a file's bids one at a time, letting each one's parsed JSON go: when the model
    refuses bids (here, dates that do not exist) and a field outside them, every error is still
    reported, by path, in the order of one pass over the whole file; the bids read come out whole."""
    from pydantic import ValidationError

    from svscore.model.bids import BidsFile
    from svscore.model.loading import _bids_one_at_a_time

    def bid(i: int, decided: str) -> dict:
        return {"bidder_id": f"0{i}", "bidder": f"B{i}", "price": Decimal(100),
                "abnormally_low": {"notified_on": "2026-01-05", "response": "r", "decision": "accepted", "reason": "ok",
                                   "decided_on": decided}}

    def data() -> dict:
        return {"notice_published": "2026-02-31", "bids": [bid(0, "2026-01-09"), bid(1, "2026-13-01"), bid(2, "2026-01-09"), bid(3, "2026-02-30")]}

    with pytest.raises(ValidationError) as whole:
        BidsFile.model_validate(data())
    with pytest.raises(ValidationError) as each:
        _bids_one_at_a_time(data())
    assert each.value.errors() == whole.value.errors()
    assert [e["loc"] for e in each.value.errors()] == [("bids", 1, "abnormally_low", "decided_on"),
                                                        ("bids", 3, "abnormally_low", "decided_on"), ("notice_published",)]
    good = {"bids": [bid(0, "2026-01-09"), bid(1, "2026-01-10")]}
    assert _bids_one_at_a_time(dict(good, bids=list(good["bids"]))) == BidsFile.model_validate(good)


def _many_bids(tmp_path, n: int, bad: int | None = None):
    """The home-care example's bids repeated to ``n`` bids (new ids), bid number ``bad`` given a score off any scale."""
    base = json.loads((EXAMPLES / "council-home-care-bids.json").read_text(encoding="utf-8"))
    bids = []
    for i in range(n):
        bid = json.loads(json.dumps(base["bids"][i % len(base["bids"])]))
        bid.update(bidder_id=f"{10_000_000 + i:08d}", bidder=f"Bidder {i} Ltd")
        if i == bad:
            bid["scores"][1]["value"] = "four"
            bid["commitments"][0]["year"] = 0
        bids.append(bid)
    path = tmp_path / "bids.json"
    path.write_text(json.dumps({**base, "bids": bids}), encoding="utf-8")
    return path


@pytest.mark.slow
def test_an_error_in_the_9000th_bid_is_named_by_its_path_as_in_a_small_file(tmp_path):
    with pytest.raises(TenderFileError) as small:
        load_bids(_many_bids(tmp_path, 1, bad=0))
    with pytest.raises(TenderFileError) as large:
        load_bids(_many_bids(tmp_path, 9_001, bad=8_999))
    assert [p.location for p in large.value.problems] == ["$.bids[8999].commitments[0].year", "$.bids[8999].scores[1].value"]
    assert [p.message for p in large.value.problems] == [p.message for p in small.value.problems]
    assert [p.location.replace("[8999]", "[0]") for p in large.value.problems] == [p.location for p in small.value.problems]


def test_a_large_bids_file_keeps_recurring_text_and_field_sets_once_and_its_models_behave(tmp_path):
    """Text that every bid repeats (evaluators' names, criterion ids) is one object, as is the set of the
    names of a model's given fields; each model still says which fields it was given, and a copy
    with a change changes no other model."""
    path = _many_bids(tmp_path, 20)
    bids = load_bids(path).bids
    first, other = bids[0].scores[1], bids[5].scores[1]
    assert first == other and first is not other
    assert first.evaluator is other.evaluator and first.criterion is other.criterion
    assert first.model_fields_set is other.model_fields_set
    assert first.model_fields_set == {"criterion", "evaluator", "value", "justification"}
    assert bids[0].commitments[3].model_fields_set == {"measure", "quantity"}
    changed = first.model_copy(update={"moderation_note": "agreed at moderation"})
    assert changed.model_fields_set == {"criterion", "evaluator", "value", "justification", "moderation_note"}
    assert other.model_fields_set == {"criterion", "evaluator", "value", "justification"}
    assert first.revised(justification="new").justification == "new" and first.justification != "new"
    assert [b.model_dump(mode="json", exclude_unset=True) for b in bids] == json.loads(path.read_text(encoding="utf-8"))["bids"]
