"""Read a filled evaluation workbook back into the tender model and its bids.

The officer may change the tender's details, weights and minimum scores in the Setup sheet and
enter bidders, scores, prices and commitments; this reader turns all of it back into a
:class:`Tender` and a :class:`BidsFile`. Every problem names the file, sheet and cell. The reader of each
format version is chosen in :mod:`svscore.excel.readers`, so a workbook built by an earlier svscore
keeps reading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svscore.errors import Place, Problem, TenderFileError, WorkbookError, file_label
from svscore.excel.cells import (
    UnreadableWorkbook,
    Values,
    as_date,
    as_text,
    as_yes_no,
    is_blank,
    load_values,
    metadata,
    metadata_extra,
    parse_number,
    unreadable,
)
from svscore.excel.governance import GovernanceLayout, read_governance
from svscore.excel.readers import reader_for
from svscore.excel.workbook import address
from svscore.model.bids import Bid, BidsFile, Commitment, Score
from svscore.model.loading import validate_document
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender


@dataclass(frozen=True)
class EvaluationWorkbook:
    tender: Tender
    bids: BidsFile
    measures: MeasuresTable | None
    notes: tuple[Problem, ...]
    """Things read but worth saying (numbers typed as text, bidders without an id)."""
    governance: dict[str, Any] = field(default_factory=dict)
    """From format version 2: the Governance sheet's moderation log, award recommendation, sign-off
    and version history as read (the panel is in ``bids.panel``)."""
    places: WorkbookPlaces | None = None
    """Where each bid's scores and justifications, and the panel, sit (for ``svscore award``'s gaps)."""


@dataclass
class WorkbookPlaces:
    """The cells the officer fills for what ``svscore award`` needs from an evaluation workbook."""

    justification: dict[tuple[str, str, str], Place] = field(default_factory=dict)
    """(bidder id, criterion id, evaluator or "") -> the cell of that score's justification."""
    scores: dict[str, Place] = field(default_factory=dict)
    """bidder id -> the first cell of its scores."""
    panel: Place | None = None
    """The first cell of the Governance sheet's panel table (from format version 2)."""
    award: dict[str, Place] = field(default_factory=dict)
    """The Governance sheet's cell of each award fact (from format version 4): ``notice_published``,
    ``contract_date``, ``tie_decisions`` and ``abnormally_low`` (the next empty row),
    ``tie_decisions[i]``, ``tie_decisions[i].winner`` and ``abnormally_low:<bidder id>`` (a row given)."""


def read_evaluation(path: Path) -> EvaluationWorkbook:
    """Read a filled evaluation workbook (any format version svscore has written)."""
    label = file_label(str(path))  # the folder too: an officer may have several copies open
    try:
        values = load_values(path)
    except UnreadableWorkbook:
        raise WorkbookError(label, [Problem(label, f"not read: {unreadable(path)}")]) from None
    meta = metadata(values)
    reader = reader_for(meta, label, "evaluation")
    try:
        return reader.read(values, meta)
    except WorkbookError as exc:
        raise WorkbookError(label, exc.problems) from None


