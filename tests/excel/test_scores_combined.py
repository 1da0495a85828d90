"""Evaluators' own scores on the Scores sheet, combined by the tender's rule (mean or median) with
native formulas, recalculated by LibreOffice and by Gnumeric: each combined score, each spread
flag and every Results figure is the engine's."""

from __future__ import annotations

from fractions import Fraction

import pytest
from openpyxl import load_workbook

from svscore.excel import gnumeric as gnumeric_program
from svscore.excel import libreoffice as libreoffice_program
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.excel.workbook import save
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring import aggregate
from svscore.scoring.engine import score_tender
from tests.conftest import EXAMPLES
from tests.excel.fill import fill_evaluation
from tests.excel.test_formulas_agree import TOL, compare, consensus

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
_GIVEN = list(load_bids(EXAMPLES / "council-home-care-bids.json").bids)
# the commitments year by year, as the workbook holds them, the evaluators' own scores as given
BIDS = [c.model_copy(update={"scores": b.scores}) for b, c in zip(_GIVEN, consensus(_GIVEN), strict=True)]


def _cases():
    out = []
    for rule in ("mean", "median"):
        # a spread of 1 flags most of the example's criteria, so both answers are seen
        for spread in (1, 2):
            tender = HOME.revised(evaluation=HOME.evaluation.revised(aggregation=rule, moderation_spread=spread))
            out.append((f"{rule}-{spread}", tender))
    return out


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    src = tmp_path_factory.mktemp("combined")
    jobs = []
    for name, tender in _cases():
        lay = EvaluationLayout(tender, 0, len(BIDS), MEASURES)
        wb = build_evaluation(tender, 0, MEASURES, lay.slots)
        fill_evaluation(wb, lay, BIDS)
        path = src / f"{name}.xlsx"
        save(wb, path)
        jobs.append((name, path, lay))
    return jobs


@pytest.fixture(scope="module", params=["libreoffice", "gnumeric"])
def recalculated(request, filled, tmp_path_factory, libreoffice):
    if request.param == "gnumeric":
        request.getfixturevalue("gnumeric")
    convert = libreoffice_program.convert if request.param == "libreoffice" else gnumeric_program.convert
    out = convert([p for _, p, _ in filled], tmp_path_factory.mktemp(f"combined-{request.param}"))
    return [(name, o, lay) for (name, _, lay), o in zip(filled, out, strict=True)]


def test_combined_scores_and_spread_flags_are_the_engines(recalculated):
    flagged_somewhere = unflagged_somewhere = missing_seen = False
    for name, path, lay in recalculated:
        result = score_tender(lay.tender, BIDS, MEASURES).lots[0]
        engine = {b.bidder_id: b for b in result.bids}
        scores = load_workbook(path, data_only=True)["Scores"]
        for i, bid in enumerate(BIDS):
            flags = [f.message for f in engine[bid.bidder_id].flags if f.code == "moderation"]
            for cid in lay.scaled_score_ids:
                own = [Fraction(s.value) for s in bid.scores if s.criterion == cid and s.evaluator]  # type: ignore[arg-type]
                got = scores[lay.score_cell(cid, i)].value
                panel = {s.evaluator for b in BIDS for s in b.scores if s.criterion == cid and s.evaluator}
                if len(own) < len(panel):  # Eden's Q3: combined from those given, and the bid incomplete (compare)
                    assert engine[bid.bidder_id].status.value == "incomplete"
                    missing_seen = True
                want = aggregate.combine(lay.tender.evaluation.aggregation, own)
                assert got is not None and abs(got - float(want)) <= TOL, f"{name} {bid.bidder} {cid}: {got} != {float(want)}"
                shown = str(scores[lay.block_cell("spread", cid, i)].value)
                engine_flags = any(m.startswith(f"{cid} (") for m in flags)
                assert shown.startswith("MODERATE") == engine_flags, f"{name} {bid.bidder} {cid}: {shown!r}, engine {flags}"
                flagged_somewhere |= engine_flags
                unflagged_somewhere |= not engine_flags
        compare(path, lay, BIDS, name)
    assert flagged_somewhere and unflagged_somewhere and missing_seen


def test_a_score_off_the_scale_by_one_evaluator_makes_the_bid_invalid(tmp_path, libreoffice):
    lay = EvaluationLayout(HOME, 0, len(BIDS), MEASURES)
    wb = build_evaluation(HOME, 0, MEASURES, lay.slots)
    fill_evaluation(wb, lay, BIDS)
    wb["Scores"][lay.block_cell("evaluator", "Q1", 0, 1)] = 7  # the scale is 0-5
    path = tmp_path / "off-scale.xlsx"
    save(wb, path)
    out = libreoffice_program.convert([path], tmp_path / "out")[0]
    results = load_workbook(out, data_only=True)["Results"]
    assert results.cell(lay.bidder_row(0), lay.rcol("_invalid")).value >= 1
    assert results.cell(lay.bidder_row(1), lay.rcol("_invalid")).value == 0
