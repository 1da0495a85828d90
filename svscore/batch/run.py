"""``svscore batch``: find the returned workbooks, inspect them in parallel, score the good ones
with the same engine as ``svscore score``, and write the results and the audit manifest.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from svscore.batch.intake import Inspection, file_sha256
from svscore.batch.pool import InspectionPool
from svscore.batch.receipts import RECEIVED_FILE, Receipts
from svscore.batch.spec import Limits
from svscore.errors import Problem, Severity, SvscoreError, file_label

# The models, the engine and the template code are imported by run_batch once its worker processes
# are reading: their start-up (a few tenths of a second) then overlaps with the reading.
if TYPE_CHECKING:
    from svscore.batch.scores import ScoreBook
    from svscore.model.bids import Bid
    from svscore.model.measures import MeasuresTable
    from svscore.model.tender import Tender
    from svscore.scoring.result import TenderResult



@dataclass(frozen=True)
class BatchOptions:
    recursive: bool = False
    jobs: int = os.cpu_count() or 1
    strict: bool = False
    accept_late: bool = False
    limits: Limits = field(default_factory=Limits)
    keep_bids: bool = False
    """Keep the bids scored in :attr:`BatchRun.bids` (for ``svscore award``): about 15 kB a bid in the parent
    process, so a plain batch does not. Not an option of the run's results, so not in the manifest."""

    def as_dict(self) -> dict[str, Any]:
        return {"recursive": self.recursive, "strict": self.strict, "accept_late": self.accept_late,
                "limits": self.limits.__dict__}


@dataclass(slots=True)
class FileReport:
    name: str
    size: int
    sha256: str
    status: str
    """scored, rejected (could not be used), excluded (late, duplicate) or skipped."""
    bidder: str = ""
    problems: list[Problem] = field(default_factory=list)
    late: bool = False
    """Excluded as received after the deadline (the tender's rule applied, not a fault to resolve)."""
    cover_cells: dict[str, str] = field(default_factory=dict)
    """Where the workbook's Cover gives each answer (its format version's cells), by question key."""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256, "status": self.status,
                "bidder": self.bidder, "problems": [p.as_dict() for p in self.problems]}


@dataclass
class BatchRun:
    tender: Tender
    result: TenderResult
    files: list[FileReport]
    skipped: list[tuple[str, str]]
    problems: list[Problem]
    """Problems not tied to one returned file (scores, received times)."""
    inputs: list[dict[str, Any]]
    received_source: str
    input_paths: list[Path] = field(default_factory=list)
    """Every file the run read: no output may be written over one of them."""
    bids: list[Bid] = field(default_factory=list)
    """With ``BatchOptions.keep_bids``: the bids scored, as the returned workbooks and the evaluators' scores made them."""

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status in ("rejected", "excluded")]


NO_SCORES = ("no evaluators' scores were given: give their score sheets with --scores, or give the evaluation workbook "
             "as TENDER; bids with quality criteria will be incomplete")


class BatchError(SvscoreError):
    """The batch cannot start (a missing folder, a broken tender), or its results cannot be written."""


