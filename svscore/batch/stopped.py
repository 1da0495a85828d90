"""Why a returned file stopped the reader (out of time or memory): a diagnosis made in the parent,
after the worker was stopped, reading little of the file: the workbook's sheet list and the first few
KB of each sheet, or a sheet a megabyte at a time, never a whole sheet in memory.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from svscore.batch.container import read_capped
from svscore.batch.spec import Limits
from svscore.excel.cells import a1
from svscore.excel.cellxml import sheet_parts
from svscore.excel.zipparts import inflated_chunks, part_head

_DIMENSION = re.compile(r"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?["']""")
HEAD_BYTES = 8192
"""How much of a sheet's start is inflated to find its dimension (Excel writes it after the root's namespaces)."""
FAR_CELLS = 10_000_000
"""A sheet whose used area spans more cells than this is far beyond any bid return form."""


_CELL_REF = re.compile(rb"""<(?:[\w.-]+:)?(?:c|row)\b[^>]*?\sr\s*=\s*["']([A-Z]{1,3})?(\d{1,7})["']""")


def _last_cell(data: bytes, info: zipfile.ZipInfo) -> tuple[str, int, int] | None:
    """The furthest row and column any cell or row of a sheet part names, as (cell, rows, columns),
    found by inflating the part a megabyte at a time (never past what it declares, which the package
    checks kept within bounds); None when it names none or cannot be read that way."""
    rows = cols = 0
    carry = b""
    try:
        for chunk in inflated_chunks(data, info):
            text = carry + chunk
            for m in _CELL_REF.finditer(text):
                rows = max(rows, int(m.group(2)))
                if m.group(1):
                    cols = max(cols, a1(m.group(1).decode() + "1")[1] + 1)
            carry = text[-256:]  # a tag cut between two chunks is found whole in the next
    except zlib.error:
        return None
    if not rows:
        return None
    from svscore.render.sheet_rows import column_letter  # only ever needed here, after a file stopped the reader

    cols = max(cols, 1)
    return f"{column_letter(cols)}{rows}", rows, cols



def why_stopped(path: Path, limits: Limits) -> tuple[str, str, str] | None:
    """After a file stopped the reader (out of time or memory): (sheet, last cell, message) for the
    sheet whose used area reaches far beyond the form, if there is one. Runs in the parent, so it reads
    little: the workbook's sheet list and the first few KB of each sheet, never a whole sheet."""
    try:
        with path.open("rb") as fh:
            data = read_capped(fh, limits.max_file_bytes)
        if len(data) > limits.max_file_bytes:
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = {i.filename: i for i in z.infolist()}
            book, rels = infos.get("xl/workbook.xml"), infos.get("xl/_rels/workbook.xml.rels")
            if book is None or rels is None or max(book.file_size, rels.file_size) > 4 * 1024 * 1024:
                return None
            wb, wb_rels = z.read(book).decode("utf-8", "replace"), z.read(rels).decode("utf-8", "replace")
        far: list[tuple[str, str, str]] = []
        for sheet, part_name in sheet_parts(wb, wb_rels).items():
            part = infos.get(part_name)
            head = part_head(data, part, HEAD_BYTES) if part is not None else None
            d = _DIMENSION.search(head.decode("utf-8", "replace")) if head else None
            if d and d.group(3) and d.group(4):
                rows, cols = int(d.group(4)), a1(f"{d.group(3)}1")[1] + 1
                if rows * cols > FAR_CELLS:
                    cell = f"{d.group(3)}{d.group(4)}"
                    far.append((sheet, cell, f"sheet {sheet!r} is marked as used as far as cell {cell} ({rows:,} rows × {cols:,} columns)"))
                    continue
            if part is not None and (last := _last_cell(data, part)) is not None:
                cell, rows, cols = last  # the dimension is missing or understates the cells the sheet holds
                if rows * cols > FAR_CELLS:
                    far.append((sheet, cell, f"sheet {sheet!r} holds a cell as far out as {cell} ({rows:,} rows × {cols:,} columns)"))
        if not far:
            return None
        return far[0][0], far[0][1], ("the likely cause: " + "; ".join(text for _, _, text in far) + ": something typed, pasted "
                                      "or formatted far outside the form. Ask the bidder to delete the rows and columns beyond the form (Ctrl+End shows the "
                                      "last used cell), save the workbook and send it again")
    except Exception:  # a diagnosis only: the file is reported as stopped whatever happens here
        return None

