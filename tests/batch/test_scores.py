"""Evaluators' scores matched to the returned bids, and score sheets that cannot be used."""
from __future__ import annotations

import io
import json
import shutil

from openpyxl import load_workbook

from tests.batch.conftest import (
    GOOD,
    MEASURES,
    TENDER,
    _two_bids,
)
from tests.conftest import run_cli


def test_a_score_without_justification_is_not_used(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    scores = tmp_path / "scores"
    scores.mkdir()
    wb = load_workbook(folder["scores"] / "score-sheets.xlsx")
    wb["Evaluator B"]["E4"].value = None  # Evaluator B's justification for bidder 1 on Q1
    wb.save(scores / "score-sheets.xlsx")
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(scores), "--out", str(tmp_path / "o"))
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    problem = next(p for p in doc["problems"] if p["location"] == "score-sheets.xlsx › Evaluator B!E4")
    assert problem["message"] == "Evaluator B's score for Northfield Care Ltd on Q1 has no justification: the score is not used"
    northfield = next(b for b in doc["lots"][0]["bids"] if b["bidder"] == "Northfield Care Ltd")
    assert northfield["status"] == "incomplete"
    assert northfield["reasons"] == ["Missing: Q1 (Service delivery and mobilisation) scores from Evaluator B."]


def test_bidders_are_matched_without_case_or_punctuation_in_any_script():
    from svscore.batch.scores import bidder_key
    assert bidder_key("Acme Care Ltd.") == bidder_key("ACME  CARE LTD") == bidder_key("acme-care ltd")
    assert bidder_key("CE 012345") == bidder_key("ce012345")
    assert bidder_key("Gofal Cymru Cyf") != bidder_key("Gofal Cymru")
    # Before, every letter outside A-Z was dropped: a name in another script, or of symbols, had an
    # empty key, so two such bidders were taken for one (both excluded as duplicates).
    keys = [bidder_key(n) for n in ("Ωmega Ltd", "株式会社テスト", "Café Ltd", "Cafe Ltd", "😀", "🙂")]
    assert len(set(keys)) == len(keys) and all(keys)
    # A company number typed into a cell formatted as a number loses its leading zero.
    assert bidder_key("04567890") == bidder_key("4567890") == bidder_key("0456 7890")
    assert bidder_key("04567890") != bidder_key("45678900") and bidder_key("000") == bidder_key("0")


def test_a_company_number_that_lost_its_leading_zero_still_finds_its_scores(folder, tmp_path):
    """The template's Cover answers are formatted as Text, but a bidder may paste a number over the
    format. The evaluators wrote 04567890; the returned workbook holds the number 4567890."""
    from tests.batch.conftest import edit
    returns = tmp_path / "returns"
    returns.mkdir()
    castle = next(b for b in GOOD if b.bidder_id == "04567890")
    from svscore.batch.demo import fill_bid_return
    from tests.batch.conftest import LAYOUT
    cell = LAYOUT.cover_cell("bidder_id")
    (returns / "castle.xlsx").write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, castle),
                                               lambda wb: setattr(wb["Cover"][cell], "value", 4567890)))
    out = tmp_path / "out"
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(out))
    doc = json.loads((out / "results.json").read_text())
    [bid] = doc["lots"][0]["bids"]
    assert bid["bidder_id"] == "4567890" and bid["status"] == "ranked", r.stdout + r.stderr


def test_score_sheets_that_cannot_be_used_say_why(folder, tmp_path):
    """Councils' IT may encrypt files; an evaluator may drop a bid return among the score sheets."""

    from msoffcrypto.format.ooxml import OOXMLFile

    scores = tmp_path / "scores"
    scores.mkdir()
    sheet = (folder["scores"] / "score-sheets.xlsx").read_bytes()
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(sheet)).encrypt("secret", locked)
    (scores / "locked.xlsx").write_bytes(locked.getvalue())
    (scores / "empty.xlsx").write_bytes(b"")
    (scores / "cut.xlsx").write_bytes(sheet[:2000])
    (scores / "bomb.xlsx").write_bytes((folder["returns"] / "zip-bomb.xlsx").read_bytes())  # checked as returned bids are
    shutil.copy(folder["returns"] / "good-09876543.xlsx", scores / "a-bid.xlsx")
    with (scores / "huge.xlsx").open("wb") as fh:  # sparse; the parent reads no more of it than the limit
        fh.truncate(200 * 1024 * 1024)
    out = tmp_path / "out"
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(scores), "--out", str(out))
    assert r.returncode == 1
    problems = {p["location"]: p["message"] for p in json.loads((out / "results.json").read_text())["problems"] if p["location"] not in ("scores", "measures")}
    bomb = problems.pop("bomb.xlsx")  # the ratio depends on the zlib that made the file
    assert bomb.startswith("not read: part xl/worksheets/sheet1.xml is compressed ") and bomb.endswith(":1: not opened (possible zip bomb)")
    assert problems == {
        "locked.xlsx": "not read: the workbook is password-protected (encrypted): save a copy without a password",
        "empty.xlsx": "not read: the file is empty (0 bytes): it may not have finished downloading or copying; copy it again",
        "cut.xlsx": "not read: the file is damaged or not an Excel workbook (it is not a valid .xlsx zip package)",
        "a-bid.xlsx": "not a score sheets workbook: this is a bid return workbook (bidders fill it in; it belongs in the "
                      "returns folder)",
        "huge.xlsx": "not read: the file is larger than the 25 MB allowed for a workbook: not opened",
    }


