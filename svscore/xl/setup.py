"""The settings an officer needs to use svscore's functions in Excel (``svscore xl-setup``)."""

from __future__ import annotations

from svscore import __version__

CLASSIC = """\
svscore {version}: Excel functions with the classic xlwings add-in (Windows)

1. Install:       python -m pip install svscore   (then: xlwings addin install)
2. Settings:      either put these two lines in a sheet named xlwings.conf in your workbook,
                  or in a file xlwings.conf next to it, or in %USERPROFILE%\\.xlwings\\xlwings.conf:

"UDF MODULES","svscore.xl.udfs"
"INTERPRETER_WIN","{interpreter}"

3. In Excel:      allow "Trust access to the VBA project object model"
                  (File > Options > Trust Center > Trust Center Settings > Macro Settings),
                  then on the xlwings ribbon tab click "Import Functions".
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


def classic_settings() -> str:
    import sys

    return CLASSIC.format(version=__version__, interpreter=sys.executable)


def lite_settings() -> str:
    return LITE.format(version=__version__)
