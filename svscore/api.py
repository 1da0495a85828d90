"""The library's commands: each ``svscore`` command is one call of the function of the same name.

Files may be given as paths or as what the loaders return (a :class:`Tender`, a :class:`BidsFile`,
a :class:`MeasuresTable`), so an analyst can correct a tender in Python and score it without
writing a file. A tender given as a path finds its measures table and thresholds table beside it,
as the command line does. Nothing here prints or exits: errors are raised as svscore's errors
(:mod:`svscore.errors`), whose messages name the file and the JSON path or cell.

The imports are made inside each function, so that importing this module costs nothing:
``svscore.batch``, ``svscore.award`` and ``svscore.monitor`` are packages as well as these
functions, and call them (:class:`CommandPackage`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from svscore.award.folder import Award
    from svscore.batch.run import BatchRun
    from svscore.model.bids import Bid, BidsFile
    from svscore.model.measures import MeasuresTable
    from svscore.model.tender import Tender
    from svscore.monitor.run import MonitorRun
    from svscore.rules.act import Decision, Question
    from svscore.rules.checks import CheckReport
    from svscore.scoring.result import TenderResult

PathLike = str | Path
Weight = int | Decimal | Fraction | str


def _tender(tender: PathLike | Tender) -> tuple[Tender, Path | None]:
    """The tender and the folder its relative paths start from."""
    from svscore.model.loading import load_tender

    if isinstance(tender, (str, Path)):
        path = Path(tender)
        return load_tender(path), path.parent
    return tender, tender.source_dir


def _bids(bids: PathLike | BidsFile | Sequence[Bid]) -> BidsFile | Sequence[Bid]:
    from svscore.model.loading import load_bids

    return load_bids(bids) if isinstance(bids, (str, Path)) else bids


def _measures(tender: Tender, measures: PathLike | MeasuresTable | None) -> MeasuresTable | None:
    """The measures table given, or the one the tender names (as ``--measures`` and its default)."""
    from svscore.model.loading import tender_measures

    if measures is None or isinstance(measures, (str, Path)):
        return tender_measures(tender, measures)[0]
    return measures


def check(tender: PathLike | Tender, *, thresholds: PathLike | None = None) -> CheckReport:
    """Check a tender's weights, scales, rules, social value share and threshold decision (``svscore check``)."""
    from svscore.rules.checks import check_tender

    model, folder = _tender(tender)
    return check_tender(model, folder, thresholds)


def score(tender: PathLike | Tender, bids: PathLike | BidsFile | Sequence[Bid], *,
          measures: PathLike | MeasuresTable | None = None) -> TenderResult:
    """Score bids against a tender and rank them: the result ``svscore score`` renders.

    Raises :class:`~svscore.errors.ScoringError` when the tender has errors, and
    :class:`~svscore.errors.DisagreementError` when the bids file answers another tender. Bids that
    cannot be scored are in the result (``result.has_errors``), as the command reports them.
    """
    from svscore.scoring.engine import score_tender

    model, folder = _tender(tender)
    return score_tender(model, _bids(bids), _measures(model, measures), base_dir=folder)


def decide_act(tender: PathLike | Tender | Question, *, thresholds: PathLike | None = None,
               margin: Decimal | int | None = None) -> Decision:
    """Whether the contract is above threshold and the Social Value Act 2012 applies, with reasons (``svscore act``).

    ``tender`` is a tender (its own thresholds table is used unless ``thresholds`` is given) or a
    :class:`Question`; ``margin`` is the percent below the threshold within which to warn.
    """
    from svscore.rules.act import DEFAULT_MARGIN_PERCENT, Question, decide, table_for

    table: PathLike | None = thresholds
    if isinstance(tender, Question):
        question = tender
    else:
        model, folder = _tender(tender)
        question = Question.from_tender(model)
        if table is None and model.thresholds_table:
            own = Path(model.thresholds_table)
            table = own if own.is_absolute() or folder is None else folder / own
    return decide(question, table_for(table), Decimal(margin) if margin is not None else DEFAULT_MARGIN_PERCENT)


