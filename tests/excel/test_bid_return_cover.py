"""The bid return's Cover at format version 2: the supplier's postal address for correspondence and its
unique identifier (required under the Procurement Act 2023), read by the batch; a version 1 return,
frozen in tests/data/workbooks, still reads against a version 1 build, with no false tampering report."""

from __future__ import annotations

from pathlib import Path

import pytest

from svscore.batch.demo import fill_bid_return
from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, lot_specs, read_specs
from svscore.excel import workbook as xw
from svscore.excel.bid_return import COVER_V1, BidReturnLayout, build_bid_return
from svscore.excel.cells import load_values, metadata
from svscore.model.tender import Tender
from tests.batch.conftest import GOOD, MEASURES, TENDER, edit, triples
from tests.excel.books import reopen, temporary

FROZEN_V1 = Path(__file__).parents[1] / "data" / "workbooks" / "bid-return-v1.xlsx"
"""GOOD[0]'s return, filled in the version 1 template by the svscore before version 2 (never regenerate)."""


def _pcr_tender() -> Tender:
    """The example begun by a notice before 24 February 2025: the Public Contracts Regulations 2015 govern it."""
    data = TENDER.model_dump(mode="json", exclude_defaults=True)
    data["contract"] = {**data["contract"], "procurement_start": "2024-11-04", "commenced_by": "notice"}
    return Tender.model_validate(data)


def _prompts(ws) -> dict[str, tuple[str, str]]:
    return {str(dv.sqref): (dv.promptTitle, dv.prompt) for dv in ws.data_validations.dataValidation if dv.showInputMessage}


def test_the_cover_asks_for_a_postal_address_and_the_unique_identifier():
    lay = BidReturnLayout(TENDER, 0, MEASURES)
    ws = reopen(build_bid_return(TENDER, 0, MEASURES))["Cover"]
    labels = {key: ws.cell(lay.cover_row(key), 1).value for key, *_ in lay.cover}
    assert labels["address"] == "Registered address *"
    assert labels["postal_address"] == "Postal address for correspondence (if different from the registered address)"
    assert labels["unique_identifier"] == "Unique identifier on Find a Tender (PPON) *"  # the example is under the Act
    # every version 1 question is where version 1 has it: the new ones are below them
    assert [lay.cover_cell(k) for k, *_ in COVER_V1] == [BidReturnLayout(TENDER, 0, MEASURES, 1).cover_cell(k) for k, *_ in COVER_V1]
    assert (lay.cover_cell("postal_address"), lay.cover_cell("unique_identifier")) == ("B12", "B13")
    assert ws[lay.cover_cell("unique_identifier")].fill.fgColor.rgb == xw.REQUIRED_FILL.fgColor.rgb
    assert ws[lay.cover_cell("postal_address")].fill.fgColor.rgb == xw.INPUT_FILL.fgColor.rgb
    assert all(ws[lay.cover_cell(k)].number_format == "@" for k in ("postal_address", "unique_identifier"))
    assert ws.cell(lay.cover_row("postal_address"), 1).alignment.wrap_text  # the long label wraps, never cut off
    prompts = _prompts(ws)
    assert prompts[lay.cover_cell("unique_identifier")] == (
        "Unique identifier (PPON)", "Required for a procurement under the Procurement Act 2023. Your organisation's Public "
        "Procurement Organisation Number (PPON), given when it registered on Find a Tender (the central digital platform): "
        "see your organisation's details there.")
    assert prompts[lay.cover_cell("postal_address")] == (
        "Postal address for letters", "Optional. The postal address for letters about this tender, if not your registered "
        "address above.")
    assert metadata(load_values(temporary(build_bid_return(TENDER, 0, MEASURES))))["format_version"] == "2"


def test_the_unique_identifier_is_optional_under_pcr_2015():
    pcr = _pcr_tender()
    lay = BidReturnLayout(pcr, 0, MEASURES)
    ws = reopen(build_bid_return(pcr, 0, MEASURES))["Cover"]
    assert ws.cell(lay.cover_row("unique_identifier"), 1).value == "Unique identifier on Find a Tender (PPON)"
    assert ws[lay.cover_cell("unique_identifier")].fill.fgColor.rgb == xw.INPUT_FILL.fgColor.rgb
    assert _prompts(ws)[lay.cover_cell("unique_identifier")][1].startswith("Optional: give it if you have one.")


@pytest.mark.parametrize(("pcr", "errors"), [
    (False, [("error", "bid.xlsx › Cover!B13", "required: unique identifier is empty")]),
    (True, []),
])
def test_a_blank_unique_identifier_is_an_error_only_under_the_act(tmp_path, pcr, errors):
    tender = _pcr_tender() if pcr else TENDER
    path = tmp_path / "bid.xlsx"
    path.write_bytes(fill_bid_return(tender, 0, MEASURES, GOOD[0].__class__(**{**GOOD[0].__dict__, "unique_identifier": ""})))
    got = inspect_file(path, "bid.xlsx", read_specs(tender, MEASURES), Limits())
    assert [p for p in triples(got.problems) if p[0] == "error"] == errors
    assert got.bid is not None and got.bid["unique_identifier"] == ""


