"""Build svscore's own wheel from a checkout, reproducibly, for councils that install without an index.

Two builds of the same checkout give the same bytes: the build copies only the files the wheel is
made from into a fresh folder (so a stale ``build/`` or ``*.egg-info`` in the checkout never leaks
in), and fixes every date in the zip with ``SOURCE_DATE_EPOCH``, taken from the last commit when the
checkout is a git repository. pip builds it, as it would for ``pip install .``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from svscore.errors import SvscoreError

EARLIEST_ZIP_TIME = 315532800
"""1 Jan 1980, the earliest date a zip file can hold: used when the checkout has no git history."""
SOURCES = ("pyproject.toml", "README.md", "svscore", "examples")
"""What the wheel is made from (pyproject.toml maps svscore.examples to examples/)."""


def checkout() -> Path:
    """The source checkout this svscore runs from, or an error saying why a wheel cannot be built here."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "examples").is_dir():
        raise SvscoreError(f"svscore is installed here without its source checkout ({root} has no pyproject.toml "
                           "and examples folder), so its wheel cannot be built: run this from a clone of svscore's repository")
    return root


def source_date_epoch(root: Path) -> int:
    """The time of the checkout's last commit (seconds since 1970), or 1 Jan 1980 without git."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return EARLIEST_ZIP_TIME
    text = done.stdout.strip()
    return max(int(text), EARLIEST_ZIP_TIME) if done.returncode == 0 and text.isdigit() else EARLIEST_ZIP_TIME


def _copy_sources(root: Path, into: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "examples")  # svscore/examples: a symlink in some checkouts
    for name in SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, into / name, ignore=ignore if name == "svscore" else shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, into / name)
    for path in sorted(into.rglob("*")):
        os.utime(path, (EARLIEST_ZIP_TIME, EARLIEST_ZIP_TIME), follow_symlinks=False)
        if path.is_file():  # the wheel records file modes: the same for every checkout, whatever its umask
            path.chmod(0o644)


def build_wheel(out: Path, root: Path | None = None) -> Path:
    """Build svscore's wheel into the folder ``out`` and return its path."""
    root = root or checkout()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="svscore-wheel-") as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        src.mkdir()
        _copy_sources(root, src)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch(root)), "PYTHONHASHSEED": "0"}
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                               "-w", str(dist), str(src)], capture_output=True, text=True, env=env, timeout=600)
        wheels = sorted(dist.glob("svscore-*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            raise SvscoreError(f"pip could not build svscore's wheel: {(done.stderr or done.stdout).strip()[-2000:]}")
        target = out / wheels[0].name
        shutil.move(str(wheels[0]), target)
    return target