def discover(returns: Path, recursive: bool, out_dir: Path | None = None) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Workbooks to read (path, name relative to the folder) and everything skipped, with why.

    Files are listed with the kind of each entry the folder listing gives (one system call a
    folder, not several a file): a run over thousands of bids starts reading sooner."""
    if not returns.is_dir():
        raise BatchError(f"{returns} is not a folder")
    found: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    out_resolved = out_dir.resolve() if out_dir else None
    base = returns.resolve()
    # Where the output folder lies inside the returns folder (parts of its relative path), if it does:
    # an entry that is not a link is inside it exactly when its own relative path starts the same way.
    out_parts = out_resolved.relative_to(base).parts if out_resolved and (out_resolved == base or base in out_resolved.parents) else None
    try:
        listed = sorted(_entries(returns, recursive, skipped), key=lambda item: item[0])
    except OSError as exc:
        raise BatchError(f"the folder {returns} could not be opened ({exc.strerror})") from None
    labels: dict[str, Path] = {}
    for path, entry in listed:
        parts = path.relative_to(returns).parts
        rel = file_label("/".join(parts))
        link = entry.is_symlink()
        if out_resolved is not None:
            if link:
                real = path.resolve()
                if real == out_resolved or out_resolved in real.parents:
                    continue
            elif out_parts is not None and parts[:len(out_parts)] == out_parts:
                continue
        if link:
            skipped.append((rel, "a link to another file or folder: not followed"))
            continue
        is_dir = entry.is_dir(follow_symlinks=False)
        if any(part.startswith(".") for part in parts):
            if not is_dir:
                skipped.append((rel, "hidden file"))
            continue
        if is_dir:
            if not recursive:
                skipped.append((rel + "/", "a folder (use --recursive to look inside folders)"))
            continue
        if not entry.is_file(follow_symlinks=False):
            skipped.append((rel, "not a regular file (a pipe, device or socket): not read"))
            continue
        if path.name.startswith("~$"):
            skipped.append((rel, "an Excel lock file (left while a workbook is open), not a bid"))
        elif path.name == RECEIVED_FILE and len(parts) == 1:
            continue
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            if rel in labels:  # only names shown with escapes (see file_label) can meet here
                skipped.append((rel, f"a second file whose name shows as {rel} (its name holds bytes that are not UTF-8 or "
                                     "control characters, shown as escapes): not read, so every file read has a name of its "
                                     "own; rename the files and run again"))
                continue
            labels[rel] = path
            found.append((path, rel))
        else:
            skipped.append((rel, OTHER_FILES.get(path.suffix.lower(), f"not an Excel workbook ({path.suffix or 'no extension'})")))
    skipped.sort(key=lambda item: item[0].split("/"))
    return found, skipped


def _entries(folder: Path, recursive: bool, skipped: list[tuple[str, str]], top: Path | None = None) -> Iterator[tuple[Path, os.DirEntry[str]]]:
    """Every entry of ``folder`` (and, when ``recursive``, of its sub-folders, never through a link),
    with the listing's entry, which knows its kind without another system call. A sub-folder that
    cannot be opened is reported in ``skipped``."""
    top = top or folder
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        path = folder / entry.name
        yield path, entry
        if recursive and entry.is_dir(follow_symlinks=False):
            try:
                yield from _entries(path, True, skipped, top)
            except OSError as exc:
                skipped.append((file_label(path.relative_to(top).as_posix()) + "/", f"a folder that could not be opened ({exc.strerror}): not read"))


OTHER_FILES = {
    ".zip": "a zip archive (as portals download bids): extract it and point svscore at the extracted folder",
    ".xls": "an old-style Excel workbook (.xls), not the bid return workbook: ask the bidder for the .xlsx issued with the tender",
    ".xlsb": "a binary Excel workbook (.xlsb), not the bid return workbook: ask the bidder to save it as .xlsx",
    ".ods": "an OpenDocument spreadsheet (.ods), not the bid return workbook: ask the bidder to save it as .xlsx",
    ".csv": "a CSV file, not a bid return workbook",
}
"""Why files that are not bid return workbooks, but are often found among them, were skipped."""


def load_batch_tender(tender_path: Path, measures_path: Path | None) -> tuple[Tender, MeasuresTable | None, ScoreBook | None, list[Path]]:
    """A tender file, or an evaluation workbook (whose consensus scores then count)."""
    from svscore.batch.scores import ScoreBook
    from svscore.model.loading import load_measures, load_tender, tender_measures

    used = [tender_path]
    if tender_path.suffix.lower() in (".xlsx", ".xlsm"):
        from svscore.excel.read import read_evaluation

        ev = read_evaluation(tender_path)
        book = ScoreBook(files=[tender_path])
        for b in ev.bids.bids:
            book.record(b, b.lot or ev.tender.all_lots()[0].id)
            for s in b.scores:
                book.add((b.bidder_id, b.bidder), s, b.lot or ev.tender.all_lots()[0].id)
        measures = ev.measures
        if measures_path is not None:
            given = load_measures(measures_path)
            if ev.measures is not None and given != ev.measures:
                # The workbook's own social value formulas use its table: scoring with another would
                # give results the workbook cannot reproduce.
                raise BatchError(f"the measures table {file_label(str(measures_path))} is not the one {file_label(tender_path.name)} "
                                 "holds: leave out --measures to use the evaluation workbook's, or rebuild the workbook with the new table")
            measures = given
            used.append(measures_path)
        tender = ev.tender.read_from(tender_path.parent)
        return tender, measures, book, used + _thresholds_used(tender)
    tender = load_tender(tender_path)
    table, path = tender_measures(tender, measures_path)
    if path is not None:
        used.append(path)
    return tender, table, None, used + _thresholds_used(tender)


def thresholds_path(tender: Tender) -> Path | None:
    """The council's own thresholds table the tender names, found as `svscore check` finds it, or None."""
    if not tender.thresholds_table:
        return None
    path = Path(tender.thresholds_table)
    return path if path.is_absolute() or tender.source_dir is None else tender.source_dir / path


