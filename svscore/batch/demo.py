"""``svscore demo``: a realistic folder of returned bids for the bundled example, scored in batch.

The generated workbooks are filled as bidders and evaluators would fill them, and carry the
calculated values of their formulas as a workbook saved by Excel does. The set includes a late
bid, a broken file and a bid that evaluators' scores disqualify, plus an Excel lock file.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.workbook import Workbook

from svscore.atomic import write_atomic
from svscore.excel import workbook as xw
from svscore.excel.bid_return import BidReturnLayout, build_bid_return
from svscore.excel.score_sheets import build_score_sheets, score_sheet_layout
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Tender


@dataclass
class DemoBid:
    bidder: str
    bidder_id: str
    rates: list[float]
    quantities: dict[str, list[float]] = field(default_factory=dict)
    """measure id -> quantity per contract year."""
    sme: bool = False
    vcse: bool = False
    scores: dict[str, list] = field(default_factory=dict)
    """criterion id -> one score per evaluator."""
    response: str | None = None
    """The text of every quality response (a short one when not given)."""
    postal_address: str = ""
    """The Cover's postal address for correspondence (blank: the registered address is the one)."""
    unique_identifier: str | None = None
    """The Cover's unique identifier (None: an illustrative one made from the bidder id; "": left blank)."""


def _num(x: Decimal | float) -> float | int:
    f = float(x)
    return int(f) if f.is_integer() else f


def fill_bid_return(tender: Tender, lot_index: int, measures: MeasuresTable | None, bid: DemoBid,
                    signed: dt.date = dt.date(2026, 4, 15)) -> bytes:
    """A bid return workbook filled in by a bidder and saved (with calculated values) as Excel would."""
    lay = BidReturnLayout(tender, lot_index, measures)
    wb = build_bid_return(tender, lot_index, measures)
    answers = {"bidder": bid.bidder, "bidder_id": bid.bidder_id, "sme": "Yes" if bid.sme else "No",
               "vcse": "Yes" if bid.vcse else "No", "contact": "Bid Manager", "email": "bids@example.org",
               "phone": "0100 000 0000", "address": "1 High Street, Borchester", "postal_address": bid.postal_address,
               "unique_identifier": bid.unique_identifier if bid.unique_identifier is not None else f"PDEMO-{bid.bidder_id}"}
    for key, *_ in lay.cover:
        if answers[key]:  # an optional question left blank, as a bidder leaves it
            xw.set_text(wb["Cover"][lay.cover_cell(key)], answers[key])
    cached: dict[str, dict[str, float]] = {"Pricing": {}, "Social Value": {}}
    total = 0.0
    for i, (line, rate) in enumerate(zip(lay.lines, bid.rates, strict=True)):
        wb["Pricing"][lay.rate_cell(i)] = rate
        line_total = float(line.quantity) * rate
        cached["Pricing"][lay.line_total_cell(i)] = line_total
        total += line_total
    cached["Pricing"][lay.total_price_cell] = total
    if lay.has_sv and measures is not None:
        sv_total = 0.0
        for m, measure in enumerate(measures.measures):
            qs = bid.quantities.get(measure.id, [])
            for y, q in enumerate(qs):
                wb["Social Value"][lay.qty_cell(m, y)] = q
            counted = (qs[:1] if measure.first_year_only else qs)
            value = sum(counted) * float(measure.proxy_value)
            cached["Social Value"][lay.sv_value_cell(m)] = value
            sv_total += value
        cached["Social Value"][lay.sv_value_cell(len(measures.measures))] = sv_total  # the total, below the last
    for i, (_cid, name, *_) in enumerate(lay.quality):
        xw.set_text(wb["Quality"][lay.response_cell(i)], bid.response or f"Our approach to {name.lower()}: see the method statement, sections 1 to 4.")
    for cell in lay.declaration_cells:
        wb["Declarations"][cell] = "Yes"
    name, position, date = lay.signed_by_cells
    wb["Declarations"][name] = "A. Director"
    wb["Declarations"][position] = "Managing Director"
    wb["Declarations"][date] = signed
    return with_cached_values(wb, cached)


def with_cached_values(wb: Workbook, cached: dict[str, dict[str, float]]) -> bytes:
    """Serialise with the given formula cells' calculated values filled in, as Excel saves them."""
    import io
    import zipfile

    data = xw.to_bytes(wb)
    index = {ws.title: i + 1 for i, ws in enumerate(wb.worksheets)}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            for sheet, cells in cached.items():
                if sheet in index and info.filename == f"xl/worksheets/sheet{index[sheet]}.xml":
                    text = body.decode("utf-8")
                    for addr, value in cells.items():
                        # an empty value is <v/> or <v></v>, as openpyxl writes it without lxml or with it
                        text = re.sub(rf'(<c r="{addr}"[^>]*><f>[^<]*</f>)(?:<v ?/>|<v></v>)', rf"\g<1><v>{value!r}</v>", text)
                    body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def fill_score_sheets(tender: Tender, lot_index: int, measures: MeasuresTable | None, bids: list[DemoBid],
                      evaluators: tuple[str, ...]) -> bytes:
    lay = score_sheet_layout(tender, lot_index, measures, len(bids), evaluators)
    wb = build_score_sheets(tender, lot_index, measures, len(bids), evaluators)
    for i, b in enumerate(bids):
        wb["Bidders"].cell(lay.bidder_row(i), lay.BIDDER_ID_COL, b.bidder_id)
        xw.set_text(wb["Bidders"].cell(lay.bidder_row(i), lay.BIDDER_NAME_COL), b.bidder)
        for e, name in enumerate(evaluators):
            ws = wb[name]
            for cid in lay.rows:
                scores = b.scores.get(cid)
                if not scores:
                    continue
                ws[lay.score_cell(cid, i)] = scores[e]
                xw.set_text(ws[lay.justification_cell(cid, i)], f"{name}: {cid} scored {scores[e]} on the evidence in the response.")
    return xw.to_bytes(wb)


