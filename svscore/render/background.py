"""Work done in a forked process, its bytes returned: the slowest output is made on the second core
while this one makes the others. Where fork is not available, or the process fails, the work is
done here instead, and gives the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_background(make: Callable[[T], bytes], arg: T) -> Callable[[], bytes]:
    """Start ``make(arg)`` in a forked process (it has ``arg`` in memory; nothing is pickled but
    the bytes that come back) and return a function that waits for its bytes. The workbook is
    the slowest output, so the other outputs are made meanwhile on the second core; its largest
    sheet's rows are made in a process of their own. Where fork is not available, or the
    process fails, the work is done here instead: the outputs are the same either way.

    A plain fork, not a multiprocessing process: the workbook's process starts one itself, which
    multiprocessing does not allow its background ("daemon") processes to do."""
    import gc

    if not hasattr(os, "fork"):  # Windows
        return lambda: make(arg)
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
        return lambda: make(arg)
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

    def wait() -> bytes:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return data if os.waitstatus_to_exitcode(status) == 0 else make(arg)  # it failed: do it here, and see why
    return wait
