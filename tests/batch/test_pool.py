"""The worker processes: slow, stalled and over-budget files are stopped and the batch goes on; spawned workers read the same."""
from __future__ import annotations

import subprocess
import sys

import pytest

from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from tests.batch.conftest import (
    MEASURES,
    TENDER,
    _good,
    triples,
)


@pytest.mark.slow
def test_a_slow_file_is_stopped_and_the_batch_goes_on(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    results = inspect_all([(huge, "huge.xlsx"), (_good(tmp_path), "good.xlsx")], read_specs(TENDER, MEASURES),
                          Limits(seconds=0.3, max_ratio=10_000), jobs=2)
    assert "took longer than 0.3 seconds" in results[0].problems[0].message
    assert results[1].ok


def test_results_still_in_the_pipe_of_a_finished_worker_are_kept(tmp_path):
    # The parent is slower than the workers: they finish and exit while their results wait to be read.
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(24)], read_specs(TENDER, MEASURES), Limits(), 2)
    results = pool.collect(lambda index, result: time.sleep(0.05))
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(24)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


def test_workers_started_before_the_tender_is_loaded_hold_files_until_told_what_to_check(tmp_path):
    # More files than a worker may hold: it parses a few, then waits for the specs.
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    n = 20
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], None, Limits(), 1, waiting_bytes=3 * good.stat().st_size)
    time.sleep(0.5)
    pool.give_specs(read_specs(TENDER, MEASURES))
    results = pool.collect()
    assert len(results) == n and all(r.ok for r in results), [r.problems for r in results if not r.ok][:1]
    assert results[0].bid == inspect_file(good, "bid-0.xlsx", read_specs(TENDER, MEASURES), Limits()).bid


def test_a_stalled_file_is_blamed_even_when_its_worker_held_files_read_before_it(tmp_path, huge):
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    files = [(good, "a.xlsx"), (good, "b.xlsx"), (huge, "huge.xlsx"), (good, "c.xlsx")]
    pool = InspectionPool(files, None, Limits(seconds=0.3, max_ratio=10_000), 1)
    time.sleep(0.2)  # a.xlsx and b.xlsx are parsed and held; the worker is inside huge.xlsx
    pool.give_specs(read_specs(TENDER, MEASURES))
    results = pool.collect()
    assert [r.name for r in results] == ["a.xlsx", "b.xlsx", "huge.xlsx", "c.xlsx"]
    assert "took longer than 0.3 seconds" in results[2].problems[0].message
    assert results[0].ok and results[1].ok and results[3].ok


def _read_by_pid(monkeypatch, slow: set[int], seconds: float = 0.05):
    """Workers (forked) note which process read each file; the files in ``slow`` take ``seconds`` more."""
    import os
    import time

    import svscore.batch.pool as pool_module
    from svscore.errors import Severity
    start_reading = pool_module.start_reading

    def reading(path, name, limits):
        if int(name.split("-")[1].split(".")[0]) in slow:
            time.sleep(seconds)
        opened = start_reading(path, name, limits)
        opened.result.add(Severity.NOTE, name, f"read by {os.getpid()}")
        return opened
    monkeypatch.setattr(pool_module, "start_reading", reading)


def _reader(result) -> str:
    return next(m for _, _, m in triples(result.problems) if m.startswith("read by "))


def test_files_kept_back_go_to_the_worker_that_finishes_first(tmp_path, monkeypatch):
    """The last eighth of the files is handed out to whichever worker runs out first: here the
    worker given the even files is slowed down, so the other reads every file kept back."""
    from svscore.batch.pool import KEPT_BACK, InspectionPool
    good = _good(tmp_path)
    n = 32
    _read_by_pid(monkeypatch, slow=set(range(0, n, 2)))
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], read_specs(TENDER, MEASURES), Limits(), 2)
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(n)] and all(r.ok for r in results)
    kept = range(n - n // KEPT_BACK, n)
    fast = _reader(results[1])
    assert {_reader(results[i]) for i in kept} == {fast} != {_reader(results[0])}


def test_a_worker_that_stops_while_waiting_for_more_files_is_replaced_and_nothing_blamed(tmp_path):
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    n = 32
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(n)], read_specs(TENDER, MEASURES), Limits(), 1)
    time.sleep(1.5)  # nothing is read meanwhile (the parent is busy): the worker reads its share and waits for more
    pool.slots[0].proc.kill()  # as the system might stop it
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(n)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


