"""A wheelhouse: svscore's wheel and every wheel it needs, for a machine without a package index.

``pip download --platform win_amd64`` picks Windows wheels, but pip evaluates the dependencies'
markers against the machine it runs on, not the target: run on Linux it leaves out pywin32 (which
xlwings needs on Windows, ``platform_system == "Windows"``) and colorama (click's), and the classic
add-in would then not start. So after each download every wheel's own requirements are read and
evaluated for the target (``packaging.markers``), and whatever is missing is added to the next
download, until the wheelhouse satisfies every requirement of every wheel in it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

from svscore.errors import SvscoreError

SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13", "3.14")
"""The Python versions svscore supports (``requires-python = ">=3.11"``) and a wheelhouse is made for."""


@dataclass(frozen=True)
class Target:
    """A platform a wheelhouse is made for: pip's ``--platform`` (None: this machine) and the
    environment markers are evaluated in."""

    name: str
    platform: str | None
    markers: dict[str, str] = field(default_factory=dict)

    def environment(self, python: str) -> dict[str, str]:
        from packaging.markers import default_environment

        env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
        env.update(self.markers)
        if self.platform is not None:
            env.update(python_version=python, python_full_version=f"{python}.0", implementation_version=f"{python}.0")
        return env


WINDOWS_X64 = Target("Windows x64", "win_amd64", {
    "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
    "implementation_name": "cpython", "platform_python_implementation": "CPython", "platform_release": "", "platform_version": ""})
THIS_MACHINE = Target("this machine", None)


def _metadata(wheel: Path) -> tuple[str, str, list[str]]:
    """A wheel's project name, version and Requires-Dist lines."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        meta = Parser().parsestr(z.read(name).decode("utf-8"))
    return meta["Name"], meta["Version"], meta.get_all("Requires-Dist") or []


def unmet(wheels: list[Path], env: dict[str, str]) -> list[str]:
    """The requirements of ``wheels`` (evaluated in ``env``) that no wheel among them satisfies."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    present: dict[str, Version] = {}
    requires: list[Requirement] = []
    for w in wheels:
        name, version, lines = _metadata(w)
        present[canonicalize_name(name)] = Version(version)
        requires += [Requirement(line) for line in lines]
    extras: dict[str, set[str]] = {}
    for r in requires:
        extras.setdefault(canonicalize_name(r.name), set()).update(r.extras)
    missing = []
    for w in wheels:
        name, _, lines = _metadata(w)
        for line in lines:
            r = Requirement(line)
            wanted = ["", *sorted(extras.get(canonicalize_name(name), ()))]
            if r.marker is not None and not any(r.marker.evaluate({**env, "extra": e}) for e in wanted):
                continue
            have = present.get(canonicalize_name(r.name))
            if have is None or not r.specifier.contains(have, prereleases=True):
                r.marker = None
                missing.append(str(r))
    return sorted(set(missing))


def _pip_download(requirements: list[str], into: Path, target: Target, python: str) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--only-binary=:all:", "-d", str(into)]
    if target.platform is not None:
        cmd += ["--platform", target.platform, "--python-version", python, "--implementation", "cp"]
    done = subprocess.run(cmd + requirements, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if not line.startswith("WARNING")]
        raise SvscoreError(f"pip could not download the wheels for {target.name}, Python {python}: "
                           f"{' '.join(errors).strip()[-1500:] or 'no reason given'} (a package index must be reachable to make the wheelhouse)")


def build_wheelhouse(svscore_wheel: Path, into: Path, target: Target = WINDOWS_X64,
                     pythons: tuple[str, ...] = SUPPORTED_PYTHONS) -> list[Path]:
    """Download into ``into`` every wheel svscore needs on ``target`` for each of ``pythons``, with
    svscore's own wheel; return the wheels, sorted. Each Python's set is checked complete."""
    into.mkdir(parents=True, exist_ok=True)
    for python in pythons:
        env = target.environment(python)
        extra: list[str] = []
        with tempfile.TemporaryDirectory(prefix="svscore-wheelhouse-") as tmp:
            for _ in range(10):  # each round adds what the last one's markers left out; two rounds suffice in practice
                folder = Path(tmp) / f"round-{len(extra)}"
                _pip_download([str(svscore_wheel), *extra], folder, target, python)
                wheels = sorted(folder.glob("*.whl"))
                missing = unmet(wheels, env)
                if not missing:
                    break
                if set(missing) <= set(extra):
                    raise SvscoreError(f"the wheelhouse for {target.name}, Python {python} still lacks {', '.join(missing)} after downloading it")
                extra = sorted(set(extra) | set(missing))
            else:  # pragma: no cover - a dependency graph that never closes
                raise SvscoreError(f"the wheelhouse for {target.name}, Python {python} did not settle: {', '.join(missing)}")
            for w in wheels:
                if not (into / w.name).exists():
                    shutil.copy2(w, into / w.name)
    return sorted(into.glob("*.whl"))
