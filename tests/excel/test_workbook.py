"""What every generated workbook shares: byte-for-byte rebuilds, the fingerprint, determinism."""

from __future__ import annotations

from svscore.excel.evaluation import build_evaluation
from svscore.excel.pack import template_files
from svscore.excel.workbook import fingerprint, to_bytes
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES, ROOT

HOME = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")


def test_checked_in_templates_are_rebuilt_byte_for_byte():
    for example in ("council-home-care", "central-digital-marks"):
        tender = load_tender(EXAMPLES / f"{example}.json")
        measures = load_measures(EXAMPLES / tender.social_value.measures_file) if tender.social_value.measures_file else None
        for name, data in template_files(tender, measures, live=True).items():
            on_disk = (ROOT / "workbook_templates" / name).read_bytes()
            assert on_disk == data, f"workbook_templates/{name} is stale: run 'svscore template build'"


def test_same_tender_gives_identical_bytes():
    assert to_bytes(build_evaluation(HOME, 0, MEASURES)) == to_bytes(build_evaluation(HOME, 0, MEASURES))


def test_fingerprint_is_stable_across_int_and_float():
    assert fingerprint({"A!B1": 100}) == fingerprint({"A!B1": 100.0})
    assert fingerprint({"A!B1": 100}) != fingerprint({"A!B1": 101})


def test_cell_and_range_addresses():
    from svscore.excel.workbook import address, range_address

    assert address(5, 24) == "E24" and address(5, 24, "Setup") == "Setup!$E$24"
    assert address(28, 3, "Social Value") == "'Social Value'!$AB$3"  # a sheet name with a space is quoted
    assert range_address(5, 3, 5, 9) == "E3:E9" and range_address(5, 3, 5, 9, absolute=True) == "$E$3:$E$9"
    assert range_address(1, 3, 14, 9, "Scores") == "Scores!$A$3:$N$9"
