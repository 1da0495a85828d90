"""Render a picture of each sheet of the bundled example's workbooks for the README.

Builds the example's workbooks, fills the evaluation workbook with the example bids, recalculates
with LibreOffice, exports one PDF page per sheet, and turns each page into a PNG (pdftoppm).
Run: python docs/render_pictures.py   (needs LibreOffice and poppler-utils); with the argument
``award``, only the award folder's pictures.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from svscore.excel.bid_return import build_bid_return  # noqa: E402
from svscore.excel.evaluation import build_evaluation  # noqa: E402
from svscore.excel.layout import EvaluationLayout  # noqa: E402
from svscore.excel.libreoffice import convert  # noqa: E402
from svscore.excel.score_sheets import build_score_sheets  # noqa: E402
from svscore.excel.workbook import save  # noqa: E402
from svscore.model.loading import load_bids, load_measures, load_tender  # noqa: E402
from tests.excel.fill import fill_evaluation  # noqa: E402
from tests.excel.test_formulas_agree import consensus  # noqa: E402

PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def main() -> None:
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    tender = load_tender(ROOT / "examples" / "council-home-care.json")
    measures = load_measures(ROOT / "examples" / "measures-illustrative.json")
    given = list(load_bids(ROOT / "examples" / "council-home-care-bids.json").bids)
    # the evaluators' own scores and justifications as given (the tender takes their mean), the
    # commitments year by year, as the bid returns give them
    bids = [c.model_copy(update={"scores": b.scores}) for b, c in zip(given, consensus(given), strict=True)]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        lay = EvaluationLayout(tender, 0, 6, measures)
        wb = build_evaluation(tender, 0, measures, 6)
        fill_evaluation(wb, lay, bids)
        fill_governance(wb)
        books = {"evaluation": wb, "bid-return": build_bid_return(tender, 0, measures),
                 "score-sheets": build_score_sheets(tender, 0, measures, 3, ("Evaluator 1",))}
        paths = []
        for name, book in books.items():
            for ws in book.worksheets:  # show the hidden lists nowhere
                if ws.sheet_state == "hidden":
                    ws.sheet_state = "veryHidden"
            paths.append(save(book, t / f"{name}.xlsx"))
        pdfs = convert(paths, t / "pdf", to=PDF_ONE_PAGE_PER_SHEET)
        for name, pdf in zip(books, pdfs, strict=True):
            visible = [ws.title for ws in books[name].worksheets if ws.sheet_state == "visible"]
            for page, sheet in enumerate(visible, start=1):
                target = out / f"{name}-{sheet.lower().replace(' ', '-')}"
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(target)], check=True)
                print(f"{target}.png")
        score_sheet_page_picture(paths[list(books).index("score-sheets")], t, out)
        results_picture(t, out)
        summary_picture(t, out)


def score_sheet_page_picture(path: Path, tmp: Path, out: Path) -> None:
    """An evaluator's score sheet as it prints: its first page, one bidder, the scale descriptors
    beside the scores and the signature line in the footer (page 1 of the PDF is the Bidders sheet)."""
    (pdf,) = convert([path], tmp / "score-sheets-pdf", to="pdf")
    target = out / "score-sheets-printed-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", "-singlefile", str(pdf), str(target)], check=True)
    print(f"{target}.png")


def fill_governance(wb) -> None:
    """An illustrative panel, moderation entry, recommendation, award dates and abnormally low tender
    decision on the Governance sheet."""
    import datetime as dt

    from svscore.excel.governance import SHEET, GovernanceLayout

    g, ws = GovernanceLayout(), wb[SHEET]
    panel = [("Evaluator A", "Commissioning manager", "none", None), ("Evaluator B", "Finance lead", "declared",
             "Former employee of a bidder's subcontractor (left 2023): declared, no financial interest; kept on the panel"),
             ("Evaluator C", "Service user representative", "none", None)]
    for i, (name, role, conflict, details) in enumerate(panel):
        for column, v in (("Name (as on the score sheets)", name), ("Role", role), ("Conflict of interest", conflict),
                          ("Declared on", dt.date(2026, 3, 2)), ("Details, and the steps taken to mitigate it", details)):
            ws[g.cell("panel", i, column)] = v
    for column, v in (("Date", dt.date(2026, 3, 10)), ("Criterion", "Q1"), ("Bidder", "Brightwater Homecare CIC"),
                      ("Discussed and agreed", "Scores 5, 4, 5: B's 4 discussed; each kept their own score, the mean counts")):
        ws[g.cell("moderation_log", 0, column)] = v
    ws[g.cell("recommendation", 0, "Recommended bidder")] = "Brightwater Homecare CIC"
    ws[g.cell("recommendation", 0, "Reason")] = "The most advantageous tender: ranked first on the published criteria"
    ws[g.cell("award_dates", 0, "Contract award notice published on")] = dt.date(2026, 3, 20)
    ws[g.cell("award_dates", 0, "Contract entered into on")] = dt.date(2026, 4, 6)
    for column, v in (("Bidder", "Castle Support Services plc"), ("Supplier notified and asked to explain on", dt.date(2026, 3, 11)),
                      ("Its response", "A costed staffing model and rota."), ("Decision", "accepted"),
                      ("Reason", "The rota covers the hours at the National Living Wage."), ("Decided on", dt.date(2026, 3, 16))):
        ws[g.cell("abnormally_low", 0, column)] = v


def results_picture(tmp: Path, out: Path) -> None:
    """The demo's results.xlsx as it prints: its first page (the Results sheet) on A4."""
    subprocess.run([sys.executable, "-m", "svscore", "demo", "--out", str(tmp / "demo")], cwd=ROOT, check=True,
                   capture_output=True)
    (pdf,) = convert([tmp / "demo" / "results" / "results.xlsx"], tmp / "results-pdf", to="pdf")
    target = out / "results-printed"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)], check=True)
    print(f"{target}.png")
    monitoring_pictures(tmp, out)