def test_scores_read_from_score_sheets_are_the_validated_models_and_copy_apart(folder):
    # Scores are built without a second validation and share one set of the fields given (memory
    # of a batch of thousands): each must equal the validated model, and a copy must not change
    # what the others say was given.
    from svscore.batch.scores import read_score_folder
    from svscore.model.bids import Score

    book = read_score_folder(folder["scores"], TENDER, MEASURES)
    scores = [s for key in book.scores for s in book.for_bid(key.split("|", 1)[1], "", key.split("|", 1)[0])]
    assert len(scores) > 10 and all(type(s) is Score for s in scores)
    for s in scores:
        assert s == Score(criterion=s.criterion, evaluator=s.evaluator, value=s.value, justification=s.justification)
        assert s.model_fields_set == {"criterion", "evaluator", "value", "justification"}
    copied = scores[0].model_copy(update={"moderation_note": "agreed at moderation"})
    assert copied.model_fields_set == {"criterion", "evaluator", "value", "justification", "moderation_note"}
    assert all(s.model_fields_set == {"criterion", "evaluator", "value", "justification"} for s in scores)


def test_score_sheets_scores_are_held_as_plain_tuples_until_a_bid_uses_them(folder):
    # A batch holds every score from the time the score sheets are read until its last bid arrives:
    # as tuples (about a quarter of a model's memory); each bid is given models of its own.
    from svscore.batch.scores import read_score_folder
    from svscore.excel.read_score_sheets import SheetScore
    from svscore.model.bids import Score

    book = read_score_folder(folder["scores"], TENDER, MEASURES)
    held = [s for listed in book.scores.values() for s in listed]
    assert held and all(type(s) is SheetScore for s in held)
    key = next(iter(book.scores))
    lot, who = key.split("|", 1)
    first, again = book.for_bid(who, "", lot), book.for_bid(who, "", lot)
    assert first == again and all(type(s) is Score for s in first) and not any(a is b for a, b in zip(first, again, strict=True))
    assert [(s.criterion, s.evaluator, s.value, s.justification) for s in first] == [tuple(s) for s in book.scores[key]]


def test_a_book_that_let_go_of_its_scores_says_so_when_asked_again(folder):
    # A batch lets go of the scores once every bid is made; an empty answer afterwards would read as
    # "this bidder was given no scores", so the book refuses to answer instead.
    import pytest

    from svscore.batch.scores import read_score_folder, unused_warning

    book = read_score_folder(folder["scores"], TENDER, MEASURES)
    lot, who = next(iter(book.scores)).split("|", 1)
    assert book.for_bid(who, "", lot)
    book_score = book.scores[f"{lot}|{who}"][0]
    book.let_go_of_scores()
    assert book.scores == {} and book.names  # the names stay
    for ask in (lambda: book.for_bid(who, "", lot), lambda: book.name_disagrees(who, "", lot),
                lambda: book.matched_keys([(who, "", lot)]), lambda: unused_warning(book, set()),
                lambda: book.name_disagrees("", who, lot), lambda: book.add((who, ""), book_score, lot)):
        with pytest.raises(RuntimeError, match="let go"):
            ask()


