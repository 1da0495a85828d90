"""Scoring: the engine and its pure formulas."""

from svscore.scoring.engine import score_tender

__all__ = ["score_tender"]
