"""Read files in worker processes, each file under a time limit and a memory budget.

A worker that exceeds the time limit for one file is killed and replaced; one that dies (a crash,
or the memory budget hit outside Python's reach) is replaced too. Either way the file is reported
and the batch goes on: one hostile file cannot stall or stop the run.

The workers can start before the tender is loaded: until they are given what to check (the lot
specifications), they do what needs nothing from the tender (hash, package checks, parse) and
hold the parsed files, up to ``WAITING_BYTES`` of files each (parsed, a file takes about six
times its size in memory). Each worker says which file it starts, so a file that stalls or
crashes its worker is the one reported, whatever else the worker held.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from svscore.batch.intake import Inspection, Opened, file_sha256, finish_reading, start_reading
from svscore.batch.spec import Limits, LotSpec
from svscore.batch.stopped import why_stopped
from svscore.errors import Place, Severity

ERROR = Severity.ERROR


def _memory_budget(mb: int) -> None:
    """Limit this worker's address space to its size now plus ``mb``. Linux enforces it; where the
    system has no such limit (Windows) or refuses it (macOS may), the worker reads without one:
    the time limit and the package limits still apply."""
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
    with contextlib.suppress(ValueError, OSError):  # a limit the system will not set must not stop the worker
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _quiet() -> None:
    """Workers report through their results only: a hostile file that makes the reader abort
    must not spill allocator messages or crash dumps onto the officer's terminal."""
    import faulthandler

    if faulthandler.is_enabled():
        faulthandler.disable()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:  # pragma: no cover - no stderr to silence
        pass


START_METHOD = "fork" if sys.platform != "win32" else "spawn"
"""How worker processes start: Windows has only spawn (a fresh interpreter that imports svscore)."""

WAITING_BYTES = 16 * 1024 * 1024
"""How much file a worker may hold parsed while it waits for the tender's specifications."""

Specs = Mapping[int, dict[str, LotSpec]]


def _guarded(name: str, limits: Limits, step: Callable[..., Any], *args: Any, known: Inspection | None = None) -> Any:
    """``step(*args)``, or a failed result saying why it could not be done; ``known``: what was
    already found of the file (its size, hash and problems), kept in that result."""
    try:
        return step(*args)
    except MemoryError:
        why = f"reading it needed more than the {limits.memory_mb} MB allowed for one file; not read"
    except Exception as exc:  # a reader bug must not take the batch down; say what happened
        why = f"could not be read ({type(exc).__name__}: {str(exc)[:200]})"
    result = Inspection(name, known.size, known.sha256, list(known.problems)) if known else Inspection(name, 0, "")
    result.add(ERROR, name, why)
    return result


def _worker(tasks: list[tuple[int, str, str]], conn: Connection, spec_conn: Connection, task_conn: Connection,
            specs: Specs | None, limits: Limits, waiting_bytes: int) -> None:
    _quiet()
    _memory_budget(limits.memory_mb)
    todo = deque(tasks)
    waiting: list[tuple[int, str, Opened | Inspection]] = []
    held = 0
    asked = ended = False

    def finish(index: int, name: str, opened: Opened | Inspection, announced: bool = False) -> None:
        if not announced:  # a file held since before the specs came: say it is the one being worked on again
            conn.send(("start", index))
        result = opened if isinstance(opened, Inspection) else _guarded(name, limits, finish_reading, opened, specs, known=opened.result)
        conn.send(("done", index, result))  # written here, in this thread: no queue feeder thread to wait for

    def finish_held() -> None:
        nonlocal waiting, held
        for item in waiting:
            finish(*item)
        waiting, held = [], 0

    try:
        while todo or not ended:
            if not todo:  # more files, or the word that there are none
                if not asked:
                    conn.send(("more",))
                message = task_conn.recv()
                asked = False
                if message[0] == "end":
                    ended = True
                else:
                    todo.extend(message[1])
                continue
            index, path, name = todo.popleft()
            if not todo and not asked and not ended:
                conn.send(("more",))  # asked ahead: the answer is there by the time this file is done
                asked = True
            if specs is None and (held >= waiting_bytes or spec_conn.poll()):
                specs = spec_conn.recv()  # waits only when waiting_bytes of files are held
            if specs is not None and waiting:
                finish_held()
            conn.send(("start", index))
            opened: Opened | Inspection = _guarded(name, limits, start_reading, Path(path), name, limits)
            if specs is None:
                waiting.append((index, name, opened))
                held += opened.result.size if isinstance(opened, Opened) else 0
            else:
                finish(index, name, opened, announced=True)  # its "start" was just sent
        if waiting:
            specs = specs if specs is not None else spec_conn.recv()
            finish_held()
    except (EOFError, BrokenPipeError):  # the parent stopped (the tender could not be loaded): nothing to report
        pass
    conn.close()