def _set(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        data = data.setdefault(p, {})
    if value is None:
        data.pop(parts[-1], None)
    else:
        data[parts[-1]] = value


def _read_v1(values: Values, meta: dict[str, str]) -> EvaluationWorkbook:
    """Read a format version 1 evaluation workbook: consensus scores only, no justifications."""
    return _read(values, meta, 1)


def _read_v2(values: Values, meta: dict[str, str]) -> EvaluationWorkbook:
    """Read a format version 2 evaluation workbook: evaluators' own scores under mean or median,
    justifications and moderation notes."""
    return _read(values, meta, 2)


def _read_v3(values: Values, meta: dict[str, str]) -> EvaluationWorkbook:
    """Read a format version 3 evaluation workbook: as version 2, the social value quantities per contract year."""
    return _read(values, meta, 3)


def _read_v4(values: Values, meta: dict[str, str]) -> EvaluationWorkbook:
    """Read a format version 4 evaluation workbook: as version 3, the Governance sheet's award dates,
    abnormally low tender decisions and tie decisions."""
    return _read(values, meta, 4)


def _read(values: Values, meta: dict[str, str], version: int) -> EvaluationWorkbook:
    from svscore.excel.layout import DETAILS, EDITABLE_IN_V1, EvaluationLayout

    extra = metadata_extra(meta, values.name, {"tender": dict, "lot_index": int, "slots": int}, {"measures": dict})
    base = extra["tender"]
    original = validate_document(base, "tender", f"{values.name} (metadata)")
    assert isinstance(original, Tender)
    try:
        measures = MeasuresTable.model_validate(extra["measures"]) if extra.get("measures") else None
    except ValueError:  # pydantic's ValidationError: the copy of the table in the metadata was edited
        raise WorkbookError(values.name, [Problem(Place(values.name, "_svscore"),
                                                  "the hidden _svscore sheet's copy of the measures table is damaged: "
                                                  "use the workbook as svscore built it")]) from None
    lay = EvaluationLayout(original, extra["lot_index"], extra["slots"], measures, version)
    problems: list[Problem] = []
    notes: list[Problem] = []
    data = json.loads(json.dumps(base))

    for path, label, kind, editable in DETAILS:
        if not (editable or path in EDITABLE_IN_V1 if version == 1 else lay.detail_editable(path)):
            continue
        addr = lay.detail_cell(path)
        v, where = values.get("Setup", addr), values.where("Setup", addr)
        if kind.startswith("number"):
            n = parse_number(v, where, label, problems, notes)
            if n is None and kind == "number" and is_blank(v):
                problems.append(Problem(where, f"{label} is required"))
            _set(data, path, n)
        elif kind == "bool":
            _set(data, path, as_yes_no(v, where, label, problems) or False)
        elif kind == "date":
            d = as_date(v, where, label, problems)
            _set(data, path, d.isoformat() if d else None)
        else:
            _set(data, path, as_text(v) or None)

    def visit(nodes: list[dict]) -> None:
        for node in nodes:
            name = as_text(values.get("Setup", lay.criteria_cell(node["id"], "Criterion")))
            if name:
                node["name"] = name
            w = next(x for x in lay.tree if x.criterion.id == node["id"])
            weight = lay.criteria_cell(node["id"], "Weight")
            if values.get("Setup", weight) is not None and "weight" in node:
                n = parse_number(values.get("Setup", weight), values.where("Setup", weight), f"The weight of {node['id']}", problems, notes)
                _set(node, "weight", n)
            if w.is_leaf and lay.scored_on_scale(w):
                minimum = lay.criteria_cell(node["id"], "Minimum score")
                n = parse_number(values.get("Setup", minimum), values.where("Setup", minimum), f"The minimum score of {node['id']}", problems, notes)
                _set(node, "minimum_score", n)
            visit(node.get("children", []))

    criteria = data["lots"][lay.lot_index]["criteria"] if data.get("lots") else data["criteria"]
    visit(criteria)
    if problems:
        raise WorkbookError(values.name, problems)
    try:
        tender = validate_document(data, "tender", f"{values.name} › Setup")
    except TenderFileError as exc:
        raise WorkbookError(values.name, exc.problems) from None
    assert isinstance(tender, Tender)
    places = WorkbookPlaces()
    bids = _bids(values, lay, problems, notes, version, places)
    if version >= 2:
        places.panel = values.where("Governance", GovernanceLayout().cell("panel", 0, "Name (as on the score sheets)"))
    lot = tender.all_lots()[lay.lot_index].id if tender.lots else None
    governance = (read_governance(values, problems, version, tuple((b.bidder_id, b.bidder) for b in bids), lot)
                  if version >= 2 else None)
    if problems:
        raise WorkbookError(values.name, problems)
    panel = tuple(governance.panel) if governance else ()
    if governance and lay.combines:
        _panel_agrees(values, lay, bids, panel, notes)
    facts: dict[str, Any] = {}
    if governance is not None and version >= 4:
        places.award = governance.cells
        bids = [b.model_copy(update={"abnormally_low": governance.abnormally_low[b.bidder_id]})
                if b.bidder_id in governance.abnormally_low else b for b in bids]
        facts = {"notice_published": governance.notice_published, "contract_date": governance.contract_date,
                 "tie_decisions": tuple(governance.tie_decisions)}
    return EvaluationWorkbook(tender, BidsFile(tender_reference=tender.reference, bids=tuple(bids), panel=panel, **facts),
                              measures, tuple(notes), governance.record if governance else {}, places)


def _panel_agrees(values: Values, lay: Any, bids: list[Bid], panel: tuple[Any, ...], notes: list[Problem]) -> None:
    """An evaluator who scored but is not on the Governance sheet's panel is said: their declaration is missing."""
    if not panel:
        return
    members = {m.name.lower() for m in panel}
    scored = sorted({s.evaluator for b in bids for s in b.scores if s.evaluator})
    for e in scored:
        if e.lower() not in members:
            notes.append(Problem(values.where("Governance", "A1"), f"{e} scored bids but is not on the panel: record their "
                                                                    "conflict of interest declaration (Procurement Act 2023 s.83)"))


def _bids(values: Values, lay: Any, problems: list[Problem], notes: list[Problem], version: int,
          places: WorkbookPlaces) -> list[Bid]:
    out = []
    names = _evaluator_names(values, lay, problems) if version >= 2 and lay.combines else []
    lot = lay.tender.all_lots()[lay.lot_index].id if lay.tender.lots else None
    for i in range(lay.slots):
        bid_id = as_text(values.get("Bidders", lay.bidder_cell(i, "id")))
        name = as_text(values.get("Bidders", lay.bidder_cell(i, "name")))
        if not bid_id and not name:
            continue
        if not name:
            problems.append(Problem(values.where("Bidders", lay.bidder_cell(i, "name")), f"bidder {bid_id} has no name"))
            continue
        if not bid_id:
            notes.append(Problem(values.where("Bidders", lay.bidder_cell(i, "id")), f"{name} has no bidder id; the name is used as the id"))
            bid_id = name
        sme_at, vcse_at, price_at = lay.bidder_cell(i, "sme"), lay.bidder_cell(i, "vcse"), lay.price_cell(i)
        sme = as_yes_no(values.get("Bidders", sme_at), values.where("Bidders", sme_at), "SME", problems) or False
        vcse = as_yes_no(values.get("Bidders", vcse_at), values.where("Bidders", vcse_at), "VCSE", problems) or False
        price = parse_number(values.get("Prices", price_at), values.where("Prices", price_at), f"{name}'s price", problems, notes)
        scores: list[Score] = []
        if lay.score_rows:
            places.scores[bid_id] = values.where("Scores", lay.score_cell(next(iter(lay.score_rows)), i))
        for cid in lay.score_rows:
            gate = lay.leaf(cid).kind is CriterionKind.PASS_FAIL
            if version >= 2 and lay.combines and not gate:
                # the first rows hold the combining formulas: the evaluators' own scores count
                for e, evaluator in enumerate(names):
                    n = _scaled_score(values, lay, lay.block_cell("evaluator", cid, i, e), f"{evaluator}'s score for {name} on {cid}",
                                      problems, notes)
                    if n is not None:
                        at_why = lay.block_cell("evaluator_justification", cid, i, e)
                        places.justification[(bid_id, cid, evaluator)] = values.where("Scores", at_why)
                        why = _text(values, at_why)
                        scores.append(Score(criterion=cid, evaluator=evaluator, value=n, justification=why))
                continue
            at = lay.score_cell(cid, i)
            v = values.get("Scores", at)
            if is_blank(v):
                continue
            why = _text(values, lay.block_cell("justification", cid, i)) if version >= 2 else ""
            if version >= 2:
                places.justification[(bid_id, cid, "")] = values.where("Scores", lay.block_cell("justification", cid, i))
            note = _text(values, lay.block_cell("moderation", cid, i)) if version >= 2 and not lay.combines else ""
            if gate:
                t = as_text(v).lower()
                scores.append(Score(criterion=cid, value=t if t in ("pass", "fail") else t or "?", justification=why,
                                    moderation_note=note))
            else:
                n = _scaled_score(values, lay, at, f"{name}'s score for {cid}", problems, notes)
                if n is not None:
                    scores.append(Score(criterion=cid, value=n, justification=why, moderation_note=note))
        commitments = _commitments(values, lay, i, name, problems, notes, version) if lay.measures_leaf is not None else []
        out.append(Bid(bidder_id=bid_id, bidder=name, lot=lot, sme=sme, vcse=vcse, price=price,
                       commitments=tuple(commitments), scores=tuple(scores)))
    return out


def _commitments(values: Values, lay: Any, slot: int, name: str, problems: list[Problem], notes: list[Problem],
                 version: int) -> list[Commitment]:
    """A bidder's social value commitments: from format version 3 one a measure and contract year,
    as the bid return gives them; before, one a measure over the contract. Each carries the
    measure's deliverability and (from version 2, where the sheet has them) the reason for one below 100%."""
    out = []
    sheet = "Social Value"
    for m, measure in enumerate(lay.measures.measures):
        typed = ([(y + 1, lay.sv_year_cell(m, y, slot)) for y in range(lay.sv_years)] if lay.sv_per_year
                 else [(None, lay.sv_qty_cell(m, slot))])
        quantities = []
        for year, addr in typed:
            in_year = f" in year {year}" if year else ""
            q = parse_number(values.get(sheet, addr), values.where(sheet, addr), f"{name}'s quantity of {measure.id}{in_year}", problems, notes)
            if q:
                quantities.append((year, q))
        if not quantities:
            continue
        d_addr = lay.sv_deliv_cell(m, slot)
        d = parse_number(values.get(sheet, d_addr), values.where(sheet, d_addr), f"{name}'s deliverability of {measure.id}", problems, notes)
        note = as_text(values.get(sheet, address(lay.sv_col(slot), lay.sv_reason_row(m)))) if version >= 2 else ""
        out += [Commitment(measure=measure.id, quantity=q, year=year, deliverability_percent=100 if d is None else d, note=note)
                for year, q in quantities]
    return out


def _text(values: Values, addr: str) -> str:
    """A justification or moderation note as typed (a dash is the locked placeholder, not a text)."""
    t = as_text(values.get("Scores", addr))
    return "" if t == "—" else t


def _scaled_score(values: Values, lay: Any, addr: str, label: str, problems: list[Problem], notes: list[Problem]) -> Any:
    v = values.get("Scores", addr)
    if is_blank(v):
        return None
    return parse_number(v, values.where("Scores", addr), label, problems, notes)


def _evaluator_names(values: Values, lay: Any, problems: list[Problem]) -> list[str]:
    """Each evaluator's name as typed in the header of their block; a name given twice is refused,
    since the engine would take one evaluator's two scores for one criterion as a mistake."""
    names: list[str] = []
    for e in range(lay.EVALUATOR_SLOTS):
        addr = lay.evaluator_name_cell(e)
        name = as_text(values.get("Scores", addr)) or f"Evaluator {e + 1}"
        if name.lower() in (n.lower() for n in names):
            problems.append(Problem(values.where("Scores", addr), f"the evaluator's name {name!r} is given to two blocks of scores: "
                                                                  "give each evaluator their own name"))
        names.append(name)
    return names
