"""What ``svscore monitor`` writes: results.json, results.csv, results.xlsx (with charts) and manifest.json.

Figures are exact inside and rounded only where they are shown: JSON and CSV carry the values as
numbers (pence where money has them), the workbook formats them for reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from svscore import __version__
from svscore.atomic import refuse_overwrites, write_atomic
from svscore.monitor.delivery import ContractMonitoring, SpendYear
from svscore.monitor.run import MonitorRun
from svscore.render.pages import contract_reference, page_marks, references
from svscore.render.tables import csv_text, to_json

OUTPUTS = ("results.xlsx", "results.csv", "results.json")
MANIFEST = "manifest.json"


def _n(x: Fraction | None) -> int | float | None:
    if x is None:
        return None
    return int(x) if x.denominator == 1 else float(x)


def _share(part: Fraction, whole: Fraction) -> float | None:
    return float(part / whole) if whole else None


def _spend(s: SpendYear) -> dict[str, Any]:
    return {"year": s.year, "total": _n(s.total), "local": _n(s.local), "sme": _n(s.sme), "vcse": _n(s.vcse),
            "unknown_postcode": _n(s.unknown_postcode), "local_share": _share(s.local, s.total),
            "sme_share": _share(s.sme, s.total), "vcse_share": _share(s.vcse, s.total)}


def _contract(m: ContractMonitoring) -> dict[str, Any]:
    committed, delivered = m.totals()
    return {
        "contract": m.record.reference, "title": m.record.title, "supplier": m.record.supplier.name,
        "social_value_committed": _n(committed), "social_value_delivered": _n(delivered),
        "commitments": [{"measure": c.measure, "description": c.description, "unit": c.unit, "year": c.year,
                         "committed": _n(c.committed), "delivered": _n(c.delivered), "shortfall": _n(c.shortfall),
                         "committed_value": _n(c.committed_value), "delivered_value": _n(c.delivered_value),
                         "status": c.status, "evidence": list(c.evidence)} for c in m.commitments],
        "to_date": [{"measure": t.measure, "unit": t.unit, "delivered": _n(t.delivered), "due_by_now": _n(t.due),
                     "behind": _n(t.behind), "committed_over_contract": _n(t.committed),
                     "delivered_value": _n(t.delivered * t.proxy_value), "committed_value": _n(t.committed * t.proxy_value)}
                    for t in m.to_date()],
        "returns": [{"period": r.period, "due": r.due.isoformat(), "received": r.received.isoformat() if r.received else None,
                     "status": r.status, "days_late": r.days_late, "file": r.source} for r in m.returns],
        "spend": [_spend(s) for s in m.spend],
        "kpis": [{"kpi": k.kpi, "name": k.name, "period": k.period, "value": _n(k.value), "target": _n(k.target),
                  "unit": k.unit, "met": k.met} for k in m.kpis],
        "problems": [p.as_dict() for p in m.problems],
    }


def across(run: MonitorRun) -> dict[str, Any]:
    """The council's figures across its contracts, per contract year: social value delivered, and the
    share of the suppliers' spend that went to local organisations, SMEs and VCSEs."""
    years: dict[int, list[Fraction]] = defaultdict(lambda: [Fraction(0)] * 5)
    for m in run.contracts:
        for s in m.spend:
            for i, v in enumerate((s.total, s.local, s.sme, s.vcse, s.unknown_postcode)):
                years[s.year][i] += v
    committed = sum((m.totals()[0] for m in run.contracts), Fraction(0))
    delivered = sum((m.totals()[1] for m in run.contracts), Fraction(0))
    return {"social_value_committed": _n(committed), "social_value_delivered": _n(delivered),
            "spend_by_year": [_spend(SpendYear(y, *v)) for y, v in sorted(years.items())]}


def results_document(run: MonitorRun) -> dict[str, Any]:
    return {"svscore_version": __version__, "as_of": run.as_of.isoformat(),
            "local_areas": sorted(run.local.areas | run.local.districts) if run.local else None,
            "contracts": [_contract(m) for m in run.contracts], "across_contracts": across(run),
            "files": [f.as_dict() for f in run.files], "skipped": [{"name": n, "reason": r} for n, r in run.skipped],
            "problems": [p.as_dict() for p in run.problems]}


CSV_HEADER = ["contract", "supplier", "measure", "unit", "year", "committed", "delivered", "shortfall", "committed_value",
              "delivered_value", "status"]