def test_the_postal_address_and_unique_identifier_are_read(tmp_path):
    def change(wb):
        wb["Cover"]["B12"] = "PO Box 12, Borchester BC1 9ZZ"
        wb["Cover"]["B13"] = "PABC-1234-XYZW"
    path = tmp_path / "bid.xlsx"
    path.write_bytes(edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change))
    got = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert got.ok and [p for p in triples(got.problems) if p[0] != "note"] == []
    assert (got.bid["address"], got.bid["postal_address"], got.bid["unique_identifier"]) == (
        "1 High Street, Borchester", "PO Box 12, Borchester BC1 9ZZ", "PABC-1234-XYZW")
    assert got.bid["cover_cells"]["contact_address"] == "B12"  # the postal address is the one the summary gives


def test_a_version_1_return_still_reads_with_no_false_tampering_report():
    """The frozen return has no postal address or identifier rows: compared with a version 1 build it
    reads as before; compared with today's template it would show the new labels as changed cells."""
    got = inspect_file(FROZEN_V1, "bid-return-v1.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert got.problems == [] and got.ok
    assert {k: got.bid[k] for k in ("bidder", "bidder_id", "email", "address", "postal_address", "unique_identifier")} == {
        "bidder": GOOD[0].bidder, "bidder_id": GOOD[0].bidder_id, "email": "bids@example.org",
        "address": "1 High Street, Borchester", "postal_address": "", "unique_identifier": ""}
    assert got.bid["cover_cells"]["contact_address"] == "B11" and "unique_identifier" not in got.bid["cover_cells"]
    wrong = inspect_file(FROZEN_V1, "bid-return-v1.xlsx", {1: lot_specs(TENDER, MEASURES, 2)}, Limits())
    assert ("error", "bid-return-v1.xlsx › Cover!A13",
            "protected cell changed: was 'Unique identifier on Find a Tender (PPON) *', now empty") in triples(wrong.problems)



def test_a_version_1_returns_specification_is_built_only_when_one_arrives_and_reads_as_a_fresh_one(tmp_path):
    """Almost every return is of the current version: a batch builds an earlier version's read
    specification only when a return of it is read, in the worker reading it (from the tender and
    measures table sent with the current one), and reads it exactly as with one built beforehand."""
    import pickle
    import shutil

    from svscore.batch.pool import inspect_all
    from svscore.excel.bid_return import BID_RETURN_FORMAT_VERSION

    specs = read_specs(TENDER, MEASURES)
    assert list(specs) == [1, 2] and 1 in specs and 3 not in specs and list(specs.built) == [BID_RETURN_FORMAT_VERSION]
    sent = pickle.loads(pickle.dumps(specs))  # as a worker is given them
    assert list(sent.built) == [BID_RETURN_FORMAT_VERSION]
    assert sent[1] == lot_specs(TENDER, MEASURES, 1) and sorted(sent.built) == [1, 2]
    assert list(specs.built) == [BID_RETURN_FORMAT_VERSION]  # the parent's are not changed by a worker's
    shutil.copy(FROZEN_V1, tmp_path / "bid-return-v1.xlsx")
    [got] = inspect_all([(tmp_path / "bid-return-v1.xlsx", "bid-return-v1.xlsx")], specs, Limits(), jobs=1)
    fresh = inspect_file(FROZEN_V1, "bid-return-v1.xlsx", {1: lot_specs(TENDER, MEASURES, 1)}, Limits())
    assert got.ok and got.problems == fresh.problems == [] and got.bid == fresh.bid

def test_a_version_1_build_is_the_version_1_template():
    """What the batch compares a version 1 return with: the Cover of version 1, and its version in the metadata."""
    wb = reopen(build_bid_return(TENDER, 0, MEASURES, 1))
    labels = [wb["Cover"].cell(r, 1).value for r in range(BidReturnLayout.COVER_ROW, BidReturnLayout.COVER_ROW + len(COVER_V1) + 1)]
    assert labels == [label + (" *" if required else "") for _, label, required, _ in COVER_V1] + [None]
    assert metadata(load_values(temporary(build_bid_return(TENDER, 0, MEASURES, 1))))["format_version"] == "1"
    with pytest.raises(ValueError, match="bid return format version 7 is not one svscore builds"):
        BidReturnLayout(TENDER, 0, MEASURES, 7)


@pytest.mark.slow
def test_the_cover_prints_on_one_a4_page_with_every_label_whole(tmp_path, libreoffice):
    """LibreOffice prints the Cover (the second sheet) on one page, and the long new label wraps
    within its column rather than being cut off at the answer column."""
    import subprocess

    from svscore.excel.libreoffice import convert
    from svscore.excel.workbook import save

    wb = build_bid_return(TENDER, 0, MEASURES)
    [pdf] = convert([save(wb, tmp_path / "bid.xlsx")], tmp_path / "pdf", to="pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split("\f")
    cover = [p for p in pages if "Cover details" in p]
    assert len(cover) == 1 and "Cover — page 2" in cover[0]
    text = " ".join(cover[0].split())
    for _, label, *_ in BidReturnLayout(TENDER, 0, MEASURES).cover:
        assert all(word in text for word in label.split()), label
    lines = [line.strip() for line in cover[0].splitlines()]  # wrapped: on two lines of its own column
    assert "Postal address for correspondence (if different from the" in lines and "registered address)" in lines
    assert "Unique identifier on Find a Tender (PPON) *" in text
