"""Generated workbooks in tests: reopened as Excel would read them, their validations, and their
layouts moved."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from svscore.excel.workbook import to_bytes


def reopen(wb):
    return load_workbook(io.BytesIO(to_bytes(wb)))


def validations(ws) -> dict[str, str]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng] = f"{dv.type}:{dv.formula1}"
    return out


def temporary(wb: Workbook) -> Path:
    """The workbook saved to a temporary file."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as f:
        f.write(to_bytes(wb))
    return Path(f.name)


def shift(monkeypatch, cls: type, moves: dict[str, int]) -> None:
    """Move a layout's first rows and columns, for the builder and the reader alike."""
    for name, value in moves.items():
        assert getattr(cls, name) != value, f"{cls.__name__}.{name} is not moved"
        monkeypatch.setattr(cls, name, value)
