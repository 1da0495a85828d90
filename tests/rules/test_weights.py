"""Weights are summed exactly at every level; effective weights are exact products."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svscore.model.tender import Tender
from svscore.rules.weights import TOLERANCE, check_weights, weighted_tree
from tests.conftest import make_tender, tender_dict


def quality_group(*weights):
    return [
        {"id": "P", "name": "Price", "kind": "price", "weight": 50},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 50, "children": [
            {"id": f"Q{i}", "name": f"Q{i}", "weight": w, "scale": "0-5"} for i, w in enumerate(weights)]},
    ]


def codes(tender: Tender) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in check_weights(tender, 0)]


@pytest.mark.parametrize("weights", [
    (Decimal("33.33"), Decimal("33.33"), Decimal("33.34")),
    (Decimal("12.5"), Decimal("87.5")),
    (Decimal("0.001"), Decimal("99.999")),
])
def test_exact_sums_pass(weights):
    assert codes(make_tender(criteria=quality_group(*weights))) == []


def test_three_times_33_3_is_an_error():
    findings = check_weights(make_tender(criteria=quality_group(*[Decimal("33.3")] * 3)), 0)
    [f] = findings
    assert (f.code, f.path) == ("weights.sum", "$.criteria[1].children")
    assert f.message == "The weights of the sub-criteria of Q (Quality) add up to 99.9, not 100 (short by 0.1)."


def test_thirds_to_six_places_are_a_rounding_warning():
    [f] = check_weights(make_tender(criteria=quality_group(*[Decimal("33.333333")] * 3)), 0)
    assert (f.code, f.severity.value, f.path) == ("weights.rounding", "warning", "$.criteria[1].children")
    assert "rounding difference of 0.000001" in f.message


def test_33_33_three_times_is_an_error_not_rounding():
    [f] = check_weights(make_tender(criteria=quality_group(*[Decimal("33.33")] * 3)), 0)
    assert f.code == "weights.sum"


def test_tolerance_boundary_is_inclusive():
    # 100 * 1/100000 = 0.001: a miss of exactly 0.001 is rounding, 0.0011 is an error.
    assert codes(make_tender(criteria=quality_group(Decimal("50"), Decimal("49.999")))) == [("weights.rounding", "$.criteria[1].children")]
    assert codes(make_tender(criteria=quality_group(Decimal("50"), Decimal("49.9989")))) == [("weights.sum", "$.criteria[1].children")]


def test_marks_mode_children_sum_to_parent_marks():
    t = make_tender(weighting="marks", total_marks=200, criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 80},
        {"id": "T", "name": "Tech", "kind": "quality", "weight": 120, "children": [
            {"id": "T1", "name": "a", "weight": 60, "scale": "0-5"}, {"id": "T2", "name": "b", "weight": 50, "scale": "0-5"}]}])
    [f] = check_weights(t, 0)
    assert f.path == "$.criteria[1].children"
    assert f.message == "The weights of the sub-criteria of T (Tech) add up to 110 marks, not 120 (short by 10)."


def test_marks_mode_root_sums_to_total_marks():
    t = make_tender(weighting="marks", total_marks=200, criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 80},
        {"id": "Q", "name": "Q", "kind": "quality", "weight": 100, "scale": "0-5"}])
    assert codes(t) == [("weights.sum", "$.criteria")]


def test_pass_fail_is_left_out_of_the_sum():
    t = make_tender(criteria=[*tender_dict()["criteria"], {"id": "G", "name": "Gate", "kind": "pass_fail"}])
    assert codes(t) == []


def test_weighted_pass_fail_is_warned():
    t = make_tender(criteria=[*tender_dict()["criteria"], {"id": "G", "name": "Gate", "kind": "pass_fail", "weight": 5}])
    assert codes(t) == [("weights.pass_fail_weighted", "$.criteria[3].weight")]


def test_zero_negative_and_missing_weights():
    t = make_tender(criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 0},
        {"id": "Q", "name": "Q", "kind": "quality", "weight": -10, "scale": "0-5"},
        {"id": "R", "name": "R", "kind": "quality", "scale": "0-5"}])
    got = codes(t)
    assert ("weights.not_positive", "$.criteria[0].weight") in got
    assert ("weights.not_positive", "$.criteria[1].weight") in got
    assert ("weights.missing", "$.criteria[2].weight") in got


def test_effective_weights_are_products():
    t = make_tender(criteria=quality_group(Decimal(25), Decimal(75)))
    eff = {w.criterion.id: w.effective_percent for w in weighted_tree(t, 0)}
    assert eff == {"P": 50, "Q": 50, "Q0": Fraction(25, 2), "Q1": Fraction(75, 2)}


def test_effective_weights_in_marks_mode_are_shares_of_total():
    t = make_tender(weighting="marks", total_marks=200, criteria=[
        {"id": "P", "name": "Price", "kind": "price", "weight": 70},
        {"id": "Q", "name": "Q", "kind": "quality", "weight": 130, "children": [
            {"id": "Q1", "name": "a", "weight": 60, "scale": "0-5"}, {"id": "Q2", "name": "b", "weight": 70, "scale": "0-5"}]}])
    eff = {w.criterion.id: (w.effective_percent, w.points_available) for w in weighted_tree(t, 0)}
    assert eff["Q1"] == (30, 60)
    assert eff["P"] == (35, 70)


# --- property-based: any tree that sums correctly passes; any perturbation is reported at its group.

def _split(draw, total: int, n: int) -> list[Decimal]:
    """n positive weights in hundredths summing exactly to ``total`` hundredths."""
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=n - 1, max_size=n - 1, unique=True)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return [Decimal(p) / 100 for p in parts]


@st.composite
def trees(draw, depth=0):
    n = draw(st.integers(1, 4) if depth else st.integers(2, 4))
    weights = _split(draw, 10000, n)
    nodes = []
    for i, w in enumerate(weights):
        node = {"id": f"c{depth}_{i}_{draw(st.integers(0, 10**6))}", "name": "x", "kind": "quality", "weight": w}
        if depth < 2 and draw(st.booleans()):
            node["children"] = draw(trees(depth + 1))
        else:
            node["scale"] = "0-5"
        nodes.append(node)
    return nodes


def _groups(nodes, path):
    yield path, nodes
    for i, n in enumerate(nodes):
        if "children" in n:
            yield from _groups(n["children"], f"{path}[{i}].children")


@settings(max_examples=150, deadline=None)
@given(trees())
def test_any_tree_that_sums_correctly_passes(tree):
    assert check_weights(make_tender(criteria=tree), 0) == []


@settings(max_examples=150, deadline=None)
@given(trees(), st.data(), st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(5), places=6))
def test_perturbing_one_weight_is_reported_at_its_group(tree, data, delta):
    groups = list(_groups(tree, "$.criteria"))
    path, members = data.draw(st.sampled_from(groups))
    i = data.draw(st.integers(0, len(members) - 1))
    sign = data.draw(st.sampled_from([1, -1]))
    if sign < 0 and members[i]["weight"] - delta <= 0:
        sign = 1
    members[i]["weight"] += sign * delta
    findings = check_weights(make_tender(criteria=tree), 0)
    at = [f for f in findings if f.path == path]
    assert len(at) == 1, findings
    expected = "weights.rounding" if Fraction(delta) <= TOLERANCE * 100 else "weights.sum"
    assert at[0].code == expected
    assert f"{path}[{i}].weight".startswith(at[0].path)


def test_relative_criteria_are_price_and_those_scored_by_measures():
    """The one rule the engine decides by which criteria's points depend on the other bids."""
    from svscore.data import examples_dir
    from svscore.model.loading import load_tender

    tree = weighted_tree(load_tender(examples_dir() / "council-home-care.json"), 0)
    assert {x.criterion.id for x in tree if x.relative} == {"PRICE", "SV1"}
    assert not any(x.relative for x in weighted_tree(make_tender(), 0) if x.criterion.id != "P")
