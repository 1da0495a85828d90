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
        if ws.title not in printed:  # a sheet with no body text in the default font
            continue
        compared += 1
        model = printed_size(ws).scale * 11
        assert model <= printed[ws.title] + 0.5, (ws.title, model, printed[ws.title])
        assert model >= printed[ws.title] - 1.0, (ws.title, model, printed[ws.title])
    assert compared >= 3  # sheets whose cells are all empty or all headers have no body text to measure