class _Slot:
    """One worker process, the files given to it (it reads them in order), the pipe its results
    (and its requests for more files) come back on, the pipe that gives it the tender's
    specifications, and the pipe that gives it more files or says there are none."""

    def __init__(self, ctx, tasks: list[tuple[int, str, str]], specs: Specs | None, limits: Limits, waiting_bytes: int):
        self.reader, writer = ctx.Pipe(duplex=False)
        spec_reader, self.spec_writer = ctx.Pipe(duplex=False)
        task_reader, self.task_writer = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_worker, args=(tasks, writer, spec_reader, task_reader, specs, limits, waiting_bytes),
                                daemon=True)
        self.proc.start()
        writer.close()  # the worker holds the only writing end: when it stops, the parent reads EOF
        spec_reader.close()
        task_reader.close()
        self.queued: list[int] = [index for index, _, _ in tasks]
        self.current: int | None = None
        """The file the worker said it started last."""
        self.dead = False
        """The pipe reached its end: the worker stopped."""
        self.handovers = 0
        """How many workers before this one stopped between these files, none of them to blame."""
        self.started = time.monotonic()
        """When the worker started its current file."""

    def close_pipes(self) -> None:
        for pipe in (self.reader, self.spec_writer, self.task_writer):
            with contextlib.suppress(OSError):
                pipe.close()

    def blamed(self) -> int:
        """The file to report when the worker stalls or dies: the one it was working on."""
        return self.current if self.current in self.queued else self.queued[0]  # type: ignore[return-value]


