"""``svscore award`` from a filled evaluation workbook and from a batch's results folder: the same
documents as the equivalent tender and bids file, gaps named where the officer fills them in, and
inputs that disagree or changed since refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from svscore.award.folder import AwardError
from svscore.model.bids import BidsFile
from svscore.model.loading import load_tender
from tests.award.conftest import read_docx
from tests.conftest import EXAMPLES, run_cli

AWARD_ONLY = ("postal_address", "email", "unique_identifier", "abnormally_low")
"""What a bid of a bids file gives beside an evaluation workbook: the workbook holds the rest."""


def _documents(folder: Path) -> dict[str, str]:
    """Each document's text (python-docx), and the award notice as JSON text."""
    out = {p.name: read_docx(p)[1] for p in sorted(folder.glob("*.docx"))}
    out["award.ocds.json"] = (folder / "award.ocds.json").read_text(encoding="utf-8")
    return out


def _workbook(tender_path: Path, bids: dict[str, Any], out: Path) -> Path:
    """The tender's evaluation workbook, filled with the bids as an officer fills it."""
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.layout import EvaluationLayout
    from svscore.excel.workbook import save
    from tests.excel.fill import fill_evaluation

    tender = load_tender(tender_path)
    model = BidsFile.model_validate(bids)
    lay = EvaluationLayout(tender, 0, 4, None)
    wb = build_evaluation(tender, 0, None, 4)
    fill_evaluation(wb, lay, list(model.bids))
    save(wb, out)
    return out


def _facts_only(bids: dict[str, Any]) -> dict[str, Any]:
    """The bids file an officer keeps beside the workbook: what the workbook does not hold."""
    facts = {k: v for k, v in bids.items() if k != "bids"}
    facts["bids"] = [{"bidder_id": b["bidder_id"], "bidder": b["bidder"], **{k: b[k] for k in AWARD_ONLY if k in b}}
                     for b in bids["bids"]]
    return facts


@pytest.fixture
def central(tmp_path: Path) -> dict[str, Any]:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "central-digital-marks.json", folder / "tender.json")
    bids = json.loads((EXAMPLES / "central-digital-marks-bids.json").read_text(encoding="utf-8"))
    (folder / "bids.json").write_text(json.dumps(bids), encoding="utf-8")
    workbook = _workbook(folder / "tender.json", bids, folder / "evaluation.xlsx")
    facts = folder / "facts.json"
    facts.write_text(json.dumps(_facts_only(bids)), encoding="utf-8")
    return {"folder": folder, "tender": folder / "tender.json", "bids": folder / "bids.json", "data": bids,
            "workbook": workbook, "facts": facts, "out": tmp_path}


def test_a_filled_evaluation_workbook_gives_the_documents_the_tender_and_bids_file_give(central):
    """The central government example built both ways: the workbook (its scores, justifications and
    moderation notes) with a bids file of the award's own facts, and the tender with its full bids
    file. Every document's text and the OCDS release are the same."""
    from svscore.api import award

    award(central["tender"], central["bids"], central["out"] / "from-json", ocid_prefix="ocds-h6vhtk")
    made = award(central["workbook"], central["facts"], central["out"] / "from-workbook", ocid_prefix="ocds-h6vhtk")
    assert not made.gaps
    want, got = _documents(central["out"] / "from-json"), _documents(central["out"] / "from-workbook")
    assert sorted(got) == sorted(want) and len(want) == 5
    for name in want:
        assert got[name] == want[name], name
    manifest = json.loads((central["out"] / "from-workbook" / "manifest.json").read_text(encoding="utf-8"))
    assert [i["name"] for i in manifest["inputs"]] == ["evaluation.xlsx", "facts.json"]


