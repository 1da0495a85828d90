"""How the functions meet Excel: error cells, star imports, and the set-up steps `xl-setup` prints."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from svscore.xl import adapt, udfs
from tests.conftest import run_cli

# Excel's CVErr values as the classic add-in receives them from Windows (0x800A0000 + XlCVError):
# xlwings turns only the classic seven into text; these reach the function as integers.
SPILL, CALC, FIELD = 2045 - 2146828288, 2050 - 2146828288, 2049 - 2146828288


def test_from_udfs_import_star_brings_in_the_functions_only():
    code = "from svscore.xl.udfs import *\nprint(sorted(k for k in dir() if not k.startswith('__')))"
    names = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert eval(names) == udfs.FUNCTIONS


def test_every_argument_receives_error_cells_as_errors():
    """With the classic add-in an error cell arrives as None unless err_to_str is set, and None is a
    blank: a #N/A jurisdiction would be answered for England."""
    for name in udfs.FUNCTIONS:
        f = getattr(udfs, name)
        params = list(inspect.signature(f).parameters)
        declared = f.__dict__.get("__svscore_args__", {})
        assert set(declared) == set(params), (name, set(params) - set(declared))
        assert all(options.get("err_to_str") for options in declared.values()), name


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
                                   "#PYTHON!", "#EXTERNAL!", SPILL, CALC, FIELD])
def test_new_excel_errors_are_errors_not_numbers_or_blanks(error):
    shown = adapt.error_name(error)
    assert shown is not None and shown.startswith("#")
    prices = udfs.SV_PRICESCORES([100.0, error], None, 100)
    assert prices[0] == [100.0] and prices[1] == [f"svscore: row 2: the cell holds the Excel error {shown}"]
    assert udfs.SV_THRESHOLD(error, "sub_central", "services", "2026-03-02") == \
        f"svscore: value: the cell holds the Excel error {shown}"
    # an optional argument with a default: an error is not a blank taking the default
    assert udfs.SV_ACTAPPLIES(1_000_000.0, "sub_central", "services", "2026-03-02", error).startswith(
        "svscore: jurisdiction: the cell holds the Excel error")
    assert udfs.SV_ACTAPPLIES(1_000_000.0, "sub_central", "services", "2026-03-02", "england", error).startswith(
        "svscore: includes_vat: the cell holds the Excel error")
    assert udfs.SV_SOCIALVALUE([["M1", error]], [["M1", 5.0]]).startswith("svscore: ")


def test_ordinary_integers_are_still_numbers():
    assert udfs.SV_PRICESCORES([100, 200], None, 100) == [[100.0], [50.0]]
    assert adapt.error_name(-5) is None and adapt.error_name(True) is None


def test_xl_setup_shows_the_sheet_form_as_two_columns_and_the_vba_reference():
    out = run_cli("xl-setup").stdout
    sheet_part = out.split("b. ")[0]
    assert "column A" in sheet_part and "column B" in sheet_part
    # the sheet form has no quoted CSV line: that is the file form
    assert '"UDF MODULES"' not in sheet_part
    assert '"UDF MODULES","svscore.xl.udfs"' in out.split("b. ")[1]
    assert "Tools > References" in out and "xlwings" in out
    if sys.platform != "win32":  # a Linux path would not run on the officer's Windows machine
        assert sys.executable not in out
        assert r"C:\path\to\python.exe" in out and "This is not Windows" in out


@pytest.mark.parametrize("deliverability", [150.0, -10.0, 100.5])
def test_socialvalue_refuses_deliverability_outside_0_to_100_as_the_engine_does(deliverability):
    """Before, 150% gave 1500.0 in the cell while the engine refused the same commitment."""
    from svscore.model.bids import Commitment
    from svscore.scoring.social_value import commitment_problem

    got = udfs.SV_SOCIALVALUE([["M1", 10.0, deliverability]], [["M1", 10.0]])
    assert isinstance(got, str) and got.endswith("it must be 0-100%"), got
    assert commitment_problem(Commitment(measure="M1", quantity=10, deliverability_percent=deliverability)) in got
    assert udfs.SV_SOCIALVALUE([["M1", 10.0, 100.0]], [["M1", 10.0]]) == 100.0
    assert udfs.SV_SOCIALVALUE([["M1", 10.0, 0.0]], [["M1", 10.0]]) == 0.0