def batch(tender: PathLike, returns: PathLike, out: PathLike, *, scores: PathLike | None = None,
          measures: PathLike | None = None, recursive: bool = False, jobs: int | None = None, strict: bool = False,
          accept_late: bool = False, seconds: float = 30, memory_mb: int = 1536,
          progress: Callable[[int, int, str], None] | None = None) -> BatchRun:
    """Score a folder of returned bid workbooks and write results.xlsx, .csv, .json and the manifest (``svscore batch``).

    ``tender`` is a tender file or an evaluation workbook. The run is returned: ``run.result`` is
    the scored result, ``run.files`` each file's status and problems. One bad file never stops the
    run (unless ``strict``); a run that cannot start raises :class:`~svscore.batch.run.BatchError`.
    ``progress(read, of, name)`` is called as each file has been read.
    """
    from svscore.batch.run import BatchOptions, collector_paused, discover, run_batch
    from svscore.batch.spec import Limits

    options = BatchOptions(recursive=recursive, jobs=jobs or os.cpu_count() or 1, strict=strict, accept_late=accept_late,
                           limits=Limits(seconds=seconds, memory_mb=memory_mb))
    out_dir, returns_dir = Path(out), Path(returns)
    discovered = discover(returns_dir, recursive, out_dir)
    total = len(discovered[0])
    with collector_paused():
        run = run_batch(Path(tender), returns_dir, out_dir, scores_dir=Path(scores) if scores is not None else None,
                        measures_path=Path(measures) if measures is not None else None, options=options,
                        progress=(lambda n, name: progress(n, total, name)) if progress else None, discovered=discovered)
        # imported once the workers have read the files: its start-up overlaps with their reading
        from svscore.batch.outputs import write_outputs

        write_outputs(run, out_dir, {**options.as_dict(), "scores": scores is not None})
    return run


def read_results(folder: PathLike) -> TenderResult:
    """Read a batch's results folder (its results.json, or that file itself) back into the result ``score`` returns.

    What comes back exactly and what does not is said in :func:`svscore.scoring.readback.read_results`.
    """
    from svscore.scoring.readback import read_results as read

    return read(Path(folder))


def award(source: PathLike, bids: PathLike | None, out: PathLike, *, ocid_prefix: str, measures: PathLike | None = None,
          draft: bool = False, illustrative_ok: bool = False, returns: PathLike | None = None,
          scores: PathLike | None = None, tender: PathLike | None = None) -> Award:
    """Write the award folder: each supplier's summary or letter, the notice data, the report and the record (``svscore award``).

    ``source`` is a tender file (with its bids file ``bids``), a filled evaluation workbook, or a
    batch's results folder (with the ``returns``, ``scores`` and ``tender`` it was run on); beside a
    workbook or results folder, ``bids`` is a bids file giving what they do not hold (contact
    details; the notice date and decisions, unless a version 4 evaluation workbook's Governance
    sheet gives them), or None. Raises :class:`~svscore.award.folder.AwardError` listing every gap
    (nothing is written) unless ``draft``; the returned award's ``gaps`` are what a draft shows in red.
    """
    from svscore.award.folder import build, write_folder
    from svscore.award.sources import WORKBOOK_SUFFIXES, from_batch, from_files, from_workbook, is_batch_folder
    from svscore.errors import InputError, Problem, file_label

    path, bids_path = Path(source), Path(bids) if bids is not None else None
    batch_only = [name for name, given in (("--returns", returns), ("--scores", scores), ("--tender", tender)) if given is not None]
    if batch_only and not path.is_dir():
        raise InputError(file_label(str(path)), [Problem(file_label(str(path)), f"{', '.join(batch_only)} belong with a batch's "
                                                                                 "results folder as SOURCE, not a tender file or workbook")])
    if measures is not None and path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise InputError(file_label(str(path)), [Problem(file_label(str(path)), "an evaluation workbook carries its own measures "
                                                                                 "table: --measures is not used with it")])
    if path.is_dir():
        if not is_batch_folder(path):
            raise InputError(file_label(str(path)), [Problem(file_label(str(path)), "a folder that svscore batch did not write "
                                                                                     "(it has no batch manifest.json)")])
        if returns is None or tender is None:
            raise InputError(file_label(str(path)), [Problem(file_label(str(path)), "a batch's results folder: give the returns "
                                                                                     "folder (--returns) and the tender (--tender) "
                                                                                     "it was run on")])
        inputs = from_batch(path, returns=Path(returns), tender_path=Path(tender),
                            scores=Path(scores) if scores is not None else None, bids_path=bids_path,
                            measures=Path(measures) if measures is not None else None)
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        inputs = from_workbook(path, bids_path)
    else:
        if bids_path is None:
            raise InputError(file_label(str(path)), [Problem(file_label(str(path)), "a tender file: give its bids file too")])
        inputs = from_files(path, bids_path, Path(measures) if measures is not None else None)
    made = build(inputs, ocid_prefix=ocid_prefix, draft=draft, illustrative_ok=illustrative_ok)
    write_folder(Path(out), made.files, inputs.paths())
    return made


