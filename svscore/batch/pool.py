"""Read files in worker processes, each file under a time limit and a memory budget.

A worker that exceeds the time limit for one file is killed and replaced; one that dies (a crash,
or the memory budget hit outside Python's reach) is replaced too. Either way the file is reported
and the batch goes on: one hostile file cannot stall or stop the run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from svscore.batch.inspect import ERROR, Inspection, inspect_file
from svscore.batch.spec import Limits, LotSpec


def _memory_budget(mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    current = 0
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    current = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = current + mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker(tasks: mp.Queue, results: mp.Queue, specs: dict[int, dict[str, LotSpec]], limits: Limits) -> None:
    _memory_budget(limits.memory_mb)
    while True:
        task = tasks.get()
        if task is None:
            return
        index, path, name = task
        try:
            result = inspect_file(Path(path), name, specs, limits)
        except MemoryError:
            result = Inspection(name, 0, "")
            result.add(ERROR, name, f"reading it needed more than the {limits.memory_mb} MB allowed for one file; not read")
        except Exception as exc:  # a reader bug must not take the batch down; say what happened
            result = Inspection(name, 0, "")
            result.add(ERROR, name, f"could not be read ({type(exc).__name__}: {str(exc)[:200]})")
        results.put((index, result))


class _Slot:
    def __init__(self, ctx, results, specs, limits):
        self.tasks = ctx.Queue()
        self.proc = ctx.Process(target=_worker, args=(self.tasks, results, specs, limits), daemon=True)
        self.proc.start()
        self.busy: tuple[int, float] | None = None


def inspect_all(files: Sequence[tuple[Path, str]], specs: dict[int, dict[str, LotSpec]], limits: Limits,
                jobs: int, progress: Callable[[str], None] | None = None) -> list[Inspection]:
    """Inspect every file; the results come back in the order of ``files``."""
    if not files:
        return []
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    results: mp.Queue = ctx.Queue()
    slots = [_Slot(ctx, results, specs, limits) for _ in range(max(1, min(jobs, len(files))))]
    pending = list(enumerate(files))[::-1]
    done: dict[int, Inspection] = {}

    def assign(slot: _Slot) -> None:
        if pending:
            index, (path, name) = pending.pop()
            slot.tasks.put((index, str(path), name))
            slot.busy = (index, time.monotonic())

    try:
        for slot in slots:
            assign(slot)
        while len(done) < len(files):
            try:
                index, result = results.get(timeout=0.05)
            except queue.Empty:
                index = None
            if index is not None:
                done[index] = result
                if progress:
                    progress(result.name)
                for slot in slots:
                    if slot.busy and slot.busy[0] == index:
                        slot.busy = None
                        assign(slot)
                continue
            now = time.monotonic()
            for k, slot in enumerate(slots):
                if not slot.busy:
                    continue
                index, started = slot.busy
                timed_out = now - started > limits.seconds
                if timed_out or not slot.proc.is_alive():
                    name = files[index][1]
                    failed = Inspection(name, _size(files[index][0]), "")
                    why = (f"reading it took longer than {limits.seconds:g} seconds: stopped (possible hostile file)" if timed_out
                           else f"the reader stopped on this file (it crashed or needed more than {limits.memory_mb} MB)")
                    failed.add(ERROR, name, why)
                    done[index] = failed
                    if progress:
                        progress(name)
                    slot.proc.kill()
                    slot.proc.join()
                    slots[k] = _Slot(ctx, results, specs, limits)
                    assign(slots[k])
    finally:
        for slot in slots:
            if slot.proc.is_alive():
                slot.tasks.put(None)
        for slot in slots:
            slot.proc.join(timeout=2)
            if slot.proc.is_alive():
                slot.proc.kill()
    return [done[i] for i in range(len(files))]


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
