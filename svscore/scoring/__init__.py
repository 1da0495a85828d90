"""Scoring: pure formulas (price, aggregate, social_value, ranking, sensitivity) and the engine
that applies them to a tender's bids (engine: the scheduler; prepare, competition, assemble: its steps).

``score_tender`` is imported on first use (PEP 562), so that importing a pure formula (as the
Excel functions do) does not load the engine and the tender checks.
"""

from __future__ import annotations

from typing import Any

__all__ = ["score_tender"]


def __getattr__(name: str) -> Any:
    if name == "score_tender":
        from svscore.scoring.engine import score_tender

        return score_tender
    raise AttributeError(f"module 'svscore.scoring' has no attribute {name!r}")
