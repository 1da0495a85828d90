"""Taking in one returned file: another kind of svscore workbook among the returns."""
from __future__ import annotations

import shutil

from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from tests.batch.conftest import (
    MEASURES,
    TENDER,
    triples,
)


def test_another_svscore_workbook_among_the_returns_says_what_it_is(folder, tmp_path):
    path = tmp_path / "scores.xlsx"
    shutil.copy(folder["scores"] / "score-sheets.xlsx", path)
    result = inspect_file(path, path.name, read_specs(TENDER, MEASURES), Limits())
    assert triples(result.problems) == [("error", "scores.xlsx", "not a bid return workbook: this is an evaluators' score sheets workbook "
                                                        "(give its folder as --scores)")]