def monitoring_pictures(tmp: Path, out: Path) -> None:
    """The demo's monitoring: a supplier's return (its Social Value sheet) and the results (committed
    against delivered, and where the money went), each sheet on one page."""
    folder = tmp / "demo" / "monitoring"
    (returned,) = sorted((folder / "returns").glob("*Y1Q4.xlsx"))
    (filled,) = convert([returned], tmp / "monitoring-return-pdf", to=PDF_ONE_PAGE_PER_SHEET)
    (printed,) = convert([folder / "results" / "results.xlsx"], tmp / "monitoring-pdf", to=PDF_ONE_PAGE_PER_SHEET)
    for pdf, page, name in ((filled, 2, "monitoring-return-social-value"), (printed, 2, "monitoring-commitments"),
                            (printed, 3, "monitoring-spend")):
        target = out / name
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(target)], check=True)
        print(f"{target}.png")


def summary_picture(tmp: Path, out: Path) -> None:
    """The first pages of the central government example's award folder (Writer): the assessment
    summary of its disqualified supplier, and the award decision report."""
    folder = tmp / "award"
    subprocess.run([sys.executable, "-m", "svscore", "award", str(ROOT / "examples" / "central-digital-marks.json"),
                    str(ROOT / "examples" / "central-digital-marks-bids.json"), "--out", str(folder),
                    "--ocid-prefix", "ocds-example"], cwd=ROOT, check=True, capture_output=True)
    docs = [folder / "assessment-summary-03456789.docx", folder / "award-report.docx"]
    for pdf, name in zip(convert(docs, tmp / "award-pdf", to="pdf"), ("assessment-summary", "award-report"), strict=True):
        target = out / name
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)], check=True)
        print(f"{target}.png")


if __name__ == "__main__":
    if sys.argv[1:] == ["award"]:  # only the award folder's pictures
        with tempfile.TemporaryDirectory() as tmp:
            summary_picture(Path(tmp), ROOT / "docs" / "images")
    else:
        main()
