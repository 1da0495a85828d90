"""The award folder: every document of an award built from one scored result, and its record.

``build`` scores the tender once (and again without any tender disregarded as abnormally low),
finds every gap, and returns the documents as bytes; ``write_folder`` puts them in place all at
once (a temporary folder beside the target, then a rename), so a reader sees the old folder or
the new one, never half of one. The same inputs give the same bytes: dates come from the bids
file, never the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svscore import __version__
from svscore.award.gaps import BidFacts, Gap, for_first_place, gather, tie_decision
from svscore.award.letter import standstill_letter
from svscore.award.places import Places
from svscore.award.provisions import retention, summary_provision
from svscore.award.report import ReportInputs, award_report
from svscore.award.standstill import Standstill, standstill
from svscore.award.summary import assessment_summary
from svscore.batch.intake import file_sha256
from svscore.errors import ErrorsFound, OutputRefused, file_label
from svscore.model.bids import BidsFile
from svscore.model.identity import bid_key, bidder_key
from svscore.model.measures import MeasuresTable
from svscore.model.tender import Tender
from svscore.model.thresholds import REGIME_NAMES, Regime
from svscore.scoring import score_tender
from svscore.scoring.result import BidResult, Status, TenderResult

MANIFEST = "manifest.json"
KIND = "svscore award folder"
REPORT = "award-report.docx"
NOTICE = "award.ocds.json"


class AwardError(ErrorsFound):
    """The award documents cannot be written: every reason is listed (by bidder, criterion and source)."""


@dataclass(frozen=True)
class AwardInputs:
    """The files an award is built from, read: a tender and bids file, or what :mod:`svscore.award.sources`
    made of an evaluation workbook or a batch's results (with a bids file beside it, or none)."""

    tender: Tender
    tender_path: Path
    bids: BidsFile
    bids_path: Path | None
    measures: MeasuresTable | None = None
    measures_path: Path | None = None
    places: Places | None = None
    """Where each gap is filled in (default: the bids file's JSON paths)."""
    others: tuple[tuple[str, Path], ...] = ()
    """Every other file read (name as the manifest gives it, path): the returned workbooks, score sheets, results."""
    found: tuple[Gap, ...] = ()
    """Gaps found while reading the inputs (a batch's errors, say)."""

    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.tender_path, self.bids_path, self.measures_path) if p is not None) + tuple(
            p for _, p in self.others)

    def named(self) -> list[tuple[str, Path]]:
        """Every input, by the name the manifest gives it."""
        own = [(file_label(p.name), p) for p in (self.tender_path, self.bids_path, self.measures_path) if p is not None]
        return own + list(self.others)

    def where(self) -> Places:
        if self.places is not None:
            return self.places
        assert self.bids_path is not None
        return Places(file_label(self.bids_path.name))


@dataclass(frozen=True)
class Award:
    """The documents (name: bytes, manifest last) and the gaps they show."""

    files: dict[str, bytes]
    gaps: tuple[Gap, ...]
    regime: Regime


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "bidder"


def _winners(result: TenderResult, bids: BidsFile) -> dict[str, BidResult | None]:
    """Each lot's bid to award: the only one ranked first, or the one a tie decision prefers."""
    out: dict[str, BidResult | None] = {}
    for lot in result.lots:
        chosen = None
        top = next((g for g in lot.ties if for_first_place(lot, g)), None)
        if top is not None:
            decided = tie_decision(lot, top, bids)
            if decided is not None:
                chosen = next((b for b in lot.bids if b.bidder_id in top
                               and bidder_key(b.bidder_id) == bidder_key(decided.winner)), None)
        elif len(lot.winners()) == 1:
            chosen = lot.winners()[0]
        out[lot.lot_id] = chosen
    return out


def _ties_decided(result: TenderResult, winners: dict[str, BidResult | None]) -> TenderResult:
    """The result as the award notice gives it: a decided tie's other bids one rank below the preferred one."""
    lots = []
    for lot in result.lots:
        won = winners.get(lot.lot_id)
        if not lot.ties or won is None:
            lots.append(lot)
            continue
        tied = {i for g in lot.ties if for_first_place(lot, g) for i in g}
        bids = tuple(dataclasses.replace(b, rank=b.rank + 1) if b.bidder_id in tied and b is not won and b.rank else b
                     for b in lot.bids)
        lots.append(dataclasses.replace(lot, bids=bids, ties=tuple(g for g in lot.ties if not for_first_place(lot, g))))
    return dataclasses.replace(result, lots=tuple(lots))


