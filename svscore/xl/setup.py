"""The settings an officer needs to use svscore's functions in Excel (``svscore xl-setup``)."""

from __future__ import annotations

from svscore import __version__

CLASSIC = """\
svscore {version}: Excel functions with the classic xlwings add-in (Windows)

1. Install:       python -m pip install svscore   (then: xlwings addin install)
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
2. requirements.txt (in the xlwings Lite editor), one line:

svscore=={version}

3. main.py (in the xlwings Lite editor):

from svscore.xl.udfs import *  # noqa: F401,F403  (SV_... functions)

4. Restart xlwings Lite, then try:  =SV_VERSION()
   Dates reach Lite as serial numbers (45658 is 1 Jan 2025); svscore's functions accept both.
"""


WINDOWS_PLACEHOLDER = r"C:\path\to\python.exe"


def classic_settings() -> str:
    """The classic add-in's steps. INTERPRETER_WIN is this Python when this is Windows; elsewhere a
    placeholder, because the add-in runs on Windows and a Linux or Mac path would not work there."""
    import sys

    if sys.platform == "win32":
        return CLASSIC.format(version=__version__, interpreter=sys.executable)
    return CLASSIC.format(version=__version__, interpreter=WINDOWS_PLACEHOLDER) + NOT_WINDOWS


NOT_WINDOWS = f"""
This is not Windows, so INTERPRETER_WIN shows a placeholder: on the Windows machine, replace
{WINDOWS_PLACEHOLDER} with the path that `where python` (or `py -c "import sys; print(sys.executable)"`) prints.
"""


def lite_settings() -> str:
    return LITE.format(version=__version__)
