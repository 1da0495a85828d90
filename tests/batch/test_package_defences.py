"""Hostile packages whose defences once depended on a part name's letter case, and cells read or
compared on every sheet: each test builds a real workbook, alters its package, and reads it back."""

from __future__ import annotations

import re

import pytest

from svscore.batch.demo import DemoBid, fill_bid_return
from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from tests.batch.conftest import MEASURES, TENDER, _add_member, _with_doctype, rezip, triples

LOL = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


@pytest.fixture(scope="module")
def base() -> bytes:
    return fill_bid_return(TENDER, 0, MEASURES, DemoBid("Base Ltd", "99999999", [20.0, 25.0, 1000.0, 10000.0]))


@pytest.fixture(scope="module")
def specs():
    return read_specs(TENDER, MEASURES)


def _inspect(tmp_path, data: bytes, specs, name: str = "bid.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return inspect_file(path, name, specs, Limits())


def _renamed(data: bytes, old: str, new: str, change=lambda body: body) -> bytes:
    """The package with part ``old`` renamed ``new``, its relationships and content types following it."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    tail_old, tail_new = old.rpartition("/")[2].encode(), new.rpartition("/")[2].encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == old:
                dst.writestr(new, change(body))
                continue
            if info.filename.endswith((".rels", "[Content_Types].xml")):
                body = body.replace(tail_old, tail_new)
            dst.writestr(info.filename, body)
    return out.getvalue()


def test_a_worksheet_renamed_in_upper_case_with_a_doctype_is_refused(tmp_path, base, specs):
    hostile = _renamed(base, "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.XML", lambda b: _with_doctype(b, LOL))
    result = _inspect(tmp_path, hostile, specs)
    assert result.bid is None
    assert any("sheet2.XML declares XML entities" in m for _, _, m in triples(result.problems)), result.problems


def test_a_part_the_content_types_call_xml_is_checked_whatever_its_name(tmp_path, base, specs):
    hostile = _renamed(base, "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.dat", lambda b: _with_doctype(b, LOL))
    result = _inspect(tmp_path, hostile, specs)
    assert result.bid is None
    assert any("sheet2.dat declares XML entities" in m for _, _, m in triples(result.problems)), result.problems


def test_a_renamed_worksheet_without_a_doctype_still_reads(tmp_path, base, specs):
    result = _inspect(tmp_path, _renamed(base, "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.XML"), specs)
    assert not any("entities" in m for _, _, m in triples(result.problems)), result.problems


@pytest.mark.parametrize("part", ["xl/vbaproject.bin", "XL/VBAPROJECT.BIN", "xl/vbaProject.bin"])
def test_a_macro_project_in_any_letter_case_is_flagged(tmp_path, base, specs, part):
    result = _inspect(tmp_path, _add_member(base, part, b"\0VBA"), specs)
    assert any("macro-enabled" in m for _, _, m in triples(result.problems)), result.problems


@pytest.mark.parametrize("part, warning", [("xl/externallinks/externalLink1.xml", "links to other files"),
                                           ("xl/EMBEDDINGS/oleObject1.bin", "embedded objects"),
                                           ("xl/activex/activeX1.xml", "embedded objects")])
def test_parts_reaching_outside_are_flagged_in_any_letter_case(tmp_path, base, specs, part, warning):
    result = _inspect(tmp_path, _add_member(base, part, b"<x/>"), specs)
    assert any(warning in m for _, _, m in triples(result.problems)), result.problems


@pytest.mark.parametrize("part, cell, written", [
    ("xl/worksheets/sheet5.xml", b'<c r="C4" s="14" t="n"><v>14</v></c>', b'<c r="C4" s="14" t="n"><v>14&#48;</v></c>'),  # a Quality weighting
    ("xl/worksheets/sheet5.xml", b'<c r="C4" s="14" t="n"><v>14</v></c>', b'<c r="C4" s="14" t="n"><v>14<!-- -->0</v></c>'),
    ("xl/worksheets/sheet4.xml", b'<c r="D5" s="9" t="n"><v>25000</v></c>', b'<c r="D5" s="9" t="n"><v>2500&#48;</v></c>'),  # a proxy value
])
def test_a_value_read_unlike_excel_is_refused_on_every_sheet_read_or_compared(tmp_path, base, specs, part, cell, written):
    hostile = rezip(base, lambda n, d: d.replace(cell, written) if n == part else d)
    assert hostile != base
    result = _inspect(tmp_path, hostile, specs)
    cell_name = re.search(rb'r="(\w+)"', cell).group(1).decode()
    assert result.bid is None
    assert any(loc.endswith(f"!{cell_name}") and "a form Excel never writes" in m for _, loc, m in triples(result.problems)), result.problems


def test_an_input_cell_holding_a_formula_is_a_warning_naming_the_formula_and_the_value_used(tmp_path, base, specs):
    old = b'<c r="E6" s="8" t="n"><v>25</v></c>'
    hostile = rezip(base, lambda n, d: d.replace(old, b'<c r="E6" s="8"><f>5*5</f><v>25</v></c>') if n == "xl/worksheets/sheet3.xml" else d)
    assert hostile != base
    result = _inspect(tmp_path, hostile, specs)
    found = [(s, m) for s, loc, m in triples(result.problems) if loc == "bid.xlsx › Pricing!E6" or loc.endswith("Pricing!E6")]
    assert found and found[0][0] == "warning", result.problems
    assert "=5*5" in found[0][1] and "25" in found[0][1], found
    assert result.bid is not None and result.ok  # the value is still used, and said to be


def test_a_protected_cell_turned_into_a_formula_is_tampering_even_with_its_value_unchanged(tmp_path, base, specs):
    old = b'<c r="C4" s="14" t="n"><v>14</v></c>'
    hostile = rezip(base, lambda n, d: d.replace(old, b'<c r="C4" s="14"><f>7*2</f><v>14</v></c>') if n == "xl/worksheets/sheet5.xml" else d)
    assert hostile != base
    result = _inspect(tmp_path, hostile, specs)
    found = [(s, m) for s, loc, m in triples(result.problems) if loc.endswith("Quality!C4")]
    assert found and found[0][0] == "error" and "=7*2" in found[0][1], result.problems
    assert not result.ok


def test_the_templates_own_formulas_are_not_reported(tmp_path, base, specs):
    result = _inspect(tmp_path, base, specs)
    assert result.ok and not [p for p in result.problems if p.severity != "note"], result.problems  # (a note: openpyxl calculates nothing)


def test_padding_the_package_listings_past_their_limit_does_not_hide_a_part_from_the_entity_check(tmp_path, base, specs):
    """The content types and relationships are not parsed beyond 4 MB; every part is then checked."""
    import os

    pad = b"<!--" + os.urandom(2_200_000).hex().encode() + b"-->"

    def padded(name, body):
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            m = re.search(rb"<(Relationships|Types)\b[^>]*>", body)
            return body[:m.end()] + pad + body[m.end():]
        return body
    hostile = rezip(_renamed(base, "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.dat", lambda b: _with_doctype(b, LOL)), padded)
    result = _inspect(tmp_path, hostile, specs)
    assert result.bid is None
    assert any("sheet2.dat declares XML entities" in m for _, _, m in triples(result.problems)), result.problems


def test_a_shared_strings_count_behind_a_comment_is_still_checked(tmp_path, base, specs):
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!--' + "x" * 3000 + '-->'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="2147483647">'
           '<si><t>x</t></si></sst>')
    result = _inspect(tmp_path, _add_member(base, "xl/sharedStrings.xml", sst.encode()), specs)
    assert result.bid is None
    assert any("2,147,483,647 text values" in m for _, _, m in triples(result.problems)), result.problems


def test_a_cell_with_two_inline_strings_is_refused(tmp_path, base, specs):
    """The reader takes the second of two values; Excel shows the first."""
    def change(name, body):
        if name != "xl/worksheets/sheet3.xml":
            return body
        return re.sub(rb'<c r="E5"[^>]*>.*?</c>', b'<c r="E5" s="8" t="inlineStr"><is><t>21.5</t></is><is><t>20</t></is></c>',
                      body, count=1)
    result = _inspect(tmp_path, rezip(base, change), specs)
    assert result.bid is None
    assert any(loc.endswith("Pricing!E5") and "in a form Excel never writes" in m for _, loc, m in triples(result.problems)), result.problems


@pytest.mark.parametrize("close", [b"</is >", b"</is\n>"])
def test_two_inline_strings_in_a_cell_are_refused_however_the_sheets_end_tags_are_spelt(tmp_path, base, specs, close):
    """A sheet whose every inline string ends ``</is >`` (valid XML, read as usual) holds no
    ``</is>`` at all: the search for two inline strings in one cell is still made there."""
    def change(name, body):
        if name != "xl/worksheets/sheet3.xml":
            return body
        body = re.sub(rb'<c r="E5"[^>]*>.*?</c>', b'<c r="E5" s="8" t="inlineStr"><is><t>21.5</t></is><is><t>20</t></is></c>',
                      body, count=1)
        return body.replace(b"</is>", close)
    hostile = rezip(base, change)
    result = _inspect(tmp_path, hostile, specs)
    assert result.bid is None
    assert any(loc.endswith("Pricing!E5") and "in a form Excel never writes" in m for _, loc, m in triples(result.problems)), result.problems
