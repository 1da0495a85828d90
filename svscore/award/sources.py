"""What an award is made from: a tender and bids file, a filled evaluation workbook, or a batch's results.

Each gives the award the same bids the equivalent tender and bids file would, so the documents
are the same. An evaluation workbook of format version 4 holds the award's own facts too, on its
Governance sheet (the notice and contract dates, the s.19(4) decisions, tie decisions); what a
workbook or a batch does not hold (contact details, and those facts in an older workbook or a
batch) comes from a bids file given beside it. Where that bids file and the workbook or batch both give a fact and
disagree (a name, price, score, contact detail, the panel), the award is refused naming both:
svscore never quietly picks one. A batch's results are used only while every input its manifest
records is unchanged, and only when reading those inputs again gives the very results it wrote.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from svscore.award.folder import AwardError, AwardInputs
from svscore.award.gaps import Gap
from svscore.award.places import InBatch, InWorkbook
from svscore.batch.agree import same_text
from svscore.errors import Severity, file_label
from svscore.model.bids import Bid, BidsFile, Score
from svscore.model.identity import bid_key, bidder_key, same_name
from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.model.tender import Tender

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def from_files(tender_path: Path, bids_path: Path, measures: Path | None = None) -> AwardInputs:
    """A tender file and its bids file."""
    tender = load_tender(tender_path)
    table, measures_path = tender_measures(tender, measures)
    return AwardInputs(tender, tender_path, load_bids(bids_path), bids_path, table, measures_path)


def from_workbook(path: Path, bids_path: Path | None = None) -> AwardInputs:
    """A filled evaluation workbook (its tender, bids, scores, justifications, moderation notes and
    panel), with a bids file beside it for what the workbook does not hold."""
    from svscore.excel.read import WorkbookPlaces, read_evaluation

    ev = read_evaluation(path)
    tender = ev.tender.read_from(path.parent)
    origin = file_label(path.name)
    facts, label = _facts(bids_path, tender)
    bids = merge(ev.bids, origin, facts, label)
    places = InWorkbook(origin, ev.places or WorkbookPlaces(), bool(ev.bids.panel), label, facts)
    return AwardInputs(tender, path, bids, bids_path, ev.measures, None, places)


def _facts(bids_path: Path | None, tender: Tender) -> tuple[BidsFile | None, str | None]:
    if bids_path is None:
        return None, None
    facts = load_bids(bids_path)
    label = file_label(bids_path.name)
    if facts.tender_reference and facts.tender_reference != tender.reference:
        raise AwardError(f"{label} is for tender {facts.tender_reference!r}, not {tender.reference!r}: give the bids file of this tender")
    return facts, label


def _members(panel: Any) -> list[str]:
    """A panel as comparable text, in no particular order."""
    return sorted(json.dumps(m.model_dump(mode="json"), sort_keys=True) for m in panel)


def _score_key(s: Score) -> tuple[str, str, str, str]:
    value = s.value if isinstance(s.value, str) else str(Decimal(str(s.value)).normalize())
    return (s.criterion, s.evaluator or "", value, s.justification.strip())


def merge(base: BidsFile, origin: str, facts: BidsFile | None, label: str | None) -> BidsFile:
    """``base`` (read from ``origin``) with what the bids file ``facts`` adds; :class:`AwardError`
    naming both values of every fact the two give differently."""
    if facts is None:
        return base
    said: list[str] = []
    theirs = {bid_key(b.lot, b.bidder_id): b for b in facts.bids}
    ours = {bid_key(b.lot, b.bidder_id) for b in base.bids}
    said += [f"{label} has a bid from {b.bidder} (bidder id {b.bidder_id}) that {origin} does not: remove it, or add the bid there"
             for k, b in theirs.items() if k not in ours]
    bids = []
    for bid in base.bids:
        other = theirs.get(bid_key(bid.lot, bid.bidder_id))
        bids.append(bid if other is None else _merge_bid(bid, other, origin, label or "", said))
    panel = base.panel
    if facts.panel:
        if base.panel and _members(base.panel) != _members(facts.panel):  # the same members in any order agree
            said.append(f"the evaluation panel in {label} is not the one {origin}'s Governance sheet gives: give it in one of them")
        panel = base.panel or facts.panel
    update: dict[str, Any] = {"bids": tuple(bids), "panel": panel}
    for name in ("notice_published", "contract_date"):
        mine, yours = getattr(base, name), getattr(facts, name)
        if mine is not None and yours is not None and mine != yours:
            said.append(f"{label} gives the {_FACT[name]} as {yours.isoformat()}, {origin}'s Governance sheet as {mine.isoformat()}")
        update[name] = mine if mine is not None else yours
    if base.tie_decisions and facts.tie_decisions and _ties(base) != _ties(facts):
        said.append(f"the tie decisions in {label} are not the ones {origin}'s Governance sheet gives: give them in one of them")
    update["tie_decisions"] = base.tie_decisions or facts.tie_decisions
    if said:
        raise AwardError(f"{origin} and {label} give the same facts differently; nothing was written. Correct one side:\n  "
                         + "\n  ".join(said))
    return base.model_copy(update=update)


_FACT = {"notice_published": "contract award notice's publication date", "contract_date": "contract date"}


def _ties(bids: BidsFile) -> list[tuple[str, frozenset[str], str, str]]:
    return sorted(((d.lot or "", frozenset(map(bidder_key, d.bidders)), bidder_key(d.winner), d.how.strip())
                   for d in bids.tie_decisions), key=repr)


def _merge_bid(bid: Bid, other: Bid, origin: str, label: str, said: list[str]) -> Bid:
    given = other.model_fields_set
    who = bid.bidder
    if "bidder" in given and not same_name(bid.bidder, other.bidder):
        said.append(f"{origin} names bidder id {bid.bidder_id} {bid.bidder!r}, {label} {other.bidder!r}")
    if other.price is not None and (bid.price is None or Decimal(str(bid.price)) != Decimal(str(other.price))):
        said.append(f"{label}'s price for {who} is {other.price}, {origin}'s is {bid.price}")
    for name in ("sme", "vcse"):
        if name in given and getattr(other, name) != getattr(bid, name):
            said.append(f"{label} says {who} is {'' if getattr(other, name) else 'not '}an {name.upper()}, {origin} that it is "
                        f"{'' if getattr(bid, name) else 'not'}".rstrip())
    if other.commitments and [c.model_dump() for c in other.commitments] != [c.model_dump() for c in bid.commitments]:
        said.append(f"{label}'s social value commitments for {who} are not {origin}'s")
    update: dict[str, Any] = {}
    for name in ("postal_address", "email", "unique_identifier"):
        mine, yours = (getattr(bid, name) or "").strip(), (getattr(other, name) or "").strip()
        if mine and yours and not same_text(mine, yours):
            said.append(f"{label}'s {name.replace('_', ' ')} for {who} is {yours!r}, {origin}'s is {mine!r}")
        elif yours and not mine:
            update[name] = getattr(other, name)
    if other.scores:
        update["scores"] = _merge_scores(bid, other, origin, label, said)
    if other.abnormally_low is not None:
        if bid.abnormally_low is not None and bid.abnormally_low != other.abnormally_low:
            said.append(f"{label}'s abnormally low tender decision for {who} is not the one {origin}'s Governance sheet gives: "
                        "give it in one of them")
        elif bid.abnormally_low is None:
            update["abnormally_low"] = other.abnormally_low
    return bid.model_copy(update=update)


def _merge_scores(bid: Bid, other: Bid, origin: str, label: str, said: list[str]) -> tuple[Score, ...]:
    """The scores, with any moderation note the bids file adds; the same scores or nothing else."""
    if sorted(map(_score_key, bid.scores)) != sorted(map(_score_key, other.scores)):
        said.append(f"{label}'s scores or justifications for {bid.bidder} are not {origin}'s: give the scores in one of them")
        return bid.scores
    notes = {_score_key(s): s.moderation_note.strip() for s in other.scores if s.moderation_note.strip()}
    out = []
    for s in bid.scores:
        note = notes.get(_score_key(s), "")
        if note and s.moderation_note.strip() and s.moderation_note.strip() != note:
            said.append(f"{label}'s moderation note for {bid.bidder} on {s.criterion} is not {origin}'s")
        out.append(s.model_copy(update={"moderation_note": note}) if note and not s.moderation_note.strip() else s)
    return tuple(out)


def is_batch_folder(path: Path) -> bool:
    """Whether ``path`` is a folder ``svscore batch --out`` wrote (its manifest names its results)."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and any(isinstance(o, dict) and o.get("name") == "results.json"
                                              for o in manifest.get("outputs") or [])


