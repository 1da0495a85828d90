"""Which of svscore's dependencies only the command line, the batch and the templates need.

Under Pyodide (xlwings Lite), svscore installs with pydantic alone: the Excel functions need
nothing else, and the other dependencies carry the marker ``sys_platform != "emscripten"`` in
pyproject.toml (some have no build for Pyodide at all, such as python-calamine). Code that needs
one of them asks here first, so that a person is told which package is missing and how to
install it, rather than shown an ImportError traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

COMMAND_LINE = {
    "click": "click",
    "defusedxml": "defusedxml",
    "docx": "python-docx",
    "holidays": "holidays",
    "jsonschema": "jsonschema",
    "msoffcrypto": "msoffcrypto-tool",
    "openpyxl": "openpyxl",
    "packaging": "packaging",
    "python_calamine": "python-calamine",
    "tzdata": "tzdata",
    "xlsxwriter": "xlsxwriter",
}
"""The modules the ``svscore`` command needs beyond the Excel functions' pydantic, each with the
package that provides it (the name to give pip)."""


class MissingDependency(SystemExit):
    """A package svscore needs here is not installed; the message says which and how to install it.

    A SystemExit, so that the command line prints the message alone and exits with status 1."""


def missing(modules: dict[str, str]) -> list[str]:
    """The packages of ``modules`` (module name → package name) that cannot be imported here."""
    out = []
    for module, package in modules.items():
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):  # a broken or blocked module is as good as missing
            found = False
        if not found:
            out.append(package)
    return out


def message(packages: list[str], needed_by: str) -> str:
    """What to tell a person when ``packages`` are missing."""
    names = ", ".join(packages)
    return (f"svscore: {needed_by} needs {names}, which {'is' if len(packages) == 1 else 'are'} not installed here. "
            f"Install {'it' if len(packages) == 1 else 'them'} with:  python -m pip install {' '.join(packages)}\n"
            "(svscore installs them itself except under Pyodide, such as xlwings Lite, where only the Excel "
            "functions run and need none of them.)")


def require(modules: dict[str, str], needed_by: str) -> None:
    """Stop with a clear message when any of ``modules`` is missing."""
    packages = missing(modules)
    if packages:
        raise MissingDependency(message(packages, needed_by))
