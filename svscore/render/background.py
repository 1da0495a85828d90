"""Work done in a forked process, its bytes returned: the slowest output is made on the second core
while this one makes the others. Where fork is not available, or the process fails, the work is
done here instead, and gives the same bytes (unless the caller says what a crashed process gives).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_background(make: Callable[[T], bytes], arg: T, crashed: Callable[[], bytes] | None = None) -> Callable[[], bytes]:
    """Start ``make(arg)`` in a forked process and return a function that waits for its bytes
    (:func:`streamed_in_background`, the pieces joined)."""
    streamed = streamed_in_background(make, arg, crashed)

    def wait() -> bytes:
        pieces: list[bytes] = []
        streamed(pieces.append, pieces.clear)
        return b"".join(pieces)
    return wait


PIECE_BYTES = 1024 * 1024
"""At most how much of the child's bytes is read from its pipe at a time (a pipe gives what it holds)."""


def streamed_in_background(make: Callable[[T], bytes], arg: T, crashed: Callable[[], bytes] | None = None
                           ) -> Callable[[Callable[[bytes], None], Callable[[], None]], None]:
    """Start ``make(arg)`` in a forked process (it has ``arg`` in memory; nothing is pickled but
    the bytes that come back) and return a function ``wait(write, restart)`` that gives the bytes
    to ``write`` a piece at a time as they come, so that a large output (a results workbook of
    thousands of bids is several MB) is never held whole here. Where fork is not available, the
    work is done here and its bytes given to ``write`` at once; where the process fails,
    ``restart()`` is called (what was written is to be forgotten) and the work is done here, so
    the failure is seen: the bytes are the same either way. ``crashed``: for work on a file that
    could have crashed the process (it was killed by a signal: a crash in a reader, or the system
    out of memory), the bytes to give instead of doing the work here, where the same crash would
    take this process down.

    The workbook is the slowest output, so the other outputs are made meanwhile on the second
    core; its largest sheet's rows are made in a process of their own. A plain fork, not a
    multiprocessing process: the workbook's process starts one itself, which multiprocessing does
    not allow its background ("daemon") processes to do."""
    import gc

    def here(write: Callable[[bytes], None], restart: Callable[[], None]) -> None:
        write(make(arg))

    if not hasattr(os, "fork"):  # Windows
        return here
    read_end, write_end = os.pipe()
    # The child's garbage collector must not walk the run it inherited: walking it costs time and
    # writes to every object's header, which copies the parent's memory page by page.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:  # no process could be started: done here
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        return here
    if pid == 0:  # the child: give the bytes, and leave without running anything of the parent's
        status = 1
        try:
            os.close(read_end)
            data = make(arg)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    gc.unfreeze()
    os.close(write_end)

    def wait(write: Callable[[bytes], None], restart: Callable[[], None]) -> None:
        try:
            with os.fdopen(read_end, "rb", buffering=0) as pipe:
                while piece := pipe.read(PIECE_BYTES):
                    write(piece)
        finally:  # even when writing failed (a full disk): the process is waited for, never left behind
            _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:  # it failed: what came is forgotten, and the work done here, to see why (unless it crashed)
            restart()
            if code < 0 and crashed is not None:
                write(crashed())
            else:
                here(write, restart)
    return wait