def monitor(records: PathLike, returns: PathLike, out: PathLike, *, as_of: dt.date | None = None,
            local: PathLike | None = None) -> MonitorRun:
    """Read returned monitoring workbooks against their contract records and write the results (``svscore monitor``).

    ``records`` is a contract record or a folder of them; ``as_of`` (default today) the date returns
    and years are judged by; ``local`` a text file of the postcode areas counted as local.
    """
    from svscore.monitor.outputs import write_outputs
    from svscore.monitor.run import run_monitor

    records_path, returns_path = Path(records), Path(returns)
    local_path = Path(local) if local is not None else None
    when = as_of or dt.date.today()
    run = run_monitor(records_path, returns_path, when, local_path)
    inputs = (*(sorted(records_path.glob("*.json")) if records_path.is_dir() else [records_path]), *(p for p in [local_path] if p))
    write_outputs(run, Path(out), (*inputs, *(returns_path / f.name for f in run.files)),
                  {"as_of": when.isoformat(), "local": local_path is not None})
    return run


def what_if(tender: PathLike | Tender, bids: PathLike | BidsFile | Sequence[Bid], vary: Mapping[str, Sequence[Weight]], *,
            measures: PathLike | MeasuresTable | None = None, exact: bool = False) -> list[dict[str, Any]]:
    """Who wins, and by how much, at each weighting of one or two top-level criteria: the rows ``svscore what-if`` writes.

    ``vary`` maps criterion ids to the weights to try (``{"PRICE": range(0, 101, 5)}``); the other
    top-level criteria are rescaled in proportion. Floats unless ``exact`` (then fractions).
    """
    from svscore.analysis.whatif import grid_rows

    model, _ = _tender(tender)
    return grid_rows(model, _bids(bids), _measures(model, measures), vary, exact=exact)


class CommandPackage(types.ModuleType):
    """A package that is also the function of its name here: ``svscore.batch`` is the package of the
    batch's code and, called, :func:`batch` (the import system sets a package over a parent's
    attribute of the same name, so the function alone could not stay there)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return globals()[self.__name__.rpartition(".")[2]](*args, **kwargs)


def callable_package(name: str) -> None:
    """Make the package ``name`` (svscore.batch, .award, .monitor) call the function of its last part."""
    package, function = sys.modules[name], globals()[name.rpartition(".")[2]]
    package.__class__ = CommandPackage
    package.__wrapped__ = function  # type: ignore[attr-defined]  # inspect.signature follows it
    # help(svscore.batch) describes the function an analyst calls first, then the package.
    package.__doc__ = f"{inspect.cleandoc(function.__doc__ or '')}\n\nThe package {name}: {package.__doc__ or ''}"


__all__ = ["award", "batch", "check", "decide_act", "monitor", "read_results", "score", "what_if"]
