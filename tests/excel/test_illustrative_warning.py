"""A template built with an illustrative measures table says so where the values are used."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from svscore.excel.evaluation import build_evaluation
from svscore.excel.workbook import to_bytes
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES

HOME = load_tender(EXAMPLES / "council-home-care.json")
ILLUSTRATIVE = load_measures(EXAMPLES / "measures-illustrative.json")


def _sheets(measures):
    return load_workbook(io.BytesIO(to_bytes(build_evaluation(HOME, 0, measures, 3))))


def test_results_and_social_value_sheets_carry_the_warning_in_their_title():
    wb = _sheets(ILLUSTRATIVE)
    for sheet in ("Results", "Social Value"):
        title = wb[sheet]["A1"].value
        assert "ILLUSTRATIVE measures table: invented values, not for a real award" in title, (sheet, title)
        assert wb[sheet]["A1"].font.color.rgb.endswith("C00000")
    # the Social Value sheet's headers are on row 2: the warning is not written there and overwritten
    assert wb["Social Value"]["A2"].value == "Measure"


def test_a_councils_own_table_gets_no_warning():
    own = ILLUSTRATIVE.model_copy(update={"illustrative": False})
    wb = _sheets(own)
    for sheet in ("Results", "Social Value"):
        assert "ILLUSTRATIVE" not in wb[sheet]["A1"].value