def test_gaps_in_a_workbook_are_named_by_its_sheet_and_cell(central):
    """A justification left blank in the workbook is named by the cell to fill in (before, every gap
    was a JSON path of a bids file the officer never saw); what the workbook does not hold at all is
    said to belong in a bids file beside it."""
    from svscore.api import award

    data = json.loads(json.dumps(central["data"]))
    data["bids"][1]["scores"][1]["justification"] = ""
    workbook = _workbook(central["tender"], data, central["folder"] / "gappy.xlsx")
    with pytest.raises(AwardError) as refused:
        award(workbook, None, central["out"] / "award", ocid_prefix="ocds-h6vhtk")
    said = str(refused.value)
    criterion = data["bids"][1]["scores"][1]["criterion"]
    from svscore.excel.layout import EvaluationLayout
    cell = EvaluationLayout(load_tender(central["tender"]), 0, 4, None).block_cell("justification", criterion, 1)
    assert f"the consensus score gave a score of 60 with no justification [gappy.xlsx › Scores!{cell}]" in said, said
    assert ("no contact postal address (the documents sent to the supplier give it) [not held by gappy.xlsx: give it in "
            "a bids file beside it (bids[].postal_address, for bidder id 01234567)]") in said
    from svscore.excel.governance import GovernanceLayout
    notice = GovernanceLayout().cell("award_dates", 0, "Contract award notice published on")
    assert f"[gappy.xlsx › Governance!{notice} (the Governance sheet's award dates)]" in said, said
    assert "the evaluation panel and its conflict of interest declarations are not recorded [gappy.xlsx › Governance!A" in said
    assert not (central["out"] / "award").exists()


def test_a_bids_file_that_disagrees_with_the_workbook_is_refused_naming_both(central):
    """Before, only a tender and bids file could be awarded; a bids file beside a workbook that gives
    another price or address must be said, not merged quietly."""
    from svscore.api import award

    facts = _facts_only(central["data"])
    facts["bids"][0]["price"] = 1
    facts["bids"][2]["scores"] = [{"criterion": "T1", "value": 100, "justification": "Best."}]
    central["facts"].write_text(json.dumps(facts), encoding="utf-8")
    with pytest.raises(AwardError) as refused:
        award(central["workbook"], central["facts"], central["out"] / "award", ocid_prefix="ocds-h6vhtk")
    said = str(refused.value)
    assert "evaluation.xlsx and facts.json give the same facts differently; nothing was written" in said
    assert "facts.json's price for Arden Digital Ltd is 1, evaluation.xlsx's is 780000" in said
    assert f"facts.json's scores or justifications for {central['data']['bids'][2]['bidder']} are not evaluation.xlsx's" in said
    assert not (central["out"] / "award").exists()


def test_the_command_awards_a_workbook_as_a_user_runs_it(central):
    r = run_cli("award", str(central["workbook"]), str(central["facts"]), "--out", str(central["out"] / "cli"),
                "--ocid-prefix", "ocds-h6vhtk")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Wrote the award folder" in r.stdout and (central["out"] / "cli" / "award-report.docx").is_file()


