"""Answers remembered by the content of their inputs, so that Excel's recalculation is cheap.

Excel calls a function again whenever it recalculates: after an edit to one of its cells, on a
full recalculation (Ctrl+Alt+F9), when a workbook opens. Most of those calls repeat inputs already
seen. Building the evaluation model from the criteria table validates every row and node, so it
is done once per table content; an answer is kept per content of all its inputs.

A key is the ``repr`` of the arguments (made in C: about 0.4 ms for a 50 × 30 matrix, where a
walk in Python over the cells took 5 ms). For what Excel sends — None, text, int, float, bool,
dates, lists of them — ``repr`` is exact and tells types apart: ``1``, ``1.0`` and ``True`` are
equal in Python but are not the same cell (``True`` is not a number here), and their reprs differ;
a float's repr gives back the same float (``0.0`` and ``-0.0`` apart). Only answers are kept,
never exceptions: a table with a problem is checked again each time, and says so each time.
"""

from __future__ import annotations

import contextlib
import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

SIZE = 32
"""Entries kept per function: a workbook has a few criteria tables, and a few calls of each function."""


def freeze(value: Any) -> Hashable:
    """A key equal for two inputs only when every cell has the same type and value (see above)."""
    return repr(value)


class Memo:
    """The last ``size`` answers by key, oldest forgotten first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        try:  # one look-up, so that another thread's eviction in between cannot raise here
            value = self.entries[key]
        except KeyError:
            pass
        else:
            with contextlib.suppress(KeyError):  # evicted meanwhile by another thread
                self.entries.move_to_end(key)
            self.hits += 1
            return value
        self.misses += 1
        value = make()  # an exception leaves nothing behind
        self.entries[key] = value
        while len(self.entries) > self.size:
            try:
                self.entries.popitem(last=False)
            except KeyError:  # emptied meanwhile by another thread
                break
        return value

    def clear(self) -> None:
        self.entries.clear()
        self.hits = self.misses = 0


def _copy(value: Any) -> Any:
    """A fresh outer list and rows, so a caller that changes an answer cannot change the one kept."""
    if isinstance(value, list):
        return [list(r) if isinstance(r, list) else r for r in value]
    return value


MEMOS: dict[str, Memo] = {}
"""Every function's memo by name (tests clear them and read their hits)."""


def remembered(f: Callable, size: int = SIZE) -> Callable:
    """``f``'s answers kept by the content of its arguments."""
    memo = MEMOS.setdefault(f.__qualname__, Memo(size))

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _copy(memo.get(freeze((args, kwargs)), lambda: f(*args, **kwargs)))
    return wrapper
