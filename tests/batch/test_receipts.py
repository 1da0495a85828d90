"""Receipt times: received.csv matched to the returned files, late bids, UK time."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.batch.conftest import (
    _two_bids,
    file_report,
    messages,
    triples,
)
from tests.conftest import run_cli


def test_late_bids_from_received_csv_and_accept_late(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    (returns / "received.csv").write_text("file,received_at\na.xlsx,17/04/2026 11:59:59\nb.xlsx,2026-04-17 12:01\n")  # UK and ISO forms
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o1"))
    doc = json.loads((tmp_path / "o1" / "results.json").read_text())
    assert {f["name"]: f["status"] for f in doc["files"]} == {"a.xlsx": "scored", "b.xlsx": "excluded"}
    assert "late: received 2026-04-17T12:01:00+01:00" in messages(doc, "b.xlsx")  # no offset given: UK time (BST)
    assert messages(doc, "a.xlsx") == "" and not [p for p in doc["problems"] if p["location"].startswith("received.csv")]
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o2"), "--accept-late")
    doc = json.loads((tmp_path / "o2" / "results.json").read_text())
    assert file_report(doc, "b.xlsx")["status"] == "scored" and "accepted with --accept-late" in messages(doc, "b.xlsx")


def test_a_malformed_received_csv_is_reported(folder, tmp_path):
    returns = _two_bids(folder, tmp_path)
    (returns / "received.csv").write_text("file,received_at\na.xlsx,yesterday\n")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {"severity": "error", "location": "received.csv line 2",
            "message": "needs the columns file,received_at with a date and time (2026-04-17T12:01:00+01:00, or 17/04/2026 12:01 "
                       "in UK time)"} in doc["problems"]
    assert "whether it was late was not checked" in messages(doc, "b.xlsx")
    assert r.returncode == 1  # the files were all scored, but received.csv needs correcting


def test_received_csv_matches_names_as_windows_and_mac_folders_differ_and_finds_missing_bids(folder, tmp_path):
    import unicodedata
    returns = _two_bids(folder, tmp_path)
    mac = unicodedata.normalize("NFD", "café.xlsx")  # é as e + combining accent, as a Mac folder holds it
    shutil.copyfile(returns / "a.xlsx", returns / mac)
    (returns / "received.csv").write_text(
        "file,received_at\n"
        "A.XLSX,2026-04-17T09:00:00+01:00\n"                  # case differs from a.xlsx
        "b.xlsx,2026-04-17T09:00:00+01:00\n"
        "b.xlsx,2026-04-17T12:30:00+01:00\n"                  # a second receipt: the later time counts
        f"{unicodedata.normalize('NFC', 'café.xlsx')},2026-04-17T09:00:00+01:00\n"
        "sub\\gone.xlsx,2026-04-17T09:30:00+01:00\n",         # received by the portal, not in the folder
        encoding="utf-8")
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {f["name"]: f["status"] for f in doc["files"]} == {"a.xlsx": "scored", "b.xlsx": "excluded", mac: "excluded"}
    assert "late: received 2026-04-17T12:30:00+01:00" in messages(doc, "b.xlsx")
    assert "identical copy of a.xlsx" in messages(doc, mac)  # found its receipt time: no "not checked" warning
    assert not any("not checked" in m for m in (messages(doc, "a.xlsx"), messages(doc, mac)))
    assert {"severity": "warning", "location": "received.csv line 4",
            "message": "b.xlsx is listed again (first on line 3): the later receipt time is used"} in doc["problems"]
    assert {"severity": "error", "location": "received.csv line 6",
            "message": "the portal received sub\\gone.xlsx at 2026-04-17T09:30:00+01:00, but no such file is in the returns "
                       "folder: a bid may be missing"} in doc["problems"]
    assert "a bid may be missing" in r.stdout


def test_a_received_csv_saved_by_excel_on_windows_is_read(folder, tmp_path):
    """Excel's "CSV" on Windows is in the Windows code page, not UTF-8."""
    returns = _two_bids(folder, tmp_path)
    (returns / "a.xlsx").rename(returns / "café.xlsx")
    (returns / "received.csv").write_bytes("file,received_at\ncafé.xlsx,2026-04-17T09:00:00+01:00\n"
                                           "b.xlsx,2026-04-17T09:00:00+01:00\n".encode("cp1252"))
    r = run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr + r.stdout
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert {"severity": "note", "location": "received.csv", "message": "not UTF-8: read as Windows text (cp1252)"} in doc["problems"]
    assert "not checked" not in messages(doc, "café.xlsx")  # its receipt time was found


