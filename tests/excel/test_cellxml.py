"""The cells' own XML: error values, formulas, prefixed elements, and values the reader would read differently from Excel."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from svscore.batch.intake import inspect_file
from svscore.batch.spec import Limits, read_specs
from tests.batch.conftest import (
    GOOD,
    MEASURES,
    TENDER,
    rezip,
    triples,
)


def test_an_error_value_in_a_social_value_quantity_is_reported_not_dropped(tmp_path):
    """calamine reads a cell holding an error value (#VALUE!) as blank: an optional quantity whose
    formula failed would silently lose the bidder's commitment."""
    import re

    from svscore.batch.demo import fill_bid_return
    from svscore.excel.cellxml import CellXml as _CellXml
    from svscore.excel.cellxml import sheet_parts as _sheet_parts
    from tests.batch.conftest import LAYOUT, rezip

    addr = LAYOUT.qty_cell(0, 0)
    data = fill_bid_return(TENDER, 0, MEASURES, GOOD[0])
    package = zipfile.ZipFile(io.BytesIO(data))
    part = _sheet_parts(package.read("xl/workbook.xml").decode(), package.read("xl/_rels/workbook.xml.rels").decode())["Social Value"]

    def change(name, body):
        if name != part:
            return body
        return re.sub(rf'<c r="{addr}"([^>]*?) t="n"><v>[^<]*</v></c>', rf'<c r="{addr}"\1 t="e"><v>#VALUE!</v></c>', body.decode()).encode()
    path = tmp_path / "bid.xlsx"
    path.write_bytes(rezip(data, change))
    assert _CellXml(path.read_bytes()).error_cells("Social Value") == {addr: "#VALUE!"}  # found without the offsets too
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    measure = MEASURES.measures[0].id
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        (f"bid.xlsx › Social Value!{addr}", f"The quantity of {measure} in year 1 holds the error value #VALUE!: correct the cell, "
                                            "save the workbook and send it again")]



def _prefixed(xml: str) -> str:
    """A worksheet written as some other programs write it: every element with an ``x:`` prefix,
    the cell's attributes in another order, in single quotes."""
    xml = re.sub(r"<(/?)(?![?!])([A-Za-z]\w*)", r"<\1x:\2", xml)
    xml = xml.replace('x:worksheet xmlns="', 'x:worksheet xmlns:x="', 1)
    return re.sub(r'<x:c r="([A-Z]+\d+)"([^>]*?)(/?)>', lambda m: f"<x:c{m.group(2)} r='{m.group(1)}'{m.group(3)}>", xml)


def test_cells_written_with_a_prefix_and_attributes_in_any_order_are_still_understood(tmp_path):
    """Error values and uncalculated formulas are found in the cells' own XML, however it is spelt."""

    from svscore.batch.demo import fill_bid_return
    from svscore.excel.cellxml import CellXml as _CellXml
    from svscore.excel.cellxml import sheet_parts as _sheet_parts
    from tests.batch.conftest import LAYOUT, edit, rezip

    qty, rate = LAYOUT.qty_cell(0, 0), LAYOUT.rate_cell(1)

    def change(wb):
        wb["Social Value"][qty].value = "#VALUE!"  # openpyxl writes it as an error cell
        wb["Pricing"][rate].value = "=20*1.25"     # a formula with no calculated value
    data = edit(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change)
    package = zipfile.ZipFile(io.BytesIO(data))
    workbook, rels = package.read("xl/workbook.xml").decode(), package.read("xl/_rels/workbook.xml.rels").decode()
    parts = {_sheet_parts(workbook, rels)[sheet] for sheet in ("Social Value", "Pricing")}
    assert None not in parts
    path = tmp_path / "bid.xlsx"
    path.write_bytes(rezip(data, lambda name, body: _prefixed(body.decode()).encode() if name in parts else body))
    assert "<x:c " in zipfile.ZipFile(path).read(sorted(parts)[0]).decode()
    assert _CellXml(path.read_bytes()).error_cells("Social Value") == {qty: "#VALUE!"}
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    errors = dict((loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error")
    measure = MEASURES.measures[0].id
    assert errors == {
        f"bid.xlsx › Social Value!{qty}": f"The quantity of {measure} in year 1 holds the error value #VALUE!: correct the cell, "
                                         "save the workbook and send it again",
        f"bid.xlsx › Pricing!{rate}": "The rate for line L2 holds a formula (=20*1.25) with no calculated value: open the file "
                                     "in Excel, let it calculate, save it and send it again"}


def _rate_cell_as(xml: str) -> bytes:
    """A good bid whose first rate (Pricing!E5) is written as ``xml``, built by hand."""
    import re

    from svscore.batch.demo import fill_bid_return

    def change(name: str, body: bytes) -> bytes:
        if name != "xl/worksheets/sheet3.xml":
            return body
        changed = re.sub(rb'<c r="E5"[^>]*>.*?</c>', xml.encode(), body, count=1)
        assert changed != body
        return changed
    return rezip(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]), change)


