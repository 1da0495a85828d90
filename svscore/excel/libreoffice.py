"""Recalculate workbooks with LibreOffice headless (no Excel needed), in one batch per call.

Used by the tests that prove the templates' native formulas agree with the engine, and by the
script that renders the README's pictures. LibreOffice does not recalculate files that already
carry cached values unless told to: the profile written here sets ``OOXMLRecalcMode`` to 0
("always recalculate").
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from svscore.errors import SvscoreError

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


CHUNK = 100
"""Files per LibreOffice process: one process stopped converting after about 240 documents here."""


def convert(paths: Sequence[Path], out_dir: Path, to: str = "xlsx", timeout: float = 600) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate it, and save it as ``to`` into ``out_dir``."""
    out: list[Path] = []
    for start in range(0, len(paths), CHUNK):
        out += _convert(paths[start:start + CHUNK], out_dir, to, timeout)
    return out


def _convert(paths: Sequence[Path], out_dir: Path, to: str, timeout: float) -> list[Path]:
    exe = soffice()
    if exe is None:
        raise SvscoreError("LibreOffice is not installed (Debian package libreoffice-calc-nogui).")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="svscore-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", to, "--outdir", str(out_dir), *map(str, paths)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    results = [out_dir / (Path(p).stem + "." + to.split(":")[0]) for p in paths]
    missing = [str(p) for p in results if not p.is_file()]
    if missing:
        raise SvscoreError(f"LibreOffice did not convert {', '.join(missing)}: {done.stderr.strip() or done.stdout.strip()}")
    return results
