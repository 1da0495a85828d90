"""A scored result as pandas frames: one row per bid, or one row per bid and criterion.

The result itself stays exact (fractions); a frame holds floats unless ``exact=True`` asks for the
``Fraction`` values themselves (an object column). Each frame says which in ``frame.attrs["values"]``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from svscore.errors import SvscoreError
from svscore.scoring.result import BidResult, TenderResult

if TYPE_CHECKING:
    import pandas as pd

FLOATS = ("floats: each exact value (a fraction) converted to the nearest binary floating-point number, "
          "about 16 significant digits; pass exact=True for the fractions")
EXACT = "exact: fractions.Fraction values, as the engine computed them"


def require_pandas() -> Any:
    """The pandas module, or an error saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise SvscoreError('pandas is needed for data frames and is not installed: pip install "svscore[pandas]"') from None
    return pandas


def _value(x: Fraction | None, exact: bool) -> Fraction | float | None:
    if x is None:
        return None
    return x if exact else float(x)


def _criterion_ids(result: TenderResult) -> list[str]:
    ids: list[str] = []
    for lot in result.lots:
        for bid in lot.bids:
            for c in bid.criteria:
                if c.criterion_id not in ids:
                    ids.append(c.criterion_id)
    return ids


def _bid_row(lot_id: str, bid: BidResult, ids: list[str], exact: bool) -> dict[str, Any]:
    points = {c.criterion_id: c.points for c in bid.criteria}
    return {
        "lot": lot_id, "rank": bid.rank, "bidder_id": bid.bidder_id, "bidder": bid.bidder, "status": bid.status.value,
        "total": _value(bid.total, exact), "price": _value(bid.price, exact),
        "price_per_quality_point": _value(bid.price_per_quality_point, exact),
        "social_value_pounds": _value(bid.social_value_pounds, exact),
        **{f"{cid} points": _value(points.get(cid), exact) for cid in ids},
        "sme": bid.sme, "vcse": bid.vcse,
        "flags": ", ".join(f.code for f in bid.flags), "reasons": "; ".join(bid.reasons),
    }


def bids_frame(result: TenderResult, *, exact: bool = False) -> pd.DataFrame:
    """One row per bid, lot by lot in rank order: rank, status, total, price, the points on every
    criterion (a column ``"<id> points"`` each, tree order), SME/VCSE, flags and reasons."""
    pd = require_pandas()
    ids = _criterion_ids(result)
    rows = [_bid_row(lot.lot_id, bid, ids, exact) for lot in result.lots for bid in lot.bids]
    columns = ["lot", "rank", "bidder_id", "bidder", "status", "total", "price", "price_per_quality_point",
               "social_value_pounds", *[f"{cid} points" for cid in ids], "sme", "vcse", "flags", "reasons"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")  # a bid that is not ranked has no rank, not NaN
    frame.attrs["values"] = EXACT if exact else FLOATS
    frame.attrs["tender"] = result.reference
    frame.attrs["warnings"] = list(result.warnings)
    return frame


def criteria_frame(result: TenderResult, *, exact: bool = False) -> pd.DataFrame:
    """One row per bid and criterion: the raw input scored, the points, the points available and
    the explanation (the long form, for grouping and pivoting)."""
    pd = require_pandas()
    rows = []
    for lot in result.lots:
        for bid in lot.bids:
            for c in bid.criteria:
                raw = c.raw
                if isinstance(raw, Fraction) and not exact:
                    raw = float(raw)
                rows.append({
                    "lot": lot.lot_id, "bidder_id": bid.bidder_id, "bidder": bid.bidder, "status": bid.status.value,
                    "criterion": c.criterion_id, "name": c.name, "kind": c.kind.value if c.kind else None,
                    "parent": c.parent_id, "leaf": c.is_leaf, "raw": raw, "points": _value(c.points, exact),
                    "available": _value(c.available, exact), "explanation": c.explanation,
                })
    columns = ["lot", "bidder_id", "bidder", "status", "criterion", "name", "kind", "parent", "leaf", "raw", "points",
               "available", "explanation"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["values"] = EXACT if exact else FLOATS
    frame.attrs["tender"] = result.reference
    return frame
