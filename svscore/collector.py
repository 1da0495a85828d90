"""Python's cyclic garbage collector paused while a large job builds objects that all stay alive.

Scoring thousands of bids keeps every bid, every criterion's row and explanation until the results
are written: the collector's full passes then walk an ever larger heap and find almost nothing
(measured on `svscore score` of 10,000 bids: about 40% of its processor time, and the same peak
memory without them). Memory is still freed by reference counting as usual; the collector is
resumed afterwards whatever happens, as it was.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the block, and resumed after it if it was running before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
