"""Procurement Act 2023 s.23: the method says how each criterion is scored, which failures
disqualify, and each criterion's relative importance. Findings with paths, as method checks."""

from __future__ import annotations

from svscore.rules.checks import check_tender
from tests.conftest import BASE_TENDER, make_tender


def codes(tender) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for f in check_tender(tender).findings:
        out.setdefault(f.code, []).append((f.path, f.message))
    return out


def test_a_criterion_with_no_descriptors_and_no_guidance_is_found():
    found = codes(make_tender())  # the base scale has bare numbers; Q and SV give no description
    paths = [p for p, _ in found["method.no_scoring_guidance"]]
    assert paths == ["$.criteria[1]", "$.criteria[2]"]
    assert all("s.23" in m and "not a legal judgement" in m for _, m in found["method.no_scoring_guidance"])


def test_descriptors_or_guidance_satisfy_it():
    described = [{"id": "0-5", "values": [{"value": v, "descriptor": f"level {v}"} for v in range(6)]}]
    assert "method.no_scoring_guidance" not in codes(make_tender(scales=described))
    criteria = [dict(c, description="Scored 0-5 against the published method statement") for c in BASE_TENDER["criteria"]]
    assert "method.no_scoring_guidance" not in codes(make_tender(criteria=criteria))


def test_a_method_that_does_not_say_what_disqualifies_is_found():
    found = codes(make_tender())
    assert [p for p, _ in found["method.disqualification_unstated"]] == ["$.criteria"]
    assert "s.23(3)(a)" in found["method.disqualification_unstated"][0][1]
    assert "method.disqualification_unstated" not in codes(make_tender(minimum_quality_percent=50))
    gated = [*BASE_TENDER["criteria"], {"id": "PF", "name": "Insurance", "kind": "pass_fail"}]
    assert "method.disqualification_unstated" not in codes(make_tender(criteria=gated))


def test_relative_importance_not_stated_is_found():
    criteria = [dict(BASE_TENDER["criteria"][0]), {k: v for k, v in BASE_TENDER["criteria"][1].items() if k != "weight"},
                dict(BASE_TENDER["criteria"][2], weight=50)]
    found = codes(make_tender(criteria=criteria))
    assert [p for p, _ in found["method.relative_importance"]] == ["$.criteria[1].weight"]
    assert "s.23(3)(b)" in found["method.relative_importance"][0][1]