def _thresholds_used(tender: Tender) -> list[Path]:
    """The tender's own thresholds table, as an input of the run: the manifest records its SHA-256
    and `svscore verify --tender` checks it, as it does the tender and the measures table."""
    path = thresholds_path(tender)
    return [path] if path is not None and path.is_file() else []


def run_batch(tender_path: Path, returns: Path, out_dir: Path, *, scores_dir: Path | None = None,
              measures_path: Path | None = None, options: BatchOptions = BatchOptions(),
              progress: Callable[[int, str], None] | None = None,
              discovered: tuple[list[tuple[Path, str]], list[tuple[str, str]]] | None = None) -> BatchRun:
    """Score a folder of returned workbooks. ``discovered`` is :func:`discover`'s answer when the
    caller already has it (the command line needs the count for its progress bar)."""
    out_r, ret_r = out_dir.resolve(), returns.resolve()
    if out_r == ret_r or (options.recursive and ret_r in out_r.parents):
        raise BatchError("choose an output folder outside the returns folder, so results are never read back as bids")
    if scores_dir is not None and not scores_dir.is_dir():
        said = "is a file, not a folder" if scores_dir.exists() else "does not exist"
        raise BatchError(f"the scores folder {file_label(str(scores_dir))} {said}: check --scores")
    if scores_dir is not None and out_r == scores_dir.resolve():
        raise BatchError("choose an output folder other than the scores folder, so results are never read back as score sheets")
    files, skipped = discovered if discovered is not None else discover(returns, options.recursive, out_dir)
    counter = iter(range(1, len(files) + 1))
    # The workers start reading now; they are given what to check once the tender is loaded.
    pool = InspectionPool(files, None, options.limits, options.jobs,
                          (lambda name: progress(next(counter), name)) if progress else None)
    try:
        with collector_paused():
            return _run(pool, skipped, tender_path, returns, scores_dir, measures_path, options)
    finally:
        pool.close()


def collector_paused() -> contextlib.AbstractContextManager[None]:
    """Python's cyclic garbage collector is paused while the bids are read and scored
    (:func:`svscore.collector.paused`).

    The run keeps every bid until its results are written, so the collector's full passes walk an
    ever larger heap and find almost nothing: measured on 1,000 full-size bids, they took about
    0.15 s of the parent's time, and the cyclic garbage left at the end was the same 141 objects
    for 200 bids as for 1,000 (none of it grows with the number of files). The command line keeps
    it paused until the outputs are written too (resuming it starts a full pass at once).
    """
    from svscore.collector import paused

    return paused()


