"""The layouts are the one place cell positions live: each method names the cell the builder
wrote, and a workbook built with every first row and column moved still reads back through the
same layout (a reader or builder with a position of its own would read the wrong cell)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from svscore.excel.bid_return import DECLARATIONS, PRICING_COLUMNS, BidReturnLayout, build_bid_return
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import BIDDER_FIELDS, CRITERIA_COLUMNS, EvaluationLayout
from svscore.excel.read import read_evaluation
from svscore.excel.score_sheets import ScoreSheetLayout, build_score_sheets, score_sheet_layout
from svscore.excel.workbook import save, to_bytes
from svscore.model.loading import load_bids, load_measures, load_tender
from tests.conftest import EXAMPLES
from tests.excel.fill import fill_evaluation
from tests.excel.test_formulas_agree import compare, consensus

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
BIDS = consensus(list(load_bids(EXAMPLES / "council-home-care-bids.json").bids))

SHIFTED_EVALUATION = {"DETAILS_ROW": 6, "DETAILS_COL": 5, "CRITERIA_FIRST_COL": 3, "BIDDERS_FIRST_COL": 3, "FIRST_BIDDER_ROW": 5, "PRICE_COL": 4, "FIRST_SCORE_ROW": 6,
                      "FIRST_SCORE_COL": 8, "FIRST_SV_ROW": 5, "FIRST_SV_COL": 7, "FIRST_SCALE_COL": 4, "LIST_FIRST_ROW": 4}
SHIFTED_BID_RETURN = {"COVER_ROW": 7, "PRICING_FIRST": 9, "PRICING_FIRST_COL": 3, "SV_FIRST": 8, "QUALITY_FIRST": 6, "DECL_FIRST": 7,
                      "SV_FIRST_YEAR_COL": 6, "RESPONSE_COL": 6, "ANSWER_COL": 3}
SHIFTED_SCORE_SHEETS = {"FIRST_ROW": 7, "FIRST_SCORE_COL": 6, "FIRST_BIDDER_ROW": 6, "BIDDER_ID_COL": 3, "BIDDER_NAME_COL": 5,
                        "LIST_FIRST_ROW": 4}


def shift(monkeypatch, cls: type, moves: dict[str, int]) -> None:
    """Move a layout's first rows and columns, for the builder and the reader alike."""
    for name, value in moves.items():
        assert getattr(cls, name) != value, f"{cls.__name__}.{name} is not moved"
        monkeypatch.setattr(cls, name, value)


def reopen(wb):
    return load_workbook(io.BytesIO(to_bytes(wb)))


# --- each method names the cell the builder wrote

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
    assert lay.sv_qty_cell(0, 1) == "F3" and lay.sv_deliv_cell(0, 0) == f"E{lay.sv_deliv_row(0)}"
    assert wb["Social Value"][lay.sv_deliv_cell(0, 0)].value == 100
    assert wb["Social Value"][lay.sv_total_cell(0)].value.startswith(f"=SUMPRODUCT({lay.sv_proxy_range},{lay.sv_qty_range(0)},")
    assert wb["Social Value"].cell(lay.sv_qty_row(0), lay.sv_proxy_col).value == float(MEASURES.measures[0].proxy_value)
    assert lay.results_range("Total") == f"Results!${wb['Results'].cell(1, lay.rcol('Total')).column_letter}$3:" \
                                         f"${wb['Results'].cell(1, lay.rcol('Total')).column_letter}$6"


def test_bid_return_layout_positions():
    lay = BidReturnLayout(HOME, 0, MEASURES)
    ws = reopen(build_bid_return(HOME, 0, MEASURES))
    pricing = ws["Pricing"]
    assert [pricing.cell(lay.PRICING_FIRST - 1, lay.pricing_col(n)).value for n in PRICING_COLUMNS] == list(PRICING_COLUMNS)
    for i, line in enumerate(lay.lines):
        assert (lay.quantity_cell(i), lay.rate_cell(i), lay.line_total_cell(i)) == tuple(f"{c}{5 + i}" for c in "DEF")
        assert pricing[lay.line_total_cell(i)].value == f'=IF({lay.rate_cell(i)}="","",{lay.quantity_cell(i)}*{lay.rate_cell(i)})'
        assert Decimal(str(pricing[lay.quantity_cell(i)].value)) == line.quantity
    assert pricing[lay.total_price_cell].value == f"=SUM({lay.line_total_cell(0)}:{lay.line_total_cell(len(lay.lines) - 1)})"
    assert ws["Cover"][lay.cover_cell("bidder")].protection.locked is False
    sv = ws["Social Value"]
    n = len(MEASURES.measures)
    assert sv[lay.sv_value_cell(n)].value == f"=SUM({lay.sv_value_cell(0)}:{lay.sv_value_cell(n - 1)})"
    assert lay.qty_cell(0, 0) == "E5" and lay.sv_value_cell(0) == f"{sv.cell(1, 5 + lay.years).column_letter}5"
    decl = ws["Declarations"]
    assert len(lay.declaration_cells) == len(DECLARATIONS)
    assert [decl.cell(decl[c].row, 1).value for c in lay.declaration_cells] == list(DECLARATIONS)
    assert [decl.cell(r, 1).value for r in lay.signed_by_rows] == ["Signed by (name) *", "Position *", "Date *"]
    assert lay.signed_by_cells == tuple(f"B{r}" for r in lay.signed_by_rows)
    assert ws["Quality"][lay.response_cell(0)].protection.locked is False


