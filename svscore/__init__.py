"""svscore: score UK public tenders on price, quality and social value, with checks and an audit trail."""

__version__ = "0.1.0"

from svscore.errors import InputError, ScoringError, SvscoreError, TenderFileError, WorkbookError  # noqa: E402
from svscore.model.loading import load_bids, load_measures, load_tender, load_thresholds  # noqa: E402
from svscore.rules.act import Question, decide  # noqa: E402
from svscore.rules.checks import check_tender  # noqa: E402
from svscore.scoring.engine import score_tender  # noqa: E402

__all__ = [
    "InputError",
    "Question",
    "ScoringError",
    "SvscoreError",
    "TenderFileError",
    "WorkbookError",
    "__version__",
    "check_tender",
    "decide",
    "load_bids",
    "load_measures",
    "load_thresholds",
    "load_tender",
    "score_tender",
]
