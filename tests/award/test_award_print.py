"""Every document of an award folder printed by LibreOffice Writer: A4, a sensible number of pages,
nothing beyond the margins (a table that ran off the page would put its words there)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.award.conftest import small_bids, small_tender
from tests.conftest import run_cli

MARGIN = 56.7  # 20 mm in points
PAGES = {"assessment-summary": 4, "standstill-letter": 4, "award-report": 12}


def _pdf_facts(pdf: Path) -> tuple[int, str, float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width = float(re.search(r"([\d.]+) x", size).group(1))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    return pages, size, width, right


def test_every_award_document_prints_on_a4_within_the_margins(home_care_files, tmp_path, libreoffice):
    from svscore.excel.libreoffice import convert

    pa = tmp_path / "pa"
    assert run_cli("award", str(home_care_files["tender"]), str(home_care_files["bids"]), "--out", str(pa),
                   "--ocid-prefix", "ocds-test", "--illustrative-ok").returncode == 0
    folder = tmp_path / "in"
    contract = {"kind": "services", "estimated_value": 1000000, "value_includes_vat": True,
                "procurement_start": "2024-11-04", "commenced_by": "notice"}
    (folder / "tender.json").write_text(json.dumps(small_tender(contract=contract)))
    (folder / "bids.json").write_text(json.dumps(small_bids()))
    pcr = tmp_path / "pcr"
    assert run_cli("award", str(folder / "tender.json"), str(folder / "bids.json"), "--out", str(pcr),
                   "--ocid-prefix", "ocds-test").returncode == 0
    documents = sorted(pa.glob("*.docx")) + sorted(pcr.glob("standstill-letter-*.docx"))
    assert len(documents) == 9
    pdfs = []
    for i, path in enumerate(documents):  # unique names: both folders hold an award-report.docx
        copy = tmp_path / "docs" / f"{i:02d}-{path.name}"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(path.read_bytes())
        pdfs.append(copy)
    for pdf in convert(pdfs, tmp_path / "pdf", to="pdf"):
        pages, size, width, right = _pdf_facts(pdf)
        kind = next(k for k in PAGES if k in pdf.name)
        assert 1 <= pages <= PAGES[kind], (pdf.name, pages)
        assert "(A4)" in size, (pdf.name, size)
        assert right <= width - MARGIN + 2, (pdf.name, right, width)
        if kind == "award-report":
            assert width > 800  # landscape, so the ranked table's columns have room
