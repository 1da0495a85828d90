"""SV_WEIGHTCHECK runs only the checks whose findings it reports, and reports what the full check did."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svscore.rules.checks import check_structure, check_tender
from svscore.xl import memo, udfs

HEAD = ["ID", "Parent", "Name", "Kind", "Weight", "Scale", "Minimum score", "Scored by"]
GOOD = [HEAD, ["P", None, "Price", "price", 40, None, None, None], ["Q", None, "Quality", "quality", 50, None, None, None],
        ["Q1", "Q", "Q one", None, 60, "0-5", None, None], ["Q2", "Q", "Q two", None, 40, "0-5", None, None],
        ["SV", None, "Social value", "social_value", 10, "0-5", None, None]]


@pytest.fixture(autouse=True)
def fresh():
    for m in memo.MEMOS.values():
        m.clear()


def full_check(criteria: Any, weighting: Any = None, total_marks: Any = None, **rules: Any) -> Any:
    """What SV_WEIGHTCHECK answered when it ran every check (check_tender) and kept what it reports;
    None where the table gives no model (the function then answers with the problem)."""
    try:
        tender, _ = udfs._tender(criteria, weighting, total_marks, **rules)
    except Exception:  # any refusal: the function answers with its text
        return None
    problems = udfs._findings_text(check_tender(tender).findings)
    return [["OK"]] if not problems else [[p] for p in problems]


def _edit(row_id: str, column: int, value: Any, table: list | None = None) -> list:
    out = copy.deepcopy(table or GOOD)
    for r in out:
        if r[0] == row_id:
            r[column] = value
    return out


# One table for each finding SV_WEIGHTCHECK can report (its code), so that a check left out fails here.
EXAMPLES: list[tuple[str, list, Any, Any]] = [
    ("weights.sum", _edit("P", 4, 30), None, None),
    ("weights.rounding", _edit("Q1", 4, 59.9995), None, None),
    ("weights.missing", _edit("Q2", 4, None), None, None),
    ("weights.not_positive", _edit("Q2", 4, -40), None, None),
    ("weights.none", _edit("Q2", 4, None, _edit("Q1", 4, None)), None, None),
    ("weights.pass_fail_weighted", [*GOOD, ["PF", None, "Insurance", "pass_fail", 5, None, None, None]], None, None),
    ("criteria.no_kind", [*GOOD, ["X", None, "No kind", None, 0, None, None, None]], None, None),
    ("criteria.group_scored", _edit("Q", 5, "0-5"), None, None),
    ("criteria.minimum_not_on_scale", _edit("Q1", 6, 7), None, None),
    ("criteria.minimum_ignored", _edit("P", 6, 2), None, None),
    ("criteria.scored_by_ignored", _edit("Q1", 7, "measures"), None, None),
    ("price.duplicate", [*GOOD, ["P2", None, "Price again", "price", 0, None, None, None]], None, None),
    ("scale.missing", _edit("Q1", 5, None), None, None),
]


@pytest.mark.parametrize(("code", "table", "weighting", "total"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_finding_it_reports_is_found_by_the_checks_it_runs(code, table, weighting, total):
    tender, _ = udfs._tender(table, weighting, total)
    assert code in {f.code for f in check_tender(tender).findings}
    assert code in {f.code for f in check_structure(tender)}
    answer = udfs.SV_WEIGHTCHECK(table, weighting, total)
    assert answer == full_check(table, weighting, total) and answer != [["OK"]]


def test_the_examples_cover_every_code_the_full_check_gives_that_it_reports():
    reported = set()
    for _, table, weighting, total in EXAMPLES:
        tender, _ = udfs._tender(table, weighting, total)
        reported |= {f.code for f in check_tender(tender).findings
                     if f.severity.value != "info" and not f.code.startswith(udfs.FINDINGS_SKIPPED)}
    assert reported == {e[0] for e in EXAMPLES}


def test_the_good_table_is_ok_in_both():
    assert udfs.SV_WEIGHTCHECK(GOOD) == full_check(GOOD) == [["OK"]]


@pytest.mark.parametrize("rules", [
    {"method": "pro_rata_to_qualification_price"},
    {"method": "pro_rata_to_qualification_price", "qualification_price": -5},
    {"qualification_price": 1000},
    {"method": "price_per_quality_point"},
    {"tie_breaks": [{"rule": "higher_score_on", "criterion": "NOPE"}, {"rule": "lower_price", "criterion": "Q"}]},
    {"abnormally_low": {"percent_below_mean": 120}},
    {"minimum_quality_percent": 130},
])
def test_the_structure_checks_give_the_full_checks_findings_on_the_scoring_rules(rules):
    # SV_RESULTS's models carry these rules; check_structure finds what check_tender does about them.
    tender, _ = udfs._tender(GOOD, **rules)
    kept = [f for f in check_tender(tender).findings if not f.code.startswith(udfs.FINDINGS_SKIPPED)]
    assert [f for f in check_structure(tender) if not f.code.startswith(udfs.FINDINGS_SKIPPED)] == kept
    assert any(f.severity.value != "info" for f in kept)


ROW_IDS = [f"C{i}" for i in range(10)]
row = st.tuples(
    st.sampled_from([None, None, None, 0, 0, 1, 2, 3, 9]),  # the parent: an earlier row's index (a later one: no parent; 9: no such id)
    st.sampled_from([None, "price", "quality", "quality", "social_value", "pass_fail", "social value measures"]),
    st.sampled_from([None, 0, -10, 4, 10, 25, 33.33, 33.34, 40, 50, 59.9995, 60, 100, 150]),
    st.sampled_from([None, "0-5", "0-5", "0-10", "measures", "1-3"]),
    st.sampled_from([None, None, 0, 3, 7]),
    st.sampled_from([None, None, "measures"]),
)


def _table(rows: list) -> list:
    def parent(i: int, p: int | None) -> str | None:
        return None if p is None or (p >= i and p != 9) else ("NOPE" if p == 9 else ROW_IDS[p])
    return [HEAD, *([ROW_IDS[i], parent(i, p), f"Criterion {i}", k, w, s, m, b] for i, (p, k, w, s, m, b) in enumerate(rows))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=10), weighting=st.sampled_from([None, "percent", "marks"]),
       total=st.sampled_from([None, 100, 150]))
def test_on_any_table_it_answers_what_the_full_check_did(rows, weighting, total):
    table = _table(rows)
    expected = full_check(table, weighting, total)
    for m in memo.MEMOS.values():
        m.clear()
    answer = udfs.SV_WEIGHTCHECK(table, weighting, total)
    if expected is None:
        assert isinstance(answer, str) and answer.startswith("svscore: ")
    else:
        assert answer == expected
