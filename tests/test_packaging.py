"""The package list in pyproject.toml matches the folders, and the examples ship with it."""

from __future__ import annotations

import tomllib

import pytest

from svscore.data import examples_dir
from tests.conftest import ROOT


def test_every_package_folder_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {("svscore." + p.parent.relative_to(ROOT / "svscore").as_posix().replace("/", ".")).replace("svscore..", "svscore")
               for p in (ROOT / "svscore").rglob("__init__.py")}
    folders = {f.removesuffix(".") for f in folders} | {"svscore.examples"}
    assert listed == folders


def test_examples_are_found():
    assert (examples_dir() / "council-home-care.json").is_file()


def test_examples_are_found_in_an_installed_layout(tmp_path, monkeypatch):
    # Installed, the examples are a folder without __init__.py inside a regular package: the
    # layout that resources.files() mishandles (it returns a MultiplexedPath).
    pkg = tmp_path / "svinstalled"
    (pkg / "examples").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "examples" / "council-home-care.json").write_text("{}")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert examples_dir("svinstalled.examples") == pkg / "examples"


@pytest.mark.slow
def test_demo_runs_as_a_user_runs_it(tmp_path):
    from tests.conftest import run_cli

    r = run_cli("demo", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "5 scored, 1 rejected, 1 excluded, 1 skipped" in r.stdout
    assert (tmp_path / "demo" / "results" / "results.xlsx").is_file()
    award = tmp_path / "demo" / "award"  # the award folder, a draft: the example's data has gaps on purpose
    assert (award / "award-report.docx").is_file() and len(list(award.glob("assessment-summary-*.docx"))) == 5
    assert "Wrote a DRAFT award folder" in r.stdout
    monitoring = tmp_path / "demo" / "monitoring"  # a year of returns for the winner: one short of its promise, one late
    assert len(list((monitoring / "returns").glob("*.xlsx"))) == 4 and (monitoring / "results" / "results.xlsx").is_file()
    assert "1 shortfall(s), late returns: Y1Q3" in r.stdout
