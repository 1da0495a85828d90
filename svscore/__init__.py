"""svscore: score UK public tenders on price, quality and social value, with checks and an audit trail.

The public API is imported on first use (PEP 562), so that ``import svscore.xl.udfs`` in Excel
pulls in only what the functions need.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "ErrorsFound": "svscore.errors",
    "InputError": "svscore.errors",
    "Question": "svscore.rules.act",
    "ScoringError": "svscore.errors",
    "SvscoreError": "svscore.errors",
    "TenderFileError": "svscore.errors",
    "WorkbookError": "svscore.errors",
    "check_tender": "svscore.rules.checks",
    "decide": "svscore.rules.act",
    "load_bids": "svscore.model.loading",
    "load_measures": "svscore.model.loading",
    "load_tender": "svscore.model.loading",
    "load_thresholds": "svscore.model.loading",
    "score_tender": "svscore.scoring.engine",
}

__all__ = sorted([*_API, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'svscore' has no attribute {name!r}")
