"""The functions remember answers by the content of their inputs: a changed cell always gives a fresh answer."""

from __future__ import annotations

import copy

import pytest

from svscore.xl import memo, udfs

CRITERIA = [
    ["ID", "Parent", "Name", "Kind", "Weight", "Scale", "Minimum score", "Scored by"],
    ["P", None, "Price", "price", 50, None, None, None],
    ["Q", None, "Quality", "quality", 50, "0-5", None, None],
]
ARGS = [CRITERIA, [["Q"]], [[5, 3]], [["A", "B"]], [[100, 125]]]


@pytest.fixture(autouse=True)
def fresh():
    for m in memo.MEMOS.values():
        m.clear()


def test_a_repeated_call_is_answered_from_memory_and_builds_the_model_once():
    first = udfs.SV_RESULTS(*ARGS)
    again = udfs.SV_RESULTS(*copy.deepcopy(ARGS))  # equal content, other lists: as Excel sends on each recalculation
    assert again == first
    assert memo.MEMOS["SV_RESULTS"].hits == 1 and memo.MEMOS["_tender"].misses == 1
    # A changed score: a fresh answer, and the model of the unchanged table is not built again.
    changed = udfs.SV_RESULTS(CRITERIA, [["Q"]], [[3, 5]], [["A", "B"]], [[100, 125]])
    assert [r[-1] for r in changed[1:]] != [r[-1] for r in first[1:]]
    assert memo.MEMOS["_tender"].misses == 1 and memo.MEMOS["_tender"].hits == 1
    # Both bidders' scores changed here; with only B's changed, A's bid is not read again.
    assert memo.MEMOS["_bid"].misses == 4
    udfs.SV_RESULTS(CRITERIA, [["Q"]], [[3, 4]], [["A", "B"]], [[100, 125]])
    assert memo.MEMOS["_bid"].misses == 5 and memo.MEMOS["_bid"].hits == 1


def test_a_changed_table_gives_a_changed_answer():
    assert udfs.SV_WEIGHTCHECK(CRITERIA) == [["OK"]]
    bad = copy.deepcopy(CRITERIA)
    bad[2][4] = 40
    assert udfs.SV_WEIGHTCHECK(bad) == [["ERROR: The weights of the top-level criteria add up to 90, not 100 (short by 10)."]]
    assert udfs.SV_WEIGHTCHECK(CRITERIA) == [["OK"]]
    assert udfs.SV_EFFECTIVEWEIGHTS(bad)[1] == ["Q", 40.0] and udfs.SV_EFFECTIVEWEIGHTS(CRITERIA)[1] == ["Q", 50.0]
    results = udfs.SV_RESULTS(*ARGS)
    assert udfs.SV_RESULTS(bad, *ARGS[1:]) != results


def test_cells_equal_in_python_but_not_in_excel_do_not_share_an_answer():
    # 1 == 1.0 == True in Python; a TRUE cell is not a score of 1.
    as_int = udfs.SV_RESULTS(CRITERIA, [["Q"]], [[1, 3]], [["A", "B"]], [[100, 125]])
    as_bool = udfs.SV_RESULTS(CRITERIA, [["Q"]], [[True, 3]], [["A", "B"]], [[100, 125]])
    assert as_bool != as_int and as_bool.startswith("svscore: ")
    memo.MEMOS["SV_RESULTS"].clear()
    assert as_bool == udfs.SV_RESULTS(CRITERIA, [["Q"]], [[True, 3]], [["A", "B"]], [[100, 125]])
    assert as_int == udfs.SV_RESULTS(CRITERIA, [["Q"]], [[1.0, 3]], [["A", "B"]], [[100, 125]])
    assert memo.freeze(1) != memo.freeze(1.0) != memo.freeze(True) and memo.freeze(0.0) != memo.freeze(-0.0)


def test_changing_an_answer_does_not_change_the_one_remembered():
    first = udfs.SV_RESULTS(*ARGS)
    first[1][0] = "changed"
    first.append(["extra"])
    assert udfs.SV_RESULTS(*ARGS)[1][0] == "A" and len(udfs.SV_RESULTS(*ARGS)) == 3


def test_a_problem_is_not_remembered():
    bad = copy.deepcopy(CRITERIA)
    bad[1][4] = "forty"
    for _ in range(2):
        assert udfs.SV_WEIGHTCHECK(bad) == "svscore: row 2, column 5: the weight must be a number, but is the text 'forty'"
    assert memo.MEMOS["_tender"].entries == {} and memo.MEMOS["_tender"].misses == 2


def test_the_oldest_answer_is_forgotten_first():
    m = memo.Memo(size=2)
    for k in ("a", "b", "a", "c"):
        m.get(k, lambda k=k: k.upper())
    assert list(m.entries) == ["a", "c"] and m.hits == 1


def test_edit_after_edit_gives_what_a_fresh_call_gives():
    """The kept scorer (one per table) prepares only the changed bidder again; every answer is the
    one a call with nothing remembered gives, whatever the edits before it changed."""
    criteria = [CRITERIA[0], ["P", None, "Price", "price", 60, None, None, None],
                ["Q", None, "Quality", "quality", 40, None, None, None],
                ["Q1", "Q", "Method", None, 50, "0-5", 2, None], ["Q2", "Q", "Staff", None, 50, "0-5", None, None]]
    ids, names = [["Q1"], ["Q2"]], [["A", "B", "C"]]
    edits = [([[4, 3, 5], [2, 5, 1]], [[100, 125, 90]]),
             ([[4, 3, 1], [2, 5, 1]], [[100, 125, 90]]),   # C below Q1's minimum: disqualified, out of the price scoring
             ([[4, 3, 5], [2, 5, 1]], [[100, 125, 30]]),   # C back, with an abnormally low price, the lowest
             ([[4, 3, 5], [2, 5, 1]], [[35, 36, 30]]),     # C's cells as before, no longer abnormally low
             ([[4, 3, 5], [2, 5, None]], [[100, 125, 30]]),  # C incomplete
             ([[4, 3, 5], [2, 5, 1]], [[100, 125, 90]])]   # as at first
    expected = []
    for scores, prices in edits:  # each with nothing remembered
        for m in memo.MEMOS.values():
            m.clear()
        expected.append(udfs.SV_RESULTS(criteria, ids, scores, names, prices))
    for m in memo.MEMOS.values():
        m.clear()
    got = [udfs.SV_RESULTS(criteria, ids, scores, names, prices) for scores, prices in edits]  # one after another
    assert got == expected
    assert got[1][3][:2] == ["C", "disqualified"] and got[0] == got[-1]
    assert memo.MEMOS["_scorer"].misses == 1  # one scorer for the one table, kept across the edits
