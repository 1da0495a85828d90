"""Every check svscore makes of a tender, each with its code, path and message."""

from __future__ import annotations

import pytest

from svscore.model.loading import load_tender
from svscore.rules.checks import check_tender
from tests.conftest import EXAMPLES, make_tender, tender_dict


def found(tender, **kw) -> dict[str, tuple[str, str, str]]:
    return {f.code: (f.severity.value, f.path, f.message) for f in check_tender(tender, **kw).findings}


def test_good_examples_have_no_errors():
    for name in ("council-home-care", "central-digital-marks"):
        report = check_tender(load_tender(EXAMPLES / f"{name}.json"), EXAMPLES)
        assert report.ok, [f for f in report.findings if f.severity.value == "error"]


def test_broken_example_reports_every_planted_fault():
    report = check_tender(load_tender(EXAMPLES / "broken-tender.json"), EXAMPLES)
    assert not report.ok
    assert {f.code for f in report.findings if f.severity.value == "error"} == {
        "scale.not_ascending", "criteria.minimum_not_on_scale", "scale.unknown", "criteria.duplicate_id",
        "criteria.empty_group", "price.duplicate", "weights.not_positive", "weights.sum",
        "social_value.below_minimum", "tie_break.unknown_criterion"}


def test_duplicate_ids():
    t = make_tender(criteria=[*tender_dict()["criteria"][:2],
                              {"id": "Q", "name": "Again", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    assert found(t)["criteria.duplicate_id"] == ("error", "$.criteria[2].id", "Criterion id 'Q' is used twice (first at $.criteria[1]).")


def test_empty_group():
    t = make_tender(criteria=[*tender_dict()["criteria"][:2],
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "children": []}])
    assert found(t)["criteria.empty_group"][:2] == ("error", "$.criteria[2].children")


def test_scale_not_ascending_and_minimum_off_scale():
    t = make_tender(scales=[{"id": "0-5", "values": [{"value": 0}, {"value": 3}, {"value": 2}, {"value": 5}]}],
                    criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "scale": "0-5", "minimum_score": 4},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    f = found(t)
    assert f["scale.not_ascending"] == ("error", "$.scales[0].values", "Scale '0-5' values must be strictly ascending, but are 0, 3, 2, 5.")
    assert f["criteria.minimum_not_on_scale"][1] == "$.criteria[1].minimum_score"


def test_ranged_scale_membership():
    t = make_tender(scales=[{"id": "0-100", "minimum": 0, "maximum": 100, "step": 20}],
                    criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "scale": "0-100", "minimum_score": 30},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-100"}])
    assert "criteria.minimum_not_on_scale" in found(t)
    assert t.scales[0].allowed() == (0, 20, 40, 60, 80, 100)


def test_bad_ranged_scale():
    t = make_tender(scales=[{"id": "0-5", "minimum": 0, "maximum": 5, "step": 2}])
    assert found(t)["scale.bad_range"][1] == "$.scales[0]"


def test_unknown_and_missing_scale():
    t = make_tender(criteria=[{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "scale": "1-10"},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10}])
    f = found(t)
    assert f["scale.unknown"] == ("error", "$.criteria[1].scale", "Q names scale '1-10', which is not defined (scales: '0-5').")
    assert f["scale.missing"][1] == "$.criteria[2].scale"


def test_price_missing_is_a_warning_and_twice_an_error():
    t = make_tender(criteria=[{"id": "Q", "name": "Q", "kind": "quality", "weight": 90, "scale": "0-5"},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    assert found(t)["price.missing"][0] == "warning"
    t2 = make_tender(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 45},
                               {"id": "P2", "name": "P2", "kind": "price", "weight": 45},
                               {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scale": "0-5"}])
    assert found(t2)["price.duplicate"][:2] == ("error", "$.criteria[1]")


def test_tie_break_rules():
    t = make_tender(tie_breaks=[{"rule": "higher_score_on", "criterion": "NOPE"}, {"rule": "higher_score_on"}])
    f = found(t)
    assert f["tie_break.unknown_criterion"] == ("error", "$.tie_breaks[0].criterion",
                                                "Tie-break 1 names criterion 'NOPE', which is not in the criteria tree.")
    assert f["tie_break.criterion_missing"][1] == "$.tie_breaks[1].criterion"


def test_leaf_without_kind():
    t = make_tender(criteria=[*tender_dict()["criteria"][:2], {"id": "X", "name": "X", "weight": 10, "scale": "0-5"}])
    assert found(t)["criteria.no_kind"][1] == "$.criteria[2].kind"


def test_kind_is_inherited():
    t = make_tender(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 50},
                              {"id": "G", "name": "G", "kind": "quality", "weight": 50, "children": [
                                  {"id": "G1", "name": "a", "weight": 100, "scale": "0-5"}]}],
                    social_value_policy={"minimum_percent": 10, "mandatory": False})
    assert "criteria.no_kind" not in found(t)


@pytest.mark.parametrize(("authority", "start", "severity"), [
    ("central_government", "2026-01-05", "error"),      # PPN 002 mandatory from 1 Oct 2025
    ("central_government", "2025-06-02", "warning"),    # optional before then
    ("sub_central", "2026-01-05", "warning"),           # councils are not bound
])
def test_social_value_minimum_policy(authority, start, severity):
    data = tender_dict(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 60},
                                 {"id": "Q", "name": "Q", "kind": "quality", "weight": 35, "scale": "0-5"},
                                 {"id": "SV", "name": "SV", "kind": "social_value", "weight": 5, "scale": "0-5"}],
                       social_value_policy={"minimum_percent": 10})
    data["authority"]["type"] = authority
    data["contract"]["procurement_start"] = start
    from svscore.model.tender import Tender
    sev, path, msg = found(Tender.model_validate(data))["social_value.below_minimum"]
    assert (sev, path) == (severity, "$.criteria")
    assert msg.startswith("Social value carries 5% of the total score, below the policy minimum of 10%.")


