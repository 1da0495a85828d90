"""Batch outputs: results.xlsx for officers, results.csv, results.json and manifest.json.

Every file is written atomically, never over an input, and with identical bytes for identical
inputs (no run times inside; fixed workbook timestamps). Bidder-supplied text is always written
as text: a bidder named ``=HYPERLINK(...)`` stays text in the workbook and the CSV.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from svscore import __version__
from svscore.atomic import write_atomic
from svscore.batch.run import BatchRun
from svscore.excel import workbook as xw
from svscore.render.tables import result_rows, to_csv, to_json
from svscore.scoring.result import Status

BIDDER_SHEETS_LIMIT = 60
"""Up to this many bidders get a sheet each; beyond it, one Explanations sheet lists them all."""
OUTPUTS = ("results.xlsx", "results.csv", "results.json")
MANIFEST = "manifest.json"


def write_outputs(run: BatchRun, out_dir: Path, options: dict[str, Any], protect: tuple[Path, ...]) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "results.json": to_json(results_document(run)).encode("utf-8"),
        "results.csv": to_csv(run.result).encode("utf-8"),
        "results.xlsx": xw.to_bytes(results_workbook(run)),
    }
    written = {}
    for name in OUTPUTS:
        written[name] = write_atomic(out_dir / name, data[name], protect=protect)
    manifest = {
        "svscore_version": __version__,
        "tender_reference": run.tender.reference,
        "inputs": sorted(run.inputs, key=lambda x: x["name"]),
        "thresholds_table": _thresholds(run),
        "received_times_from": run.received_source,
        "options": options,
        "outputs": [{"name": n, "size": len(data[n]), "sha256": hashlib.sha256(data[n]).hexdigest()} for n in OUTPUTS],
    }
    written[MANIFEST] = write_atomic(out_dir / MANIFEST, to_json(manifest), protect=protect)
    return written


def _thresholds(run: BatchRun) -> dict[str, Any]:
    from importlib import resources

    if run.tender.thresholds_table:
        return {"name": run.tender.thresholds_table, "source": "the tender's thresholds_table"}
    data = resources.files("svscore.data").joinpath("thresholds.json").read_bytes()
    return {"name": "svscore/data/thresholds.json", "sha256": hashlib.sha256(data).hexdigest()}


def results_document(run: BatchRun) -> dict[str, Any]:
    doc = run.result.as_dict()
    doc["svscore_version"] = __version__
    doc["files"] = [f.as_dict() for f in run.files]
    doc["skipped"] = [{"name": n, "reason": r} for n, r in run.skipped]
    doc["problems"] = [{"severity": s, "location": loc, "message": m} for s, loc, m in run.problems]
    doc["received_times_from"] = run.received_source
    return doc


def verify_manifest(out_dir: Path, returns: Path | None = None) -> list[str]:
    """What no longer matches the manifest (outputs, and the returned files when their folder is given)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{out_dir / MANIFEST}: cannot be read ({exc})"]
    problems = []
    for entry in manifest.get("outputs", []):
        path = out_dir / entry["name"]
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{path}: changed since the run (SHA-256 differs)")
    if returns is not None:
        for entry in manifest.get("inputs", []):
            if not entry["name"].startswith("returns/"):
                continue
            path = returns / entry["name"].removeprefix("returns/")
            if not path.is_file():
                problems.append(f"{path}: missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
                problems.append(f"{path}: changed since the run (SHA-256 differs)")
    return problems


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:28] or "Bidder"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate = f"{base[:25]} ({n})"
        n += 1
    used.add(candidate.lower())
    return candidate


def results_workbook(run: BatchRun) -> xw.Workbook:
    wb = xw.new_workbook()
    res = run.result
    ws = wb.create_sheet("Results")
    ws["A1"] = f"Results: {res.reference} — {res.title}"
    ws["A1"].font = xw.TITLE
    header, rows = result_rows(res)
    xw.header(ws, 2, header)
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row, start=1):
            cell = xw.set_text(ws.cell(r, c), v) if isinstance(v, str) else ws.cell(r, c, v)
            if isinstance(v, float):
                cell.number_format = "£#,##0.00" if header[c - 1] == "price" else "0.00"
    last = 2 + len(rows)
    ws.freeze_panes = "E3"
    ws.auto_filter.ref = f"A2:{xw.col(len(header))}{max(last, 3)}"
    xw.widths(ws, {1: 6, 2: 6, 3: 14, 4: 34, 5: 13} | {i: 11 for i in range(6, len(header) - 1)} | {len(header) - 1: 30, len(header): 60})
    xw.print_setup(ws, "2:2")
    _chart(wb, run)
    _explanations(wb, run)
    _problems(wb, run)
    wb.active = 0
    return wb


