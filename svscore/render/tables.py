"""JSON and CSV renderings of results; CSV cells are neutralised against formula injection."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from svscore.scoring.result import TenderResult

try:  # writes indented JSON about 10x faster than the standard library; not built for Pyodide
    import orjson
except ImportError:  # pragma: no cover - exercised where orjson has no build
    orjson = None  # type: ignore[assignment]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with ' (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_json(data: Any) -> str:
    """``data`` as JSON text indented by two spaces, characters beyond ASCII written as they are, and a
    final line break. orjson writes it where it can: the same text as the standard library's except
    that exponents lose their padding (``1e-7``, not ``1e-07``: the same number); a value orjson
    refuses (a whole number beyond 64 bits, a lone surrogate from a JSON escape) goes to the standard
    library instead."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
        except TypeError:
            pass
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_json_bytes(data: Any) -> bytes:
    """:func:`to_json`'s text encoded as UTF-8, without holding the text as well: for large results,
    whose text (a non-Latin-1 character makes Python keep it at two bytes a character) would cost
    twice or three times the bytes written."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except TypeError:
            pass
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def result_rows(result: TenderResult) -> tuple[list[str], list[list[Any]]]:
    """One row per bid: lot, rank, bidder, status, total, price, each top-level criterion, flags."""
    header, rows = result_row_stream(result)
    return header, list(rows)


def result_row_stream(result: TenderResult) -> tuple[list[str], Iterator[list[Any]]]:
    """:func:`result_rows`, each row made only as it is asked for (a batch of thousands of bids
    writes them one at a time, never holding them all)."""
    tops: list[str] = []
    for lot in result.lots:
        for cid, _ in lot.top_level:
            if cid not in tops:
                tops.append(cid)
    header = ["lot", "rank", "bidder_id", "bidder", "status", "total", "price", *tops,
              "sme", "vcse", "flags", "reasons"]

    def rows() -> Iterator[list[Any]]:
        for lot in result.lots:
            for b in lot.bids:
                subs = b.subtotals()
                yield [
                    lot.lot_id, b.rank, b.bidder_id, b.bidder, b.status.value,
                    _num(b.total), _num(b.price), *[_num(subs.get(c)) for c in tops],
                    "yes" if b.sme else "no", "yes" if b.vcse else "no",
                    " | ".join(f.code for f in b.flags), " | ".join(b.reasons),
                ]
        for message in result.bid_errors:  # a bid placed in no lot: a row of its own, so the file never drops it
            yield ["", None, "", "", "not scored", None, None, *[None for _ in tops], "", "", "", message]
    return header, rows()


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.10g}"
    return safe_cell(v)


def to_csv(result: TenderResult) -> str:
    return "".join(csv_pieces(result))


def csv_pieces(result: TenderResult) -> Iterator[str]:
    """:func:`to_csv`'s text in pieces of up to ``CSV_PIECE_ROWS`` rows, each row made as it is
    written: a batch of thousands of bids never holds its rows or the whole text."""
    header, rows = result_row_stream(result)
    # The warnings go on every row, in a last column, so that a filter or a copied row keeps them.
    warning = " ".join(result.warnings)
    if warning:
        header = [*header, "warning"]
        rows = ([*row, warning] for row in rows)
    return csv_text_pieces(header, rows)


CSV_PIECE_ROWS = 1000
"""Rows in one piece of CSV text."""


def csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    """CSV text of a header and rows: numbers to 10 significant digits, blanks for None, and text a
    spreadsheet would run as a formula neutralised."""
    return "".join(csv_text_pieces(header, rows))


def csv_text_pieces(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """:func:`csv_text` in pieces of up to ``CSV_PIECE_ROWS`` rows (the header in the first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if n % CSV_PIECE_ROWS == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