def _scores_with_a_damaged_file(folder, tmp_path):
    scores = tmp_path / "scores"
    scores.mkdir()
    wb = load_workbook(folder["scores"] / "score-sheets.xlsx")
    wb["Evaluator B"]["E4"].value = None  # a problem with its place, to compare
    wb.save(scores / "score-sheets.xlsx")
    (scores / "damaged.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return scores


def _said(book):
    return ({k: [tuple(s) for s in v] for k, v in book.scores.items()}, book.names,
            [(p.place, p.message, p.severity) for p in book.problems], book.files)


def test_score_sheets_are_parsed_in_a_process_of_their_own_where_fork_is_available(folder, tmp_path, monkeypatch):
    # Every cell of a score sheets workbook is a Python value while it is read: read in a forked
    # process, they never add to the batch's memory, only the scores and problems come back.
    import os

    import pytest

    import svscore.batch.scores as scores_module

    if not hasattr(os, "fork"):
        pytest.skip("no fork here: the score sheets are read in this process")
    scores = _scores_with_a_damaged_file(folder, tmp_path)
    pids = tmp_path / "pids"
    real = scores_module.load_values

    def load_values(*args, **kwargs):
        with pids.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(scores_module, "load_values", load_values)
    book = scores_module.read_score_folder(scores, TENDER, MEASURES)
    read_in = pids.read_text().split()
    assert read_in and str(os.getpid()) not in read_in
    assert book.scores and any(p.message.startswith("Evaluator B's score") for p in book.problems)
    assert any(p.place.file == "damaged.xlsx" and p.message.startswith("not read: ") for p in book.problems)


def test_score_sheets_read_without_fork_give_the_same_scores_and_problems(folder, tmp_path, monkeypatch):
    # Windows has no fork, and a process may fail to start: the workbooks are then read here.
    import os

    from svscore.batch.scores import read_score_folder

    scores = _scores_with_a_damaged_file(folder, tmp_path)
    forked = read_score_folder(scores, TENDER, MEASURES)
    if hasattr(os, "fork"):
        monkeypatch.delattr(os, "fork")
    here = read_score_folder(scores, TENDER, MEASURES)
    assert _said(here) == _said(forked)
    assert forked.scores and len(forked.problems) == 2


def test_a_score_sheets_process_that_fails_is_read_again_here(folder, tmp_path, monkeypatch):
    # A forked process that dies gives no bytes: the workbook is read here, with the same result.
    import os

    import pytest

    import svscore.batch.scores as scores_module

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    scores = _scores_with_a_damaged_file(folder, tmp_path)
    expected = scores_module.read_score_folder(scores, TENDER, MEASURES)
    parent, real = os.getpid(), scores_module._read_one

    def dies_in_the_child(*args):
        if os.getpid() != parent:
            os._exit(3)
        return real(*args)

    monkeypatch.setattr(scores_module, "_read_one", dies_in_the_child)
    assert _said(scores_module.read_score_folder(scores, TENDER, MEASURES)) == _said(expected)


def test_a_score_sheets_process_that_crashes_is_reported_not_read_again_here(folder, tmp_path, monkeypatch):
    # Killed by a signal (a crash in the reader, memory run out): reading the same file here could
    # take the whole batch down, so the workbook is reported as not read, and the others are read.
    import os
    import signal

    import pytest

    import svscore.batch.scores as scores_module

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    scores = _scores_with_a_damaged_file(folder, tmp_path)
    parent, real = os.getpid(), scores_module._read_one
    read_here: list[str] = []

    def crashes_on_the_score_sheets(path, *args):
        if path.name == "score-sheets.xlsx":
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            read_here.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(scores_module, "_read_one", crashes_on_the_score_sheets)
    book = scores_module.read_score_folder(scores, TENDER, MEASURES)
    assert read_here == [] and book.scores == {}
    said = {p.place.file: p.message for p in book.problems}
    assert said["score-sheets.xlsx"] == ("not read: the process reading it stopped (the reader crashed on the file or ran out "
                                         "of memory); save the workbook again in Excel and run the batch again")
    assert said["damaged.xlsx"].startswith("not read: ")  # the other workbook still read, in its own process
    assert [p.name for p in book.files] == ["damaged.xlsx", "score-sheets.xlsx"]


def test_a_justification_given_to_many_bids_is_held_once(folder, tmp_path):
    # Thousands of scores may share a few texts: each is held once, not once a score.
    from svscore.batch.scores import read_score_folder

    scores = tmp_path / "scores"
    scores.mkdir()
    wb = load_workbook(folder["scores"] / "score-sheets.xlsx")
    for row in wb["Evaluator A"].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > 20:
                cell.value = "Meets the requirement in full, with evidence."
    wb.save(scores / "score-sheets.xlsx")
    book = read_score_folder(scores, TENDER, MEASURES)
    same = [s.justification for listed in book.scores.values() for s in listed
            if s.justification == "Meets the requirement in full, with evidence."]
    assert len(same) > 2 and len({id(j) for j in same}) == 1


def test_each_score_sheets_workbook_is_read_once_for_the_lot_it_names(tmp_path, monkeypatch):
    """A tender with lots: each score sheets workbook is read once (it was read once a lot, and
    each reading parses the whole workbook), its scores go to the lot its metadata names, and one
    made for a lot the tender does not have is reported, not left unread without a word."""
    import copy

    import svscore.batch.scores as scores_module
    import svscore.render.background as background
    from svscore.batch.demo import EVALUATORS, fill_score_sheets
    from svscore.model.tender import Tender
    from tests.conftest import EXAMPLES

    doc = json.loads((EXAMPLES / "council-home-care.json").read_text())
    criteria = doc.pop("criteria")
    doc["lots"] = [{"id": i, "title": t, "criteria": copy.deepcopy(criteria)} for i, t in (("1", "North"), ("2", "South"))]
    tender = Tender.model_validate(doc)
    wider = Tender.model_validate({**doc, "lots": [*doc["lots"], {"id": "3", "title": "East", "criteria": copy.deepcopy(criteria)}]})
    scores = tmp_path / "scores"
    scores.mkdir()
    (scores / "north.xlsx").write_bytes(fill_score_sheets(tender, 0, MEASURES, GOOD[:3], EVALUATORS))
    (scores / "south.xlsx").write_bytes(fill_score_sheets(tender, 1, MEASURES, GOOD[:2], EVALUATORS))
    (scores / "east.xlsx").write_bytes(fill_score_sheets(wider, 2, MEASURES, GOOD[:1], EVALUATORS))
    readings = []
    real = background.in_background

    def counted(make, args, crashed=None):  # each workbook is read in a process of its own: counted as it is started
        readings.append(args[0].name)
        return real(make, args, crashed)

    monkeypatch.setattr(background, "in_background", counted)
    book = scores_module.read_score_folder(scores, tender, MEASURES)
    assert sorted(readings) == ["east.xlsx", "north.xlsx", "south.xlsx"]
    lots = sorted({key.split("|", 1)[0] for key in book.scores})
    assert lots == ["1", "2"]
    assert len([k for k in book.scores if k.startswith("1|")]) == 3 and len([k for k in book.scores if k.startswith("2|")]) == 2
    assert [(str(p.where), p.message) for p in book.problems] == [
        ("east.xlsx", f"score sheets for lot '3', which tender {tender.reference!r} does not have (the tender's lots: 1, 2): "
                      "not read; make the score sheets again from the tender")]


def test_a_criterion_id_is_the_kind_its_own_lot_says(tmp_path):
    """Criterion ids are unique within a lot, not across lots: lot 2's pass/fail "Q1" does not make
    lot 1's scored Q1 pass/fail when lot 1's score sheets are read."""
    import copy

    import svscore.batch.scores as scores_module
    from svscore.batch.demo import EVALUATORS, fill_score_sheets
    from svscore.model.tender import Tender
    from tests.conftest import EXAMPLES

    doc = json.loads((EXAMPLES / "council-home-care.json").read_text())
    criteria = doc.pop("criteria")
    other = copy.deepcopy(criteria)
    quality = next(c for c in other if c["id"] == "QUAL")
    quality["children"] = [c for c in quality["children"] if c["id"] != "Q1"]
    quality["children"][0]["weight"] = 70
    next(c for c in other if c["id"] == "PF1")["id"] = "Q1"  # lot 2's pass/fail gate is called Q1
    doc["lots"] = [{"id": "1", "title": "North", "criteria": criteria}, {"id": "2", "title": "South", "criteria": other}]
    tender = Tender.model_validate(doc)
    scores = tmp_path / "scores"
    scores.mkdir()
    (scores / "north.xlsx").write_bytes(fill_score_sheets(tender, 0, MEASURES, GOOD[:2], EVALUATORS))
    book = scores_module.read_score_folder(scores, tender, MEASURES)
    assert not [p for p in book.problems if "pass/fail" in p.message], book.problems
    q1 = [s for listed in book.scores.values() for s in listed if s.criterion == "Q1"]
    assert q1 and all(not isinstance(s.value, str) for s in q1)  # numbers, as lot 1 scores Q1
