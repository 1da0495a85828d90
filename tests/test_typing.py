"""The package type-checks: every value that may be missing (a bid without a price, a criterion
without points) is handled before it is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_finds_no_errors():
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "svscore"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
