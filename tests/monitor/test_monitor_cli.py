"""svscore monitor end to end, as a user runs it: a year of returns for the example contract, one
short, one late, one with a lowered commitment, and the batch's hostile files among them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from svscore.model.loading import load_contract
from tests.batch.conftest import _add_member, _with_doctype, rezip
from tests.conftest import EXAMPLES, run_cli
from tests.monitor.returns import filled

RECORD_FILE = EXAMPLES / "council-home-care-contract.json"
RECORD = load_contract(RECORD_FILE)
KPIS = {"KPI1": 96, "KPI2": 1.5, "KPI3": 92}
QUARTERS = {  # what was delivered each quarter of year 1: 3.5 + 3.5 + 3 + 2.5 = 12.5 FTE of the 15 committed
    "Y1Q1": {"EX-LOCAL-FTE": "3.5", "EX-UNEMPLOYED-HIRE": 2, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 30000},
    "Y1Q2": {"EX-LOCAL-FTE": "3.5", "EX-UNEMPLOYED-HIRE": 2, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 30000},
    "Y1Q3": {"EX-LOCAL-FTE": 3, "EX-UNEMPLOYED-HIRE": 1, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 30000},
    "Y1Q4": {"EX-LOCAL-FTE": "2.5", "EX-UNEMPLOYED-HIRE": 1, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 30000},
}
SPEND = [("Borsetshire Linen Ltd", "BS16 1QY", "Yes", "No", 30000), ("Valley Community Transport", "BS1 4DJ", "No", "Yes", 10000),
         ("National Supplies plc", "B1 1AA", "No", "No", 60000)]


@pytest.fixture(scope="module")
def monitored(tmp_path_factory):
    root = tmp_path_factory.mktemp("monitoring")
    returns = root / "returns"
    returns.mkdir()
    for period, delivered in QUARTERS.items():
        (returns / f"{period}.xlsx").write_bytes(filled(RECORD, period, delivered, SPEND, KPIS))
    base = filled(RECORD, "Y2Q1", QUARTERS["Y1Q1"], SPEND, KPIS)
    (returns / "lowered.xlsx").write_bytes(filled(RECORD, "Y2Q1", QUARTERS["Y1Q1"], SPEND, KPIS, cells={"Social Value!D5": 10}))
    (returns / "corrupt.xlsx").write_bytes(base[:3000])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    (returns / "zip-bomb.xlsx").write_bytes(bomb.getvalue())
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    (returns / "entity-bomb.xlsx").write_bytes(rezip(base, lambda n, d: _with_doctype(d, lol) if n == "xl/worksheets/sheet2.xml" else d))
    (returns / "macro.xlsm").write_bytes(_add_member(base, "xl/vbaProject.bin", b"\0VBA"))
    (returns / "received.csv").write_text("file,received_at\nY1Q1.xlsx,2026-10-20T10:00:00+01:00\nY1Q2.xlsx,2027-01-29T09:00:00Z\n"
                                          "Y1Q3.xlsx,2027-05-06T12:00:00+01:00\nY1Q4.xlsx,2027-07-28T16:00:00+01:00\n", encoding="utf-8")
    (root / "local.txt").write_text("# Borsetshire: postcode areas and districts counted as local\nBS, GL12\n", encoding="utf-8")
    out = root / "results"
    before = {p.name: p.read_bytes() for p in returns.iterdir()}
    r = run_cli("monitor", str(RECORD_FILE), str(returns), "--out", str(out), "--as-of", "15/08/2027", "--local", str(root / "local.txt"))
    assert {p.name: p.read_bytes() for p in returns.iterdir()} == before, "an input was changed"
    return r, out, returns


def test_the_year_is_reported_exactly_with_its_shortfall(monitored):
    r, out, _ = monitored
    assert r.returncode == 1, r.stderr  # a commitment fell short and files could not be used
    assert "shortfall: EX-LOCAL-FTE in year 1: 12.5 of 15" in r.stdout
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (contract,) = doc["contracts"]
    fte = next(c for c in contract["commitments"] if c["measure"] == "EX-LOCAL-FTE" and c["year"] == 1)
    assert (fte["committed"], fte["delivered"], fte["shortfall"], fte["status"]) == (15, 12.5, 2.5, "shortfall")
    assert fte["delivered_value"] == 312_500 and fte["committed_value"] == 375_000
    hires = next(c for c in contract["commitments"] if c["measure"] == "EX-UNEMPLOYED-HIRE")
    assert (hires["delivered"], hires["status"]) == (6, "met")
    assert next(c for c in contract["commitments"] if c["measure"] == "EX-VOLUNTEER-HOURS")["status"] == "in progress"


def test_a_late_return_and_the_missing_ones_are_named(monitored):
    _, out, _ = monitored
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    status = {x["period"]: x for x in doc["contracts"][0]["returns"]}
    assert status["Y1Q3"]["status"] == "late" and status["Y1Q3"]["days_late"] == 6  # due 30 Apr, received 6 May
    assert status["Y1Q2"]["status"] == "on time"  # 29 Jan 09:00 UTC, due 30 Jan
    assert status["Y2Q1"]["status"] == "received"  # macro.xlsm: read, but no receipt time for it in received.csv
    assert status["Y2Q2"]["status"] == "not yet due"  # due 30 Jan 2028


def test_the_spend_shares_worked_out_by_hand(monitored):
    _, out, _ = monitored
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    year = next(y for y in doc["across_contracts"]["spend_by_year"] if y["year"] == 1)
    # four quarters of 30,000 (BS16, SME) + 10,000 (BS1, VCSE) + 60,000 (B1: Birmingham, not local)
    assert (year["total"], year["local"], year["sme"], year["vcse"]) == (400_000, 160_000, 120_000, 40_000)
    assert (year["local_share"], year["sme_share"], year["vcse_share"]) == (0.4, 0.3, 0.1)


def test_a_lowered_commitment_is_refused_naming_the_cell(monitored):
    _, out, _ = monitored
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    lowered = next(f for f in doc["files"] if f["name"] == "lowered.xlsx")
    assert not lowered["used"]
    assert any(p["location"] == "lowered.xlsx › Social Value!D5" and "was 15" in p["message"] and "now 10" in p["message"]
               for p in lowered["problems"])


@pytest.mark.parametrize("name", ["corrupt.xlsx", "zip-bomb.xlsx", "entity-bomb.xlsx"])
def test_the_batchs_hostile_files_are_each_that_files_problem(monitored, name):
    r, out, _ = monitored
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    report = next(f for f in doc["files"] if f["name"] == name)
    assert not report["used"] and any(p["severity"] == "error" for p in report["problems"]), report
    assert f"! {name}" in r.stdout


def test_a_macro_enabled_return_is_read_as_the_batch_reads_one_its_macros_never_run(monitored):
    _, out, _ = monitored
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    report = next(f for f in doc["files"] if f["name"] == "macro.xlsm")
    assert report["used"] and any("macros were not run" in p["message"] and p["severity"] == "warning" for p in report["problems"])


def test_the_outputs_and_their_manifest(monitored):
    _, out, _ = monitored
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "results.csv", "results.json", "results.xlsx"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    import hashlib

    for o in manifest["outputs"]:
        assert hashlib.sha256((out / o["name"]).read_bytes()).hexdigest() == o["sha256"]
    names = {i["name"] for i in manifest["inputs"]}
    assert {"returns/Y1Q1.xlsx", "returns/received.csv", "local/local.txt", "records/council-home-care-contract.json"} <= names
    parts = zipfile.ZipFile(out / "results.xlsx").namelist()
    assert sum(1 for p in parts if p.startswith("xl/charts/chart")) == 2  # delivered vs committed, and the local share by year
    csv_text = (out / "results.csv").read_text(encoding="utf-8")
    assert "EX-LOCAL-FTE" in csv_text.splitlines()[1] and ",shortfall" in csv_text


def test_a_record_that_cannot_be_read_is_exit_2(tmp_path):
    (tmp_path / "bad.json").write_text("{}")
    (tmp_path / "returns").mkdir()
    r = run_cli("monitor", str(tmp_path / "bad.json"), str(tmp_path / "returns"), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "bad.json" in r.stderr and "$.reference" in r.stderr
    assert not (tmp_path / "out").exists()



def test_verify_checks_a_monitoring_folder_and_its_returns(monitored, tmp_path):
    import shutil

    _, out, returns = monitored
    r = run_cli("verify", str(out), "--returns", str(returns))
    assert r.returncode == 0, r.stdout + r.stderr
    copy = tmp_path / "returns"
    shutil.copytree(returns, copy)
    (copy / "Y1Q2.xlsx").write_bytes((copy / "Y1Q2.xlsx").read_bytes() + b"\0")
    r = run_cli("verify", str(out), "--returns", str(copy))
    assert r.returncode == 1 and "Y1Q2.xlsx" in r.stdout + r.stderr


@pytest.mark.slow
def test_the_returns_for_each_period_are_generated(tmp_path):
    r = run_cli("template", "monitoring", str(RECORD_FILE), "--out", str(tmp_path), "--period", "Y1Q1", "--period", "Y2Q3")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BCC-2026-014-Y1Q1-monitoring-return.xlsx",
                                                          "BCC-2026-014-Y2Q3-monitoring-return.xlsx"]
    r = run_cli("template", "monitoring", str(RECORD_FILE), "--out", str(tmp_path / "all"))
    assert r.returncode == 0 and len(list((tmp_path / "all").iterdir())) == len(RECORD.periods)
    r = run_cli("template", "monitoring", str(RECORD_FILE), "--out", str(tmp_path), "--period", "Y9")
    assert r.returncode == 2 and "no period 'Y9'" in r.stderr


def test_every_sheet_of_the_monitoring_results_is_headed_with_the_contract_and_numbered(monitored):
    from tests.render.test_pages import unmarked

    _, out, _ = monitored
    assert unmarked((out / "results.xlsx").read_bytes(), "BCC-2026-014") == []