def results_csv(run: MonitorRun) -> str:
    rows = [[m.record.reference, m.record.supplier.name, c.measure, c.unit, c.year if c.year is not None else "whole contract",
             float(c.committed), float(c.delivered), float(c.shortfall), float(c.committed_value), float(c.delivered_value), c.status]
            for m in run.contracts for c in m.commitments]
    return csv_text(CSV_HEADER, rows)


def results_workbook(run: MonitorRun) -> bytes:
    """The officer's workbook: a summary, commitments against delivery with a chart, spend shares by
    year with a chart, returns (late and missing named), KPIs and problems."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": False})
    wb.set_properties({"title": "svscore contract monitoring", "author": f"svscore {__version__}"})
    wb.set_calc_mode("auto")
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79", "text_wrap": True, "valign": "top"})
    # every cell reads from the top of its row: a row grows for wrapped evidence
    money, qty = wb.add_format({"num_format": "£#,##0.00", "valign": "top"}), wb.add_format({"num_format": "#,##0.##", "valign": "top"})
    pct, top = wb.add_format({"num_format": "0.0%", "valign": "top"}), wb.add_format({"valign": "top"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})

    marks = page_marks(references([contract_reference(m.record.tender_reference, m.record.reference) for m in run.contracts]))

    def sheet(name: str, heading: str, headers: list[str], widths: list[float]):
        ws = wb.add_worksheet(name)
        ws.write(0, 0, heading, title)
        ws.write(1, 0, f"As of {run.as_of:%d %B %Y}")
        ws.write_row(3, 0, headers, head)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(3)
        ws.set_header(marks.header_code)
        ws.set_footer(marks.footer_code)
        ws.freeze_panes(4, 0)
        return ws

    summary = sheet("Summary", "Contract monitoring", ["Contract", "Supplier", "Committed (£)", "Delivered (£)", "Shortfalls",
                                                       "Returns late", "Returns missing"], [22, 34, 16, 16, 12, 12, 14])
    for r, m in enumerate(run.contracts, start=4):
        committed, delivered = m.totals()
        late = sum(1 for x in m.returns if x.status == "late")
        missing = sum(1 for x in m.returns if x.status == "missing")
        summary.write_row(r, 0, [m.record.reference, m.record.supplier.name])
        summary.write_number(r, 2, float(committed), money)
        summary.write_number(r, 3, float(delivered), money)
        summary.write_number(r, 4, len(m.shortfalls), red if m.shortfalls else None)
        summary.write_number(r, 5, late, red if late else None)
        summary.write_number(r, 6, missing, red if missing else None)

    lines = sheet("Commitments", "Committed against delivered", ["Contract", "Measure", "Year", "Unit", "Committed", "Delivered",
                                                                  "Shortfall", "Committed (£)", "Delivered (£)", "Status", "Evidence"],
                  [16, 20, 12, 12, 10, 10, 10, 14, 14, 11, 34])
    wrap_top = wb.add_format({"text_wrap": True, "valign": "top"})
    r = 4
    for m in run.contracts:
        for c in m.commitments:
            lines.write_row(r, 0, [m.record.reference, c.measure, f"year {c.year}" if c.year is not None else "whole contract", c.unit], top)
            for col, v, f in ((4, c.committed, qty), (5, c.delivered, qty), (6, c.shortfall, qty), (7, c.committed_value, money), (8, c.delivered_value, money)):
                lines.write_number(r, col, float(v), f)
            lines.write(r, 9, c.status, red if c.status == "shortfall" else top)
            evidence = "; ".join(c.evidence)
            lines.write(r, 10, evidence, wrap_top)
            lines.set_row(r, 15 * max(1, -(-len(evidence) // 36)))  # the wrapped evidence's lines: no row grows by itself
            r += 1
    if r > 4:
        chart = wb.add_chart({"type": "bar"})
        for col, name in ((7, "Committed (£)"), (8, "Delivered (£)")):  # measure and year as the two levels of each bar's label
            chart.add_series({"name": name, "categories": ["Commitments", 4, 1, r - 1, 2], "values": ["Commitments", 4, col, r - 1, col]})
        chart.set_title({"name": "Social value committed and delivered (£)"})
        chart.set_x_axis({"num_format": "£#,##0"})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 760, "height": 40 * (r - 4) + 140})
        lines.insert_chart(r + 2, 1, chart)

    cumulative = sheet("To date", "Each measure to date", ["Contract", "Measure", "Unit", "Delivered to date", "Due by now",
                                                           "Behind", "Committed over the contract"], [18, 22, 14, 16, 14, 12, 22])
    r = 4
    for m in run.contracts:
        for t in m.to_date():
            cumulative.write_row(r, 0, [m.record.reference, t.measure, t.unit], top)
            for col, v in ((3, t.delivered), (4, t.due), (5, t.behind), (6, t.committed)):
                cumulative.write_number(r, col, float(v), red if col == 5 and t.behind else qty)
            r += 1

    spend = sheet("Spend", "Where the suppliers' money went", ["Contract year", "Spend (£)", "Local (£)", "SME (£)", "VCSE (£)",
                                                               "Postcode not known (£)", "Local share", "SME share", "VCSE share"],
                  [12, 16, 16, 16, 16, 20, 12, 12, 12])
    years = across(run)["spend_by_year"]
    for r, y in enumerate(years, start=4):
        spend.write_string(r, 0, f"Year {y['year']}")
        for col, key in enumerate(("total", "local", "sme", "vcse", "unknown_postcode"), start=1):
            spend.write_number(r, col, y[key], money)
        for col, key in enumerate(("local_share", "sme_share", "vcse_share"), start=6):
            if y[key] is None:
                spend.write_blank(r, col, None)
            else:
                spend.write_number(r, col, y[key], pct)
    if years:
        chart = wb.add_chart({"type": "column"})
        for col, name in ((6, "Local"), (7, "SME"), (8, "VCSE")):
            chart.add_series({"name": name, "categories": ["Spend", 4, 0, 3 + len(years), 0], "values": ["Spend", 4, col, 3 + len(years), col]})
        chart.set_title({"name": "Share of spend by contract year"})
        chart.set_y_axis({"num_format": "0%", "max": 1})
        spend.insert_chart(5 + len(years), 1, chart)

    returns = sheet("Returns", "Monitoring returns", ["Contract", "Period", "Due", "Received", "Status", "Days late", "File"],
                    [18, 10, 14, 14, 14, 10, 40])
    date = wb.add_format({"num_format": "dd mmm yyyy"})
    r = 4
    for m in run.contracts:
        for x in m.returns:
            returns.write_row(r, 0, [m.record.reference, x.period])
            returns.write_datetime(r, 2, _midnight(x.due), date)
            if x.received:
                returns.write_datetime(r, 3, _midnight(x.received), date)
            returns.write(r, 4, x.status, red if x.status in ("late", "missing") else None)
            returns.write_number(r, 5, x.days_late)
            returns.write(r, 6, x.source)
            r += 1

    kpis = sheet("KPIs", "Key performance indicators", ["Contract", "KPI", "What is measured", "Period", "Result", "Target", "Met"],
                 [18, 8, 44, 10, 10, 10, 8])
    r = 4
    for m in run.contracts:
        for k in m.kpis:
            kpis.write_row(r, 0, [m.record.reference, k.kpi, k.name, k.period])
            kpis.write_number(r, 4, float(k.value))
            kpis.write_number(r, 5, float(k.target))
            kpis.write(r, 6, "Yes" if k.met else "No", None if k.met else red)
            r += 1

    probs = sheet("Problems", "Problems found", ["Severity", "File", "Where", "Message"], [10, 30, 24, 90])
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    r = 4
    every = [p for f in run.files for p in f.problems] + run.problems + [p for m in run.contracts for p in m.problems]
    for p in every:
        where = f"{p.place.sheet}!{p.place.cell}" if p.place.sheet and p.place.cell else (p.place.sheet or p.place.json_path or "")
        probs.write_row(r, 0, [p.severity.value, p.place.file, where])
        probs.write(r, 3, p.message, wrap)
        r += 1
    for name, reason in run.skipped:
        probs.write_row(r, 0, ["skipped", name, "", reason])
        r += 1
    wb.close()
    return buf.getvalue()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def write_outputs(run: MonitorRun, out_dir: Path, inputs: tuple[Path, ...], options: dict[str, Any]) -> dict[str, Path]:
    """The four outputs written into ``out_dir``, each atomically; never over one of the inputs."""
    refuse_overwrites(tuple(out_dir / n for n in (*OUTPUTS, MANIFEST)), inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"results.xlsx": results_workbook(run), "results.csv": results_csv(run).encode("utf-8"),
            "results.json": to_json(results_document(run)).encode("utf-8")}
    manifest = {"svscore_version": __version__, "kind": "svscore monitoring", "as_of": run.as_of.isoformat(),
                "inputs": sorted(run.inputs, key=lambda x: x["name"]), "options": options,
                "outputs": [{"name": n, "size": len(data[n]), "sha256": hashlib.sha256(data[n]).hexdigest()} for n in OUTPUTS]}
    data[MANIFEST] = to_json(manifest).encode("utf-8")
    return {name: write_atomic(out_dir / name, data[name]) for name in (*OUTPUTS, MANIFEST)}