def _disregarded(inputs: AwardInputs) -> set[tuple[str, str]]:
    return {bid_key(b.lot, b.bidder_id) for b in inputs.bids.bids
            if b.abnormally_low is not None and b.abnormally_low.decision == "rejected"}


def build(inputs: AwardInputs, *, ocid_prefix: str, draft: bool = False, illustrative_ok: bool = False) -> Award:
    """Every document of the award; :class:`AwardError` listing every gap (unless ``draft``)."""
    tender, bids = inputs.tender, inputs.bids
    first = score_tender(tender, bids, inputs.measures, base_dir=inputs.tender_path.parent)
    if first.has_errors:
        invalid = [f"{b.bidder} ({b.bidder_id}): invalid: {' '.join(b.reasons)}"
                   for lot in first.lots for b in lot.bids if b.status is Status.INVALID]
        raise AwardError("some bids could not be scored; correct them and score again:\n  "
                         + "\n  ".join(invalid + list(first.bid_errors)))
    decision = first.decision
    regime = decision.regime if decision is not None else None
    if regime not in (Regime.PA_2023, Regime.PCR_2015):
        said = " ".join(decision.reasons[:1]) if decision is not None else ""
        raise AwardError(f"svscore writes award documents under the Procurement Act 2023 and the Public Contracts "
                         f"Regulations 2015; this tender's regime is "
                         f"{REGIME_NAMES[regime] if regime else 'uncertain'}. {said}".strip())
    assert regime is not None
    # A tender disregarded as abnormally low (s.19(3)(c)) leaves the competition: the others are
    # scored again without it, as relative price and social value points depend on who competes.
    out = _disregarded(inputs)
    result = first
    if out:
        result = score_tender(tender, [b for b in bids.bids if bid_key(b.lot, b.bidder_id) not in out], inputs.measures,
                              base_dir=inputs.tender_path.parent)
    disregarded = tuple(b for lot in first.lots for b in lot.bids if bid_key(lot.lot_id, b.bidder_id) in out)
    gaps, facts = gather(tender, bids, inputs.where(), result, also=first)
    gaps[:0] = inputs.found
    measures_note = None
    if result.warnings and not illustrative_ok:
        measures_note = " ".join(result.warnings)
        gaps.append(Gap("", "", file_label(inputs.measures_path.name) if inputs.measures_path else "the measures table",
                        measures_note + " (--illustrative-ok accepts it, for example data only)"))
    if gaps and not draft:
        raise AwardError(f"the award documents cannot be written: {len(gaps)} thing(s) missing. Nothing was written; "
                         "fill each in (or give --draft to see the documents with each gap in red):\n  "
                         + "\n  ".join(g.line() for g in gaps))
    winners = _winners(result, bids)
    period: Standstill | None = None
    if bids.notice_published is not None:
        period = standstill(bids.notice_published, regime.value, tender.authority.jurisdiction.value)
    files: dict[str, bytes] = {}
    marks = tender.weighting.value == "marks"
    provision, note = summary_provision(tender)
    many = len(result.lots) > 1
    used: set[str] = set()
    for lot in first.lots:
        shown = next(x for x in result.lots if x.lot_id == lot.lot_id)
        won = winners.get(lot.lot_id)
        for bid in (*shown.bids, *(b for b in lot.bids if bid_key(lot.lot_id, b.bidder_id) in out)):
            gone = bid_key(lot.lot_id, bid.bidder_id) in out
            source = first if gone else result
            f = facts.get(bid_key(lot.lot_id, bid.bidder_id))
            further = (_disregard_reason(f),) if gone and f is not None else ()
            kind = "assessment-summary" if regime is Regime.PA_2023 else "standstill-letter"
            name = (f"lot-{_safe(lot.lot_id)}-" if many else "") + f"{kind}-{_safe(bid.bidder_id)}"
            while name in used:
                name += "-2"
            used.add(name)
            if regime is Regime.PA_2023:
                files[name + ".docx"] = assessment_summary(
                    source, tender.authority.name, lot.lot_id, bid.bidder_id, marks=marks, issued=bids.notice_published,
                    facts=f, provision=provision, provision_note=note, gaps=len(gaps), further=further,
                    winner=won is not None and won.bidder_id == bid.bidder_id and not gone)
            elif period is not None and won is not None:
                letter_result = _with(result, bid) if gone else result
                files[name + ".docx"] = standstill_letter(
                    letter_result, tender.authority.name, lot.lot_id, bid.bidder_id, won.bidder_id, period=period,
                    marks=marks, facts=f, gaps=len(gaps), further=further)
    unwritten = []  # only with --draft: what a gap leaves svscore unable to write at all
    no_winner = [lot_id for lot_id, won in winners.items() if won is None]
    why = ("no publication date is recorded" if bids.notice_published is None
           else f"no bid can be recommended in lot {', '.join(no_winner)}")
    if regime is Regime.PCR_2015 and (period is None or no_winner):
        unwritten.append(f"Not written: the standstill letters, as {why}.")
    if bids.notice_published is not None and not no_winner:
        contacts = {f.bid.bidder_id: (f.bid.postal_address, f.bid.email) for f in facts.values()}
        files[NOTICE] = _notice(tender, _ties_decided(result, winners), ocid_prefix, bids.notice_published, contacts)
    else:
        unwritten.append(f"Not written: {NOTICE}, as {why}.")
    keep = retention(tender, regime, bids.contract_date)
    names = (*sorted(files), REPORT)
    report = ReportInputs(tender=tender, result=result, bids=bids, facts=facts, winners=winners, disregarded=disregarded,
                          gaps=tuple(gaps), standstill=period, retention=keep, regime_name=REGIME_NAMES[regime],
                          documents=names, measures_note=measures_note, unwritten=tuple(unwritten))
    files[REPORT] = award_report(report, bids.notice_published)
    files[MANIFEST] = _manifest(inputs, files, gaps, regime, keep.as_dict(), period)
    return Award(files, tuple(gaps), regime)


