"""SV_RESULTS's matrix from a scorer kept per criteria table, so that one changed score costs little.

Each criteria table's evaluation model has one scorer (``TenderScorer(keep=...)``) that keeps the
bids it has prepared: after an officer changes one score, only that bidder's bid is prepared
again, and the competition is run anew over copies of the rest. A bid whose competition gave it
what it gave last time keeps its result object, and so its row of the matrix here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svscore.xl import adapt, memo
from svscore.xl.memo import Memo

KEPT_BIDS = 1000
"""Prepared bids a scorer keeps: those of the last few calls (an edit changes one of them)."""

_SCORERS = memo.MEMOS.setdefault("_scorer", Memo(8))
"""A scorer per evaluation model (by its identity: ``udfs._tender`` gives the same object for the
same table). Eight: a workbook has a few results matrices, and each edit of a criteria table makes
a new model (the scorers of tables edited away are let go with the bids they keep)."""

_ROWS: dict[int, tuple[Any, list[Any]]] = {}
"""Each bid's row of the matrix by the identity of its result (kept with it, so the identity is not
reused): a kept scorer gives an unchanged bid the same result object call after call."""

ROWS_KEPT = 2_000
"""Rows kept before starting again: a few calls of a large matrix (rows of bids that changed are let go then)."""


def scorer(tender: Any, measured: bool) -> Any:
    """The kept scorer of ``tender``; ``measured``: its social value is the £ values from the sheet."""
    from svscore.model.measures import MeasuresTable
    from svscore.scoring.engine import TenderScorer

    def make() -> tuple[Any, Any]:
        measures = MeasuresTable(title="£ values from the sheet", measures=(
            {"id": "VALUE", "description": "£ social value", "unit": "£", "proxy_value": 1},)) if measured else None
        return tender, TenderScorer(tender, measures, keep=KEPT_BIDS)
    return _SCORERS.get((id(tender), measured), make)[1]  # the tender kept with it: its identity is not reused


def results_matrix(tender: Any, measured: bool, bids: Sequence[Any], order: Sequence[str]) -> list[list[Any]]:
    """The bids scored by the table's kept scorer: a heading row, then one row per bid in the order
    given (bidder, status, the points or pass/fail of each id in ``order``, total, rank)."""
    from svscore.model.tender import CriterionKind

    kept = scorer(tender, measured)
    lot = kept.finish([kept.prepare(b) for b in bids]).lots[0]
    by_id = {r.bidder_id: r for r in lot.bids}
    out: list[list[Any]] = [["Bidder", "Status", *order, "Total", "Rank"]]
    at: list[int] = []  # where each of the table's ids is in a result's criteria: the same for every bid
    for bid in bids:
        result = by_id[bid.bidder_id]
        known = _ROWS.get(id(result))
        if known is None:
            if not at:
                where = {c.criterion_id: i for i, c in enumerate(result.criteria)}
                at = [where[cid] for cid in order]
            crit = result.criteria
            cells = [c.raw if c.kind is CriterionKind.PASS_FAIL and c.raw else c.points for c in (crit[i] for i in at)]
            row = [adapt.out(v) for v in (bid.bidder, result.status.value, *cells, result.total, result.rank)]
            if len(_ROWS) >= ROWS_KEPT:
                _ROWS.clear()
            known = _ROWS[id(result)] = (result, row)
        out.append(list(known[1]))
    return out
