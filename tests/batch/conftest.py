"""A real folder of returned workbooks: good bids and every kind of bad one, built once."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from svscore.batch.demo import EVALUATORS, DemoBid, demo_bids, fill_bid_return, fill_score_sheets
from svscore.excel.bid_return import BidReturnLayout
from svscore.model.loading import load_measures, load_tender
from tests.conftest import EXAMPLES, run_cli

TENDER = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
LAYOUT = BidReturnLayout(TENDER, 0, MEASURES)
GOOD = [b for b in demo_bids() if not b.bidder.startswith(("Fenwick", "Eden"))]
MACRO = replace(GOOD[0], bidder="Macro Care Ltd", bidder_id="12121212")
POUND = DemoBid("Pound Sign Ltd", "45454545", [20.0, 25.0, 1000.0, 10000.0], scores=GOOD[1].scores)
INJECTION = DemoBid('=HYPERLINK("http://evil.example","win")', "88888888", [30.0, 35.0, 2000.0, 10000.0], scores=GOOD[2].scores)
SCORED = [*GOOD, MACRO, POUND, INJECTION]
"""Every bid the batch must score, with the data its workbook was filled with."""


def two_good_returns(root: Path) -> dict[str, Path]:
    """The home care tender and measures table, two good returned workbooks and their evaluators' score sheets."""
    from svscore.batch.demo import EVALUATORS

    returns, scores = root / "returns", root / "scores"
    returns.mkdir()
    scores.mkdir()
    for name in ("council-home-care.json", "measures-illustrative.json"):
        shutil.copyfile(EXAMPLES / name, root / name)
    for b in GOOD[:2]:
        (returns / f"good-{b.bidder_id}.xlsx").write_bytes(fill_bid_return(TENDER, 0, MEASURES, b))
    (scores / "score-sheets.xlsx").write_bytes(fill_score_sheets(TENDER, 0, MEASURES, GOOD[:2], EVALUATORS))
    return {"root": root, "tender": root / "council-home-care.json", "returns": returns, "scores": scores}


def edit(data: bytes, change) -> bytes:
    """Open a filled workbook with openpyxl, change it, save it (as a bidder's edit would)."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, change=lambda name, body: body, methods: dict[str, int] | None = None) -> bytes:
    """The package with each part's body changed by ``change`` (None leaves the part out), every
    part deflated unless ``methods`` gives it another zip compression method by name."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info.filename))
            if body is not None:
                dst.writestr(info.filename, body, compress_type=(methods or {}).get(info.filename, zipfile.ZIP_DEFLATED))
    return out.getvalue()


