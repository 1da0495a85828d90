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
    evaluators: dict[str, int] = {}
    for i, b in enumerate(bids):
        bidders = wb["Bidders"]
        bidders[lay.bidder_cell(i, "id")] = b.bidder_id
        xw.set_text(bidders[lay.bidder_cell(i, "name")], b.bidder)
        bidders[lay.bidder_cell(i, "sme")] = "Yes" if b.sme else "No"
        bidders[lay.bidder_cell(i, "vcse")] = "Yes" if b.vcse else "No"
        if b.price is not None:
            wb["Prices"][lay.price_cell(i)] = _num(b.price)
        scores = wb["Scores"]
        for s in b.scores:
            value = s.value if isinstance(s.value, str) else _num(s.value)
            if lay.combines and s.criterion in lay.scaled_score_ids:
                # evaluators' own scores in their blocks, by name; a consensus score in the first block
                e = evaluators.setdefault(s.evaluator or "Evaluator 1", len(evaluators))
                xw.set_text(scores[lay.evaluator_name_cell(e)], s.evaluator or "Evaluator 1")
                scores[lay.block_cell("evaluator", s.criterion, i, e)] = value
                if s.justification:
                    xw.set_text(scores[lay.block_cell("evaluator_justification", s.criterion, i, e)], s.justification)
                continue
            scores[lay.score_cell(s.criterion, i)] = value
            if s.justification:
                xw.set_text(scores[lay.block_cell("justification", s.criterion, i)], s.justification)
            if s.moderation_note and not lay.combines:
                xw.set_text(scores[lay.block_cell("moderation", s.criterion, i)], s.moderation_note)
        if lay.measures is not None and lay.measures_leaf is not None:
            ids = [m.id for m in lay.measures.measures]
            for c in b.commitments:
                m = ids.index(c.measure)
                sheet = wb["Social Value"]
                # each year's quantity in its year (a quantity over the contract in year 1)
                at = lay.sv_year_cell(m, (c.year or 1) - 1, i) if lay.sv_per_year else lay.sv_qty_cell(m, i)
                prev = sheet[at].value or 0
                sheet[at] = prev + _num(c.quantity)
                sheet[lay.sv_deliv_cell(m, i)] = _num(c.deliverability_percent)
                if c.note:
                    xw.set_text(sheet.cell(lay.sv_reason_row(m), lay.sv_col(i)), c.note)