@pytest.fixture
def batch_folder(tmp_path: Path) -> dict[str, Any]:
    """Two returned bid workbooks and the evaluators' score sheets, scored by svscore batch."""
    from svscore.batch.demo import EVALUATORS
    from tests.batch.conftest import TENDER, two_good_returns

    given = two_good_returns(tmp_path)
    tender, returns, scores = given["tender"], given["returns"], given["scores"]
    r = run_cli("batch", str(tender), str(returns), "--scores", str(scores), "--out", str(tmp_path / "results"))
    assert r.returncode == 0, r.stdout + r.stderr
    facts = {"format_version": 2, "tender_reference": TENDER.reference, "notice_published": "2026-12-18",
             "contract_date": "2027-01-11", "bids": [],
             "panel": [{"name": e, "conflict": "none", "declared_on": "2026-04-20"} for e in EVALUATORS]}
    (tmp_path / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    return {"root": tmp_path, "tender": tender, "returns": returns, "scores": scores, "results": tmp_path / "results",
            "facts": tmp_path / "facts.json", "data": facts}


def _from_batch(f: dict[str, Any], out: str, facts: bool = True, **kw: Any):
    from svscore.api import award

    return award(f["results"], f["facts"] if facts else None, f["root"] / out, ocid_prefix="ocds-h6vhtk",
                 returns=f["returns"], scores=f["scores"], tender=f["tender"], illustrative_ok=True, **kw)


def test_a_batch_results_folder_gives_the_documents_the_tender_and_bids_file_give(batch_folder):
    """The batch's bids (the returned workbooks' prices, commitments and Cover contact details, the
    score sheets' scores and justifications) written as a bids file with the award's own facts, and
    awarded from the tender: the same documents, text for text, and the same OCDS release."""
    from svscore.api import award
    from svscore.batch.run import BatchOptions, run_batch

    f = batch_folder
    made = _from_batch(f, "from-batch")
    assert not made.gaps, [g.line() for g in made.gaps]
    run = run_batch(f["tender"], f["returns"], f["root"] / "again", scores_dir=f["scores"],
                    options=BatchOptions(jobs=1, keep_bids=True))
    assert all(b.postal_address and b.email for b in run.bids)  # from each Cover
    whole = {**f["data"], "bids": [_as_json(b) for b in run.bids]}
    (f["root"] / "whole.json").write_text(json.dumps(whole), encoding="utf-8")
    award(f["tender"], f["root"] / "whole.json", f["root"] / "from-json", ocid_prefix="ocds-h6vhtk", illustrative_ok=True)
    want, got = _documents(f["root"] / "from-json"), _documents(f["root"] / "from-batch")
    assert sorted(got) == sorted(want) and len(want) == 4
    for name in want:
        assert got[name] == want[name], name
    summary = next(t for n, t in got.items() if n.startswith("assessment-summary"))
    assert "1 High Street, Borchester" in summary and "bids@example.org" in summary
    for bid in run.bids:  # each summary gives the Cover's unique identifier, not the bidder id in its place
        text = next(t for n, t in got.items() if n.startswith("assessment-summary") and bid.bidder in t)
        assert f"PDEMO-{bid.bidder_id}" in text and "the bidder id given in the bid" not in text
    names = [i["name"] for i in json.loads((f["root"] / "from-batch" / "manifest.json").read_text(encoding="utf-8"))["inputs"]]
    assert "returns/good-" + run.bids[0].bidder_id + ".xlsx" in names and "scores/score-sheets.xlsx" in names


def _as_json(bid: Any) -> dict[str, Any]:
    """A bid the batch made, as a bids file gives it (the batch builds commitments and scores unvalidated)."""
    def num(v: Any) -> Any:
        return v if isinstance(v, str) else float(v)
    return {"bidder_id": bid.bidder_id, "bidder": bid.bidder, "sme": bid.sme, "vcse": bid.vcse, "price": num(bid.price),
            "postal_address": bid.postal_address, "email": bid.email, "unique_identifier": bid.unique_identifier,
            "commitments": [{"measure": c.measure, "quantity": num(c.quantity), "year": c.year} for c in bid.commitments],
            "scores": [{"criterion": s.criterion, "evaluator": s.evaluator, "value": num(s.value), "justification": s.justification}
                       for s in bid.scores]}


def test_a_batch_whose_inputs_changed_since_is_refused_saying_which(batch_folder):
    f = batch_folder
    changed = next(f["returns"].glob("*.xlsx"))
    changed.write_bytes(changed.read_bytes() + b"\0")
    with pytest.raises(AwardError) as refused:
        _from_batch(f, "award")
    assert "are not those its manifest records" in str(refused.value)
    assert f"{changed.name}: changed since the run (SHA-256 differs)" in str(refused.value)
    assert not (f["root"] / "award").exists()


def test_a_batch_that_read_score_sheets_needs_them(batch_folder):
    from svscore.api import award

    f = batch_folder
    with pytest.raises(AwardError, match="read score sheets: give their folder with --scores"):
        award(f["results"], None, f["root"] / "award", ocid_prefix="x", returns=f["returns"], tender=f["tender"])


def test_gaps_of_a_batch_award_say_where_they_are_filled_in(batch_folder):
    """Without a bids file beside it, the panel and the notice date are said to belong in one; none
    is named by a JSON path of a file the officer never saw."""
    with pytest.raises(AwardError) as refused:
        _from_batch(batch_folder, "award", facts=False)
    said = str(refused.value)
    assert "[not held by results/: give it in a bids file beside it ($.panel)]" in said
    assert "[not held by results/: give it in a bids file beside it ($.notice_published)]" in said
    assert "$.bids[" not in said


def test_a_bids_file_beside_a_batch_that_gives_another_email_is_refused_naming_both(batch_folder):
    from tests.batch.conftest import GOOD

    f = batch_folder
    data = {**f["data"], "bids": [{"bidder_id": GOOD[0].bidder_id, "bidder": GOOD[0].bidder, "email": "other@example.org"}]}
    f["facts"].write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AwardError) as refused:
        _from_batch(f, "award")
    assert (f"facts.json's email for {GOOD[0].bidder} is 'other@example.org', results/'s is 'bids@example.org'"
            in str(refused.value)), str(refused.value)


