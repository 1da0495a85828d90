"""svscore verify: the outputs and inputs of a run against its manifest."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import run_cli


def test_rerun_gives_identical_bytes_and_manifest_verifies(batch_run, folder):
    _, out, _ = batch_run
    again = folder["root"] / "out-again"
    run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(folder["scores"]), "--out", str(again))
    for name in ("results.xlsx", "results.csv", "results.json", "manifest.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    r = run_cli("verify", str(out), "--returns", str(folder["returns"]), "--scores", str(folder["scores"]), "--tender", str(folder["tender"]))
    assert r.returncode == 0 and "matches its manifest" in r.stdout, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    names = {i["name"] for i in manifest["inputs"]}
    assert {"returns/corrupt.xlsx", "scores/score-sheets.xlsx", "council-home-care.json", "measures-illustrative.json"} <= names
    assert manifest["thresholds_table"]["sha256"]


def test_verify_detects_a_changed_output(batch_run, tmp_path):
    _, out, _ = batch_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "results.csv").write_text("changed")
    r = run_cli("verify", str(copy))
    assert r.returncode == 1 and "results.csv: changed since the run" in r.stderr


def test_verify_finds_every_input_changed_or_added_since_the_run(batch_run, folder, tmp_path):
    """Proving later what was scored means the folders hold exactly what was read: nothing changed,
    nothing missing, nothing added."""
    _, out, _ = batch_run
    returns, scores = tmp_path / "returns", tmp_path / "scores"
    shutil.copytree(folder["returns"], returns)
    shutil.copytree(folder["scores"], scores)
    shutil.copy(folder["tender"], tmp_path / "council-home-care.json")
    shutil.copy(folder["root"] / "measures-illustrative.json", tmp_path / "measures-illustrative.json")
    shutil.copy(returns / "good-09876543.xlsx", returns / "late-addition.xlsx")
    (returns / "~$late-addition.xlsx").write_bytes(b"lock")  # skipped by the run, as it would be again: not reported
    (returns / "corrupt.xlsx").unlink()
    shutil.copy(scores / "score-sheets.xlsx", scores / "second-thoughts.xlsx")
    with (tmp_path / "measures-illustrative.json").open("a") as fh:
        fh.write(" ")
    r = run_cli("verify", str(out), "--returns", str(returns), "--scores", str(scores), "--tender", str(tmp_path / "council-home-care.json"))
    assert r.returncode == 1
    assert sorted(r.stderr.splitlines()) == sorted([
        f"{returns / 'corrupt.xlsx'}: missing",
        f"{returns / 'late-addition.xlsx'}: not in the manifest: added since the run, which did not read it",
        f"{scores / 'second-thoughts.xlsx'}: not in the manifest: added since the run, which did not read it",
        f"{tmp_path / 'measures-illustrative.json'}: changed since the run (SHA-256 differs)",
    ])
    assert "does NOT match its manifest (4 problem(s))" in r.stdout


def test_verify_with_another_tender_file_says_so(batch_run, folder, tmp_path):
    _, out, _ = batch_run
    other = tmp_path / "another-tender.json"
    shutil.copy(folder["tender"], other)
    r = run_cli("verify", str(out), "--tender", str(other))
    assert r.returncode == 1
    assert f"{other}: not the tender of this run (the manifest lists no input of that name)" in r.stderr


def test_verify_says_a_manifest_it_cannot_use_is_unreadable(batch_run, tmp_path):
    """A hand-edited manifest (an entry without its hash) is a clear message, not a traceback."""
    _, out, _ = batch_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["inputs"][0]["sha256"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    r = run_cli("verify", str(copy))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "manifest.json: cannot be read (its inputs are not a list of files with a name and a SHA-256)" in r.stderr


def test_a_tender_file_named_with_bytes_that_are_not_utf8_is_verified_by_its_label(folder, tmp_path):
    import os
    tender = os.fsdecode(bytes(tmp_path) + b"/t\xe9nder.json")
    shutil.copy(folder["tender"], tender)
    for beside in folder["tender"].parent.glob("*.json"):
        if beside != folder["tender"]:
            shutil.copy(beside, tmp_path / beside.name)
    out = tmp_path / "o"
    assert run_cli("batch", tender, str(folder["returns"]), "--out", str(out)).returncode in (0, 1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "t\\xe9nder.json" in {i["name"] for i in manifest["inputs"]}
    v = run_cli("verify", str(out), "--tender", tender)
    assert v.returncode == 0, v.stdout + v.stderr
    Path(tender).write_text(Path(tender).read_text(encoding="utf-8") + " ", encoding="utf-8")
    v = run_cli("verify", str(out), "--tender", tender)
    assert v.returncode == 1 and "t\\xe9nder.json: changed since the run" in v.stdout + v.stderr
