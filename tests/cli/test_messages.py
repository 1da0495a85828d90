"""Clear answers for a person: what the commands say when something is missing or wrong."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.excel.test_pack import make_pack


def test_verify_of_a_folder_that_does_not_exist_is_cannot_read(tmp_path):
    r = run_cli("verify", str(tmp_path / "nosuch"))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "cannot read" in r.stderr and "does NOT match" not in r.stdout + r.stderr


def test_verify_of_a_folder_without_manifest_hints_at_the_results_folder_inside(tmp_path):
    (tmp_path / "run" / "results").mkdir(parents=True)
    (tmp_path / "run" / "results" / "manifest.json").write_text("{}", encoding="utf-8")
    r = run_cli("verify", str(tmp_path / "run"))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "cannot read" in r.stderr and "no manifest.json" in r.stderr
    assert str(tmp_path / "run" / "results") in r.stderr


def test_template_verify_accepts_a_pack_rezipped_with_folder_entries(tmp_path):
    pack = make_pack(tmp_path)
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(pack).extractall(unpacked)
    rezipped = tmp_path / "rezipped.zip"
    # as `zip -r` and common archive tools write it: an entry for each folder before its files
    with zipfile.ZipFile(rezipped, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(unpacked.rglob("*")):
            z.write(path, path.relative_to(unpacked).as_posix() + ("/" if path.is_dir() else ""))
    assert any(n.endswith("/") for n in zipfile.ZipFile(rezipped).namelist())
    r = run_cli("template", "verify", str(rezipped))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "intact" in r.stdout


def test_template_verify_accepts_an_unzipped_pack_folder_and_finds_a_change(tmp_path):
    pack = make_pack(tmp_path)
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(pack).extractall(unpacked)
    r = run_cli("template", "verify", str(unpacked))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "intact" in r.stdout
    (unpacked / "GUIDE.md").write_text("changed", encoding="utf-8")
    (unpacked / "extra.txt").write_text("added", encoding="utf-8")
    r = run_cli("template", "verify", str(unpacked))
    assert r.returncode == 1
    assert "GUIDE.md" in r.stderr and "changed since" in r.stderr and "extra.txt" in r.stderr


def test_schemas_check_tells_missing_from_out_of_date_and_says_so_on_success(tmp_path):
    out = tmp_path / "schemas"
    assert run_cli("schemas", "--out", str(out)).returncode == 0
    r = run_cli("schemas", "--check", "--out", str(out))
    assert r.returncode == 0 and "current" in r.stdout
    written = sorted(out.iterdir())
    written[0].unlink()
    written[1].write_text("{}", encoding="utf-8")
    r = run_cli("schemas", "--check", "--out", str(out))
    assert r.returncode == 1
    assert f"Missing: {written[0]}" in r.stderr
    assert f"Out of date: {written[1]}" in r.stderr and str(written[0]) not in r.stderr.split("Out of date:")[1]


def test_batch_on_a_broken_tender_says_what_is_wrong_with_the_tender(tmp_path):
    (tmp_path / "returns").mkdir()
    r = run_cli("batch", str(EXAMPLES / "broken-tender.json"), str(tmp_path / "returns"), "--out", str(tmp_path / "out"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "cannot be built" not in r.stderr
    assert "The tender has errors, so its returned bids cannot be scored" in r.stderr
    assert f"svscore check {EXAMPLES / 'broken-tender.json'}" in r.stderr
    assert "$.scales[1].values" in r.stderr
    assert not (tmp_path / "out" / "results.xlsx").exists()


def test_errors_keep_the_folder_of_the_file_they_name(tmp_path):
    folder = tmp_path / "evaluation"
    folder.mkdir()
    bad = folder / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    (tmp_path / "returns").mkdir()
    for args in (("template", "read", str(bad)),
                 ("batch", str(bad), str(tmp_path / "returns"), "--out", str(tmp_path / "out")),
                 ("template", "verify", str(bad))):
        r = run_cli(*args)
        assert r.returncode in (1, 2), r.stdout + r.stderr
        assert f"{bad}: not" in r.stderr, (args, r.stderr)


def test_check_given_a_bids_or_measures_file_says_which_kind_of_file_it_is():
    r = run_cli("check", str(EXAMPLES / "council-home-care-bids.json"))
    assert r.returncode == 2
    assert "this is a bids file, not a tender file" in r.stderr and "svscore score TENDER BIDS" in r.stderr
    assert "allowed fields" not in r.stderr
    r = run_cli("check", str(EXAMPLES / "measures-illustrative.json"))
    assert r.returncode == 2
    assert "this is a measures table, not a tender file" in r.stderr and "allowed fields" not in r.stderr
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care.json"))
    assert r.returncode == 2 and "this is a tender file, not a bids file" in r.stderr


def test_a_broken_file_of_the_wanted_kind_is_still_reported_field_by_field(write_json):
    bids = write_json({"bids": 5}, "bids.json")
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(bids))
    assert r.returncode == 2 and "$.bids: expected a list" in r.stderr and "this is a" not in r.stderr


def test_check_cuts_a_long_name_at_a_word_with_an_ellipsis_and_shows_marks_in_marks_mode():
    r = run_cli("check", str(EXAMPLES / "central-digital-marks.json"))
    assert r.returncode == 0, r.stderr
    sv = next(line for line in r.stdout.splitlines() if line.strip().startswith("SV "))
    full = json.loads((EXAMPLES / "central-digital-marks.json").read_text(encoding="utf-8"))["criteria"][2]["name"]
    shown = sv.split("SV", 1)[1].strip().split("…")[0]
    assert "…" in sv and full.startswith(shown) and full[len(shown)] == " ", (shown, full)  # cut between words
    technical = next(line for line in r.stdout.splitlines() if line.strip().startswith("T1 "))
    assert "50 marks" in technical and "25%" in technical
    r = run_cli("check", str(EXAMPLES / "council-home-care.json"))
    assert " marks" not in r.stdout.split("Effective weights")[1].split("\n\n")[0]


@pytest.mark.slow
def test_batch_summary_cuts_reasons_at_a_word_with_an_ellipsis(tmp_path):
    r = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "disqualified" in x)
    assert line.endswith("…"), line
    shown = line.split("disqualified: ", 1)[1].removesuffix("…")
    doc = json.loads((tmp_path / "demo" / "results" / "results.json").read_text(encoding="utf-8"))
    bid = next(b for lot in doc["lots"] for b in lot["bids"] if b["status"] == "disqualified")
    full = " ".join(bid["reasons"])
    assert full.startswith(shown) and len(shown) < len(full)
    assert full[len(shown)] == " ", (shown, full)  # the cut falls between words


def test_score_with_no_bids_does_not_talk_of_the_winner(write_json):
    bids = write_json({"format_version": 1, "tender_reference": "BCC-2026-014", "bids": []}, "bids.json")
    r = run_cli("score", str(EXAMPLES / "council-home-care.json"), str(bids))
    assert r.returncode == 0, r.stderr
    assert "winner" not in r.stdout
    assert "No bid is ranked" in r.stdout


@pytest.mark.slow
def test_batch_summary_shows_the_abnormally_low_flag(tmp_path):
    assert run_cli("demo", "--out", str(tmp_path / "demo")).returncode == 0
    tender_path = tmp_path / "demo" / "council-home-care.json"
    tender = json.loads(tender_path.read_text(encoding="utf-8"))
    tender["abnormally_low"] = {"percent_below_mean": 1}  # any price 1% below the others' mean is flagged
    tender_path.write_text(json.dumps(tender), encoding="utf-8")
    d = tmp_path / "demo"
    r = run_cli("batch", str(tender_path), str(d / "returns"), "--scores", str(d / "scores"), "--out", str(tmp_path / "out"))
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    flagged = [b["bidder"] for lot in doc["lots"] for b in lot["bids"] if any(f["code"] == "abnormally_low" for f in b["flags"])]
    assert flagged
    for name in flagged:
        line = next(x for x in r.stdout.splitlines() if name in x)
        assert "abnormally low" in line.lower(), line
