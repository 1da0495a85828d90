"""Shared fixtures: the bundled examples, a minimal tender builder, and the CLI run as a user runs it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from svscore.model.bids import Bid, Score
from svscore.model.tender import Tender

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

BASE_TENDER: dict[str, Any] = {
    "reference": "T-1",
    "title": "Test tender",
    "authority": {"name": "Testshire Council", "type": "sub_central", "jurisdiction": "england"},
    "contract": {"kind": "services", "estimated_value": 1000000, "value_includes_vat": True,
                 "procurement_start": "2026-03-02"},
    "scales": [{"id": "0-5", "values": [{"value": v} for v in range(6)]}],
    "criteria": [
        {"id": "P", "name": "Price", "kind": "price", "weight": 50},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 40, "scale": "0-5"},
        {"id": "SV", "name": "Social value", "kind": "social_value", "weight": 10, "scale": "0-5"},
    ],
    "social_value_policy": {"minimum_percent": 10, "mandatory": False},
}


def tender_dict(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE_TENDER)
    data.update(copy.deepcopy(overrides))
    return data


def make_tender(**overrides: Any) -> Tender:
    return Tender.model_validate(tender_dict(**overrides))


def bid(bidder: str, price: float | None = None, **scores: Any) -> Bid:
    """A bid with consensus scores: bid('A', 100, Q=4, SV=3)."""
    return Bid(bidder_id=bidder, bidder=bidder, price=price,
               scores=tuple(Score(criterion=k, value=v) for k, v in scores.items()))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command exactly as a user would."""
    return subprocess.run([sys.executable, "-m", "svscore", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


@pytest.fixture
def write_json(tmp_path: Path):
    def write(data: Any, name: str = "file.json") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path
    return write


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """LibreOffice's soffice; the suite needs it (tests/install-test-deps.sh installs it)."""
    from svscore.excel.libreoffice import soffice

    exe = soffice()
    if exe is None:
        pytest.fail("LibreOffice is required: run tests/install-test-deps.sh")
    return exe


@pytest.fixture(scope="session")
def gnumeric() -> str:
    """Gnumeric's ssconvert, the second recalculating program (tests/install-test-deps.sh installs it)."""
    from svscore.excel.gnumeric import ssconvert

    exe = ssconvert()
    if exe is None:
        pytest.fail("Gnumeric is required: run tests/install-test-deps.sh")
    return exe


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which turns "auto" into a number of workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Run on every core (``-n auto --dist loadgroup``) when pytest-xdist is installed and no ``-n``
    was given; without it the suite runs in one process rather than refusing to start."""
    if hasattr(config, "workerinput"):  # a worker of a parallel run: it runs its share, in its own process
        return
    if config.pluginmanager.hasplugin("xdist") and config.option.numprocesses is None:
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            config.option.dist = "loadgroup"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that start LibreOffice or Gnumeric are marked slow: `-m "not slow"` is the quick loop.

    The suite runs in parallel (pytest-xdist, `--dist loadgroup` in pyproject.toml). A module-scoped
    fixture is built once per worker that runs a test using it, so the tests sharing one (for example
    every workbook recalculated by LibreOffice) are put in one group, which one worker runs: the
    fixture is built once. A parametrized fixture's values are separate groups (LibreOffice's and
    Gnumeric's recalculations run side by side).
    """
    for item in items:
        if {"libreoffice", "gnumeric"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = sorted(name for name, defs in info.name2fixturedefs.items() if defs and defs[-1].scope == "module")
        if shared:
            params = getattr(getattr(item, "callspec", None), "params", {})
            values = "".join(f",{name}={params[name]}" for name in shared if name in params)
            # no "]" in a group's name: pytest-xdist reads a name after the last "]" only
            group = f"{item.nodeid.split('::')[0]}{values}".replace("[", "(").replace("]", ")")
            item.add_marker(pytest.mark.xdist_group(group))
