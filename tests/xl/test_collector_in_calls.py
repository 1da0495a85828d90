"""Each function call pauses the cyclic garbage collector and resumes it after, as it was, whatever happens."""

from __future__ import annotations

import gc

import pytest

from svscore.xl import matrix, memo, udfs
from tests.xl.test_memo import ARGS, CRITERIA


@pytest.fixture(autouse=True)
def fresh():
    for m in memo.MEMOS.values():
        m.clear()
    assert gc.isenabled()
    yield
    gc.enable()  # a failing test here must not leave the rest of the suite without a collector


def _watch(monkeypatch, raises: BaseException | None = None) -> list[bool]:
    seen: list[bool] = []
    real = matrix.results_matrix

    def watched(*args):
        seen.append(gc.isenabled())
        if raises is not None:
            raise raises
        return real(*args)
    monkeypatch.setattr(matrix, "results_matrix", watched)
    return seen


def test_the_collector_is_paused_during_a_call_and_running_after_it(monkeypatch):
    seen = _watch(monkeypatch)
    answer = udfs.SV_RESULTS(*ARGS)
    assert seen == [False] and gc.isenabled()
    assert isinstance(answer, list) and answer[0][0] == "Bidder"


def test_it_runs_again_after_a_call_that_fails_or_breaks(monkeypatch):
    assert udfs.SV_WEIGHTCHECK([[*r[:4], "forty", *r[5:]] if r[0] == "Q" else r for r in CRITERIA]).startswith("svscore: ")
    assert gc.isenabled()
    seen = _watch(monkeypatch, RuntimeError("broken"))
    assert udfs.SV_RESULTS(*ARGS) == "svscore: unexpected RuntimeError: broken (please report this)"
    assert seen == [False] and gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(monkeypatch):
    seen = _watch(monkeypatch)
    gc.disable()
    udfs.SV_RESULTS(*ARGS)
    assert seen == [False] and not gc.isenabled()
