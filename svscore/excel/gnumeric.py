"""Recalculate workbooks with Gnumeric's ``ssconvert --recalc``: a second program beside LibreOffice.

Used by the tests that prove the templates' native formulas give the engine's answer in more than
one spreadsheet program. ssconvert takes one workbook per call (about 0.2 s each here), so the
calls run two at a time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from svscore.errors import SvscoreError


def ssconvert() -> str | None:
    """Gnumeric's ssconvert, or None when it is not installed."""
    return shutil.which("ssconvert")


def convert(paths: Sequence[Path], out_dir: Path, workers: int = 2, timeout: float = 120) -> list[Path]:
    """Recalculate each workbook in Gnumeric and save it as .xlsx into ``out_dir`` (same stem)."""
    exe = ssconvert()
    if exe is None:
        raise SvscoreError("Gnumeric is not installed (Debian package gnumeric).")
    out_dir.mkdir(parents=True, exist_ok=True)

    def one(path: Path) -> Path:
        out = out_dir / (Path(path).stem + ".xlsx")
        done = subprocess.run([exe, "--recalc", "-T", "Gnumeric_Excel:xlsx2", str(path), str(out)],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not out.is_file():
            raise SvscoreError(f"Gnumeric did not convert {path}: {done.stderr.strip()[-500:]}")
        return out

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths))