def test_files_queued_behind_a_slow_file_go_to_a_fresh_worker(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    good = _good(tmp_path)
    results = inspect_all([(huge, "huge.xlsx"), (good, "second.xlsx"), (good, "third.xlsx")],
                          read_specs(TENDER, MEASURES), Limits(seconds=0.3, max_ratio=10_000), jobs=1)
    assert [r.name for r in results] == ["huge.xlsx", "second.xlsx", "third.xlsx"]
    assert "took longer than 0.3 seconds" in results[0].problems[0].message
    assert results[1].ok and results[2].ok


def test_a_file_over_the_memory_budget_is_stopped_and_the_batch_goes_on(tmp_path, huge):
    from svscore.batch.pool import inspect_all
    results = inspect_all([(huge, "huge.xlsx"), (_good(tmp_path), "good.xlsx")], read_specs(TENDER, MEASURES),
                          Limits(seconds=60, memory_mb=64, max_ratio=10_000), jobs=1)
    message = results[0].problems[0].message
    assert "needed more than the 64 MB allowed" in message or "needed more than 64 MB" in message, message
    assert results[1].ok


def test_workers_started_by_spawn_as_on_windows_read_the_same(tmp_path):
    """Windows has no fork: workers are fresh interpreters, given their files, limits and pipes by pickling."""
    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    files = [(good, "a.xlsx"), (folder_file := tmp_path / "broken.xlsx", "broken.xlsx"), (good, "b.xlsx")]
    folder_file.write_bytes(b"not a zip")
    specs = read_specs(TENDER, MEASURES)
    pool = InspectionPool(files, None, Limits(), 2, start_method="spawn")
    pool.give_specs(specs)  # given after the start, through the pipe, as the batch does
    spawned = pool.collect()
    forked = InspectionPool(files, specs, Limits(), 2, start_method="fork").collect()
    assert [(r.name, r.ok, r.bid, r.problems) for r in spawned] == [(r.name, r.ok, r.bid, r.problems) for r in forked]
    assert spawned[0].ok and not spawned[1].ok


def test_python_m_svscore_does_not_run_again_in_a_spawned_worker():
    """A spawned worker imports the parent's main module as __mp_main__: `python -m svscore batch`
    would otherwise start the command again in every worker on Windows."""
    r = subprocess.run([sys.executable, "-c", "import runpy; runpy.run_module('svscore.__main__', run_name='__mp_main__'); print('imported')"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "imported\n", r.stdout + r.stderr


def test_the_whole_batch_with_spawned_workers_gives_the_same_bytes(batch_run, folder):
    """Every hostile file of the test folder, read by workers started as on Windows."""
    _, out, _ = batch_run
    spawned = folder["root"] / "out-spawn"
    code = ("import sys, svscore.batch.pool as pool; pool.START_METHOD = 'spawn'; from svscore.cli.main import main; "
            "sys.argv[0] = 'svscore'; main()")
    r = subprocess.run([sys.executable, "-c", code, "batch", str(folder["tender"]), str(folder["returns"]), "--scores",
                        str(folder["scores"]), "--out", str(spawned)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr  # some files failed, as with fork
    for name in ("results.xlsx", "results.csv", "results.json", "manifest.json"):
        assert (out / name).read_bytes() == (spawned / name).read_bytes(), name


def test_a_system_that_refuses_the_memory_limit_still_reads(tmp_path, monkeypatch):
    """macOS may refuse RLIMIT_AS: the workers must read without it, not die on every file."""
    import resource

    from svscore.batch.pool import inspect_all

    def refuse(*args):
        raise ValueError("current limit exceeds maximum limit")
    monkeypatch.setattr(resource, "setrlimit", refuse)  # the forked workers inherit it
    good = _good(tmp_path)
    results = inspect_all([(good, "a.xlsx"), (good, "b.xlsx")], read_specs(TENDER, MEASURES), Limits(), jobs=2)
    assert [r.ok for r in results] == [True, True], [r.problems for r in results]


def test_a_file_that_runs_out_of_memory_after_opening_keeps_its_hash(tmp_path, monkeypatch):
    """Every input's SHA-256 goes into the manifest, however its reading ended."""
    import hashlib

    import svscore.batch.pool as pool

    def out_of_memory(*args):
        raise MemoryError
    monkeypatch.setattr(pool, "finish_reading", out_of_memory)  # the forked workers inherit it
    good = _good(tmp_path)
    [result] = pool.inspect_all([(good, "a.xlsx")], read_specs(TENDER, MEASURES), Limits(), jobs=1)
    assert (result.size, result.sha256) == (good.stat().st_size, hashlib.sha256(good.read_bytes()).hexdigest())
    assert triples(result.problems)[-1] == ("error", "a.xlsx", "reading it needed more than the 1536 MB allowed for one file; not read")


def test_a_file_gone_since_the_folder_was_listed_is_reported(tmp_path):
    from svscore.batch.pool import inspect_all
    [result] = inspect_all([(tmp_path / "gone.xlsx", "gone.xlsx")], read_specs(TENDER, MEASURES), Limits(), jobs=1)
    assert triples(result.problems) == [("error", "gone.xlsx", "could not be opened (No such file or directory): was it moved, deleted "
                                                      "or locked during the run? Nothing was read from it")]


def test_a_file_read_while_the_parent_was_busy_does_not_count_against_the_next(tmp_path, monkeypatch):
    """The time limit runs from the start of each file: a slow but allowed file, whose end the
    parent reads late because it was busy, must not make the next file look stalled."""
    import time

    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    _read_by_pid(monkeypatch, slow={0}, seconds=0.6)
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(3)], read_specs(TENDER, MEASURES), Limits(seconds=1.0), 1)
    time.sleep(0.3)
    pool.serve()  # the parent hears that the first file was started...
    time.sleep(1.2)  # ...then is busy well past the limit, while the worker reads every file in time
    results = pool.collect()
    assert [r.name for r in results] == [f"bid-{i}.xlsx" for i in range(3)]
    assert all(r.ok for r in results), [r.problems for r in results if not r.ok]


def test_a_pool_told_not_to_keep_results_hands_each_over_once_and_lets_it_go(tmp_path):
    # A batch of thousands of files keeps only what it needs of each result, never the pool's copy.
    from svscore.batch.pool import InspectionPool
    good = _good(tmp_path)
    pool = InspectionPool([(good, f"bid-{i}.xlsx") for i in range(20)], None, Limits(), 2)
    pool.give_specs(read_specs(TENDER, MEASURES))
    got: dict[int, str] = {}

    def arrived(index, result):
        assert index not in got
        got[index] = result.name
    assert pool.collect(arrived, keep=False) == []
    assert got == {i: f"bid-{i}.xlsx" for i in range(20)}
    assert set(pool.done) == set(range(20)) and all(r is None for r in pool.done.values())
    with pytest.raises(ValueError, match="needs on_result"):
        InspectionPool([], read_specs(TENDER, MEASURES), Limits(), 1).collect(keep=False)


def test_the_batch_command_starts_its_workers_before_importing_openpyxl_the_models_or_the_holidays(folder, tmp_path):
    """The workers start reading as soon as the command has its options: what only the parent uses
    later (openpyxl for the read specifications, the models, the engine, the bank holidays of
    `svscore standstill`) is imported once they are reading, and a worker reading a bid return
    imports none of it."""
    code = ("import sys; sys.argv[0] = 'svscore'\n"
            "import svscore.batch.pool as pool\n"
            "start, finish = pool.InspectionPool.__init__, pool.finish_reading\n"
            "HEAVY = ('openpyxl', 'pydantic', 'holidays', 'svscore.model.tender', 'svscore.excel.read')\n"
            "def init(self, *args, **kwargs):\n"
            "    print('at start:', sorted(m for m in HEAVY if m in sys.modules), flush=True)\n"
            "    start(self, *args, **kwargs)\n"
            "def reading(*args):\n"
            "    import os\n"
            "    result = finish(*args)\n"
            "    os.write(1, f'in a worker: {sorted(m for m in HEAVY if m in sys.modules)}\\n'.encode())\n"
            "    return result\n"
            "pool.InspectionPool.__init__, pool.finish_reading = init, reading\n"
            "from svscore.cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    r = subprocess.run([sys.executable, "-c", code, "batch", str(folder["tender"]), str(folder["returns"]), "--jobs", "1",
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    lines = r.stdout.splitlines()
    in_worker = [line for line in lines if line.startswith("in a worker")]
    assert "at start: []" in lines and len(in_worker) > 10 and set(in_worker) == {"in a worker: []"}, r.stdout + r.stderr