@pytest.mark.parametrize("xml", [
    '<c r="E5" s="8" t="n"><v>2&#49;.09</v></c>',  # 21.09 to Excel; calamine reads 2
    '<c r="E5" s="8"><v>2&#x31;.09</v></c>',
    '<c r="E5" s="8" t="n"><v>21<!-- x -->.09</v></c>',  # calamine reads 21
    '<c r="E5" s="8" t="n"><v>21.09</v><v>99</v></c>',  # calamine reads the second value
    '<c r="E5" s="8" t="n"><v >2&#49;.09</v ></c>',
    '<c r="E5" s="8" t="n"><v>21.09</v ><v>99</v></c>',
    '<c r="E5" s="8" t="n"><x:v xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">21.09</x:v><v>99</v></c>',
])
def test_a_value_the_reader_would_read_differently_from_excel_is_refused(tmp_path, xml):
    """A bid must be scored on what Excel shows. A value written with a character reference, a
    comment or a second value is valid XML that Excel reads whole, but the reader takes it apart:
    the file is refused, naming the cell, rather than scored on another price."""
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as(xml))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    errors = [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"]
    assert len(errors) == 1 and errors[0][0] == "bid.xlsx › Pricing!E5", errors
    assert "in a form Excel never writes" in errors[0][1] and not result.ok


def test_a_formula_text_result_holding_an_ampersand_is_read_as_usual(tmp_path):
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as('<c r="E5" s="8" t="str"><f>"A"&amp;"B"</f><v>A&amp;B</v></c>'))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert [(loc, msg) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        ("bid.xlsx › Pricing!E5", "The rate for line L1 must be a number, but is the text 'A&B'")]


@pytest.mark.parametrize(("xml", "why"), [
    ('<c r="E5" s="8" t="n"><v> 5</v></c>', "is marked as a number but holds ' 5'"),
    ('<c r="E5" s="8" t="b"><v>2</v></c>', "is marked as true/false but holds '2'"),
    ('<c r="E5" s="8" t="s"><v>70000</v></c>', "points to shared text '70000', which the file does not hold"),
    ('<c r="E5" s="8" t="zz"><v>1</v></c>', "has the cell type 'zz', which no workbook format has"),
])
def test_a_cell_the_reader_refuses_is_named(tmp_path, xml, why):
    """The reader refuses a whole file for one malformed cell, in its own words ("Parse float
    error"); the officer is told which cell, on which sheet, and what is wrong with it."""
    path = tmp_path / "bid.xlsx"
    path.write_bytes(_rate_cell_as(xml))
    result = inspect_file(path, "bid.xlsx", read_specs(TENDER, MEASURES), Limits())
    assert [(loc, msg.split(":")[0]) for sev, loc, msg in triples(result.problems) if sev == "error"] == [
        ("bid.xlsx › Pricing!E5", f"the cell {why}")]