def _chart(wb: xw.Workbook, run: BatchRun) -> None:
    for lot in run.result.lots:
        ranked = [b for b in lot.bids if b.status is Status.RANKED]
        if not ranked:
            continue
        ws = wb.create_sheet(f"Chart lot {lot.lot_id}"[:31] if len(run.result.lots) > 1 else "Chart")
        tops = [(cid, name) for cid, name in lot.top_level if any(b.subtotals().get(cid) is not None for b in ranked)]
        xw.header(ws, 1, ["Bidder", *[name for _, name in tops]])
        for r, b in enumerate(ranked, start=2):
            xw.set_text(ws.cell(r, 1), b.bidder)
            for c, (cid, _) in enumerate(tops, start=2):
                v = b.subtotals().get(cid)
                ws.cell(r, c, float(v) if v is not None else 0.0).number_format = "0.00"
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = "Weighted score by criterion"
        chart.y_axis.title = f"Points (of {float(lot.total_points):g})"
        chart.add_data(Reference(ws, min_col=2, max_col=1 + len(tops), min_row=1, max_row=1 + len(ranked)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(ranked)))
        chart.height, chart.width = 9 + 0.5 * len(ranked), 22
        ws.add_chart(chart, f"{xw.col(len(tops) + 3)}2")
        xw.widths(ws, {1: 32})
        xw.print_setup(ws)


def _explanations(wb: xw.Workbook, run: BatchRun) -> None:
    bids = [b for lot in run.result.lots for b in lot.bids]
    used = {s.lower() for s in wb.sheetnames} | {"problems", "explanations"}
    if len(bids) > BIDDER_SHEETS_LIMIT:
        ws = wb.create_sheet("Explanations")
        xw.header(ws, 1, ["Lot", "Bidder", "Criterion", "Name", "Raw", "Points", "Available", "Explanation"])
        r = 2
        for b in bids:
            for c in b.criteria:
                for col, v in enumerate([b.lot_id, b.bidder, c.criterion_id, c.name, _raw(c.raw), _f(c.points), float(c.available), c.explanation], start=1):
                    xw.set_text(ws.cell(r, col), v) if isinstance(v, str) else ws.cell(r, col, v)
                r += 1
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = f"A1:H{max(r - 1, 2)}"
        xw.widths(ws, {1: 6, 2: 30, 3: 10, 4: 30, 5: 14, 6: 9, 7: 9, 8: 100})
        xw.print_setup(ws, "1:1")
        return
    for b in bids:
        ws = wb.create_sheet(_sheet_name(b.bidder, used))
        xw.set_text(ws["A1"], b.bidder).font = xw.TITLE
        facts = [("Bidder id", b.bidder_id), ("Lot", b.lot_id), ("Status", b.status.value),
                 ("Rank", b.rank if b.rank is not None else "—"), ("Total", _f(b.total) if b.total is not None else "—"),
                 ("Price (£)", _f(b.price) if b.price is not None else "—")]
        for r, (k, v) in enumerate(facts, start=2):
            ws.cell(r, 1, k).font = Font(bold=True)
            xw.set_text(ws.cell(r, 2), v) if isinstance(v, str) else ws.cell(r, 2, v)
        r = 2 + len(facts)
        for note in [f.message for f in b.flags] + list(b.reasons):
            xw.set_text(ws.cell(r, 1), "Note")
            xw.set_text(ws.cell(r, 2), note).alignment = xw.WRAP
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
            ws.row_dimensions[r].height = 30
            r += 1
        r += 1
        xw.header(ws, r, ["Criterion", "Name", "Raw", "Points", "Available", "Explanation"])
        head = r
        for c in b.criteria:
            r += 1
            for col, v in enumerate([c.criterion_id, c.name, _raw(c.raw), _f(c.points), float(c.available), c.explanation], start=1):
                cell = xw.set_text(ws.cell(r, col), v) if isinstance(v, str) else ws.cell(r, col, v)
                cell.alignment = xw.WRAP
        ws.freeze_panes = f"A{head + 1}"
        xw.widths(ws, {1: 12, 2: 34, 3: 14, 4: 9, 5: 10, 6: 90})
        xw.print_setup(ws, f"{head}:{head}")


def _problems(wb: xw.Workbook, run: BatchRun) -> None:
    ws = wb.create_sheet("Problems")
    ws["A1"] = "Files that could not be scored, and everything else worth checking"
    ws["A1"].font = xw.TITLE
    xw.header(ws, 2, ["Severity", "File", "Sheet", "Cell", "What is wrong"])
    r = 3
    entries = [(s, loc, m) for f in run.files for s, loc, m in f.problems] + run.problems + \
              [("skipped", name, reason) for name, reason in run.skipped]
    for sev, loc, msg in entries:
        file, sheet, cell = _split(loc)
        for col, v in enumerate([sev, file, sheet, cell, msg], start=1):
            xw.set_text(ws.cell(r, col), v).alignment = Alignment(wrap_text=col == 5, vertical="top")
        r += 1
    if r == 3:
        ws.cell(3, 1, "None: every file was read and scored.")
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:E{max(r - 1, 3)}"
    xw.widths(ws, {1: 10, 2: 36, 3: 14, 4: 8, 5: 100})
    xw.print_setup(ws, "2:2")


def _split(loc: str) -> tuple[str, str, str]:
    if " › " not in loc:
        return loc, "", ""
    file, rest = loc.split(" › ", 1)
    if "!" in rest:
        sheet, cell = rest.rsplit("!", 1)
        return file, sheet, cell
    return file, rest, ""


def _f(x: Any) -> float | str:
    return "" if x is None else float(x)


def _raw(v: Any) -> Any:
    if v is None:
        return ""
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)