def test_the_command_awards_a_batch_folder_as_a_user_runs_it(batch_folder):
    f = batch_folder
    r = run_cli("award", str(f["results"]), str(f["facts"]), "--returns", str(f["returns"]), "--scores", str(f["scores"]),
                "--tender", str(f["tender"]), "--out", str(f["root"] / "cli"), "--ocid-prefix", "ocds-h6vhtk",
                "--illustrative-ok")
    assert r.returncode == 0, r.stdout + r.stderr
    missing = run_cli("award", str(f["results"]), "--out", str(f["root"] / "cli2"), "--ocid-prefix", "x")
    assert missing.returncode == 2 and "give the returns folder (--returns) and the tender (--tender)" in missing.stderr


def test_the_files_a_batch_rejected_are_gaps_of_its_award(batch_folder):
    """A returned workbook the batch could not score is not quietly left out of the award."""
    f = batch_folder
    (f["returns"] / "broken.xlsx").write_bytes(b"PK\3\4 not a workbook")
    r = run_cli("batch", str(f["tender"]), str(f["returns"]), "--scores", str(f["scores"]), "--out", str(f["results"]))
    assert r.returncode == 1, r.stdout + r.stderr
    with pytest.raises(AwardError) as refused:
        _from_batch(f, "award")
    assert ("The award: the returned workbook was rejected by the batch, so it is not in the award; resolve it and run the "
            "batch again: broken.xlsx: the file is damaged or not an Excel workbook") in str(refused.value)
    assert "[results/ results.json (returns/broken.xlsx)]" in str(refused.value)
    made = _from_batch(f, "draft", draft=True)
    assert any("broken.xlsx" in g.source for g in made.gaps) and (f["root"] / "draft" / "award-report.docx").is_file()


def test_a_return_excluded_as_late_is_not_a_gap(tmp_path):
    """svscore demo's folder: a late bid excluded by the deadline does not stop the award (before this
    was said, every excluded file was a gap, and no award could ever be written from such a batch)."""
    r = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert r.returncode == 0, r.stdout + r.stderr
    demo = tmp_path / "demo"
    r = run_cli("award", str(demo / "results"), "--returns", str(demo / "returns"), "--scores", str(demo / "scores"),
                "--tender", str(demo / "council-home-care.json"), "--out", str(tmp_path / "award"), "--ocid-prefix", "x",
                "--illustrative-ok", "--draft")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Fenwick" not in r.stderr and "Grange-Care-Services.xlsx: the file is damaged" in r.stderr


def test_a_batch_run_on_an_evaluation_workbook_names_its_cells(tmp_path):
    """The batch's scores came from the evaluation workbook given as its tender: a justification
    left blank there is named by the workbook's sheet and cell."""
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.layout import EvaluationLayout
    from svscore.excel.workbook import save
    from svscore.model.bids import Bid, Score
    from tests.batch.conftest import GOOD, MEASURES, TENDER, two_good_returns
    from tests.excel.fill import fill_evaluation

    f = two_good_returns(tmp_path)
    recorded = [Bid(bidder_id=b.bidder_id, bidder=b.bidder, sme=b.sme, vcse=b.vcse,
                    scores=tuple(Score(criterion=c, value=v[0], evaluator="Evaluator A", justification="" if i else f"{c} seen.")
                                 for c, v in b.scores.items()))
                for i, b in enumerate(GOOD[:2])]
    lay = EvaluationLayout(TENDER, 0, 4, MEASURES)
    wb = build_evaluation(TENDER, 0, MEASURES, 4)
    fill_evaluation(wb, lay, recorded)
    save(wb, tmp_path / "evaluation.xlsx")
    r = run_cli("batch", str(tmp_path / "evaluation.xlsx"), str(f["returns"]), "--out", str(tmp_path / "results"))
    assert r.returncode == 0, r.stdout + r.stderr
    from svscore.api import award
    with pytest.raises(AwardError) as refused:
        award(tmp_path / "results", None, tmp_path / "award", ocid_prefix="x", returns=f["returns"],
              tender=tmp_path / "evaluation.xlsx", illustrative_ok=True)
    said = str(refused.value)
    scale = next(c for c, v in GOOD[1].scores.items() if not isinstance(v[0], str) and c in lay.scaled_score_ids)
    cell = lay.block_cell("evaluator_justification", scale, 1, 0)
    assert f"Evaluator A gave a score of {GOOD[1].scores[scale][0]} with no justification [evaluation.xlsx › Scores!{cell}]" in said, said
    assert "Governance!A" in said  # the panel belongs on the workbook's Governance sheet
    from svscore.excel.governance import GovernanceLayout
    notice = GovernanceLayout().cell("award_dates", 0, "Contract award notice published on")
    assert f"no publication date of the contract award notice (the day standstill letters are sent, under PCR 2015): the " \
           f"standstill period cannot be worked out [evaluation.xlsx › Governance!{notice} (the Governance sheet's award dates)]" in said


