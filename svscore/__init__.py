"""svscore: score UK public tenders on price, quality and social value, with checks and an audit trail.

Each ``svscore`` command is one function here of the same name (``svscore.score``,
``svscore.batch``, ...); the loaders, the result types, the analysis functions and the errors are
here too. The README's "API" section lists every name, and a test keeps the two the same.

The public API is imported on first use (PEP 562), so that ``import svscore.xl.udfs`` in Excel
pulls in only what the functions need; type checkers see the real names through the
``TYPE_CHECKING`` imports below, which a test keeps the same as ``_API``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from svscore.analysis.across import award_shares as award_shares
    from svscore.analysis.across import tenders_frame as tenders_frame
    from svscore.analysis.frames import bids_frame as bids_frame
    from svscore.analysis.frames import criteria_frame as criteria_frame
    from svscore.analysis.reweight import with_weights as with_weights
    from svscore.analysis.whatif import sensitivity_frame as sensitivity_frame
    from svscore.analysis.whatif import weight_grid as weight_grid
    from svscore.api import award as award
    from svscore.api import batch as batch
    from svscore.api import check as check
    from svscore.api import decide_act as decide_act
    from svscore.api import monitor as monitor
    from svscore.api import read_results as read_results
    from svscore.api import score as score
    from svscore.api import what_if as what_if
    from svscore.errors import DisagreementError as DisagreementError
    from svscore.errors import ErrorsFound as ErrorsFound
    from svscore.errors import InputError as InputError
    from svscore.errors import ScoringError as ScoringError
    from svscore.errors import SvscoreError as SvscoreError
    from svscore.errors import TenderFileError as TenderFileError
    from svscore.errors import WorkbookError as WorkbookError
    from svscore.model.loading import load_bids as load_bids
    from svscore.model.loading import load_contract as load_contract
    from svscore.model.loading import load_measures as load_measures
    from svscore.model.loading import load_tender as load_tender
    from svscore.model.loading import load_thresholds as load_thresholds
    from svscore.rules.act import Decision as Decision
    from svscore.rules.act import Question as Question
    from svscore.rules.act import decide as decide
    from svscore.rules.checks import CheckReport as CheckReport
    from svscore.rules.checks import check_tender as check_tender
    from svscore.scoring.engine import score_tender as score_tender
    from svscore.scoring.result import TenderResult as TenderResult

_API = {
    "CheckReport": "svscore.rules.checks",
    "Decision": "svscore.rules.act",
    "DisagreementError": "svscore.errors",
    "ErrorsFound": "svscore.errors",
    "InputError": "svscore.errors",
    "Question": "svscore.rules.act",
    "ScoringError": "svscore.errors",
    "SvscoreError": "svscore.errors",
    "TenderFileError": "svscore.errors",
    "TenderResult": "svscore.scoring.result",
    "WorkbookError": "svscore.errors",
    "award": "svscore.api",
    "award_shares": "svscore.analysis.across",
    "batch": "svscore.api",
    "bids_frame": "svscore.analysis.frames",
    "check": "svscore.api",
    "check_tender": "svscore.rules.checks",
    "criteria_frame": "svscore.analysis.frames",
    "decide": "svscore.rules.act",
    "decide_act": "svscore.api",
    "load_bids": "svscore.model.loading",
    "load_contract": "svscore.model.loading",
    "load_measures": "svscore.model.loading",
    "load_tender": "svscore.model.loading",
    "load_thresholds": "svscore.model.loading",
    "monitor": "svscore.api",
    "read_results": "svscore.api",
    "score": "svscore.api",
    "score_tender": "svscore.scoring.engine",
    "sensitivity_frame": "svscore.analysis.whatif",
    "tenders_frame": "svscore.analysis.across",
    "weight_grid": "svscore.analysis.whatif",
    "what_if": "svscore.api",
    "with_weights": "svscore.analysis.reweight",
}

__all__ = sorted([*_API, "__version__"])

_PACKAGES = {"award", "batch", "monitor"}
"""Also packages of svscore: the package itself is given, which calls the function (svscore.api.CommandPackage)."""


def __getattr__(name: str) -> Any:
    if name in _PACKAGES:
        return import_module(f"svscore.{name}")
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'svscore' has no attribute {name!r}")
