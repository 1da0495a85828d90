"""The batch where two inputs meet: the tender, the returned workbooks and the evaluators' scores."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from svscore.batch.demo import EVALUATORS, fill_bid_return, fill_score_sheets
from tests.batch.conftest import GOOD, MEASURES, TENDER, two_good_returns
from tests.conftest import EXAMPLES, run_cli


@pytest.fixture
def small(tmp_path: Path) -> dict[str, Path]:
    """Two good returns and their evaluators' score sheets."""
    return two_good_returns(tmp_path)


def test_scores_folder_that_does_not_exist_stops_at_start(small):
    out = small["root"] / "out"
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--scores", str(small["root"] / "scorse"),
                "--out", str(out))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "scorse" in r.stderr and "does not exist" in r.stderr
    assert not (out / "results.json").exists()


def test_json_tender_without_scores_gets_a_hint(small):
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--out", str(small["root"] / "out"))
    assert "--scores" in r.stdout and "evaluation workbook" in r.stdout, r.stdout


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_scores_matched_by_number_under_another_name_are_refused(small):
    """The evaluators scored "Beta Homecare", 7654321; the returned workbook is Dale Valley Care
    Ltd's, 07654321. Before, Dale Valley took Beta's scores without a word."""
    dale = next(b for b in GOOD if b.bidder_id == "07654321")
    (small["returns"] / "dale.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, dale))
    beta = replace(dale, bidder="Beta Homecare", bidder_id="7654321")
    (small["scores"] / "score-sheets.xlsx").write_bytes(fill_score_sheets(TENDER, 0, MEASURES, [*GOOD[:2], beta], EVALUATORS))
    out = small["root"] / "out"
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--scores", str(small["scores"]), "--out", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    doc = _results(out)
    [bid] = [b for b in doc["lots"][0]["bids"] if b["bidder"] == "Dale Valley Care Ltd"]
    assert bid["rank"] is None and bid["status"] != "ranked"
    said = [p["message"] for p in doc["problems"] if "Beta Homecare" in p["message"]]
    assert said and "Dale Valley Care Ltd" in said[0], doc["problems"]
    assert "Beta Homecare" in r.stdout and "Dale Valley Care Ltd" in r.stdout


def test_names_that_differ_only_in_case_punctuation_or_legal_suffix_agree(small):
    dale = next(b for b in GOOD if b.bidder_id == "07654321")
    (small["returns"] / "dale.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, dale))
    same = replace(dale, bidder="DALE VALLEY CARE LIMITED", bidder_id="7654321")
    (small["scores"] / "score-sheets.xlsx").write_bytes(fill_score_sheets(TENDER, 0, MEASURES, [*GOOD[:2], same], EVALUATORS))
    out = small["root"] / "out"
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--scores", str(small["scores"]), "--out", str(out))
    doc = _results(out)
    [bid] = [b for b in doc["lots"][0]["bids"] if b["bidder"] == "Dale Valley Care Ltd"]
    assert bid["status"] != "incomplete", r.stdout + r.stderr
    assert not [p for p in doc["problems"] if "DALE" in p["message"]]


def test_illustrative_measures_warning_in_every_batch_output(small):
    from openpyxl import load_workbook
    out = small["root"] / "out"
    r = run_cli("batch", str(small["tender"]), str(small["returns"]), "--scores", str(small["scores"]), "--out", str(out))
    assert "WARNING" in r.stdout and "ILLUSTRATIVE" in r.stdout
    doc = _results(out)
    assert doc["warnings"] and "ILLUSTRATIVE" in doc["warnings"][0]
    assert any(p["location"] == "measures" and "ILLUSTRATIVE" in p["message"] for p in doc["problems"])
    ws = load_workbook(out / "results.xlsx", read_only=True)["Results"]
    assert any("ILLUSTRATIVE" in str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "ILLUSTRATIVE" in (out / "results.csv").read_text(encoding="utf-8")


def test_demo_warning_comes_from_the_table(tmp_path):
    r = run_cli("demo", "--out", str(tmp_path / "demo"), "--jobs", "1")
    assert "WARNING: The measures table 'ILLUSTRATIVE example measures" in r.stdout, r.stdout


def _evaluation_as_tender(small, recorded) -> tuple[int, str, dict]:
    from svscore.excel.evaluation import build_evaluation
    from svscore.excel.layout import EvaluationLayout
    from svscore.excel.workbook import save
    from tests.excel.fill import fill_evaluation
    lay = EvaluationLayout(TENDER, 0, 4, MEASURES)
    wb = build_evaluation(TENDER, 0, MEASURES, 4)
    fill_evaluation(wb, lay, recorded)
    save(wb, small["root"] / "evaluation.xlsx")
    out = small["root"] / "out"
    r = run_cli("batch", str(small["root"] / "evaluation.xlsx"), str(small["returns"]), "--out", str(out))
    return r.returncode, r.stdout + r.stderr, _results(out)


def _recorded(**changes):
    from svscore.model.bids import Bid, Score
    return [Bid(**{"bidder_id": b.bidder_id, "bidder": b.bidder, "sme": b.sme, "vcse": b.vcse,
                   "scores": tuple(Score(criterion=c, value=v[0]) for c, v in b.scores.items()), **changes.get(b.bidder_id, {})})
            for b in GOOD[:2]]


def test_a_price_in_the_evaluation_workbook_that_differs_is_reported(small):
    """The Prices sheet said £2,500,000; the returned workbook's rates gave another price. Before,
    the batch used the returned workbook's without a word."""
    first = GOOD[0].bidder_id
    code, said, doc = _evaluation_as_tender(small, _recorded(**{first: {"price": 2500000}}))
    assert code == 1, said
    [msg] = [p["message"] for p in doc["problems"] if "price" in p["message"]]
    assert "£2,500,000" in msg and "returned workbook's is used" in msg
    assert "£2,500,000" in said


def test_an_evaluation_workbook_that_agrees_is_quiet(small):
    code, said, doc = _evaluation_as_tender(small, _recorded())
    assert code == 0, said
    assert not [p for p in doc["problems"] if "evaluation workbook" in p["message"]]


def test_an_sme_or_vcse_in_the_evaluation_workbook_that_the_return_denies_is_reported(small):
    fact, label, bid = next((f, label, b) for f, label in (("sme", "SME"), ("vcse", "VCSE")) for b in GOOD[:2] if not getattr(b, f))
    code, said, doc = _evaluation_as_tender(small, _recorded(**{bid.bidder_id: {fact: True}}))
    assert code == 1 and any(f"is an {label}" in p["message"] for p in doc["problems"]), said


def test_an_evaluation_workbook_and_score_sheets_together_are_refused(small):
    """Before, the --scores folder was silently ignored when TENDER was an evaluation workbook."""
    _evaluation_as_tender(small, _recorded())
    r = run_cli("batch", str(small["root"] / "evaluation.xlsx"), str(small["returns"]), "--scores", str(small["scores"]),
                "--out", str(small["root"] / "out2"))
    assert r.returncode == 2 and "one source of scores" in r.stderr, r.stdout + r.stderr


@pytest.mark.slow
def test_a_measures_table_other_than_the_evaluation_workbooks_is_refused(small):
    """Before, --measures silently replaced the table the evaluation workbook was built with."""
    _evaluation_as_tender(small, _recorded())
    table = json.loads((EXAMPLES / "measures-illustrative.json").read_text(encoding="utf-8"))
    table["measures"][0]["proxy_value"] = float(table["measures"][0]["proxy_value"]) * 10
    other = small["root"] / "other-measures.json"
    other.write_text(json.dumps(table), encoding="utf-8")
    base = ("batch", str(small["root"] / "evaluation.xlsx"), str(small["returns"]))
    r = run_cli(*base, "--measures", str(other), "--out", str(small["root"] / "out2"))
    assert r.returncode == 2 and "is not the one" in r.stderr, r.stdout + r.stderr
    same = run_cli(*base, "--measures", str(small["root"] / "measures-illustrative.json"), "--out", str(small["root"] / "out3"))
    assert same.returncode == 0, same.stdout + same.stderr
    manifest = json.loads((small["root"] / "out3" / "manifest.json").read_text(encoding="utf-8"))
    assert "measures-illustrative.json" in json.dumps(manifest)


def test_the_covers_contact_details_are_carried_into_each_bid(small):
    """The assessment summaries of a batch-scored tender give the supplier's contact postal and email
    address (Procurement Regulations 2024 reg 31): before, the batch read the Cover's email and left
    both out of the bid, so the summaries said they were not recorded."""
    from svscore.batch.run import BatchOptions, run_batch
    run = run_batch(small["tender"], small["returns"], small["root"] / "out", scores_dir=small["scores"],
                    options=BatchOptions(jobs=1, keep_bids=True))
    assert [(b.postal_address, b.email) for b in run.bids] == [("1 High Street, Borchester", "bids@example.org")] * 2
    assert [b.unique_identifier for b in run.bids] == [f"PDEMO-{b.bidder_id}" for b in run.bids]


def test_a_version_1_return_and_a_postal_address_for_correspondence_in_one_batch(small):
    """The summary gives the supplier's contact postal address (reg 31): the Cover's postal address
    for correspondence where the bidder gave one, else its registered address. A return filled in the
    version 1 template (no such question, no identifier) is scored beside a version 2 one, with no
    tampering reported."""
    import shutil

    from svscore.batch.run import BatchOptions, run_batch
    from tests.batch.conftest import edit

    first, second = sorted(small["returns"].glob("*.xlsx"))
    shutil.copyfile(Path(__file__).parents[1] / "data" / "workbooks" / "bid-return-v1.xlsx", first)  # GOOD[0]'s, version 1

    def change(wb):
        wb["Cover"]["B12"] = "PO Box 12, Borchester BC1 9ZZ"
    second.write_bytes(edit(second.read_bytes(), change))
    run = run_batch(small["tender"], small["returns"], small["root"] / "out", scores_dir=small["scores"],
                    options=BatchOptions(jobs=1, keep_bids=True))
    assert [(f.name, f.status, [p for p in f.problems if p.severity == "error"]) for f in run.files] == [
        (first.name, "scored", []), (second.name, "scored", [])]
    by_id = {b.bidder_id: b for b in run.bids}
    old, new = by_id[GOOD[0].bidder_id], by_id[GOOD[1].bidder_id]
    assert (old.postal_address, old.unique_identifier) == ("1 High Street, Borchester", None)
    assert (new.postal_address, new.unique_identifier) == ("PO Box 12, Borchester BC1 9ZZ", f"PDEMO-{GOOD[1].bidder_id}")


def test_contact_details_another_input_gives_differently_are_reported():
    from svscore.batch.agree import disagreements
    from svscore.model.bids import Bid
    returned = {"bidder": "Acme Care Ltd", "bidder_id": "1", "address": "1 High Street,  Borchester", "email": "Bids@Example.org"}
    same = Bid(bidder_id="1", bidder="Acme Care Ltd", postal_address="1 High Street\nBorchester", email="bids@example.org")
    assert disagreements(returned, same, "bids.json") == []
    other = same.model_copy(update={"postal_address": "2 Low Road, Ambridge", "email": "tenders@acme.example"})
    [address, email] = disagreements(returned, other, "bids.json")
    assert address == ("bids.json's contact postal address for Acme Care Ltd is '2 Low Road, Ambridge', the returned workbook's "
                       "Cover gives '1 High Street,  Borchester': the returned workbook's is used (it is the bidder's own "
                       "offer); correct bids.json, or the bid, and re-run")
    assert "'tenders@acme.example'" in email and "'Bids@Example.org'" in email


def test_a_unique_identifier_or_postal_address_given_differently_is_reported():
    """The Cover's postal address for correspondence, where given, is the contact address compared;
    the unique identifier is compared as the address and email are."""
    from svscore.batch.agree import disagreements
    from svscore.model.bids import Bid
    returned = {"bidder": "Acme Care Ltd", "bidder_id": "1", "address": "1 High Street, Borchester",
                "postal_address": "PO Box 12, Borchester", "email": "bids@example.org", "unique_identifier": "PABC-1234-XYZW"}
    same = Bid(bidder_id="1", bidder="Acme Care Ltd", postal_address="PO Box 12\nBorchester", email="bids@example.org",
               unique_identifier="pabc-1234-xyzw")
    assert disagreements(returned, same, "bids.json") == []
    registered = same.model_copy(update={"postal_address": "1 High Street, Borchester", "unique_identifier": "PZZZ-9999-AAAA"})
    [address, identifier] = disagreements(returned, registered, "bids.json")
    assert address.startswith("bids.json's contact postal address for Acme Care Ltd is '1 High Street, Borchester', the "
                              "returned workbook's Cover gives 'PO Box 12, Borchester'")
    assert identifier == ("bids.json's unique identifier for Acme Care Ltd is 'PZZZ-9999-AAAA', the returned workbook's Cover "
                          "gives 'PABC-1234-XYZW': the returned workbook's is used (it is the bidder's own offer); correct "
                          "bids.json, or the bid, and re-run")


def _with_commitments(change: tuple[str, int, float] | None = None):
    """The first two good bids as recorded, with the social value commitments of their returned
    workbooks year by year (``change``: one measure's quantity in one year typed otherwise)."""
    from svscore.model.bids import Commitment
    out = {}
    for b in GOOD[:2]:
        rows = [(m, y, q) for m, qs in b.quantities.items() for y, q in enumerate(qs, start=1) if q]
        if change is not None and b is GOOD[0]:
            rows = [(m, y, change[2] if (m, y) == change[:2] else q) for m, y, q in rows]
        out[b.bidder_id] = {"commitments": tuple(Commitment(measure=m, quantity=q, year=y) for m, y, q in rows)}
    return _recorded(**out)


def test_commitments_typed_year_by_year_as_returned_agree(small):
    """The Social Value sheet takes each contract year's quantities as the bid return gives them.
    Before (contract totals, no year), the comparison stopped the batch with a TypeError."""
    code, said, doc = _evaluation_as_tender(small, _with_commitments())
    assert code == 0, said
    assert not [p for p in doc["problems"] if "evaluation workbook" in p["message"]]


def test_a_years_commitment_that_differs_is_named(small):
    measure, qs = next((m, qs) for m, qs in GOOD[0].quantities.items() if len(qs) > 1 and qs[1])
    code, said, doc = _evaluation_as_tender(small, _with_commitments((measure, 2, qs[1] + 1)))
    assert code == 1, said
    [msg] = [p["message"] for p in doc["problems"] if "social value commitments" in p["message"]]
    assert f"{measure} in year 2: " in msg and "in the returned workbook" in msg and "returned workbook's is used" in msg


def test_the_evaluators_deliverability_in_the_evaluation_workbook_counts_in_the_batch(small):
    """Deliverability is the evaluators' judgement, which no returned workbook gives: the batch
    scores the returned commitments at the evaluation workbook's deliverability, with its reason.
    Before, it scored them at 100% without a word."""
    from svscore.model.bids import Commitment
    bids = _with_commitments()
    first = bids[0]
    measure = first.commitments[0].measure
    judged = tuple(Commitment(measure=c.measure, quantity=c.quantity, year=c.year, deliverability_percent=50,
                              note="Half the hires depend on a depot not yet leased") if c.measure == measure else c
                   for c in first.commitments)
    bids[0] = first.model_copy(update={"commitments": judged})
    code, said, doc = _evaluation_as_tender(small, bids)
    assert code == 0, said
    text = json.dumps(doc, ensure_ascii=False)
    assert "× 50% deliverability judged by evaluators" in text and "Half the hires depend on a depot not yet leased" in text