def test_received_csv_listing_file_names_alone_matches_files_in_sub_folders(folder, tmp_path):
    """With --recursive, a portal that lists only file names still gives each bid its time,
    unless two files share the name (then neither is guessed)."""
    returns = tmp_path / "returns"
    for sub in ("lot-a", "lot-b"):
        (returns / sub).mkdir(parents=True)
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "lot-a" / "north.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "lot-b" / "same.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "lot-a" / "same.xlsx")
    (returns / "received.csv").write_text("file,received_at\nnorth.xlsx,2026-04-17T12:30:00+01:00\n"
                                          "same.xlsx,2026-04-17T09:00:00+01:00\n")
    run_cli("batch", str(folder["tender"]), str(returns), "--scores", str(folder["scores"]), "--out", str(tmp_path / "o"), "--recursive")
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert "late: received 2026-04-17T12:30:00+01:00" in messages(doc, "lot-a/north.xlsx")
    assert "whether it was late was not checked" in messages(doc, "lot-b/same.xlsx")  # two files named same.xlsx
    assert [p for p in doc["problems"] if p["location"].startswith("received.csv")] == [
        {"severity": "warning", "location": "received.csv line 3",
         "message": "same.xlsx could be any of lot-a/same.xlsx, lot-b/same.xlsx: their receipt times were not matched "
                    "(list the files with their folders)"}]


def test_uk_time_without_a_time_zone_database_is_a_clear_error(monkeypatch):
    """Windows has no time zone database: without the tzdata package UK time cannot be looked up,
    and every receipt time would have been reported as a malformed line."""
    import zoneinfo

    from svscore.batch.receipts import uk_time
    from svscore.errors import SvscoreError

    assert uk_time().utcoffset(__import__("datetime").datetime(2026, 7, 1)).total_seconds() == 3600  # BST in summer

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)
    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    with pytest.raises(SvscoreError, match=r"no time zone database\. Install it with: python -m pip install tzdata"):
        uk_time()


def test_tzdata_is_installed_with_svscore():
    from importlib.metadata import requires
    assert any(r.startswith("tzdata") for r in requires("svscore") or [])


def _receipts(tmp_path, csv_text: str, names: list[str]):
    from svscore.batch.receipts import Receipts

    (tmp_path / "received.csv").write_text(csv_text, encoding="utf-8")
    problems: list = []
    return Receipts(tmp_path, names, problems), triples(problems)


def test_receipt_times_are_read_as_iso_or_uk_day_first_and_a_time_without_a_zone_is_uk_time(tmp_path):
    import datetime as dt

    receipts, problems = _receipts(tmp_path, "file,received_at\na.xlsx,2026-04-17T12:01:00+01:00\nb.xlsx,17/04/2026 12:01\n"
                                             "c.xlsx,17/01/2026 09:30:15\n", ["a.xlsx", "b.xlsx", "c.xlsx"])
    assert problems == [] and receipts.given
    utc = dt.UTC
    assert receipts.time_of("a.xlsx").astimezone(utc) == dt.datetime(2026, 4, 17, 11, 1, tzinfo=utc)
    assert receipts.time_of("b.xlsx").astimezone(utc) == dt.datetime(2026, 4, 17, 11, 1, tzinfo=utc)  # BST
    assert receipts.time_of("c.xlsx").astimezone(utc) == dt.datetime(2026, 1, 17, 9, 30, 15, tzinfo=utc)  # GMT


def test_a_receipt_is_matched_ignoring_case_unicode_form_and_slash_direction(tmp_path):
    receipts, _ = _receipts(tmp_path, "file,received_at\nSUB\\Cafe\u0301.XLSX,2026-04-17T12:00:00+01:00\n", ["sub/Caf\u00e9.xlsx", "other.xlsx"])
    assert receipts.time_of("sub/Caf\u00e9.xlsx") is not None and receipts.time_of("other.xlsx") is None
    assert receipts.unmatched() == []


def test_a_name_alone_matches_only_when_one_file_has_it(tmp_path):
    receipts, _ = _receipts(tmp_path, "file,received_at\nbid.xlsx,2026-04-17T12:00:00+01:00\n", ["x/bid.xlsx", "y/bid.xlsx"])
    assert receipts.time_of("x/bid.xlsx") is None and receipts.time_of("y/bid.xlsx") is None
    assert triples(receipts.unmatched()) == [("warning", "received.csv line 2", "bid.xlsx could be any of x/bid.xlsx, y/bid.xlsx: their "
                                                                           "receipt times were not matched (list the files with their folders)")]
    alone, _ = _receipts(tmp_path, "file,received_at\nbid.xlsx,2026-04-17T12:00:00+01:00\n", ["x/bid.xlsx"])
    assert alone.time_of("x/bid.xlsx") is not None


def test_a_line_that_is_not_a_date_and_time_is_reported_by_its_line(tmp_path):
    receipts, problems = _receipts(tmp_path, "file,received_at\na.xlsx,next tuesday\n", ["a.xlsx"])
    assert receipts.time_of("a.xlsx") is None
    assert problems == [("error", "received.csv line 2", "needs the columns file,received_at with a date and time "
                                                         "(2026-04-17T12:01:00+01:00, or 17/04/2026 12:01 in UK time)")]