def _run(pool: InspectionPool, skipped: list[tuple[str, str]], tender_path: Path, returns: Path, scores_dir: Path | None,
         measures_path: Path | None, options: BatchOptions) -> BatchRun:
    from svscore.batch.agree import disagreements
    from svscore.batch.scores import ScoreBook, read_score_folder, unused_warning
    from svscore.batch.spec import read_specs
    from svscore.rules.checks import check_tender, require_no_errors
    from svscore.scoring.engine import Prepared, TenderScorer

    tender, measures, book, used = load_batch_tender(tender_path, measures_path)
    if book is not None and scores_dir is not None:
        # Two sources of the same scores: using one and ignoring the other would be a silent choice.
        raise BatchError(f"{file_label(tender_path.name)} is an evaluation workbook, which holds the evaluators' scores, and --scores "
                         "gives score sheets too: give one source of scores (a tender file with --scores, or the evaluation workbook alone)")
    # Checked before the read specification is built from it, so a broken tender is reported as
    # such (the specification would refuse it as "its workbooks cannot be built").
    report = check_tender(tender, tender_path.parent, measures_supplied=measures is not None)
    require_no_errors(report, "its returned bids cannot be scored", tender_path)
    pool.give_specs(read_specs(tender, measures))
    pool.serve()  # a worker that has read all it was given is given more now, not once the scores are read
    scorer = TenderScorer(tender, measures, base_dir=tender_path.parent, report=report)
    problems: list[Problem] = []
    # While the workers read the returned files, read the scores and the receipt times here...
    receipts = Receipts(returns, [name for _, name in pool.files] + [name for name, _ in skipped], problems)
    if book is None and scores_dir is not None:
        book = read_score_folder(scores_dir, tender, measures)
        pool.serve()
    if book is None:
        problems.append(Problem("scores", NO_SCORES, Severity.WARNING))
        book = ScoreBook()
    problems += book.problems
    if not pool.files:
        folders = any(reason.startswith("a folder") for _, reason in skipped)
        problems.append(Problem("returns", "no bid return workbooks (.xlsx, .xlsm) were found in the returns folder"
                                + (": they may be in its sub-folders (use --recursive)" if folders else ""), Severity.WARNING))
    deadline = tender.contract.submission_deadline
    reports: dict[int, FileReport] = {}
    usable: dict[int, tuple[Seen, FileReport]] = {}
    """Of each usable file, only what the checks after reading need: the pool keeps no results."""
    prepared: dict[int, Any] = {}
    made: dict[int, Bid] = {}
    default_lot = tender.all_lots()[0].id
    first_year_only = frozenset(m.id for m in measures.measures if m.first_year_only) if measures is not None else frozenset()

    cover_cells: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    """Each distinct set of Cover cells once: every workbook of one format version gives the same."""

    def arrived(index: int, ins: Inspection) -> None:
        # ...and prepare each bid as soon as its file has been read.
        cells = (ins.bid or {}).get("cover_cells") or {}
        cells = cover_cells.setdefault(tuple(cells.items()), cells)
        rep = FileReport(ins.name, ins.size, ins.sha256, "scored" if ins.ok else "rejected",
                         (ins.bid or {}).get("bidder", ""), list(ins.problems), cover_cells=cells)
        reports[index] = rep
        if not ins.ok:
            return
        when = receipts.time_of(ins.name)
        if deadline is not None and receipts.given and when is None:
            rep.problems.append(Problem(ins.name, f"no receipt time in {RECEIVED_FILE}: whether it was late was not checked", Severity.WARNING))
        if deadline is not None and when is not None and when > deadline:
            late = f"late: received {when.isoformat()}, after the deadline {deadline.isoformat()}"
            if not options.accept_late:
                rep.status, rep.late = "excluded", True
                rep.problems.append(Problem(ins.name, late + "; not scored (use --accept-late to include it)"))
                return
            rep.problems.append(Problem(ins.name, late + " (accepted with --accept-late)", Severity.WARNING))
        b = ins.bid or {}
        usable[index] = (Seen(b.get("bidder_id") or "", b.get("bidder") or "", b.get("lot") or "", ins.sha256), rep)
        theirs = book.name_disagrees(b.get("bidder_id") or "", b.get("bidder") or "", b.get("lot") or default_lot)
        if theirs is not None:
            # The same company number under two names is most often a score given to the wrong row:
            # scoring it would hand one bidder another's marks, so neither name is taken on trust.
            problems.append(Problem(ins.name, f"the evaluators' scores for company number {b.get('bidder_id')} are under the name "
                                              f"{theirs!r}, but this workbook is from {b.get('bidder')!r}: the scores are not used "
                                              "until the number or the name is corrected on one side"))
        recorded = book.recorded_for(b.get("bidder_id") or "", b.get("bidder") or "", b.get("lot") or default_lot)
        if recorded is not None:
            problems.extend(Problem(ins.name, d) for d in disagreements(b, recorded, first_year_only=first_year_only))
        bid = _bid(ins, book, tender.lots != (), default_lot, use_scores=theirs is None,
                   recorded=recorded if theirs is None else None)
        ready = prepared[index] = scorer.prepare(bid)
        if options.keep_bids:
            made[index] = bid
        elif isinstance(ready, Prepared):
            ready.work.let_go_of_bid()  # the bid model, its scores and commitments are not held to the end

    pool.collect(arrived, keep=False)
    problems += receipts.unmatched()
    _duplicates([usable[i] for i in sorted(usable)])
    chosen = [i for i in sorted(usable) if usable[i][1].status == "scored"]
    ordered = [reports[i] for i in sorted(reports)]
    bids_seen = [(seen.bidder_id, seen.bidder, seen.lot or default_lot) for seen in (usable[i][0] for i in chosen)]
    problems += unused_warning(book, book.matched_keys(bids_seen))
    book.let_go_of_scores()  # every bid has been made with its scores: they are not held while the competition is scored
    competing = [prepared[i] for i in chosen]
    for done_with in (usable, reports, prepared):  # nor what the checks after reading needed
        done_with.clear()
    del bids_seen
    if options.strict and (any(r.status != "scored" for r in ordered) or any(p.severity is Severity.ERROR for p in problems)):
        raise BatchError(_strict_message(ordered, problems))
    result = scorer.finish(competing)
    del competing
    problems += [Problem("measures", w, Severity.WARNING) for w in result.warnings]  # on the Problems sheet too, beside everything else to check
    inputs = [{"name": f"returns/{r.name}", "size": r.size, "sha256": r.sha256} for r in ordered]
    others = [(f"returns/{RECEIVED_FILE}", receipts.path)] if receipts.given else []
    others += [(f"scores/{file_label(p.name)}", p) for p in book.files if p != tender_path] + [(file_label(p.name), p) for p in used]
    inputs += [{"name": name, "size": p.stat().st_size, "sha256": file_sha256(p)} for name, p in others]
    paths = [p for p, _ in pool.files] + [p for _, p in others]
    return BatchRun(tender, result, ordered, skipped, problems, inputs, receipts.source, paths, [made[i] for i in chosen if i in made])