EVALUATORS = ("Evaluator A", "Evaluator B", "Evaluator C")


def demo_bids() -> list[DemoBid]:
    q = lambda a, b, c, sv, pf="pass": {"Q1": a, "Q2": b, "Q3": c, "SV2": sv, "PF1": [pf] * 3}  # noqa: E731
    return [
        DemoBid("Northfield Care Ltd", "09876543", [21.5, 26.0, 1450.0, 45000.0],
                {"EX-LOCAL-FTE": [12, 12, 12], "EX-APPRENTICE-WEEKS": [52, 52, 52], "EX-LOCAL-SPEND": [60000, 60000, 60000]},
                sme=True, scores=q([4, 4, 3], [4, 3, 4], [3, 3, 3], [3, 4, 3])),
        DemoBid("Brightwater Homecare CIC", "CE012345", [23.9, 28.5, 1500.0, 30000.0],
                {"EX-LOCAL-FTE": [15, 15, 15], "EX-UNEMPLOYED-HIRE": [6, 0, 0], "EX-VOLUNTEER-HOURS": [400, 400, 400]},
                sme=True, vcse=True, scores=q([5, 4, 5], [5, 5, 4], [4, 4, 4], [4, 4, 5])),
        DemoBid("Castle Support Services plc", "04567890", [16.0, 19.5, 1100.0, 20000.0],
                {"EX-LOCAL-FTE": [5, 5, 5], "EX-LOCAL-SPEND": [20000, 20000, 20000]},
                scores=q([3, 3, 3], [3, 2, 3], [2, 2, 3], [2, 2, 2])),
        DemoBid("Dale Valley Care Ltd", "07654321", [19.0, 23.0, 1300.0, 15000.0],
                {"EX-LOCAL-FTE": [4, 4, 4]}, sme=True, scores=q([3, 2, 3], [1, 1, 2], [2, 2, 2], [1, 2, 1])),
        DemoBid("Eden Community Care Ltd", "11223344", [24.5, 29.0, 1600.0, 40000.0],
                {"EX-LOCAL-FTE": [10, 10, 10]}, sme=True, scores=q([4, 4, 4], [4, 4, 4], [4, 4, 3], [3, 3, 3])),
        DemoBid("Fenwick Healthcare Ltd", "05556667", [22.0, 27.0, 1400.0, 35000.0],
                {"EX-LOCAL-FTE": [8, 8, 8]}, scores=q([3, 4, 4], [3, 3, 3], [3, 3, 3], [3, 3, 3])),
    ]


def make_demo(out: Path, tender_path: Path, measures_path: Path, tender: Tender, measures: MeasuresTable) -> dict[str, Path]:
    """Write the demo folder: tender, measures, returns (with received times) and score sheets."""
    returns, scores = out / "returns", out / "scores"
    for d in (returns, scores):
        d.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tender_path, out / tender_path.name)
    shutil.copyfile(measures_path, out / measures_path.name)
    bids = demo_bids()
    received = []
    deadline = tender.contract.submission_deadline or dt.datetime(2026, 4, 17, 12, tzinfo=dt.UTC)
    for n, b in enumerate(bids):
        name = f"{re.sub(r'[^A-Za-z0-9]+', '-', b.bidder).strip('-')}.xlsx"
        write_atomic(returns / name, fill_bid_return(tender, 0, measures, b))
        late = b.bidder.startswith("Fenwick")
        when = deadline + (dt.timedelta(minutes=47) if late else -dt.timedelta(hours=30 - n * 4))
        received.append((name, when))
    broken = fill_bid_return(tender, 0, measures, bids[0])[: 5000]
    write_atomic(returns / "Grange-Care-Services.xlsx", broken)
    received.append(("Grange-Care-Services.xlsx", deadline - dt.timedelta(hours=2)))
    write_atomic(returns / "~$Northfield-Care-Ltd.xlsx", b"lock file left behind by Excel")
    lines = ["file,received_at"] + [f"{n},{t.isoformat()}" for n, t in sorted(received)]
    write_atomic(returns / "received.csv", "\n".join(lines) + "\n")
    scored = [b for b in bids if not b.bidder.startswith("Fenwick")]
    write_atomic(scores / "score-sheets.xlsx", fill_score_sheets(tender, 0, measures, scored, EVALUATORS))
    return {"tender": out / tender_path.name, "measures": out / measures_path.name, "returns": returns, "scores": scores}
