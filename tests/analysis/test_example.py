"""docs/analysis_example.py runs as a user runs it and draws its picture."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytest.importorskip("pandas")


@pytest.mark.slow
def test_the_analysis_example_runs_and_draws_its_picture(tmp_path):
    pytest.importorskip("matplotlib")
    picture = tmp_path / "what-if.png"
    # this checkout's svscore, not whichever is installed (a script's own folder is first on its path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "analysis_example.py"), str(picture)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "The winner as the price weight rises" in done.stdout and "Castle Support Services plc" in done.stdout
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (880, 440)
