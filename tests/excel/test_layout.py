"""The evaluation workbook's layout is the one place its cell positions live: each method names the
cell the builder wrote, and a workbook built with every first row and column moved still reads back
through the same layout and calculates as the engine (a reader or builder with a position of its
own would read or refer to the wrong cell). The bid return's and score sheets' layouts are tested
the same way in test_bid_return.py and test_score_sheets.py."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import BIDDER_FIELDS, CRITERIA_COLUMNS, EvaluationLayout
from svscore.excel.read import read_evaluation
from svscore.excel.workbook import save
from svscore.model.loading import load_bids, load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.books import reopen, shift
from tests.excel.fill import fill_evaluation
from tests.excel.test_formulas_agree import compare, consensus

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
BIDS = consensus(list(load_bids(EXAMPLES / "council-home-care-bids.json").bids))

SHIFTED_EVALUATION = {"DETAILS_ROW": 6, "DETAILS_COL": 5, "CRITERIA_FIRST_COL": 3, "BIDDERS_FIRST_COL": 3, "FIRST_BIDDER_ROW": 5,
                      "PRICE_COL": 4, "FIRST_SCORE_ROW": 6, "FIRST_SCORE_COL": 8, "FIRST_SV_ROW": 5, "FIRST_SV_COL": 7,
                      "FIRST_SCALE_COL": 4, "LIST_FIRST_ROW": 4}


def test_evaluation_layout_positions():
    lay = EvaluationLayout(HOME, 0, 4, MEASURES)
    wb = reopen(build_evaluation(HOME, 0, MEASURES, 4))
    setup = wb["Setup"]
    assert [setup.cell(lay.criteria_header, lay.criteria_col(n)).value for n in CRITERIA_COLUMNS] == list(CRITERIA_COLUMNS)
    r = lay.criteria_row["Q1"]
    assert lay.criteria_cell("Q1", "Weight") == f"E{r}" and lay.criteria_ref("Q1", "Points available") == f"Setup!$J${r}"
    assert setup[lay.criteria_cell("Q1", "ID")].value == "Q1"
    assert setup[lay.criteria_cell("Q1", "Weight")].value == 40
    first, last = lay.criteria_row[lay.tree[0].criterion.id], lay.criteria_row[lay.tree[-1].criterion.id]
    assert lay.criteria_range == f"Setup!$A${first}:$H${last}"
    assert setup[lay.root_check_cell].value.startswith('=IF(ROUND(SUM(')
    assert setup[lay.detail_cell("reference")].value == HOME.reference
    assert lay.detail("reference") == f"Setup!$D${lay.DETAILS_ROW}"
    assert [lay.bidder_cell(1, f) for f in BIDDER_FIELDS] == ["A4", "B4", "C4", "D4"]
    assert lay.bidder_ref(1, "name") == "Bidders!$B$4" and lay.bidders_range("name") == "Bidders!$B$3:$B$6"
    assert lay.price_cell(3) == "B6" and lay.price_ref(0) == "Prices!$B$3" and lay.prices_range(sheet=False) == "B3:B6"
    assert wb["Prices"][lay.price_cell(0)].protection.locked is False
    assert wb["Prices"].cell(lay.bidder_row(0), 1).value == f'=IF({lay.bidder_ref(0, "name")}="","Bidder 1",{lay.bidder_ref(0, "name")})'
    cid = next(iter(lay.score_rows))
    assert lay.score_cell(cid, 2) == f"G{lay.score_rows[cid]}" and lay.score_ref(cid, 0) == f"Scores!$E${lay.score_rows[cid]}"
    assert wb["Scores"].cell(lay.score_rows[cid], 1).value == cid
    ids, scores = lay.scores_block
    first_score, last_score = lay.score_row_span
    assert (ids, scores) == (f"Scores!$A${first_score}:$A${last_score}", f"Scores!$E${first_score}:$H${last_score}")
    scale = HOME.scales[0]
    assert lay.scale_range(scale.id) == f"Lists!$C$2:$C${1 + len(scale.allowed())}"
    assert wb["Lists"].cell(1, lay.scale_column[scale.id]).value == scale.id
    n, years = len(MEASURES.measures), HOME.contract.contract_years
    assert lay.sv_year_cell(0, 0, 1) == "F4" and lay.sv_year_cell(1, 2, 0) == f"E{3 + 2 * (n + 1) + 2}"  # each year a heading and its measures
    assert lay.sv_qty_cell(0, 1) == f"F{3 + years * (n + 1) + 1}" and lay.sv_deliv_cell(0, 0) == f"E{lay.sv_deliv_row(0)}"
    typed = ",".join(lay.sv_year_cell(0, y, 0) for y in ([0] if MEASURES.measures[0].first_year_only else range(years)))
    assert wb["Social Value"][lay.sv_qty_cell(0, 0)].value == f'=IF(COUNT({typed})=0,"",SUM({typed}))'
    assert wb["Social Value"][lay.sv_year_cell(0, 1, 0)].protection.locked is False
    assert wb["Social Value"][lay.sv_deliv_cell(0, 0)].value == 100
    assert wb["Social Value"][lay.sv_total_cell(0)].value.startswith(f"=SUMPRODUCT({lay.sv_proxy_range},{lay.sv_qty_range(0)},")
    assert wb["Social Value"].cell(lay.sv_qty_row(0), lay.sv_proxy_col).value == float(MEASURES.measures[0].proxy_value)
    assert lay.results_range("Total") == f"Results!${wb['Results'].cell(1, lay.rcol('Total')).column_letter}$3:" \
                                         f"${wb['Results'].cell(1, lay.rcol('Total')).column_letter}$6"


def _norm(bids):
    return sorted((b.bidder_id, b.bidder, b.sme, b.vcse, b.price, tuple(sorted((s.criterion, s.value) for s in b.scores)),
                   tuple(sorted((c.measure, c.quantity, c.deliverability_percent) for c in b.commitments))) for b in bids)


def _shifted_evaluation(monkeypatch, tmp_path):
    shift(monkeypatch, EvaluationLayout, SHIFTED_EVALUATION)
    lay = EvaluationLayout(HOME, 0, 8, MEASURES)
    wb = build_evaluation(HOME, 0, MEASURES, 8)
    assert wb["Bidders"].cell(lay.bidder_row(0), lay.bidder_col("id")).protection.locked is False
    fill_evaluation(wb, lay, BIDS)
    path = tmp_path / "shifted.xlsx"
    save(wb, path)
    return lay, path


def test_shifted_evaluation_workbook_reads_back(monkeypatch, tmp_path):
    lay, path = _shifted_evaluation(monkeypatch, tmp_path)
    wb = load_workbook(path)
    wb["Setup"][lay.criteria_cell("Q1", "Weight")] = 35  # an officer's edit, read from where the layout says
    wb["Setup"][lay.criteria_cell("Q2", "Weight")] = 35
    wb["Setup"][lay.detail_cell("contract.estimated_value")] = 2_500_000
    wb.save(path)
    got = read_evaluation(path)
    assert [c.weight for c in got.tender.criteria[1].children][:2] == [35, 35]
    assert got.tender.contract.estimated_value == 2_500_000
    assert _norm(got.bids.bids) == _norm(BIDS)


@pytest.mark.slow
def test_shifted_evaluation_workbook_calculates_as_the_engine(monkeypatch, tmp_path, libreoffice):
    from svscore.excel.libreoffice import convert

    lay, path = _shifted_evaluation(monkeypatch, tmp_path)
    [recalculated] = convert([path], tmp_path / "lo")
    compare(recalculated, lay, BIDS, "shifted layout")
