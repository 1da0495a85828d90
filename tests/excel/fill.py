"""Fill a generated evaluation workbook with bids, as an officer would, using openpyxl."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.workbook import Workbook

from svscore.excel import workbook as xw
from svscore.excel.layout import EvaluationLayout
from svscore.model.bids import Bid


def _num(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def fill_evaluation(wb: Workbook, lay: EvaluationLayout, bids: list[Bid]) -> None:
    assert len(bids) <= lay.slots
    for i, b in enumerate(bids):
        r = lay.bidder_row(i)
        wb["Bidders"].cell(r, 1, b.bidder_id)
        xw.set_text(wb["Bidders"].cell(r, 2), b.bidder)
        wb["Bidders"].cell(r, 3, "Yes" if b.sme else "No")
        wb["Bidders"].cell(r, 4, "Yes" if b.vcse else "No")
        if b.price is not None:
            wb["Prices"].cell(r, 2, _num(b.price))
        for s in b.scores:
            wb["Scores"].cell(lay.score_rows[s.criterion], lay.score_col(i), s.value if isinstance(s.value, str) else _num(s.value))
        if lay.measures is not None and lay.measures_leaf is not None:
            ids = [m.id for m in lay.measures.measures]
            for c in b.commitments:
                m = ids.index(c.measure)
                sheet = wb["Social Value"]
                prev = sheet.cell(lay.sv_qty_row(m), lay.sv_col(i)).value or 0
                sheet.cell(lay.sv_qty_row(m), lay.sv_col(i), prev + _num(c.quantity))
                sheet.cell(lay.sv_deliv_row(m), lay.sv_col(i), _num(c.deliverability_percent))