def test_formula_cells_among_given_addresses_finds_them_however_the_cell_is_written():
    """The batch asks only about input and protected cells, so a template's own formulas (a line
    total on every pricing row) are passed over unparsed; a cell not written as Excel writes it
    (a prefix, its address not first, single quotes) is still parsed in full and found."""
    from svscore.excel.cellxml import CellXml

    sheet = ('<worksheet><sheetData><row r="5">'
             '<c r="D5"><f>B5*C5</f><v>10</v></c>'                     # the template's own formula
             '<c r="E5" s="2"><f>20*1.25</f><v>25</v></c>'            # a bidder's formula in an input cell
             '<x:c s="1" r="E6"><x:f>1+1</x:f><x:v>2</x:v></x:c>'      # prefixed, address not first
             "<c t='n' r='E7'><f>3</f><v>3</v></c>"                   # single quotes
             '</row></sheetData></worksheet>')
    book = ('<workbook xmlns:r="r"><sheets><sheet name="Pricing" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    cells = CellXml(data.getvalue())
    assert cells.formula_cells("Pricing") == {"D5": "B5*C5", "E5": "20*1.25", "E6": "1+1", "E7": "3"}
    assert cells.formula_cells("Pricing", {"E5", "E6", "E7"}) == {"E5": "20*1.25", "E6": "1+1", "E7": "3"}
    assert cells.formula_cells("Pricing", {"D5"}) == {"D5": "B5*C5"}
    assert cells.formula_cells("Pricing", set()) == {}


_PIECES = [b'<c r="E5" s="8" t="n"><v>21.09</v></c>', b"<v>2&#49;</v>", b"<!-- x -->", b"<![CDATA[1]]>", b"<!", b"<x:v>1</x:v>",
           b"<x:v/>", b":v ", b":v\t", b":v\x0b", b":vx", b"<v >1</v >", b"</v></c>", b"</v>", b"</c>", b"<v", b"<vx>", b"<v:x&",
           b"<v.x:y&", b"< v>&", b"<x:v&", b"<x:&", b"<t>&#163;</t>", b"<t>", b"t>&", b"&amp;", b"&", b"<is>", b"</is>",
           b"</is >", b"</is\n>", b"<is/>", b"<isx>", b"</x:is>", b"<x:is>", b"</a.b-c:is >  <d:is/>", b"</is>\t<is>", b":is",
           b"<f>1</f>", b"<f/>", b"<f ", b"<f\r", b"<fx>", b"<x:f>", b"<x:f/>", b":f", b"<c r='A1'>", b"A1:F9", b'spans="1:6"',
           b"!", b"<", b">", b" ", b":", b"v", b"is", b"f"]


def _old_suspect_values(xml: bytes) -> bool:
    """suspect_values as first written, with a loop over every ``:`` and ``&``: the reference."""
    from svscore.excel.cellxml import _SECOND_INLINE, _TAG_NAME, _positions

    for at in _positions(xml, b"!"):
        if xml[at - 1:at] == b"<":
            return True
    if _SECOND_INLINE.search(xml):  # (the first version searched only a sheet holding "</is>")
        return True
    for at in _positions(xml, b"&"):
        tag = _TAG_NAME.match(xml, xml.rfind(b"<", 0, at))
        if tag is not None and tag.group(1) == b"v":
            return True
    for at in _positions(xml, b":"):
        if xml[at + 1:at + 2] == b"v" and xml[at + 2:at + 3] in (b">", b" ", b"\t", b"\r", b"\n", b"/"):
            return True
    return xml.count(b"<v") != xml.count(b"</v></c>")


def test_the_fast_searches_of_a_sheets_bytes_agree_with_the_full_ones_on_hostile_fragments():
    """The sheet searches use single-byte searches and, where no element can have a prefix (no
    ``:f`` or ``:is`` in the sheet), simpler patterns: on sheets made of every kind of fragment a
    hostile file could hold (prefixes, references, comments, CDATA, second values, inline
    strings), they find exactly what the full searches find."""
    import random

    from svscore.excel import cellxml

    rnd = random.Random(20261207)
    suspected = 0
    for _ in range(20000):
        xml = b"".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 10)))
        colons = cellxml.after_colons(xml)
        assert cellxml.suspect_values(xml) == cellxml.suspect_values(xml, colons) == _old_suspect_values(xml), xml
        suspected += _old_suspect_values(xml)
        plain = not any(after[:1] == b"f" for after in colons)
        tags = (cellxml._PLAIN_FORMULA_TAG if plain else cellxml._FORMULA_TAG).finditer(xml)
        assert [m.span() for m in tags] == [m.span() for m in cellxml._FORMULA_TAG.finditer(xml)], xml
        if not any(after[:2] == b"is" for after in colons):
            assert bool(cellxml._SECOND_PLAIN_INLINE.search(xml)) == bool(cellxml._SECOND_INLINE.search(xml)), xml
    assert 2000 < suspected < 18000  # both kinds of sheet were tried
