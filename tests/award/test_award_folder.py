"""``svscore award``: the award folder for both examples and a PCR 2015 tender, read back and checked
against the engine's figures; the record verified; dates counted as the statutes say."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from svscore.award.ocds_schema import problems
from svscore.award.standstill import standstill
from svscore.fmt import money, points
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring import score_tender
from tests.award.conftest import read_docx, red_text, small_bids, small_tender
from tests.conftest import EXAMPLES, run_cli

PCR_CONTRACT = {"kind": "services", "estimated_value": 1000000, "value_includes_vat": True,
                "procurement_start": "2024-11-04", "commenced_by": "notice"}


def award(tender: Path, bids: Path, out: Path, *extra: str):
    return run_cli("award", str(tender), str(bids), "--out", str(out), "--ocid-prefix", "ocds-test", *extra)


def write(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def long(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def test_home_care_award_folder_holds_every_reg_31_element_with_the_engines_figures(home_care_files, tmp_path):
    out = tmp_path / "award"
    r = award(home_care_files["tender"], home_care_files["bids"], out, "--illustrative-ok")
    assert r.returncode == 0, r.stderr
    tender = load_tender(home_care_files["tender"])
    bids = load_bids(home_care_files["bids"])
    result = score_tender(tender, bids, load_measures(home_care_files["measures"]))
    lot = result.lots[0]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"assessment-summary-{b.bidder_id}.docx" for b in lot.bids] + ["award-report.docx", "award.ocds.json", "manifest.json"])
    by_id = {b.bidder_id: b for b in bids.bids}
    for b in lot.bids:
        document, text = read_docx(out / f"assessment-summary-{b.bidder_id}.docx")
        given = by_id[b.bidder_id]
        for element in (b.bidder, given.postal_address, given.email, b.bidder_id, tender.authority.name, result.reference,
                        "regulation 31 of the Procurement Regulations 2024", "set out in full in the tender documents"):
            assert element in text, (b.bidder, element)
        for c in b.criteria:  # (2)(d) each criterion and (2)(e) its score and explanation
            assert c.name in text
            if c.points is not None:
                assert f"{points(c.points)} of {points(c.available)}" in text
            for who, said in c.justifications:
                assert f"{who}: {said}" in text
        assert ["Price", "Price", "50%", "50.00 points"] in [[c.text for c in row.cells] for row in document.tables[1].rows]
        if b.total is not None:
            assert f"Total: {points(b.total)} of {points(lot.total_points)} points." in text
        assert f"Tendered price: {money(b.price)}." in text
        assert ("Your tender is the most advantageous tender" in text) == (b.rank == 1)
        assert ("Further reasons your tender is not awarded" in text) == (b.rank != 1)
        for reason in b.reasons:  # (3)(c) e.g. disqualified below a minimum score
            assert reason in text
        assert red_text(document) == ""  # nothing missing
    _, report = read_docx(out / "award-report.docx")
    winner = lot.winners()[0]
    assert f"award the contract to {winner.bidder}" in report and points(winner.total) in report
    for b in lot.bids:
        assert b.bidder in report
    for element in ("Public Services (Social Value) Act 2012 applies", "A costed staffing model and rota.",
                    "The rota covers the hours at the National Living Wage.", "1 May 2026", "Evaluator C", "No conflict declared",
                    "Sign-off", "Recommended by", "Approved by", "No tie was left unresolved"):
        assert element in report, element
    period = standstill(dt.date(2026, 12, 18), "pa_2023", "england")
    assert f"midnight at the end of {long(period.last_day)}" in report
    # s.98(4)(b): three years beginning with 11 January 2027 end at the end of 10 January 2030
    assert "Keep this award folder until 10 January 2030" in report
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["record"]["keep_until"] == "2030-01-10" and manifest["draft"] is False
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert {e["name"] for e in manifest["inputs"]} == {"council-home-care.json", "bids.json", "measures-illustrative.json"}
    assert problems(json.loads((out / "award.ocds.json").read_text())) == []


def test_verify_checks_an_award_folder(home_care_files, tmp_path):
    out = tmp_path / "award"
    assert award(home_care_files["tender"], home_care_files["bids"], out, "--illustrative-ok").returncode == 0
    r = run_cli("verify", str(out), "--tender", str(home_care_files["tender"]))
    assert r.returncode == 0 and "matches its manifest" in r.stdout, r.stderr
    summary = next(out.glob("assessment-summary-*.docx"))
    summary.write_bytes(summary.read_bytes() + b" ")
    home_care_files["bids"].write_text(home_care_files["bids"].read_text() + " ")
    r = run_cli("verify", str(out), "--tender", str(home_care_files["tender"]))
    assert r.returncode == 1
    assert f"{summary.name}: changed since the run" in r.stderr and "bids.json: changed since the run" in r.stderr


def test_central_government_example_builds_from_the_example_files_alone_and_deterministically(tmp_path):
    tender, bids = EXAMPLES / "central-digital-marks.json", EXAMPLES / "central-digital-marks-bids.json"
    before = {p: p.read_bytes() for p in (tender, bids)}
    r1, r2 = award(tender, bids, tmp_path / "a1"), award(tender, bids, tmp_path / "a2")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr
    names = sorted(p.name for p in (tmp_path / "a1").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "a2").iterdir())
    for name in names:
        assert (tmp_path / "a1" / name).read_bytes() == (tmp_path / "a2" / name).read_bytes(), name
    assert {p: p.read_bytes() for p in before} == before  # inputs never modified
    _, text = read_docx(tmp_path / "a1" / "assessment-summary-02345678.docx")
    assert "GB-COH-02345678" in text and "12 Brook Street, Leeds LS1 2AB" in text
    assert "Moderation: First scores 60 and 80" in text and "60 marks of 200" not in text
    _, report = read_docx(tmp_path / "a1" / "award-report.docx")
    assert "Tom Ellis" in report and "Conflict declared" in report and "Worked for Brook Systems plc until 2021" in report
    assert "First scores 60 and 80" in report


def test_a_pcr_2015_tender_gets_reg_86_standstill_letters_instead(tmp_path):
    folder = tmp_path / "in"
    tender = write(folder, "tender.json", small_tender(contract=PCR_CONTRACT))
    bids = write(folder, "bids.json", small_bids())
    out = tmp_path / "award"
    r = award(tender, bids, out)
    assert r.returncode == 0, r.stderr
    assert not list(out.glob("assessment-summary-*")) and len(list(out.glob("standstill-letter-*.docx"))) == 3
    result = score_tender(load_tender(tender), load_bids(bids))
    lot = result.lots[0]
    winner = lot.winners()[0]
    sent = dt.date(2026, 12, 18)
    period = standstill(sent, "pcr_2015", "england")
    # reg 87 by hand: sent Friday 18 Dec 2026, the 10th day after is Monday 28 Dec, the substitute
    # Boxing Day bank holiday (England and Wales); Tuesday 29 Dec is the next working day.
    assert period.last_day == dt.date(2026, 12, 29)
    for b in lot.bids:
        document, text = read_docx(out / f"standstill-letter-{b.bidder_id}.docx")
        assert "regulation 86 of the Public Contracts Regulations 2015" in text
        assert "Tuesday 29 December 2026" in text and "Wednesday 30 December 2026" in text
        assert "Award criteria" in text and "Social value" in text and "Relative importance" in text
        scores = [[c.text for c in row.cells] for row in document.tables[1].rows]
        assert ["Total", points(b.total), points(winner.total)] in scores  # own and the successful tender's scores
        if b is winner:
            assert "Your tender is the most economically advantageous tender" in text
            continue
        assert f"The authority intends to award the contract to {winner.bidder}" in text
        assert "Characteristics and relative advantages of the successful tender" in text
        won = {c.criterion_id: c for c in winner.criteria}
        for c in b.criteria:
            if c.points is not None and won[c.criterion_id].points > c.points:
                assert f"{c.name}: the successful tender scored {points(won[c.criterion_id].points)}" in text
                assert f"{points(won[c.criterion_id].points - c.points)} more than yours" in text
        assert "Corner Trust: method statement section 2." in text  # the evaluators' words on the winner
    _, report = read_docx(out / "award-report.docx")
    assert "Regime: Public Contracts Regulations 2015" in report and "reg 84" in report


def test_a_welsh_devolved_authority_gets_regulation_32_of_the_welsh_regulations(tmp_path):
    folder = tmp_path / "in"
    authority = {"name": "Cyngor Sir Testshire", "type": "sub_central", "jurisdiction": "wales",
                 "welsh_devolved_functions": True, "welsh_listed_body": True}
    tender = write(folder, "tender.json", small_tender(authority=authority))
    bids = write(folder, "bids.json", small_bids())
    out = tmp_path / "award"
    r = award(tender, bids, out)
    assert r.returncode == 0, r.stderr
    _, text = read_docx(out / "assessment-summary-A.docx")
    assert "regulation 32 of the Procurement (Wales) Regulations 2024" in text
    assert "regulation 31 of the Procurement Regulations 2024 (SI" not in text
    assert "Uncertain:" in text and "Welsh digital platform" in text
    # a Welsh authority that does not exercise devolved functions stays under reg 31
    tender = write(folder, "tender2.json", small_tender(authority={**authority, "welsh_devolved_functions": False,
                                                                  "welsh_listed_body": None}))
    assert award(tender, bids, tmp_path / "award2").returncode == 0
    _, text = read_docx(tmp_path / "award2" / "assessment-summary-A.docx")
    assert "regulation 31 of the Procurement Regulations 2024" in text


def test_a_tender_disregarded_as_abnormally_low_leaves_the_competition(tmp_path):
    folder = tmp_path / "in"
    data = small_bids()
    data["bids"][1]["price"] = 50000  # Beacon: far below the others, flagged
    data["bids"][1]["abnormally_low"] = {"notified_on": "2026-05-01", "response": "No costing was sent.",
                                         "decision": "rejected", "reason": "It did not show it can pay staff at that price.",
                                         "decided_on": "2026-05-12"}
    tender = write(folder, "tender.json", small_tender())
    bids = write(folder, "bids.json", data)
    first = score_tender(load_tender(tender), load_bids(bids)).lots[0]
    assert any(f.code == "abnormally_low" for b in first.bids for f in b.flags if b.bidder_id == "B")
    out = tmp_path / "award"
    r = award(tender, bids, out)
    assert r.returncode == 0, r.stderr
    _, text = read_docx(out / "assessment-summary-B.docx")
    assert "disregarded as abnormally low (Procurement Act 2023 s.19(3)(c))" in text
    assert "It did not show it can pay staff at that price." in text and "Your tender is the most" not in text
    # scored again without it: Acme's price is now the lowest and earns the full 50 points
    _, acme = read_docx(out / "assessment-summary-A.docx")
    assert "50.00 of 50.00" in acme
    _, report = read_docx(out / "award-report.docx")
    assert "rejected: the tender is disregarded" in report and "No costing was sent." in report


def test_a_tie_decision_is_followed_and_stated(tmp_path):
    folder = tmp_path / "in"
    data = small_bids(tie_decisions=[{"bidders": ["A", "B"], "winner": "B",
                                      "how": "Drawn by lot by the Head of Procurement on 12 May 2026, two officers present."}])
    data["bids"] = data["bids"][:2]
    data["bids"][1].update(price=100000, scores=[dict(s, justification="Same as A.") for s in data["bids"][0]["scores"]])
    tender = write(folder, "tender.json", small_tender())
    bids = write(folder, "bids.json", data)
    assert score_tender(load_tender(tender), load_bids(bids)).lots[0].ties == (("A", "B"),)
    out = tmp_path / "award"
    r = award(tender, bids, out)
    assert r.returncode == 0, r.stderr
    _, report = read_docx(out / "award-report.docx")
    assert "award the contract to Beacon Services Ltd" in report and "Drawn by lot by the Head of Procurement" in report
    _, a = read_docx(out / "assessment-summary-A.docx")
    assert "Another tender tied with yours was preferred" in a
    _, b = read_docx(out / "assessment-summary-B.docx")
    assert "Your tender is the most advantageous tender" in b
    release = json.loads((out / "award.ocds.json").read_text())
    assert release["awards"][0]["suppliers"][0]["name"] == "Beacon Services Ltd" and problems(release) == []


def test_an_award_folder_is_replaced_whole_and_another_folder_is_refused(tmp_path):
    folder = tmp_path / "in"
    tender = write(folder, "tender.json", small_tender())
    bids = write(folder, "bids.json", small_bids())
    out = tmp_path / "award"
    assert award(tender, bids, out).returncode == 0
    (out / "stray.txt").write_text("left from before")
    assert award(tender, bids, out).returncode == 0
    assert not (out / "stray.txt").exists()  # replaced whole: nothing of the last folder is mixed in
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.docx").write_text("an officer's own file")
    r = award(tender, bids, other)
    assert r.returncode == 2 and "is not an award folder" in r.stderr
    assert sorted(p.name for p in other.iterdir()) == ["notes.docx"]
    r = award(tender, bids, folder)
    assert r.returncode == 2 and "holds the input" in r.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


@pytest.mark.parametrize(("contract", "until"), [
    ("2027-01-11", dt.date(2030, 1, 10)),
    ("2028-02-29", dt.date(2031, 2, 27)),  # no 29 Feb in 2031: the period beginning 29 Feb 2028 ends with 27 Feb
    ("2027-03-01", dt.date(2030, 2, 28)),
])
def test_retention_is_three_years_beginning_with_the_contract_date(contract, until):
    from svscore.award.provisions import retention
    from svscore.model.thresholds import Regime
    from tests.conftest import make_tender

    kept = retention(make_tender(), Regime.PA_2023, dt.date.fromisoformat(contract))
    assert kept.until == until and "s.98(4)(b)" in kept.provision
    assert retention(make_tender(), Regime.PA_2023, None).until is None
    assert "Uncertain" in retention(make_tender(), Regime.PCR_2015, dt.date(2027, 1, 11)).note


def test_a_tie_below_first_place_needs_no_decision_and_is_stated(tmp_path):
    folder = tmp_path / "in"
    data = small_bids()
    data["bids"][2].update(price=90000, scores=[dict(s, justification="Same as Beacon.") for s in data["bids"][1]["scores"]])
    tender = write(folder, "tender.json", small_tender())
    bids = write(folder, "bids.json", data)
    lot = score_tender(load_tender(tender), load_bids(bids)).lots[0]
    assert lot.ties == (("B", "C"),) and lot.winners()[0].bidder_id == "A"
    out = tmp_path / "award"
    r = award(tender, bids, out)
    assert r.returncode == 0, r.stderr
    _, report = read_docx(out / "award-report.docx")
    assert "award the contract to Acme Care Ltd" in report
    assert "Beacon Services Ltd, Corner Trust are tied in second place" in report and "does not decide the award" in report


def test_the_award_notice_carries_each_suppliers_contact_details_when_known(tmp_path):
    out = tmp_path / "award"
    assert award(EXAMPLES / "central-digital-marks.json", EXAMPLES / "central-digital-marks-bids.json", out).returncode == 0
    release = json.loads((out / "award.ocds.json").read_text())
    parties = {p["name"]: p for p in release["parties"]}
    brook = parties["Brook Systems plc"]  # Procurement Regulations 2024 reg 27(2)(e)(ii): postal and email address
    assert brook["address"] == {"streetAddress": "12 Brook Street, Leeds LS1 2AB"}
    assert brook["contactPoint"] == {"email": "bids@brooksystems.example"}
    assert problems(release) == []
