"""The evaluation workbook for officers: Setup, Bidders, Scores, Prices, Social Value, Results, Governance.

This module puts the sheets together in order, with the hidden Lists and the metadata sheet that
identifies the workbook; each sheet is built in its own module (:mod:`setup_sheet`,
:mod:`input_sheets`, :mod:`results_sheet`, :mod:`governance`), every cell where :class:`EvaluationLayout` says.
"""

from __future__ import annotations

from svscore import __version__
from svscore.excel import workbook as xw
from svscore.excel.governance import SHEET as GOVERNANCE
from svscore.excel.governance import add_governance_sheet, keep_tables_whole
from svscore.excel.input_sheets import add_bidders_sheet, add_prices_sheet, add_scores_sheet, add_social_value_sheet
from svscore.excel.layout import EVALUATION_FORMAT_VERSION, EvaluationLayout
from svscore.excel.results_sheet import add_results_sheet
from svscore.excel.setup_sheet import add_lists_sheet, add_setup_sheet
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Tender


def build_evaluation(tender: Tender, lot_index: int = 0, measures: MeasuresTable | None = None,
                     slots: int = 10, live: bool = False) -> xw.Workbook:
    """Build the evaluation workbook for one lot of a tender.

    ``live``: add a Live sheet whose cells call svscore's Excel functions (xlwings) next to the
    native-formula results, so officers can see both agree. It needs the xlwings add-in or Lite.
    """
    lay = EvaluationLayout(tender, lot_index, slots, measures)
    wb = xw.new_workbook()
    lists = add_lists_sheet(wb, lay)
    add_setup_sheet(wb, lay, lay.report.decision, lists)
    add_bidders_sheet(wb, lay)
    add_scores_sheet(wb, lay)
    add_prices_sheet(wb, lay)
    if lay.measures_leaf is not None:
        add_social_value_sheet(wb, lay)
    add_results_sheet(wb, lay)
    add_governance_sheet(wb, tender.reference, tender.title, lay.bidders_range("name"))
    if live:
        from svscore.excel.live import add_live_sheet

        add_live_sheet(wb, lay)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    constants = xw.protected_cells(wb)
    lot = tender.all_lots()[lot_index]
    xw.fit_pages_legibly(wb)
    keep_tables_whole(wb[GOVERNANCE])
    xw.mark_pages(wb, tender.reference)
    xw.add_metadata(wb, xw.Metadata(
        "evaluation_live" if live else "evaluation", EVALUATION_FORMAT_VERSION, tender.reference, lot.id, __version__, xw.fingerprint(constants),
        {"tender": tender.model_dump(mode="json", exclude_defaults=True), "slots": slots, "lot_index": lot_index,
         "measures": measures.model_dump(mode="json") if measures else None},
    ))
    wb.active = 0
    return wb