_COMMITMENT_SET = frozenset({"measure", "quantity", "year"})
"""The fields a returned workbook sets."""
_COMMITMENT_FIELDS = set(_COMMITMENT_SET)
"""The same, as the set pydantic keeps of the fields given (shared by every commitment a batch builds)."""


@functools.cache
def _commitment_defaults() -> dict[str, Any]:
    """The other fields' defaults, looked up once (pydantic would look them up for every commitment)."""
    from svscore.model.bids import Commitment

    return {name: f.get_default(call_default_factory=True) for name, f in Commitment.model_fields.items() if name not in _COMMITMENT_SET}


def _bid(ins: Inspection, book: ScoreBook, multi_lot: bool, default_lot: str, *, use_scores: bool = True,
         recorded: Bid | None = None) -> Bid:
    """The bid a returned workbook makes, with its evaluators' scores (unless ``use_scores`` is
    false) and, where the evaluation workbook records the bid (``recorded``), the evaluators'
    deliverability of each measure and its reason: their judgement, which no returned workbook gives."""
    from svscore.batch.agree import contact_address
    from svscore.model.bids import Bid, Commitment

    b = ins.bid or {}
    # The worker checked each commitment (a measure of the tender's table, a Decimal quantity above
    # zero, a contract year), so they are built without a second validation pass.
    defaults = _commitment_defaults()
    judged = {c.measure: {"deliverability_percent": c.deliverability_percent, "note": c.note}
              for c in (recorded.commitments if recorded is not None else ())}
    judged_fields = _COMMITMENT_FIELDS | {"deliverability_percent", "note"}
    # They share one set of the fields given (as scores do: see excel.read_score_sheets._score).
    commitments = tuple(Commitment.model_construct(judged_fields if c["measure"] in judged else _COMMITMENT_FIELDS,
                                                   measure=c["measure"], quantity=c["quantity"], year=c["year"],
                                                   **(defaults | judged.get(c["measure"], {})))
                        for c in b["commitments"])
    return Bid(bidder_id=b["bidder_id"] or b["bidder"], bidder=b["bidder"] or b["bidder_id"],
               lot=b["lot"] if multi_lot else None, sme=b["sme"], vcse=b["vcse"], price=b["price"],
               commitments=commitments, postal_address=contact_address(b) or None, email=b.get("email") or None,
               unique_identifier=b.get("unique_identifier") or None,
               scores=tuple(book.for_bid(b["bidder_id"], b["bidder"], b["lot"] or default_lot)) if use_scores else ())


class Seen(NamedTuple):
    """What the checks made once every file is read need of a usable file's bid."""

    bidder_id: str
    bidder: str
    lot: str
    sha256: str


def _duplicates(usable: list[tuple[Seen, FileReport]]) -> None:
    from svscore.model.identity import bidder_key

    groups: dict[tuple[str, str], list[tuple[Seen, FileReport]]] = defaultdict(list)
    for seen, rep in usable:
        groups[(seen.lot, bidder_key(seen.bidder_id) or bidder_key(seen.bidder))].append((seen, rep))
    for group in groups.values():
        if len(group) < 2:
            continue
        names = ", ".join(rep.name for _, rep in group)
        first_sha = group[0][0].sha256
        if all(seen.sha256 == first_sha for seen, _ in group):
            for _, rep in group[1:]:
                rep.status = "excluded"
                rep.problems.append(Problem(rep.name, f"an identical copy of {group[0][1].name}: counted once", Severity.WARNING))
            continue
        for _, rep in group:
            rep.status = "excluded"
            rep.problems.append(Problem(rep.name, f"the same bidder returned more than one different workbook ({names}): none is "
                                                  "scored until the one that stands is chosen; remove the others and re-run"))


def _strict_message(reports: list[FileReport], problems: list[Problem]) -> str:
    lines = ["--strict: stopping, because some inputs failed:"]
    for r in reports:
        if r.status != "scored":
            lines += [f"  {p}" for p in r.problems if p.severity is Severity.ERROR] or [f"  {r.name}: {r.status}"]
    lines += [f"  {p}" for p in problems if p.severity is Severity.ERROR]
    return "\n".join(lines)
