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