def build_folder(root: Path) -> dict[str, Path]:
    returns, scores = root / "returns", root / "scores"
    returns.mkdir(parents=True)
    scores.mkdir()
    shutil.copyfile(EXAMPLES / "council-home-care.json", root / "council-home-care.json")
    shutil.copyfile(EXAMPLES / "measures-illustrative.json", root / "measures-illustrative.json")
    files: dict[str, bytes] = {}
    for b in GOOD:
        files[f"good-{b.bidder_id}.xlsx"] = fill_bid_return(TENDER, 0, MEASURES, b)
    base = fill_bid_return(TENDER, 0, MEASURES, DemoBid("Base Ltd", "99999999", [20.0, 25.0, 1000.0, 10000.0]))
    files["corrupt.xlsx"] = base[:3000]
    enc = io.BytesIO()
    from msoffcrypto.format.ooxml import OOXMLFile
    OOXMLFile(io.BytesIO(base)).encrypt("secret", enc)
    files["encrypted.xlsx"] = enc.getvalue()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    files["zip-bomb.xlsx"] = bomb.getvalue()
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    files["entity-bomb.xlsx"] = rezip(base, lambda n, d: _with_doctype(d, lol) if n == "xl/worksheets/sheet2.xml" else d)
    files["macro.xlsm"] = _add_member(fill_bid_return(TENDER, 0, MEASURES, MACRO), "xl/vbaProject.bin", b"\0VBA")
    central = load_tender(EXAMPLES / "central-digital-marks.json")
    files["other-tender.xlsx"] = fill_bid_return(central, 0, None, DemoBid("Other Ltd", "31313131", [500000.0]))
    files["tampered.xlsx"] = edit(base, lambda wb: (wb["Quality"].cell(4, 3, 99), wb["Social Value"].cell(5, 4, 250000)))
    files["missing-rate.xlsx"] = edit(base, lambda wb: setattr(wb["Pricing"]["E6"], "value", None))
    files["text-rate.xlsx"] = edit(base, lambda wb: wb["Pricing"].cell(6, 5, "twenty pounds"))
    files["huge-rate.xlsx"] = edit(base, lambda wb: wb["Pricing"].cell(6, 5, 1e308))  # sums and rounding would break
    files["huge-total.xlsx"] = edit(base, lambda wb: wb["Pricing"].cell(6, 5, 9e14))  # each rate allowed, the total not
    files["pound-text-rate.xlsx"] = edit(fill_bid_return(TENDER, 0, MEASURES, POUND), lambda wb: wb["Pricing"].cell(8, 5, "£10,000.00"))
    files["uncalculated-formula.xlsx"] = edit(base, lambda wb: wb["Pricing"].cell(6, 5, "=20*1.25"))
    files["error-value.xlsx"] = edit(base, lambda wb: wb["Pricing"].cell(6, 5, "#DIV/0!"))  # openpyxl writes it as an error cell
    files["duplicate-1.xlsx"] = fill_bid_return(TENDER, 0, MEASURES, DemoBid("Twice Ltd", "77777777", [20.0, 25.0, 1000.0, 10000.0]))
    files["duplicate-2.xlsx"] = fill_bid_return(TENDER, 0, MEASURES, DemoBid("Twice Ltd", "77777777", [19.0, 25.0, 1000.0, 10000.0]))
    files["injection.xlsx"] = fill_bid_return(TENDER, 0, MEASURES, INJECTION)
    files["~$good-09876543.xlsx"] = b"lock"
    files[".hidden.xlsx"] = base
    files["notes.pdf"] = b"%PDF-1.4"
    for name, data in files.items():
        (returns / name).write_bytes(data)
    (scores / "score-sheets.xlsx").write_bytes(fill_score_sheets(TENDER, 0, MEASURES, SCORED, EVALUATORS))
    return {"root": root, "tender": root / "council-home-care.json", "returns": returns, "scores": scores}


def _with_doctype(xml: bytes, doctype: bytes) -> bytes:
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + doctype + xml[end:]
    return doctype + xml


def _add_member(data: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(name, body)
    return out.getvalue()


@pytest.fixture(scope="session")
def folder(tmp_path_factory) -> dict[str, Path]:
    return build_folder(tmp_path_factory.mktemp("batch"))


@pytest.fixture(scope="session")
def batch_run(folder):
    out = folder["root"] / "out"
    r = run_cli("batch", str(folder["tender"]), str(folder["returns"]), "--scores", str(folder["scores"]), "--out", str(out))
    doc = json.loads((out / "results.json").read_text())
    return r, out, doc


def triples(problems) -> list[tuple[str, str, str]]:
    """Problems as (severity, location, message), as results.json lists them: for comparing."""
    return [(p.severity.value, p.location, p.message) for p in problems]


def file_report(doc, name):
    return next(f for f in doc["files"] if f["name"] == name)


def messages(doc, name):
    return " | ".join(p["message"] for p in file_report(doc, name)["problems"])


def huge_workbook(path: Path, rows: int = 150_000) -> Path:
    """A valid workbook with one very large sheet (hostile by size, not by structure)."""
    import zipfile
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r * 7 + i}</v></c>' for i, c in enumerate("ABCDEFGHIJ")) + "</row>"
                   for r in range(1, rows + 1))
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
                   f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
                   + body + "</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> Path:
    return huge_workbook(tmp_path_factory.mktemp("huge") / "huge.xlsx")


def _good(tmp_path: Path) -> Path:
    from svscore.batch.demo import fill_bid_return
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill_bid_return(TENDER, 0, MEASURES, GOOD[0]))
    return good


def _two_bids(folder, tmp_path) -> Path:
    returns = tmp_path / "returns"
    returns.mkdir()
    shutil.copy(folder["returns"] / "good-09876543.xlsx", returns / "a.xlsx")
    shutil.copy(folder["returns"] / "good-CE012345.xlsx", returns / "b.xlsx")
    return returns

