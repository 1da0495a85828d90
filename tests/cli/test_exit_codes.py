"""Exit codes, as a user meets them: every svscore error class through the command line, an
operating system error, and a bug in svscore itself (which must never pass for a bad input)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, bid, run_cli, tender_dict

TENDER = EXAMPLES / "council-home-care.json"
BIDS = EXAMPLES / "council-home-care-bids.json"


def _no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("Error: "), r.stderr


def test_a_tender_file_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:  # TenderFileError
    bad = tmp_path / "tender.json"
    bad.write_text('{"reference": ', encoding="utf-8")
    r = run_cli("check", str(bad))
    assert r.returncode == 2
    _no_traceback(r)


def test_a_file_that_is_not_a_workbook_is_exit_2(tmp_path: Path) -> None:  # WorkbookError
    fake = tmp_path / "evaluation.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    r = run_cli("template", "read", str(fake))
    assert r.returncode == 2 and "not an Excel workbook" in r.stderr
    _no_traceback(r)


def test_an_output_over_an_input_is_exit_2_and_writes_nothing(write_json) -> None:  # OutputRefused
    tender = write_json(tender_dict(), "tender.json")
    bids = write_json({"bids": [bid("A", 100, Q=3, SV=3).model_dump(mode="json")]}, "bids.json")
    before = bids.read_bytes()
    for command in (("check", str(tender), "-o", str(tender)), ("score", str(tender), str(bids), "-o", str(bids))):
        r = run_cli(*command)
        assert r.returncode == 2, r.stderr
        assert "refusing to write output over the input file" in r.stderr
        _no_traceback(r)
    assert bids.read_bytes() == before


def test_a_bids_file_for_another_tender_is_exit_2(tmp_path: Path) -> None:  # DisagreementError
    other = tmp_path / "bids.json"
    other.write_text(json.dumps({**json.loads(BIDS.read_text(encoding="utf-8")), "tender_reference": "ELSEWHERE-1"}),
                     encoding="utf-8")
    r = run_cli("score", str(TENDER), str(other))
    assert r.returncode == 2 and "'ELSEWHERE-1'" in r.stderr
    _no_traceback(r)


def test_a_tender_whose_bids_cannot_be_scored_is_exit_1() -> None:  # ScoringError
    r = run_cli("score", str(EXAMPLES / "broken-tender.json"), str(BIDS))
    assert r.returncode == 1 and "its bids cannot be scored" in r.stderr
    _no_traceback(r)


def test_a_batch_that_cannot_start_is_exit_2(tmp_path: Path) -> None:  # BatchError
    r = run_cli("batch", str(TENDER), str(tmp_path / "no-such-folder"), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "is not a folder" in r.stderr
    _no_traceback(r)
    assert not (tmp_path / "out").exists()


def test_a_standstill_date_outside_its_regime_is_exit_1() -> None:  # StandstillError
    r = run_cli("standstill", "--published", "2020-01-06", "--regime", "pa_2023")
    assert r.returncode == 1 and "before the Procurement Act 2023 came into force" in r.stderr
    _no_traceback(r)


def test_an_award_notice_from_illustrative_measures_is_exit_1(tmp_path: Path) -> None:  # AwardNoticeError
    out = tmp_path / "award.json"
    r = run_cli("award-notice", str(TENDER), str(BIDS), "--ocid-prefix", "ocds-abc123", "--date", "2026-06-01",
                "-o", str(out))
    assert r.returncode == 1 and "ILLUSTRATIVE" in r.stderr and not out.exists()
    _no_traceback(r)


def test_a_results_folder_that_is_not_there_is_exit_2(tmp_path: Path) -> None:  # SvscoreError itself
    r = run_cli("verify", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "no such folder" in r.stderr
    _no_traceback(r)


def test_an_output_folder_that_cannot_be_made_is_exit_2_not_a_traceback(tmp_path: Path) -> None:  # OSError
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    for command in (("template", "build", str(TENDER), "--out", str(a_file / "templates")),
                    ("check", str(TENDER), "-o", str(a_file / "report.txt"))):
        r = run_cli(*command)
        assert r.returncode == 2, r.stderr
        assert f"Error: cannot use {a_file}" in r.stderr, r.stderr
        _no_traceback(r)


def _check_raising(raised: str, tender: Path = TENDER) -> subprocess.CompletedProcess[str]:
    """``svscore check`` run as a user runs it (``main()``, a process of its own), with the tender
    checks replaced by one that raises ``raised``: for the errors no command raises on its way out."""
    program = textwrap.dedent(f"""
        import sys
        import svscore.rules.checks as checks
        from svscore.batch.container import Refused
        from svscore.xl.adapt import BadInput
        from svscore.cli.main import main

        def raising(*args, **kwargs):
            raise {raised}

        checks.check_tender = raising
        sys.argv = ["svscore", "check", {str(tender)!r}]
        main()
    """)
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize(("raised", "said"), [
    ("Refused('the workbook holds a part that is not XML')", "Error: the workbook holds a part that is not XML"),
    ("BadInput('B3: the price is missing')", "Error: B3: the price is missing"),
])
def test_the_readers_refusals_are_exit_2(raised: str, said: str) -> None:  # Refused, BadInput
    r = _check_raising(raised)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == said
    _no_traceback(r)


def test_a_bug_in_svscore_is_shown_as_a_bug_exit_70() -> None:
    """A Python error svscore did not mean to raise is not dressed as a bad input (exit 2) or an
    error found in the input (exit 1): its traceback is shown, with a line saying it is a bug."""
    r = _check_raising("ZeroDivisionError('division by zero')")
    assert r.returncode == 70, r.stderr
    assert "Traceback (most recent call last)" in r.stderr and "ZeroDivisionError: division by zero" in r.stderr
    assert "internal error" in r.stderr and "bug in svscore" in r.stderr
    assert not r.stderr.startswith("Error: ")