def test_social_value_share_counts_nested_criteria():
    t = make_tender(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 60},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "children": [
                                  {"id": "Q1", "name": "a", "weight": 75, "scale": "0-5"},
                                  {"id": "SVQ", "name": "sv inside quality", "kind": "social_value", "weight": 25, "scale": "0-5"}]}])
    report = check_tender(t)
    assert report.lots[0].social_value_share * 100 == 10
    assert "social_value.below_minimum" not in {f.code for f in report.findings}


def test_no_social_value_where_act_applies_explains_the_duty():
    t = make_tender(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 60},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "scale": "0-5"}])
    sev, _, msg = found(t)["social_value.missing"]
    assert sev == "warning"
    assert "Public Services (Social Value) Act 2012 applies" in msg
    assert "economic, social and environmental well-being" in msg


def test_no_social_value_below_threshold_is_fine():
    data = tender_dict(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 60},
                                 {"id": "Q", "name": "Q", "kind": "quality", "weight": 40, "scale": "0-5"}])
    data["contract"]["estimated_value"] = 50000
    from svscore.model.tender import Tender
    assert "social_value.missing" not in found(Tender.model_validate(data))


def test_marks_mode_needs_total_marks():
    assert found(make_tender(weighting="marks"))["marks.total_missing"][0] == "error"


def test_pro_rata_needs_qualification_price():
    assert found(make_tender(price={"method": "pro_rata_to_qualification_price"}))["price.qualification_price_missing"][1] == "$.price.qualification_price"


def test_target_ratio_needs_target():
    t = make_tender(criteria=[{"id": "P", "name": "P", "kind": "price", "weight": 60},
                              {"id": "Q", "name": "Q", "kind": "quality", "weight": 30, "scale": "0-5"},
                              {"id": "SV", "name": "SV", "kind": "social_value", "weight": 10, "scored_by": "measures"}],
                    social_value={"quantitative_method": "target_ratio"})
    f = found(t)
    assert f["social_value.target_missing"][0] == "error"
    assert f["social_value.measures_missing"][0] == "warning"


def test_ranges_of_rules():
    t = make_tender(minimum_quality_percent=120, abnormally_low={"percent_below_mean": 0},
                    evaluation={"aggregation": "mean", "moderation_spread": -1})
    f = found(t)
    assert f["quality.minimum_range"][1] == "$.minimum_quality_percent"
    assert f["abnormally_low.range"][1] == "$.abnormally_low.percent_below_mean"
    assert f["evaluation.spread_range"][1] == "$.evaluation.moderation_spread"


def test_ppqp_price_takes_no_weight():
    t = make_tender(price={"method": "price_per_quality_point"})
    assert found(t)["price.ppqp_weighted"][1] == "$.criteria[0].weight"


def test_lot_paths():
    t = make_tender(criteria=[], lots=[
        {"id": "1", "criteria": tender_dict()["criteria"]},
        {"id": "2", "criteria": [{"id": "P", "name": "P", "kind": "price", "weight": 70},
                                 {"id": "Q", "name": "Q", "kind": "quality", "weight": 20, "scale": "0-5"},
                                 {"id": "SV", "name": "SV", "kind": "social_value", "weight": 5, "scale": "0-5"}]}])
    f = found(t)
    assert f["weights.sum"][1] == "$.lots[1].criteria"
    assert "in lot 2" in f["social_value.below_minimum"][2]


def test_threshold_decision_is_included():
    report = check_tender(make_tender())
    assert report.decision is not None and report.decision.above_threshold is True
