"""Assessment summaries (PA 2023 s.50(3), Procurement Regulations 2024 reg 31) written as .docx and read back."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import docx
import pytest

from svscore.award.summary import NO_JUSTIFICATION, RED, assessment_summary
from svscore.fmt import money, points
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring import score_tender

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def home_care():
    tender = load_tender(EXAMPLES / "council-home-care.json")
    result = score_tender(tender, load_bids(EXAMPLES / "council-home-care-bids.json"),
                          load_measures(EXAMPLES / "measures-illustrative.json"))
    return tender, result


def read(data: bytes) -> tuple[docx.document.Document, str]:
    document = docx.Document(io.BytesIO(data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    return document, text


def test_every_reg_31_element_with_the_engines_figures(home_care) -> None:
    tender, result = home_care
    lot = result.lots[0]
    bid = lot.bids[1]  # ranked 2: an unsuccessful supplier
    document, text = read(assessment_summary(result, tender.authority.name, lot.lot_id, bid.bidder_id))
    assert bid.bidder in text and bid.bidder_id in text and tender.authority.name in text and result.reference in text
    assert "Postal and email address" in text
    for c in bid.criteria:
        assert c.name in text
        if c.points is not None:
            assert f"{points(c.points)} of {points(c.available)}" in text
        for who, said in c.justifications:
            assert f"{who}: {said}" in text
    criteria = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert ["Price", "Price", "50%", "50.00 points"] in criteria
    assert ["Quality", "Quality", "35%", "35.00 points"] in criteria
    assert f"Total: {points(bid.total)} of {points(lot.total_points)} points." in text
    assert f"Tendered price: {money(bid.price)}." in text
    assert "Further reasons your tender is not awarded" in text and "yours ranked 2" in text
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_winner_and_disqualified_supplier(home_care) -> None:
    tender, result = home_care
    lot = result.lots[0]
    _, won = read(assessment_summary(result, tender.authority.name, "1", lot.winners()[0].bidder_id))
    assert "most advantageous tender" in won and "Further reasons" not in won
    out = next(b for b in lot.bids if b.status.value == "disqualified")
    _, text = read(assessment_summary(result, tender.authority.name, "1", out.bidder_id))
    for reason in out.reasons:
        assert reason in text


def test_missing_justification_is_shown_in_red_never_invented(home_care) -> None:
    tender, result = home_care
    lot = result.lots[0]
    bid = lot.bids[1]
    bare = tuple(dataclasses.replace(c, justified=()) for c in bid.criteria)
    changed = dataclasses.replace(result, lots=(dataclasses.replace(lot, bids=(lot.bids[0], dataclasses.replace(bid, criteria=bare),
                                                                              *lot.bids[2:])),))
    document, text = read(assessment_summary(changed, tender.authority.name, "1", bid.bidder_id))
    assert "Evaluators' justification" not in text
    scored_by_panel = sum(1 for c in bid.criteria if c.is_leaf and c.evaluator_scores)
    red_runs = [run for table in document.tables for row in table.rows for cell in row.cells
                for p in cell.paragraphs for run in p.runs if run.font.color.rgb == RED and NO_JUSTIFICATION in run.text]
    assert len(red_runs) == scored_by_panel > 0


def test_bid_text_is_inserted_as_text(home_care) -> None:
    tender, result = home_care
    lot = result.lots[0]
    hostile = '<w:fldSimple w:instr="PAGE"/> { MERGEFIELD x } & Co'
    bid = dataclasses.replace(lot.bids[2], bidder=hostile)
    changed = dataclasses.replace(result, lots=(dataclasses.replace(lot, bids=(*lot.bids[:2], bid, *lot.bids[3:])),))
    document, text = read(assessment_summary(changed, tender.authority.name, "1", bid.bidder_id))
    assert hostile in text
    assert "fldSimple" not in document.element.body.xml.replace("&lt;w:fldSimple", "")


def test_each_summary_prints_on_a4_with_no_table_off_the_page(home_care, tmp_path, libreoffice):
    """Converted by LibreOffice Writer, as an officer's word processor would print it."""
    import subprocess

    from svscore.excel.libreoffice import convert

    tender, result = home_care
    docs = []
    for bid in result.lots[0].bids:
        path = tmp_path / f"{bid.bidder_id}.docx"
        path.write_bytes(assessment_summary(result, tender.authority.name, result.lots[0].lot_id, bid.bidder_id))
        docs.append(path)
    for pdf in convert(docs, tmp_path / "pdf", to="pdf"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        size = next(line for line in info.splitlines() if line.startswith("Page size:"))
        assert 1 <= pages <= 4, (pdf.name, pages)
        assert "(A4)" in size, size
        # no table or text runs off the page: every word lies within the 20 mm margins (56.7 pt)
        boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
        assert right and max(right) <= 595.3 - 56.7 + 2, (pdf.name, max(right))
        assert ">scores</word>" in boxes and ">Page</word>" in boxes  # the scores table and the page number


def test_an_unknown_lot_or_bidder_is_named(home_care):
    tender, result = home_care
    with pytest.raises(ValueError, match="no lot 'L9'"):
        assessment_summary(result, tender.authority.name, "L9", "CE012345")
    with pytest.raises(ValueError, match="no bid from bidder id 'nobody'"):
        assessment_summary(result, tender.authority.name, result.lots[0].lot_id, "nobody")
