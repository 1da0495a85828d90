"""The settings an officer needs to use svscore's functions in Excel (``svscore xl-setup``)."""

from __future__ import annotations

from svscore import __version__

CLASSIC = """\
svscore {version}: Excel functions with the classic xlwings add-in (Windows)

1. Install svscore (it is not on the public package index), then the add-in:
                  py -m pip install --no-index --find-links wheelhouse svscore
                  py -m xlwings addin install
   (wheelhouse: the folder of that name in a pack made with --with-installer, see below;
   from a copy of svscore's source instead: py -m pip install .)
2. Settings, in one of two forms:
   a. a sheet named xlwings.conf in your workbook, each key in column A and its value in
      column B (no quotes):

         A                   B
         UDF MODULES         svscore.xl.udfs
         INTERPRETER_WIN     {interpreter}

   b. or a text file xlwings.conf next to the workbook (or %USERPROFILE%\\.xlwings\\xlwings.conf),
      one quoted line per key:

"UDF MODULES","svscore.xl.udfs"
"INTERPRETER_WIN","{interpreter}"

3. In Excel:      allow "Trust access to the VBA project object model"
                  (File > Options > Trust Center > Trust Center Settings > Macro Settings).
   In the VBA editor (Alt+F11), Tools > References..., tick "xlwings" and click OK
                  (the workbook's functions call the add-in through this reference).
   Then on the xlwings ribbon tab click "Import Functions".
                  Save the workbook as .xlsm so that the imported functions stay in it.
4. Try:           =SV_VERSION()  then  =SV_WEIGHTCHECK(Setup!A44:H53)

Functions: SV_WEIGHTCHECK, SV_EFFECTIVEWEIGHTS, SV_PRICESCORES, SV_RESULTS, SV_THRESHOLD,
SV_ABOVETHRESHOLD, SV_ACTAPPLIES, SV_ACTREASONS, SV_SOCIALVALUE, SV_VERSION.
"""

LITE = """\
svscore {version}: Excel functions in xlwings Lite (Excel on Windows, Mac or the web)

1. In Excel:      Home > Add-ins > search "xlwings Lite" > Add; open its task pane.
2. requirements.txt (in the xlwings Lite editor), one line: the web address where your council
   hosts svscore's wheel (svscore is not on the public package index; see below):

https://YOUR-COUNCIL-HOST/path/svscore-{version}-py3-none-any.whl

3. main.py (in the xlwings Lite editor):

from svscore.xl.udfs import *  # noqa: F401,F403  (SV_... functions)

4. Restart xlwings Lite, then try:  =SV_VERSION()
   Dates reach Lite as serial numbers (45658 is 1 Jan 2025); svscore's functions accept both.
"""

OFFLINE = """Installing without a package index
  svscore template pack TENDER --out pack.zip --with-installer  puts in the pack's wheelhouse
  folder svscore's wheel (svscore-{version}-py3-none-any.whl, built from the checkout, the same
  bytes every time) and every wheel it needs on Windows x64 for Python {pythons}.
  - Classic add-in: on the Windows machine, in the unzipped pack's folder:
        py -m pip install --no-index --find-links wheelhouse svscore
        py -m xlwings addin install
  - xlwings Lite: put wheelhouse/svscore-{version}-py3-none-any.whl on a web server your council
    controls that allows Excel to fetch it (cross-origin requests allowed), and make this the one
    line of requirements.txt:
        https://YOUR-COUNCIL-HOST/path/svscore-{version}-py3-none-any.whl
    Under Lite svscore needs only pydantic, which Lite installs from Pyodide's own packages.
"""

LICENCES = """Licences and compiled code
  - svscore: MIT. Its own code is pure Python.
  - Classic add-in: xlwings (BSD 3-clause, open source). xlwings itself imports its PRO package
    (its licence check; PRO code is PolyForm Noncommercial or commercially licensed) when it loads;
    svscore uses nothing of it. Compiled code there: xlwings' own extension and DLLs (xlwingslib), pywin32, pydantic-core
    (Rust), and, loaded by xlwings' licence check, cryptography (Rust); the workbook readers
    (python-calamine, lxml) are loaded by the command line, not by the functions.
  - xlwings Lite: the decorators svscore's functions use (func, arg, ret) are xlwings' PRO code
    under its own licence (PolyForm Noncommercial or commercial; xlwings Lite is free to use),
    supplied by the Lite add-in, not by svscore. Compiled code there: Pyodide itself and
    pydantic-core (WebAssembly); svscore installs nothing else.
"""


WINDOWS_PLACEHOLDER = r"C:\path\to\python.exe"


def classic_settings() -> str:
    """The classic add-in's steps. INTERPRETER_WIN is this Python when this is Windows; elsewhere a
    placeholder, because the add-in runs on Windows and a Linux or Mac path would not work there."""
    import sys

    tail = "\n" + offline_steps() + "\n" + LICENCES
    if sys.platform == "win32":
        return CLASSIC.format(version=__version__, interpreter=sys.executable) + tail
    return CLASSIC.format(version=__version__, interpreter=WINDOWS_PLACEHOLDER) + NOT_WINDOWS + tail


NOT_WINDOWS = f"""
This is not Windows, so INTERPRETER_WIN shows a placeholder: on the Windows machine, replace
{WINDOWS_PLACEHOLDER} with the path that `where python` (or `py -c "import sys; print(sys.executable)"`) prints.
"""


def offline_steps(pythons: tuple[str, ...] | None = None) -> str:
    """How a partner council installs svscore without a package index (also in a pack's GUIDE.md):
    ``pythons``, the Python versions the wheelhouse holds wheels for (default: every supported one)."""
    from svscore.xl.wheelhouse import SUPPORTED_PYTHONS

    pythons = pythons or SUPPORTED_PYTHONS
    text = f"{pythons[0]} to {pythons[-1]}" if pythons == SUPPORTED_PYTHONS else " and ".join(pythons)
    return OFFLINE.format(version=__version__, pythons=text)


def lite_settings() -> str:
    """xlwings Lite's steps, then the offline install and the licences."""
    return LITE.format(version=__version__) + "\n" + offline_steps() + "\n" + LICENCES
