"""What installs under Pyodide, and what a person is told when a package the command needs is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix", "python_version": "3.12",
           "python_full_version": "3.12.7", "implementation_name": "cpython", "platform_machine": "wasm32", "extra": ""}

# A stand-in for a machine without the packages: every import of these names fails, as it does where they are not installed.
BLOCK = """
import sys, importlib.abc
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {names!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Missing())
"""


def _requirements() -> list[Requirement]:
    return [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]]


def test_under_pyodide_only_pydantic_is_required():
    # micropip evaluates these markers: python-calamine (no build for Pyodide 0.27) and the rest stay out.
    kept = sorted(r.name for r in _requirements() if r.marker is None or r.marker.evaluate(PYODIDE))
    assert kept == ["pydantic"]
    # Everywhere else everything still installs, so `pip install . && svscore demo` is unchanged.
    linux = {**PYODIDE, "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"}
    assert all(r.marker is None or r.marker.evaluate(linux) for r in _requirements())


def test_the_command_names_a_missing_package_and_how_to_install_it():
    code = BLOCK.format(names={"click", "python_calamine"}) + "import runpy; runpy.run_module('svscore', run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", code, "demo"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[0] == (
        "svscore: the svscore command needs click, python-calamine, which are not installed here. "
        "Install them with:  python -m pip install click python-calamine")
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_functions_run_without_the_command_line_packages():
    blocked = {"click", "python_calamine", "openpyxl", "xlsxwriter", "msoffcrypto", "defusedxml", "jsonschema",
               "docx", "holidays", "xlwings", "cryptography"}
    code = BLOCK.format(names=blocked) + (
        "import json\n"
        "from svscore.xl import udfs\n"
        "rows = [['P', None, 'Price', 'price', 60, None, None], ['Q', None, 'Quality', 'quality', 40, '0-5', None]]\n"
        "print(json.dumps([udfs.SV_WEIGHTCHECK(rows), udfs.SV_PRICESCORES([100, 125]),"
        " udfs.SV_RESULTS(rows, ['Q'], [[5, 3]], ['A', 'B'], [100, 125]), udfs.SV_THRESHOLD(500000, 'sub_central', 'services', 45658)]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    check, prices, results, threshold = json.loads(done.stdout)
    assert check == [["OK"]] and prices == [[100.0], [80.0]] and threshold == 214904.0
    assert results[1][:2] == ["A", "ranked"] and results[1][-1] == 1


def test_importing_the_functions_loads_neither_xlwings_pro_nor_cryptography_where_the_decorators_do_nothing():
    # Off Windows and outside Pyodide, xlwings' decorators are no-ops: importing xlwings there would only
    # load xlwings.pro's licence check and cryptography's compiled bindings.
    code = "import sys, json\nimport svscore.xl.udfs\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = {m.split(".")[0] for m in json.loads(done.stdout)}
    assert not loaded & {"xlwings", "cryptography", "python_calamine", "openpyxl", "jsonschema", "click", "msoffcrypto", "xlsxwriter"}
