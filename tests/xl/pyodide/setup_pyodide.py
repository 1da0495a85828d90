"""Fetch what the Pyodide test needs: the npm ``pyodide`` package of each version tested, and the
wasm wheels of pydantic for it from the package index. Run by tests/install-test-deps.sh; the test
calls it too, so a missing folder is filled rather than skipped.

Pyodide's own package site (its CDN) is not reachable from these machines; the npm registry and the
package index are. The npm package holds Pyodide itself but none of its packages, so micropip and
pydantic come from the package index: micropip as the pure wheel Pyodide's lockfile names, pydantic-core
as the wasm wheel its maintainers publish there. They publish it only for Pyodide 314
(``pyemscripten_2026_0_wasm32``, Python 3.14), so older Pyodide (0.27: Python 3.12; 0.28 and 0.29:
Python 3.13) cannot be tested here: their pydantic-core is only on Pyodide's CDN.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSIONS = ("314.0.0", "314.0.8")
"""The oldest and the newest Pyodide whose packages this machine can reach (see the module's docstring)."""
PLATFORM = "pyemscripten_2026_0_wasm32"
PYTHON = "3.14"
CACHE = Path(os.environ.get("SVSCORE_TEST_CACHE", Path.home() / ".cache" / "svscore-tests")) / "pyodide"


def node() -> str | None:
    return shutil.which("node")


def pyodide(version: str) -> Path:
    """A folder with ``node_modules/pyodide`` of ``version``, installed from npm once."""
    folder = CACHE / version
    if not (folder / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), f"pyodide@{version}"],
                       check=True, timeout=600)
    return folder


def micropip_version(version: str) -> str:
    lock = json.loads((pyodide(version) / "node_modules" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["micropip"]["version"]


def wheels(version: str) -> Path:
    """A folder of the wheels installed before svscore: micropip (the version Pyodide's lockfile names),
    pydantic, pydantic-core's wasm build and their pure dependencies."""
    folder = CACHE / f"wheels-{version}"
    done = folder / "complete"
    if not done.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--only-binary=:all:",
                        "--platform", PLATFORM, "--python-version", PYTHON, "--implementation", "cp", "--abi", "cp314",
                        "-d", str(folder), "pydantic>=2.6,<3", f"micropip=={micropip_version(version)}"], check=True, timeout=600)
        done.write_text("\n".join(sorted(p.name for p in folder.glob("*.whl"))) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    if node() is None:
        print("node is not installed: the Pyodide test will be skipped")
        sys.exit(0)
    for v in VERSIONS:
        print(f"Pyodide {v}: {pyodide(v)}; wheels: {', '.join(sorted(p.name for p in wheels(v).glob('*.whl')))}")
