"""JSON written a piece at a time: the bytes of :func:`svscore.render.tables.to_json_bytes` (or,
compact, of the standard library's ``json.dumps`` with ``separators=(",", ":")``), without holding the whole document (or its bytes) at once.

A large result's JSON is many times the size of the result (10,000 bids: 62 MB of text, and the
dicts, lists and floats of ``as_dict`` besides). Here a list whose items are made on demand
(:class:`Lazy`) is written item by item, each item's dict made, written and let go in turn; what is
around it is written as orjson writes it with ``OPT_INDENT_2`` (compact: as ``json`` does), so the bytes are the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

try:  # see svscore.render.tables
    import orjson
except ImportError:  # pragma: no cover - exercised where orjson has no build
    orjson = None  # type: ignore[assignment]


class Lazy:
    """A JSON list whose items are made only as they are written."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def _dumps(value: Any, compact: bool = False) -> bytes:
    """One value as orjson writes it indented (or, for a value orjson refuses, as the standard
    library does); ``compact``: as the standard library writes it compact, always, so the batch's
    results.json has the same bytes wherever it is written (orjson writes 0.00001 where the
    standard library writes 1e-05, and is not installed everywhere)."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2)
        except TypeError:
            pass
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


def _pieces(value: Any, indent: int | None) -> Iterator[bytes]:
    """``value`` as indented JSON whose first line starts at the cursor and later lines at ``indent``
    (None: compact, on one line)."""
    compact = indent is None
    if isinstance(value, dict):
        if not value or not all(isinstance(key, str) for key in value):  # keys the encoder turns into text: written whole
            yield _dumps(value, compact) if indent is None or indent == 0 else _reindent(_dumps(value), indent)
            return
        inner = b"" if indent is None else b"\n" + b" " * (indent + 2)
        colon = b":" if compact else b": "
        opening = b"{"
        for key, item in value.items():
            yield opening + inner + _dumps(key, compact) + colon
            yield from _pieces(item, None if indent is None else indent + 2)
            opening = b","
        yield b"}" if indent is None else b"\n" + b" " * indent + b"}"
    elif isinstance(value, list | Lazy):
        # A lazy list's items are the large pieces, each written whole by orjson; what is around them
        # is small, and taken apart here to find the lazy lists inside it.
        lazy = isinstance(value, Lazy)
        inner = b"" if indent is None else b"\n" + b" " * (indent + 2)
        opening = b"["
        for item in value.items if isinstance(value, Lazy) else value:
            yield opening + inner
            if lazy:
                yield _dumps(item, True) if indent is None else _reindent(_dumps(item), indent + 2)
            else:
                yield from _pieces(item, None if indent is None else indent + 2)
            opening = b","
        yield b"[]" if opening == b"[" else b"]" if indent is None else b"\n" + b" " * indent + b"]"
    else:
        yield _dumps(value, compact)


def _reindent(data: bytes, indent: int) -> bytes:
    # A JSON text holds no raw line break inside a string, so every b"\n" starts a new line.
    return data.replace(b"\n", b"\n" + b" " * indent) if indent and b"\n" in data else data


def json_pieces(data: Any, *, compact: bool = False) -> Iterator[bytes]:
    """``data`` (dicts, lists and :class:`Lazy` lists of JSON values) as the UTF-8 bytes of JSON with
    a final line break, in pieces of whole characters: indented by two spaces, or ``compact`` (no
    spaces or line breaks, as the batch's results.json is written)."""
    yield from _pieces(data, None if compact else 0)
    yield b"\n"
