"""Installing without a package index: a reproducible wheel, a complete wheelhouse, and a pack that carries them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from svscore.xl.wheel import build_wheel
from svscore.xl.wheelhouse import THIS_MACHINE, WINDOWS_X64, build_wheelhouse, unmet
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.mark.slow
def test_two_builds_of_the_checkout_are_byte_identical(wheel, tmp_path):
    again = build_wheel(tmp_path / "again")
    assert again.name == wheel.name == "svscore-0.1.0-py3-none-any.whl"
    assert again.read_bytes() == wheel.read_bytes()
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    # The wheel is made from the sources alone: the examples are in it, the checkout's leftovers are not.
    assert "svscore/examples/council-home-care.json" in names and "svscore/xl/udfs.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith(("build/", "tests/"))]


@pytest.mark.slow
def test_pip_alone_leaves_out_what_xlwings_needs_on_windows(wheel, tmp_path):
    # pip run on Linux evaluates markers for Linux: xlwings' `pywin32; platform_system == "Windows"` is left out.
    naive = tmp_path / "naive"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--only-binary=:all:",
                    "--platform", "win_amd64", "--python-version", "3.12", "-d", str(naive), str(wheel)], check=True, timeout=900)
    assert "pywin32>=224" in unmet(sorted(naive.glob("*.whl")), WINDOWS_X64.environment("3.12"))
    # build_wheelhouse closes that gap: the pack test below checks its Windows wheelhouse is complete.


@pytest.mark.slow
def test_the_wheelhouse_installs_in_a_fresh_venv_with_no_index(wheel, tmp_path):
    # The same mechanism as the Windows wheelhouse, for this machine, so it can be installed and run here.
    house = tmp_path / "wheelhouse"
    build_wheelhouse(wheel, house, THIS_MACHINE, (PYTHON,))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index",
                           "--find-links", str(house), "svscore"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    check = subprocess.run([str(python), "-m", "svscore", "check", str(ROOT / "examples" / "council-home-care.json")],
                           capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    sv = subprocess.run([str(python), "-c", "from svscore.xl.udfs import SV_VERSION; print(SV_VERSION())"],
                        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert sv.stdout.strip() == "0.1.0", sv.stderr


@pytest.mark.slow
def test_pack_with_installer_carries_every_wheel_in_its_manifest_and_guide(tmp_path):
    out = tmp_path / "pack.zip"
    done = run_cli("template", "pack", "examples/council-home-care.json", "--out", str(out), "--with-installer",
                   "--installer-python", "3.12")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        guide = z.read("GUIDE.md").decode("utf-8")
    wheels = sorted(n for n in names if n.endswith(".whl"))
    assert "wheelhouse/svscore-0.1.0-py3-none-any.whl" in wheels and any(n.startswith("wheelhouse/pywin32-") for n in wheels)
    assert all(n.startswith("wheelhouse/") for n in wheels)
    assert any(n.startswith("wheelhouse/pydantic_core-") and n.endswith("-cp312-cp312-win_amd64.whl") for n in wheels)
    house = tmp_path / "house"
    house.mkdir()
    with zipfile.ZipFile(out) as z:
        for n in wheels:
            (house / n.removeprefix("wheelhouse/")).write_bytes(z.read(n))
    assert unmet(sorted(house.glob("*.whl")), WINDOWS_X64.environment("3.12")) == []  # every requirement of every wheel met
    listed = {f["name"] for f in manifest["files"]}
    assert set(wheels) <= listed and listed == names - {"manifest.json"}
    assert "py -m pip install --no-index --find-links wheelhouse svscore" in guide
    assert "https://YOUR-COUNCIL-HOST/path/svscore-0.1.0-py3-none-any.whl" in guide
    # The guide names the Pythons the wheelhouse holds (cryptography's cp311-abi3 wheel serves 3.12 too).
    assert "on Windows x64, for Python 3.12." in guide and "3.11" not in guide
    verify = run_cli("template", "verify", str(out))
    assert verify.returncode == 0 and "intact" in verify.stdout
    setup = run_cli("xl-setup")
    assert "py -m pip install --no-index --find-links wheelhouse svscore" in setup.stdout


def test_xl_setup_says_how_to_install_without_an_index_and_what_the_licences_are():
    for args in (("xl-setup",), ("xl-setup", "--lite")):
        out = run_cli(*args).stdout
        assert "py -m pip install --no-index --find-links wheelhouse svscore" in out
        assert "https://YOUR-COUNCIL-HOST/path/svscore-0.1.0-py3-none-any.whl" in out
        assert "xlwings (BSD 3-clause, open source)" in out and "xlwings' PRO code" in out
        assert "supplied by the Lite add-in, not by svscore" in out
    assert "svscore==" not in run_cli("xl-setup", "--lite").stdout  # svscore is not on the public package index