def _with(result: TenderResult, bid: BidResult) -> TenderResult:
    """``result`` with a disregarded bid added to its lot, so its letter can be written against the winner."""
    lots = tuple(dataclasses.replace(lot, bids=(*lot.bids, dataclasses.replace(bid, rank=None)))
                 if lot.lot_id == bid.lot_id else lot for lot in result.lots)
    return dataclasses.replace(result, lots=lots)


def _disregard_reason(f: BidFacts) -> str:
    d = f.abnormally_low
    assert d is not None
    return (f"Your tender was disregarded as abnormally low (Procurement Act 2023 s.19(3)(c)) after you were notified on "
            f"{d.notified_on.day} {d.notified_on.strftime('%B %Y')} and given the opportunity to show you can perform "
            f"for the price (s.19(4)): {d.reason}")


def _notice(tender: Tender, result: TenderResult, ocid_prefix: str, published: dt.date,
            contacts: dict[str, tuple[str | None, str | None]]) -> bytes:
    from svscore.award.notice import award_release
    from svscore.award.ocds_schema import problems

    release = award_release(tender, result, ocid_prefix=ocid_prefix,
                            date=dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC), contacts=contacts)
    found = problems(release)
    if found:  # never write a file the platform would refuse
        raise AwardError("the award notice does not validate against the OCDS schema:\n  " + "\n  ".join(found))
    return (json.dumps(release, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _manifest(inputs: AwardInputs, files: dict[str, bytes], gaps: list[Gap], regime: Regime,
              record: dict[str, Any], period: Standstill | None) -> bytes:
    document = {
        "kind": KIND,
        "svscore_version": __version__,
        "tender_reference": inputs.tender.reference,
        "regime": regime.value,
        "draft": bool(gaps),
        "inputs": [{"name": name, "sha256": file_sha256(p)} for name, p in inputs.named()],
        "outputs": [{"name": n, "size": len(files[n]), "sha256": hashlib.sha256(files[n]).hexdigest()} for n in sorted(files)],
        "record": {"notice_published": inputs.bids.notice_published.isoformat() if inputs.bids.notice_published else None,
                   "standstill_last_day": period.last_day.isoformat() if period else None,
                   "contract_date": inputs.bids.contract_date.isoformat() if inputs.bids.contract_date else None, **record},
        "gaps": [g.as_dict() for g in gaps],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def is_award_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an award folder's manifest (so ``svscore award`` may replace it)."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("kind") == KIND
    except (OSError, ValueError, AttributeError):
        return False


def write_folder(out: Path, files: dict[str, bytes], protect: tuple[Path, ...]) -> Path:
    """Put ``files`` in the folder ``out`` all at once: written in a temporary folder beside it, then
    renamed into place. An existing award folder is replaced whole; any other non-empty folder, or
    a folder holding an input, is refused before anything is written."""
    out = Path(out)
    for p in protect:
        if p.exists() and out.exists() and p.resolve().is_relative_to(out.resolve()):
            raise OutputRefused(f"refusing to write the award folder {out}: it holds the input {p}. Choose another folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not is_award_folder(out))):
        raise OutputRefused(f"refusing to write the award folder into {out}: it exists and is not an award folder "
                            "svscore wrote. Choose a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old = None
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; the folder is an ordinary one
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        if old is not None and not out.exists():
            os.replace(old, out)
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
