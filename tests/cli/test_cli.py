"""The command line, run as a user runs it: exit codes, formats, messages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, bid, run_cli, tender_dict


@pytest.mark.parametrize(("name", "code"), [("council-home-care", 0), ("central-digital-marks", 0), ("broken-tender", 1)])
def test_check_exit_codes(name, code):
    r = run_cli("check", str(EXAMPLES / f"{name}.json"))
    assert r.returncode == code, r.stderr
    assert ("NOT OK" in r.stdout) == (code == 1)


def test_check_json_document():
    r = run_cli("check", str(EXAMPLES / "broken-tender.json"), "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["ok"] is False
    assert {"severity", "code", "path", "message"} <= set(doc["findings"][0])
    assert any(f["code"] == "weights.sum" and f["path"] == "$.criteria[1].children" for f in doc["findings"])
    q1 = next(w for w in doc["effective_weights"] if w["criterion"] == "Q1")
    assert q1["effective_percent"] == pytest.approx(11.655)
    assert doc["threshold_decision"]["social_value_act"]["applies"] == "yes"


def test_check_unreadable_file_exits_2(write_json):
    data = tender_dict()
    data["criteria"][0]["weight"] = "50"
    r = run_cli("check", str(write_json(data)))
    assert r.returncode == 2
    assert "$.criteria[0].weight: expected a number, but found the text '50'" in r.stderr
    assert "Traceback" not in r.stderr


def test_check_missing_file_exits_2(tmp_path):
    r = run_cli("check", str(tmp_path / "nope.json"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_score_text_json_csv():
    args = ["score", str(EXAMPLES / "council-home-care.json"), str(EXAMPLES / "council-home-care-bids.json")]
    text = run_cli(*args)
    assert text.returncode == 0, text.stderr
    assert "Brightwater Homecare CIC" in text.stdout and "ILLUSTRATIVE" in text.stdout
    doc = json.loads(run_cli(*args, "--format", "json").stdout)
    first = doc["lots"][0]["bids"][0]
    assert {"bidder", "status", "total", "rank", "scores", "flags"} <= set(first)
    assert {"raw", "weighted", "explanation"} <= set(first["scores"][0])
    assert doc["lots"][0]["sensitivity"]["applicable"] is True
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv").stdout)))
    assert rows[0]["bidder"] == "Brightwater Homecare CIC" and rows[0]["rank"] == "1"


def test_score_csv_neutralises_formulas(write_json, tmp_path):
    tender = write_json(tender_dict(), "tender.json")
    evil = bid("=HYPERLINK(\"http://x\",\"y\")", 100, Q=3, SV=3).model_dump(mode="json")
    bids = write_json({"bids": [evil]}, "bids.json")
    out = run_cli("score", str(tender), str(bids), "--format", "csv").stdout
    assert "'=HYPERLINK" in out


def test_score_text_shows_terminal_control_characters_escaped(write_json):
    tender = write_json(tender_dict(), "tender.json")
    evil = bid("Acme\x1b[2J\u202eLtd", 100, Q=3, SV=3).model_dump(mode="json")
    out = run_cli("score", str(tender), str(write_json({"bids": [evil]}, "bids.json"))).stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "Acme\\x1b[2J\\u202eLtd" in out


def test_score_text_keeps_a_name_with_line_breaks_on_one_line(write_json):
    tender = write_json(tender_dict(), "tender.json")
    evil = bid("Acme\n   1  Forged Ltd", 100, Q=3, SV=3).model_dump(mode="json")
    out = run_cli("score", str(tender), str(write_json({"bids": [evil]}, "bids.json"))).stdout
    assert not any(line.lstrip().startswith("1  Forged") for line in out.splitlines()), out
    assert "Acme\\x0a   1  Forged Ltd" in out


def test_an_error_naming_a_file_shows_control_characters_escaped(tmp_path):
    """Errors name the file they refuse, and a file's name is the sender's choice: a bell or a
    mark that reverses the text on screen must not reach the terminal through them."""
    evil = tmp_path / "bid\x07\u202exslx.exe.xlsx"
    evil.write_bytes(b"not a workbook")
    r = run_cli("template", "read", str(evil))
    assert r.returncode == 2 and r.stderr.startswith("Error: "), r.stderr
    assert "\x07" not in r.stderr and "\u202e" not in r.stderr, r.stderr
    assert "bid\\x07\\u202exslx.exe.xlsx" in r.stderr


def test_score_writes_output_atomically_and_never_over_an_input(write_json, tmp_path):
    tender = write_json(tender_dict(), "tender.json")
    bids = write_json({"bids": [bid("A", 100, Q=3, SV=3).model_dump(mode="json")]}, "bids.json")
    out = tmp_path / "results.json"
    r = run_cli("score", str(tender), str(bids), "--format", "json", "-o", str(out))
    assert r.returncode == 0 and json.loads(out.read_text())["lots"][0]["bids"][0]["rank"] == 1
    before = bids.read_bytes()
    r = run_cli("score", str(tender), str(bids), "-o", str(bids))
    assert r.returncode != 0 and "over the input file" in r.stderr
    assert bids.read_bytes() == before


def test_written_paths_show_bytes_that_are_not_utf8_as_escapes(write_json, tmp_path):
    """"Wrote ..." names a file as the batch names files (\\xe9), not by Python's \\udce9 stand-in."""
    import os
    tender = write_json(tender_dict(), "tender.json")
    bids = write_json({"bids": [bid("A", 100, Q=3, SV=3).model_dump(mode="json")]}, "bids.json")
    out = os.fsdecode(bytes(tmp_path) + b"/r\xe9sults.json")
    r = run_cli("score", str(tender), str(bids), "--format", "json", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "r\\xe9sults.json" in r.stderr and "udce9" not in r.stderr, r.stderr
    assert json.loads(Path(out).read_text())["lots"][0]["bids"][0]["rank"] == 1


def test_score_refuses_a_broken_tender():
    r = run_cli("score", str(EXAMPLES / "broken-tender.json"), str(EXAMPLES / "council-home-care-bids.json"))
    assert r.returncode == 1 and "cannot be scored" in r.stderr


def test_act_from_options():
    r = run_cli("act", "--value", "£180,000", "--ex-vat", "--authority", "sub_central", "--contract", "services",
                "--start-date", "2026-03-02", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["above_threshold"] is True and doc["value_compared"] == 216000
    assert doc["social_value_act"]["applies"] == "yes"
    assert doc["threshold"]["value"] == 207720
    assert {"regime", "reasons", "warnings"} <= set(doc)


def test_act_from_tender_and_bad_options():
    r = run_cli("act", str(EXAMPLES / "central-digital-marks.json"))
    assert r.returncode == 0 and "Above threshold: yes" in r.stdout
    r = run_cli("act", "--value", "lots")
    assert r.returncode == 2 and "an amount in pounds must be a number" in r.stderr


def test_schemas_are_current():
    assert run_cli("schemas", "--check").returncode == 0


def test_version():
    assert run_cli("--version").stdout.startswith("svscore, version")


def test_a_file_that_cannot_be_replaced_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    import os

    from click.testing import CliRunner

    from svscore.cli.main import cli

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))
    monkeypatch.setattr(os, "replace", refuse)  # what Windows does to a workbook open in Excel
    r = CliRunner().invoke(cli, ["template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(tmp_path / "t")])
    assert r.exit_code == 2, r.output
    assert "Error: cannot write" in r.output and "(Permission denied): if it is open in Excel, close it and run again." in r.output
    assert "Traceback" not in r.output


def test_output_in_a_windows_code_page_shows_missing_characters_as_escapes(write_json):
    """Redirected to a file on Windows, output is in cp1252, which has no emoji."""
    import os
    import subprocess
    import sys

    tender = write_json(tender_dict(), "tender.json")
    bids = write_json({"bids": [bid("Acme 😀 Ltd", 100, Q=3, SV=3).model_dump(mode="json")]}, "bids.json")
    r = subprocess.run([sys.executable, "-m", "svscore", "score", str(tender), str(bids)], capture_output=True,
                       env=dict(os.environ, PYTHONIOENCODING="cp1252"), timeout=120)
    assert r.returncode == 0, r.stderr.decode("cp1252", "replace")
    assert "Acme \\U0001f600 Ltd" in r.stdout.decode("cp1252") and "Total" in r.stdout.decode("cp1252")


def test_json_output_in_a_windows_code_page_is_in_that_code_page(write_json):
    """The JSON is made as UTF-8 bytes; on a stream in another code page it is written as text
    always is (cp1252's £, an escape for what it lacks), not as UTF-8 bytes the reader would misread."""
    import os
    import subprocess
    import sys

    tender = write_json(tender_dict(), "tender.json")
    bids = write_json({"bids": [bid("Acme 😀 £ Ltd", 100, Q=3, SV=3).model_dump(mode="json")]}, "bids.json")
    r = subprocess.run([sys.executable, "-m", "svscore", "score", str(tender), str(bids), "--format", "json"], capture_output=True,
                       env=dict(os.environ, PYTHONIOENCODING="cp1252"), timeout=120)
    assert r.returncode == 0, r.stderr.decode("cp1252", "replace")
    assert b"\xa3 Ltd" in r.stdout and "\u00a3".encode() not in r.stdout  # cp1252's pound sign, not UTF-8's two bytes
    assert '"bidder": "Acme \\U0001f600 \u00a3 Ltd"' in r.stdout.decode("cp1252")


def test_scoring_a_valid_file_imports_neither_the_schema_library_nor_the_bank_holidays(tmp_path):
    """Every command pays for what the command line imports: jsonschema (wanted only to name the
    paths of a file with errors) and holidays (only for standstill dates) take about a tenth of a
    second between them. A file with an error still gets jsonschema's paths."""
    import subprocess
    import sys

    probe = ("import sys\nfrom svscore.cli.main import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('loaded:', sorted(m for m in ('jsonschema', 'holidays', 'openpyxl') if m in sys.modules), file=sys.stderr)")
    ok = subprocess.run([sys.executable, "-c", probe, "score", str(EXAMPLES / "council-home-care.json"),
                         str(EXAMPLES / "council-home-care-bids.json"), "--format", "json"], capture_output=True, text=True)
    assert ok.returncode == 0 and "loaded: []" in ok.stderr, ok.stderr
    data = tender_dict()
    data["criteria"][0]["weight"] = "50"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    failed = subprocess.run([sys.executable, "-c", probe, "check", str(bad)], capture_output=True, text=True)
    assert "$.criteria[0].weight: expected a number" in failed.stderr and "loaded: ['jsonschema']" in failed.stderr, failed.stderr
