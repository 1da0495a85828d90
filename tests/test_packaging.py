"""The package list in pyproject.toml matches the folders, and the examples ship with it."""

from __future__ import annotations

import tomllib

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