def from_batch(results: Path, *, returns: Path, tender_path: Path, scores: Path | None = None,
               bids_path: Path | None = None, measures: Path | None = None) -> AwardInputs:
    """A batch's results folder, read again from the returned workbooks, score sheets and tender its
    manifest records (each given, and unchanged), with a bids file beside it for what they do not hold."""
    from svscore.batch.outputs import results_json
    from svscore.batch.run import BatchOptions, load_batch_tender, run_batch
    from svscore.batch.verify import verify_manifest

    origin = file_label(results.name) + "/"
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    names = [str(e.get("name", "")) for e in manifest.get("inputs") or [] if isinstance(e, dict)]
    if scores is None and any(n.startswith("scores/") for n in names):
        raise AwardError(f"the batch that wrote {origin} read score sheets: give their folder with --scores")
    changed = verify_manifest(results, returns, scores, tender_path)
    if changed:
        raise AwardError(f"the inputs or results of the batch in {origin} are not those its manifest records, so its results "
                         "cannot be awarded; run the batch again (svscore batch), then the award:\n  " + "\n  ".join(changed))
    recorded = manifest.get("options") or {}
    run = run_batch(tender_path, returns, results, scores_dir=scores, measures_path=measures,
                    options=BatchOptions(recursive=bool(recorded.get("recursive")), accept_late=bool(recorded.get("accept_late")),
                                         keep_bids=True))
    again = b"".join(results_json(run))
    if again != (results / "results.json").read_bytes():
        raise AwardError(f"reading the batch's inputs again does not give the results in {origin} (written by svscore "
                         f"{manifest.get('svscore_version')}): run the batch again with this svscore, then the award")
    tender = run.tender
    facts, label = _facts(bids_path, tender)
    base = BidsFile(tender_reference=tender.reference, bids=tuple(run.bids))
    cells, panel_given = None, False
    lost: tuple[Gap, ...] = ()
    if tender_path.suffix.lower() in WORKBOOK_SUFFIXES:
        from svscore.excel.read import read_evaluation

        ev = read_evaluation(tender_path)
        cells, panel_given = ev.places, bool(ev.bids.panel)
        decided = {bidder_key(b.bidder_id): b.abnormally_low for b in ev.bids.bids if b.abnormally_low is not None}
        scored = {bidder_key(b.bidder_id) for b in base.bids}
        lost = tuple(Gap(b.bidder, "", _where(ev.places.award.get(f"abnormally_low:{b.bidder_id}") if ev.places else None, tender_path),
                         "the Governance sheet records an abnormally low tender decision for this bidder, whose returned workbook "
                         "is not among the bids the batch scored, so the decision is in no bid of the award: check the bidder "
                         "named on the sheet against the returned workbooks' Covers, or resolve the workbook the batch rejected")
                     for b in ev.bids.bids if b.abnormally_low is not None and bidder_key(b.bidder_id) not in scored)
        base = base.model_copy(update={
            "panel": ev.bids.panel, "notice_published": ev.bids.notice_published, "contract_date": ev.bids.contract_date,
            "tie_decisions": ev.bids.tie_decisions,  # a version 4 workbook's Governance sheet: its award facts
            "bids": tuple(b.model_copy(update={"abnormally_low": decided[bidder_key(b.bidder_id)]})
                          if bidder_key(b.bidder_id) in decided else b for b in base.bids)})
    bids = merge(base, origin, facts, label)
    _, table, _, used = load_batch_tender(tender_path, measures)  # found as the batch found them
    places = InBatch(origin, _covers(run), f"the score sheets in {file_label(scores.name)}/" if scores else origin,
                     cells, panel_given, label, facts)
    found = tuple(Gap(f.bidder, "", f"{origin} results.json (returns/{f.name})",
                      f"the returned workbook was {f.status} by the batch, so it is not in the award; resolve it and run "
                      "the batch again: " + "; ".join(str(p) for p in f.problems if p.severity is Severity.ERROR))
                  for f in run.failed if not f.late)  # a late return excluded by the deadline is not an assessed tender
    found += tuple(Gap("", "", f"{origin} results.json", f"the batch reported: {p}")
                   for p in run.problems if p.severity is Severity.ERROR)
    found += lost
    others = tuple((str(e["name"]), _input_path(str(e["name"]), returns, scores)) for e in manifest["inputs"]
                   if str(e["name"]).startswith(("returns/", "scores/")))
    others += (("results/manifest.json", results / "manifest.json"), ("results/results.json", results / "results.json"))
    others += tuple((file_label(p.name), p) for p in used[1:])
    return AwardInputs(tender, tender_path, bids, bids_path, table, None, places, others, found)


def _where(place: Any, workbook: Path) -> str:
    return str(place) if place is not None else f"{file_label(workbook.name)} › Governance"


def _input_path(name: str, returns: Path, scores: Path | None) -> Path:
    folder, rel = name.split("/", 1)
    return (returns if folder == "returns" else scores or returns) / rel


def _covers(run: Any) -> dict[tuple[str, str], dict[str, str]]:
    """Each scored bid's Cover cells, by (lot, bidder key): where its contact details and identifier are
    given, in the cells of its own workbook's format version (a version 1 Cover has no identifier)."""
    out = {}
    scored = [f for f in run.files if f.status == "scored"]
    for report, bid in zip(scored, run.bids, strict=True):
        where = f"returns/{report.name} › Cover!"
        cells = report.cover_cells
        found = {"postal_address": cells.get("contact_address"), "email": cells.get("email"),
                 "unique_identifier": cells.get("unique_identifier")}
        out[bid_key(bid.lot, bid.bidder_id)] = {k: where + v for k, v in found.items() if v}
    return out
