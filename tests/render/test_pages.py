"""Page headers and footers: every printed page of every workbook svscore writes says which tender
(or contract) it belongs to, which sheet it is, and which page of how many."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from svscore.render.pages import PAGE, contract_reference, page_marks, references, wrapped_lines


def unmarked(data: bytes, reference: str) -> list[str]:
    """Each visible sheet of a workbook whose header lacks ``reference`` and the sheet's name, or
    whose footer lacks the page number, as "sheet: what is missing"."""
    wb = load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        head = [ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text]
        foot = [ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text]
        if reference.replace("&", "&&") not in head:
            out.append(f"{ws.title}: header {head} without the reference {reference!r}")
        if "&A" not in head:
            out.append(f"{ws.title}: header {head} without the sheet's name")
        if not any(t and "&P of &N" in t for t in foot):
            out.append(f"{ws.title}: footer {foot} without page P of N")
    return out


def test_marks_carry_the_reference_the_sheet_and_the_page():
    marks = page_marks("BCC-2026-014")
    assert marks.header_code == "&LBCC-2026-014&R&A"
    assert marks.footer_code == f"&C{PAGE}" and PAGE == "&A — page &P of &N"
    assert page_marks("X", "Signed (&A): ____").footer_code == f"&LSigned (&A): ____&R{PAGE}"  # the page number out of its way


def test_an_ampersand_in_a_reference_is_printed_not_taken_as_a_code():
    assert page_marks("R&D-7").header_code == "&LR&&D-7&R&A"


def test_a_long_reference_is_cut_to_what_excel_keeps():
    marks = page_marks("X" * 400)
    assert len(marks.header_code) <= 255 and marks.header[0].endswith("…")


def test_contract_references():
    assert contract_reference("BCC-2026-014", "BCC-C-1") == "BCC-2026-014, contract BCC-C-1"
    assert contract_reference("BCC-2026-014", "BCC-2026-014") == "BCC-2026-014"
    assert references(["A", "B", "A"]) == "A, B"
    assert references(["A", "B", "C", "D", "E"]) == "A, B and 3 other contracts"


def test_wrapped_lines_count_each_line_break():
    assert wrapped_lines("one\ntwo", 40) == 2
    assert wrapped_lines("aaaaa bbbbb\nc", 10) == 3