def test_score_sheet_layout_positions():
    evaluators = ("Ann", "Bob")
    lay = score_sheet_layout(HOME, 0, MEASURES, 3, evaluators)
    wb = reopen(build_score_sheets(HOME, 0, MEASURES, 3, evaluators))
    cid = next(iter(lay.rows))
    assert lay.score_cell(cid, 1) == f"F{lay.rows[cid]}" and lay.justification_cell(cid, 1) == f"G{lay.rows[cid]}"
    assert wb["Ann"].cell(lay.rows[cid], 1).value == cid
    assert wb["Ann"][lay.score_cell(cid, 0)].protection.locked is False
    assert wb["Ann"].cell(lay.header_row, lay.score_col(0)).value == f'=IF({lay.bidder_name_ref(0)}="","Bidder 1",{lay.bidder_name_ref(0)})&": score"'
    assert lay.bidder_name_ref(2) == "Bidders!$B$5"
    assert wb["Bidders"].cell(lay.bidder_row(2), lay.BIDDER_NAME_COL).protection.locked is False
    scale = HOME.scales[0]
    assert lay.scale_range(0, len(scale.allowed())) == f"Lists!$A$2:$A${1 + len(scale.allowed())}"
    assert wb["Lists"].cell(lay.LIST_FIRST_ROW - 1, lay.scale_col(0)).value == scale.id


# --- a workbook with every position moved reads back through the same layout

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


def test_shifted_bid_return_reads_back(monkeypatch, tmp_path):
    from svscore.batch.demo import demo_bids, fill_bid_return
    from svscore.batch.inspect import inspect_file
    from svscore.batch.spec import Limits, lot_specs
    from svscore.excel import bid_return

    shift(monkeypatch, BidReturnLayout, SHIFTED_BID_RETURN)
    monkeypatch.setattr(bid_return, "DECLARATIONS", (*DECLARATIONS, "We will keep this bid open for 90 days."))
    bid = demo_bids()[0]
    path = tmp_path / "bid.xlsx"
    path.write_bytes(fill_bid_return(HOME, 0, MEASURES, bid))
    lay = BidReturnLayout(HOME, 0, MEASURES)
    shown = load_workbook(path, data_only=True)  # the values the demo saved as Excel would calculate them
    for i, (line, rate) in enumerate(zip(lay.lines, bid.rates, strict=True)):
        assert shown["Pricing"][lay.line_total_cell(i)].value == float(line.quantity) * rate
    assert shown["Declarations"][lay.declaration_cells[-1]].value == "Yes"
    got = inspect_file(path, "bid.xlsx", {1: lot_specs(HOME, MEASURES)}, Limits())
    assert [p for p in got.problems if p[0] != "note"] == []
    assert got.ok
    assert (got.bid["bidder"], got.bid["bidder_id"], got.bid["sme"]) == (bid.bidder, bid.bidder_id, bid.sme)
    assert Decimal(str(got.bid["price"])) == sum((line.quantity * Decimal(str(r)) for line, r in zip(lay.lines, bid.rates, strict=True)),
                                                 Decimal(0))
    committed = sorted((c["measure"], c["year"], c["quantity"]) for c in got.bid["commitments"])
    assert committed == sorted((m, y, Decimal(str(q))) for m, qs in bid.quantities.items() for y, q in enumerate(qs, start=1) if q)
    assert got.bid["contact"] == "Bid Manager"
    spec = lot_specs(HOME, MEASURES)[HOME.all_lots()[0].id]
    assert len(spec.declarations) == 5
    formulas = load_workbook(path)["Pricing"]
    for i, (_line, _qty, rate_at, total_at) in enumerate(spec.lines):  # what the read specification says each line's cells are
        assert formulas[total_at].value == f'=IF({rate_at}="","",{lay.quantity_cell(i)}*{rate_at})'


def test_shifted_score_sheets_read_back(monkeypatch, tmp_path):
    from svscore.batch.demo import EVALUATORS, demo_bids, fill_score_sheets
    from svscore.batch.scores import read_score_folder

    shift(monkeypatch, ScoreSheetLayout, SHIFTED_SCORE_SHEETS)
    bids = demo_bids()[:3]
    (tmp_path / "scores.xlsx").write_bytes(fill_score_sheets(HOME, 0, MEASURES, bids, EVALUATORS))
    book = read_score_folder(tmp_path, HOME, 0, MEASURES)
    assert book.problems == []
    assert sorted(book.names.values()) == sorted(b.bidder for b in bids)  # each bidder's name read where it was written
    for b in bids:
        got = sorted((s.criterion, s.evaluator, str(s.value)) for s in book.for_bid(b.bidder_id, "", HOME.all_lots()[0].id))
        want = sorted((cid, e, str(v)) for cid, vs in b.scores.items() for e, v in zip(EVALUATORS, vs, strict=True))
        assert got == want, b.bidder
