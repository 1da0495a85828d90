"""The printed-size model against LibreOffice: for every sheet of the evaluation workbooks, the
text size the model says a sheet prints at is what LibreOffice prints (read from its PDF), within
the half point the PDF's sizes are rounded to, and never larger."""

from __future__ import annotations

import collections
import io
import re
import subprocess

import openpyxl
import pytest

from svscore.excel.libreoffice import convert
from svscore.excel.printing import printed_size
from tests.conftest import ROOT

TEMPLATES = [ROOT / "workbook_templates" / f"{name}-evaluation.xlsx" for name in ("BCC-2026-014", "DRS-2026-0457")]
FOOTER = re.compile(r"^(.+) — page \d+ of \d+$")


def printed_body_sizes(pdf) -> dict[str, float]:
    """Each sheet's most common text size on paper, in the calibri-metric font, from the PDF."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = {m.group(1): (float(m.group(2)), m.group(3)) for m in re.finditer(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]+)"', xml)}
    sizes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for page in xml.split("<page ")[1:]:
        texts = re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', page)
        sheet = next((m.group(1) for _, t in texts if (m := FOOTER.match(re.sub("<[^>]+>", "", t)))), None)
        for font, text in texts:
            size, family = fonts[font]
            if sheet and "Carlito" in family and not FOOTER.match(re.sub("<[^>]+>", "", text)):
                sizes[sheet][size] += 1
    return {sheet: c.most_common(1)[0][0] for sheet, c in sizes.items()}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_the_model_gives_the_size_libreoffice_prints(tmp_path, libreoffice, template):
    if "carlito" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout.lower():
        pytest.fail("the Carlito font is required: run tests/install-test-deps.sh")
    (tmp_path / template.name).write_bytes(template.read_bytes())
    (pdf,) = convert([tmp_path / template.name], tmp_path / "pdf", to="pdf")
    printed = printed_body_sizes(pdf)
    sheets = [ws for ws in openpyxl.load_workbook(io.BytesIO(template.read_bytes())).worksheets if ws.sheet_state == "visible"]
    compared = 0
    for ws in sheets:
        if ws.title not in printed or (ws.page_setup.fitToWidth or 1) > 1:
            # no body text to measure; or spread over pages across, where Excel and LibreOffice break pages
            # between columns and may print a little smaller than the model's even split (seen: 10 pt, not 11)
            continue
        compared += 1
        sizes = collections.Counter(float(c.font.sz or 11) for row in ws.iter_rows() for c in row
                                    if c.value not in (None, "") and not (c.font.b or (c.font.color and c.font.color.rgb == "FFFFFFFF")))
        body = sizes.most_common(1)[0][0] if sizes else 11.0  # the sheet's own most common text size (not headings)
        model = printed_size(ws).scale * body
        assert model <= printed[ws.title] + 0.5, (ws.title, model, printed[ws.title])
        assert model >= printed[ws.title] - 1.0, (ws.title, model, printed[ws.title])
    assert compared >= 2  # sheets one page wide with body text to measure


def _every_workbook(tmp_path):
    """Every workbook svscore builds, as built: the examples' templates, a monitoring return, and a demo's results."""
    from svscore.excel import workbook as xw
    from svscore.excel.monitoring_return import build_monitoring_return
    from svscore.excel.pack import template_files
    from svscore.model.loading import load_contract, load_tender, tender_measures

    for name in ("council-home-care", "central-digital-marks"):
        tender = load_tender(ROOT / "examples" / f"{name}.json")
        yield from template_files(tender, tender_measures(tender)[0], live=True).items()
    record = load_contract(ROOT / "examples" / "council-home-care-contract.json")
    yield "monitoring-return.xlsx", xw.to_bytes(build_monitoring_return(record, "Y1Q1"))


def test_every_sheet_of_every_workbook_prints_legibly_on_a4(tmp_path):
    """No sheet's page set-up shrinks its smallest text below about 8 pt (the print model above,
    checked against LibreOffice)."""
    from svscore.excel.printing import LEGIBLE_PT

    small = []
    for name, data in _every_workbook(tmp_path):
        for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
            if ws.sheet_state != "visible":
                continue
            size = printed_size(ws)
            if not size.legible:
                small.append(f"{name} › {ws.title}: {size.smallest_printed:.1f} pt (scale {size.scale:.2f})")
    assert not small, f"printed below {LEGIBLE_PT} pt: " + "; ".join(small)


def test_every_sheet_of_every_workbook_is_headed_with_its_reference_and_numbered(tmp_path):
    """Every printed page says which tender (the monitoring return: which tender and contract) it
    belongs to, which sheet it is, and its page of how many."""
    from tests.render.test_pages import unmarked

    missing = []
    for name, data in _every_workbook(tmp_path):
        # the example contract's reference is its tender's
        reference = "BCC-2026-014" if name.startswith(("BCC", "monitoring")) else "DRS-2026-0457"
        missing += [f"{name} › {m}" for m in unmarked(data, reference)]
    assert not missing, "; ".join(missing)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_governance_table_prints_whole_on_one_page(tmp_path, libreoffice, template):
    """Printed, a Governance table split between two pages lost its header on the second (the
    moderation log and the version history did). Each table now starts a page when it would not
    fit what is left of one: LibreOffice prints the sheet on exactly the pages the breaks make, and
    each table's title is on the page the breaks put it on."""
    from svscore.excel.governance import SECTIONS, SHEET, GovernanceLayout

    if "carlito" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout.lower():
        pytest.fail("the Carlito font is required (another font prints rows of other heights): run tests/install-test-deps.sh")
    wb = openpyxl.load_workbook(io.BytesIO(template.read_bytes()))
    breaks = sorted(b.id for b in wb[SHEET].row_breaks.brk)
    assert breaks, "the sheet does not fit one page: it needs breaks"
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == SHEET else "hidden"
    wb.active = wb.sheetnames.index(SHEET)
    wb.save(tmp_path / "governance.xlsx")
    (pdf,) = convert([tmp_path / "governance.xlsx"], tmp_path / "pdf", to="pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == len(breaks) + 1, [p[:200] for p in pages]
    lay = GovernanceLayout()
    for s in SECTIONS:
        title_row = lay.first_row[s.key] - 2
        expected = sum(1 for b in breaks if b < title_row)  # the page the breaks put the table on
        found = [i for i, page in enumerate(pages) if s.title.split(" (")[0] in page]
        assert found == [expected], (s.title, found, expected)
        last_row = lay.first_row[s.key] + s.rows - 1
        assert not any(title_row <= b < last_row for b in breaks), s.title  # no break inside a table


def test_a_block_that_would_cross_the_foot_of_a_page_starts_the_next():
    from svscore.excel import workbook as xw
    from svscore.excel.printing import keep_blocks_whole

    wb = openpyxl.Workbook()
    ws = wb.active
    xw.print_setup(ws)  # A4 landscape, fitted to the width: 595 - 2 × 72 = 451 pt of rows a page
    for r in range(1, 80):
        ws.cell(r, 1, "x")
        ws.row_dimensions[r].height = 20
    # 451 pt × 0.95 = 428 pt of rows a page. Page 1: rows 1-2 and the first block (240 pt): the second
    # with its gap row would make 460. Page 2: the second block, a gap row and the third (420 pt). The
    # fourth (800 pt) starts page 3, and is split where it must be.
    keep_blocks_whole(ws, [(3, 12), (14, 23), (25, 34), (36, 75)])
    assert [b.id for b in ws.row_breaks.brk] == [13, 35]
    # The first block on a page is never moved off it, however tall (there is nowhere better for
    # it): 49 rows of 15 pt (735 pt) end 307 pt down their second page, where the next small block
    # (a gap row and 60 pt) still fits, and the one after (a gap row and 150 pt) does not.
    tall = openpyxl.Workbook().active
    xw.print_setup(tall)
    for r in range(1, 70):
        tall.cell(r, 1, "x")
    keep_blocks_whole(tall, [(2, 50), (52, 55), (57, 66)])
    assert [b.id for b in tall.row_breaks.brk] == [56]
    # Rows printed again at the top of every page take their room on each page after the first.
    titled = openpyxl.Workbook().active
    xw.print_setup(titled, "$1:$4")
    for r in range(1, 80):
        titled.cell(r, 1, "x")
        titled.row_dimensions[r].height = 20
    keep_blocks_whole(titled, [(5, 14), (16, 25), (27, 36)])  # 80 pt of titles, then 200 pt blocks
    assert [b.id for b in titled.row_breaks.brk] == [15, 26]  # without the titles counted again: [15]