@pytest.mark.parametrize("options, said", [
    (["--returns", "r", "--tender", "t.json"], "--returns, --tender belong with a batch's results folder as SOURCE"),
    (["--measures", "m.json"], "an evaluation workbook carries its own measures table: --measures is not used with it"),
])
def test_options_that_do_not_apply_to_a_workbook_are_refused_not_ignored(central, options, said):
    """Before, a workbook's award ignored --measures, --returns, --scores and --tender without a
    word (a --measures naming no file at all was accepted, exit 0)."""
    r = run_cli("award", str(central["workbook"]), str(central["facts"]), "--out", str(central["out"] / "cli"),
                "--ocid-prefix", "ocds-h6vhtk", *options)
    assert r.returncode == 2, r.stdout + r.stderr
    assert said in " ".join(r.stderr.split()) and not (central["out"] / "cli").exists()


def test_the_same_panel_in_another_order_agrees():
    """A bids file listing the Governance sheet's panel in another order gives the same panel (it
    was refused as a disagreement: the lists were compared in order); a member more does not."""
    from svscore.award.sources import _members
    from svscore.model.bids import PanelMember

    a, b = (PanelMember.model_validate({"name": n, "conflict": "none", "declared_on": "2026-04-20"}) for n in ("B", "A"))
    assert _members([a, b]) == _members([b, a]) and _members([a]) != _members([a, b])


def test_an_abnormally_low_decision_for_a_bidder_the_batch_did_not_score_is_a_gap(tmp_path):
    """The Governance sheet records a s.19(4) decision for a bidder whose returned workbook is not
    among the batch's: before, the decision was dropped without a word."""
    import datetime as dt

    from openpyxl import load_workbook

    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.governance import SHEET, GovernanceLayout
    from svscore.excel.layout import EvaluationLayout
    from svscore.excel.workbook import save
    from svscore.model.bids import Bid, Score
    from tests.batch.conftest import GOOD, MEASURES, TENDER, two_good_returns

    f = two_good_returns(tmp_path)  # returns from the first two bidders only
    recorded = [Bid(bidder_id=b.bidder_id, bidder=b.bidder, sme=b.sme, vcse=b.vcse,
                    scores=tuple(Score(criterion=c, value=v[0], evaluator="Evaluator A", justification=f"{c} seen.")
                                 for c, v in b.scores.items()))
                for b in GOOD[:3]]
    lay = EvaluationLayout(TENDER, 0, 4, MEASURES)
    wb = build_evaluation(TENDER, 0, MEASURES, 4)
    from tests.excel.fill import fill_evaluation
    fill_evaluation(wb, lay, recorded)
    save(wb, tmp_path / "evaluation.xlsx")
    g = GovernanceLayout()
    wb = load_workbook(tmp_path / "evaluation.xlsx")
    for column, v in (("Bidder", GOOD[2].bidder), ("Supplier notified and asked to explain on", dt.date(2026, 11, 2)),
                      ("Its response", "No costings were sent."), ("Decision", "rejected"),
                      ("Reason", "It did not show it can pay the staff."), ("Decided on", dt.date(2026, 11, 16))):
        wb[SHEET][g.cell("abnormally_low", 0, column)] = v
    wb.save(tmp_path / "evaluation.xlsx")
    r = run_cli("batch", str(tmp_path / "evaluation.xlsx"), str(f["returns"]), "--out", str(tmp_path / "results"))
    assert r.returncode == 0, r.stdout + r.stderr
    from svscore.api import award
    made = award(tmp_path / "results", None, tmp_path / "award", ocid_prefix="x", returns=f["returns"],
                 tender=tmp_path / "evaluation.xlsx", illustrative_ok=True, draft=True)
    lost = [gap for gap in made.gaps if "abnormally low" in gap.message]
    assert [(gap.bidder, gap.source) for gap in lost] == [
        (GOOD[2].bidder, f"evaluation.xlsx › Governance!{g.cell('abnormally_low', 0, 'Bidder')}")], made.gaps
    assert "not among the bids the batch scored" in lost[0].message
