"""Justifications and moderation notes travel: typed beside each score in the evaluation workbook,
read back by `svscore template read` into the bids file, and from there into the results."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from svscore.errors import WorkbookError
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.excel.libreoffice import convert
from svscore.excel.read import read_evaluation
from svscore.excel.workbook import save
from svscore.model.bids import Score
from svscore.model.loading import load_bids, load_measures, load_tender
from tests.conftest import EXAMPLES, run_cli
from tests.excel.fill import fill_evaluation
from tests.excel.test_formulas_agree import consensus

HOME = load_tender(EXAMPLES / "council-home-care.json")  # mean of evaluators' own scores
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
_GIVEN = list(load_bids(EXAMPLES / "council-home-care-bids.json").bids)
HOME_BIDS = [c.model_copy(update={"scores": b.scores}) for b, c in zip(_GIVEN, consensus(_GIVEN), strict=True)]
CENTRAL = load_tender(EXAMPLES / "central-digital-marks.json")  # consensus
CENTRAL_BIDS = list(load_bids(EXAMPLES / "central-digital-marks-bids.json").bids)


def _scores(bids):
    return {b.bidder_id: sorted((s.criterion, s.evaluator or "", str(s.value), s.justification, s.moderation_note)
                                for s in b.scores) for b in bids}


def _filled(tmp_path, tender, measures, bids, name="filled.xlsx"):
    lay = EvaluationLayout(tender, 0, len(bids), measures)
    wb = build_evaluation(tender, 0, measures, lay.slots)
    fill_evaluation(wb, lay, bids)
    path = tmp_path / name
    save(wb, path)
    return path, lay


def test_evaluators_own_scores_and_justifications_read_back_under_mean(tmp_path):
    path, _ = _filled(tmp_path, HOME, MEASURES, HOME_BIDS)
    got = read_evaluation(path)
    assert _scores(got.bids.bids) == _scores(HOME_BIDS)
    assert any(s.justification and s.evaluator == "Evaluator A" for b in got.bids.bids for s in b.scores)


def test_consensus_justifications_and_moderation_notes_read_back_after_libreoffice(tmp_path, libreoffice):
    bids = [b.model_copy(update={"scores": tuple(s.model_copy(update={"moderation_note": f"Agreed at moderation on {s.criterion}."})
                                                 for s in b.scores)}) for b in CENTRAL_BIDS]
    path, _ = _filled(tmp_path, CENTRAL, None, bids)
    [saved] = convert([path], tmp_path / "lo")
    got = read_evaluation(saved)
    assert _scores(got.bids.bids) == _scores(bids)
    assert all(s.moderation_note and s.justification for b in got.bids.bids for s in b.scores)


def test_two_evaluators_of_one_name_are_refused_with_the_cell(tmp_path):
    path, lay = _filled(tmp_path, HOME, MEASURES, HOME_BIDS)
    wb = load_workbook(path)
    wb["Scores"][lay.evaluator_name_cell(1)] = "Evaluator A"
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_evaluation(path)
    assert any(f"Scores!{lay.evaluator_name_cell(1)}: the evaluator's name 'Evaluator A' is given to two blocks" in str(p)
               for p in info.value.problems)


def test_template_read_carries_justifications_into_the_bids_file_and_the_results(tmp_path):
    path, _ = _filled(tmp_path, HOME, MEASURES, HOME_BIDS)
    r = run_cli("template", "read", str(path), "--tender-out", str(tmp_path / "t.json"), "--bids-out", str(tmp_path / "b.json"))
    assert r.returncode == 0, r.stderr
    written = json.loads((tmp_path / "b.json").read_text())
    first = HOME_BIDS[0]
    said = {(s["criterion"], s.get("evaluator")): s.get("justification", "") for s in written["bids"][0]["scores"]}
    for s in first.scores:
        assert said[(s.criterion, s.evaluator)] == s.justification
    r = run_cli("score", str(tmp_path / "t.json"), str(tmp_path / "b.json"), "--measures", str(EXAMPLES / "measures-illustrative.json"),
                "--format", "json")
    assert r.returncode == 0, r.stderr
    result = next(b for b in json.loads(r.stdout)["lots"][0]["bids"] if b["bidder_id"] == first.bidder_id)
    q1 = next(s for s in first.scores if s.criterion == "Q1" and s.justification)
    assert isinstance(q1, Score)
    found = json.dumps(result)
    assert q1.justification in found