class InspectionPool:
    """Workers reading files in the background while the parent does other work.

    Most files are given to the workers at the start (round robin), so workers never wait for the
    parent; the last eighth are kept back and handed out in ever smaller shares to whichever
    worker runs out first, so that the workers finish together even when one of them was slowed
    (by the parent's own work on the same processor, or by larger files). Each result comes back
    on its worker's own pipe. ``specs`` may be given later with :meth:`give_specs`. When a worker
    overruns the time limit on a file or dies, it is killed, that file is reported, and the files
    it had not finished go to a fresh worker.
    """

    def __init__(self, files: Sequence[tuple[Path, str]], specs: Specs | None, limits: Limits,
                 jobs: int, progress: Callable[[str], None] | None = None, waiting_bytes: int = WAITING_BYTES,
                 start_method: str | None = None):
        self.files, self.specs, self.limits, self.progress = list(files), specs, limits, progress
        self.waiting_bytes = waiting_bytes
        self.ctx = mp.get_context(start_method or START_METHOD)
        self.done: dict[int, Inspection | None] = {}
        """Each file's result by its index; None once handed to ``on_result`` by ``collect(keep=False)``."""
        self.on_result: Callable[[int, Inspection], None] | None = None
        self.keep = True
        self.specs_at = time.monotonic()
        n = max(1, min(jobs, len(self.files))) if self.files else 0
        # Files are kept back only when each worker has at least 16 at the start: in a smaller run
        # the waits for more would cost more than an uneven finish.
        kept = len(self.files) // KEPT_BACK if len(self.files) >= 16 * n else 0
        self.next = len(self.files) - kept
        """The first file not yet given to a worker."""
        self.slots = [self._slot(list(range(k, self.next, n))) for k in range(n)]

    def _slot(self, indexes: list[int]) -> _Slot:
        return _Slot(self.ctx, self._tasks(indexes), self.specs, self.limits, self.waiting_bytes)

    def _tasks(self, indexes: list[int]) -> list[tuple[int, str, str]]:
        return [(i, str(self.files[i][0]), self.files[i][1]) for i in indexes]

    def _share(self) -> list[int]:
        """The next files kept back, for a worker that asks for more: half of what is left over
        twice the number of workers, so the shares shrink as the end nears."""
        left = len(self.files) - self.next
        size = max(1, -(-left // (2 * len(self.slots))))
        share = list(range(self.next, self.next + min(size, left)))
        self.next += len(share)
        return share

    def give_specs(self, specs: Specs) -> None:
        """What to check each file against, for workers started before the tender was loaded."""
        import threading

        self.specs, self.specs_at = specs, time.monotonic()
        for slot in self.slots:
            # From a thread: a worker busy on a large file must not hold the parent up.
            threading.Thread(target=_send_quietly, args=(slot.spec_writer, specs), daemon=True).start()

    def _finish(self, index: int, result: Inspection) -> None:
        self.done[index] = result
        if self.progress:
            self.progress(result.name)
        if self.on_result:
            self._hand_over(index)

    def _hand_over(self, index: int) -> None:
        result = self.done[index]
        assert result is not None and self.on_result is not None
        if not self.keep:
            self.done[index] = None
        self.on_result(index, result)

    def serve(self) -> None:
        """Take the messages waiting now, without waiting for more: a worker that runs out of
        files before :meth:`collect` is called is given more (results are kept for collect)."""
        self._step(0)

    def collect(self, on_result: Callable[[int, Inspection], None] | None = None, *, keep: bool = True) -> list[Inspection]:
        """Wait for every file; the results come back in the order the files were given.

        ``on_result`` is called with each result as it arrives (and at once with those that came
        before), so the caller can work on it while the workers read the rest. With ``keep``
        false the pool lets go of each result once ``on_result`` has it, and returns an empty
        list: a run of thousands of files then holds only what the caller keeps of each.
        """
        if self.specs is None:
            raise RuntimeError("give_specs() must be called before collect()")
        if not keep and on_result is None:
            raise ValueError("collect(keep=False) needs on_result: the results would be lost")
        self.on_result, self.keep = on_result, keep
        try:
            if on_result:
                for index in [i for i, result in self.done.items() if result is not None]:
                    self._hand_over(index)
            while len(self.done) < len(self.files):
                self._step(0.05)
        finally:
            self.close()
        if not keep:
            return []
        return [result for i in range(len(self.files)) if (result := self.done[i]) is not None]

    def _step(self, timeout: float) -> None:
        waiting = {slot.reader: slot for slot in self.slots if not slot.dead}
        for reader in wait(list(waiting), timeout=timeout):
            slot = waiting[reader]  # type: ignore[index]
            try:
                message = slot.reader.recv()
            except Exception:  # the end of the pipe, or half a message from a worker that died
                slot.dead = True
                continue
            if message[0] == "start":
                slot.current, slot.started = message[1], time.monotonic()
            elif message[0] == "more":
                share = self._share()
                slot.queued.extend(share)
                with contextlib.suppress(OSError):  # the worker stopped meanwhile: the end of its pipe says so
                    slot.task_writer.send(("tasks", self._tasks(share)) if share else ("end",))
            else:
                _, index, result = message
                # The worker goes straight on to its next file: its time counts from here, not from
                # when the file just done was started (the parent may read a "done" late, while busy).
                slot.started = time.monotonic()
                if index in slot.queued and index not in self.done:
                    slot.queued.remove(index)
                    self._finish(index, result)
        self._police()
        if self.next < len(self.files) and all(slot.dead for slot in self.slots):  # every worker stopped: files are left
            self.slots.append(self._slot(self._share()))

    def _police(self) -> None:
        now = time.monotonic()
        for k, slot in enumerate(self.slots):
            if not slot.queued:
                continue
            # A worker that stopped is known by the end of its pipe, never by its process alone:
            # one that has finished its files may have exited with results still in the pipe.
            # Time counts from when the file was started, or from when the specifications were given.
            timed_out = now - max(slot.started, self.specs_at) > self.limits.seconds
            if not (timed_out or slot.dead):
                continue
            if slot.dead and slot.current not in slot.queued and slot.handovers < HANDOVERS:
                # It stopped between files (killed from outside while it waited for more, say): no
                # file of its is to blame, and they all go to a fresh worker.
                slot.proc.join()
                slot.close_pipes()
                self.slots[k] = self._slot(slot.queued)
                self.slots[k].handovers = slot.handovers + 1
                continue
            index = slot.blamed()
            slot.queued.remove(index)
            path, name = self.files[index]
            slot.proc.kill()
            slot.proc.join()
            # The manifest needs every input's hash: the worker's is lost with it, so it is taken here.
            try:
                digest = file_sha256(Path(path))
            except OSError:  # gone since: the manifest will say it is missing
                digest = ""
            failed = Inspection(name, _size(path), digest)
            why = (f"reading it took longer than {self.limits.seconds:g} seconds: stopped (possible hostile file)" if timed_out
                   else f"the reader stopped on this file (it crashed or needed more than {self.limits.memory_mb} MB)")
            cause = why_stopped(Path(path), self.limits)
            if cause is None:
                failed.add(ERROR, name, why)
            else:
                sheet, cell, text = cause
                failed.add(ERROR, Place(name, sheet, cell), f"{why}; {text}")
            self._finish(index, failed)
            slot.close_pipes()
            self.slots[k] = self._slot(slot.queued)

    def close(self) -> None:
        for slot in self.slots:
            if slot.queued and slot.proc.is_alive():
                slot.proc.kill()  # stopped early (an error in the parent): unread files are not waited for
            with contextlib.suppress(OSError):
                slot.task_writer.close()  # a worker waiting for more files reads the end of its pipe and stops
            slot.proc.join(timeout=2)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join()
            slot.close_pipes()


HANDOVERS = 2
"""Workers that may stop between files, one after another, before the next file is blamed anyway
(a worker that stops before it can start any file must not be replaced for ever)."""
KEPT_BACK = 8
"""One file in this many (the last ones) is kept back at the start, for the workers that finish first."""


def _send_quietly(conn: Connection, specs: Specs) -> None:
    with contextlib.suppress(OSError):  # the worker was stopped meanwhile; its replacement is given the specs at its start
        conn.send(specs)


def inspect_all(files: Sequence[tuple[Path, str]], specs: Mapping[int, dict[str, LotSpec]], limits: Limits,
                jobs: int, progress: Callable[[str], None] | None = None) -> list[Inspection]:
    """Inspect every file; the results come back in the order of ``files``."""
    return InspectionPool(files, specs, limits, jobs, progress).collect()


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
