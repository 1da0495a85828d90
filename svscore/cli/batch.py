"""``svscore batch``, ``svscore demo`` and ``svscore verify``: thin commands over svscore.batch."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from svscore.errors import Severity, file_label, shortened


class _Progress:
    """A progress bar on a terminal, begun as the first file is read; plain lines (about every tenth) otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, n: int, total: int, name: str) -> None:
        if sys.stderr.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Reading returned workbooks", file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(1)
        elif n % max(1, total // 10) == 0 or n == total:
            click.echo(f"read {n}/{total} files", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run(tender: Path, returns: Path, out: Path, scores: Path | None, measures: Path | None, recursive: bool,
         jobs: int, strict: bool, accept_late: bool, seconds: float, memory_mb: int) -> int:
    from svscore.api import batch as score_folder

    progress = _Progress()
    try:
        with _openpyxl_without_numpy():  # openpyxl is imported once the workers are reading
            run = score_folder(tender, returns, out, scores=scores, measures=measures, recursive=recursive, jobs=jobs,
                               strict=strict, accept_late=accept_late, seconds=seconds, memory_mb=memory_mb, progress=progress)
    finally:
        progress.close()
    from svscore.batch.outputs import MANIFEST, OUTPUTS

    written = {name: out / name for name in (*OUTPUTS, MANIFEST)}
    _summary(run, written)
    return 1 if run.failed or any(p.severity is Severity.ERROR for p in run.problems) else 0


@contextlib.contextmanager
def _openpyxl_without_numpy() -> Iterator[None]:
    """openpyxl imports numpy when it is installed (pandas brings it), only so that numpy numbers
    can be cell values. A batch never gives it any, and the import is about 0.08 s of the 0.5 s a
    small batch takes, so while the batch runs (and may import openpyxl) openpyxl is told numpy is
    not installed. numpy itself stays importable afterwards: only openpyxl's probe is answered, and
    nothing else in a batch uses numpy. Done by this command only, never by the library."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        yield
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes "import numpy" raise ImportError
    try:
        yield
    finally:
        if sys.modules.get("numpy", "") is None:
            del sys.modules["numpy"]


def _short(text: str, limit: int = 80) -> str:
    """Bidder-supplied text (names, file names) made safe and short for the terminal; the outputs
    keep it whole. Characters that would act on the terminal, and line breaks, are shown as escapes
    (\\x1b, \\x0a)."""
    from svscore.render.text import one_line

    return one_line(shortened(text, limit))


SHOWN_ERRORS = 40
"""Errors listed on the terminal; results.xlsx and results.json list every one."""


def _low(bid) -> str:
    """The abnormally low flag, as the summary shows it beside the bid; empty when not flagged."""
    return "  [abnormally low price: investigate before award]" if any(f.code == "abnormally_low" for f in bid.flags) else ""


def _summary(run, written) -> None:
    from svscore.batch.run import NO_SCORES
    from svscore.fmt import points

    counts: dict[str, int] = {}
    for f in run.files:
        counts[f.status] = counts.get(f.status, 0) + 1
    click.echo(f"{_short(run.tender.reference)} — {_short(run.tender.title, 200)}")
    for warning in run.result.warnings:
        click.echo(f"WARNING: {warning}")
    click.echo(f"Files: {counts.get('scored', 0)} scored, {counts.get('rejected', 0)} rejected, "
               f"{counts.get('excluded', 0)} excluded, {len(run.skipped)} skipped.")
    if not run.files:
        said = next(p.message for p in run.problems if p.location == "returns")
        click.echo(f"  {said[0].upper()}{said[1:]}.")
    for lot in run.result.lots:
        prefix = f"Lot {lot.lot_id}: " if len(run.result.lots) > 1 else ""
        ranked = [b for b in lot.bids if b.rank is not None]
        # A flagged bid is listed even below the first five: the price must be investigated before award.
        for b in [b for i, b in enumerate(ranked) if i < 5 or _low(b)]:
            click.echo(f"  {prefix}{b.rank}. {_short(b.bidder)}  {points(b.total)}{_low(b)}")
        for b in lot.bids:
            if b.rank is None:
                click.echo(f"  {prefix}—  {_short(b.bidder)}: {b.status.value}: {_short(' '.join(b.reasons), 150)}{_low(b)}")
        if lot.ties:
            click.echo(f"  {prefix}unresolved tie: {', '.join(' = '.join(_short(n) for n in t) for t in lot.ties)}")
    errors = [p for f in run.files for p in f.problems if p.severity is Severity.ERROR]
    errors += [p for p in run.problems if p.severity is Severity.ERROR]  # scores, receipts
    for p in errors[:SHOWN_ERRORS]:
        click.echo(f"  ! {_short(p.location)}: {_short(p.message, 300)}")
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  ! … and {len(errors) - SHOWN_ERRORS} more errors: see the Problems sheet of results.xlsx")
    for p in run.problems:
        if p.location == "scores" and p.message == NO_SCORES:
            click.echo(f"  Note: {NO_SCORES[0].upper()}{NO_SCORES[1:]}.")
    for name, reason in run.skipped:
        click.echo(f"  skipped {_short(name, 200)}: {reason}")
    click.echo("Results: " + ", ".join(file_label(str(p)) for p in written.values()))


limits_options = [
    click.option("--recursive", is_flag=True, help="Look inside sub-folders too."),
    click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default=True,
                 help="Worker processes reading files in parallel."),
    click.option("--strict", is_flag=True, help="Any file that fails makes the whole run fail (no results written)."),
    click.option("--accept-late", is_flag=True, help="Score bids received after the submission deadline (flagged)."),
    click.option("--seconds", type=click.FloatRange(1, 3600), default=30, show_default=True, help="Time limit for reading one file."),
    click.option("--memory-mb", type=click.IntRange(64, 65536), default=1536, show_default=True, help="Memory budget for reading one file (enforced on Linux)."),
]


def with_limits(f):
    for option in reversed(limits_options):
        f = option(f)
    return f


@click.command()
@click.argument("tender", type=click.Path(path_type=Path))
@click.argument("returns", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the results.")
@click.option("--scores", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of evaluators' score sheet workbooks (not needed when TENDER is an evaluation workbook).")
@click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The council's measures table (default: the tender's social_value.measures_file).")
@with_limits
def batch(tender: Path, returns: Path, out: Path, scores: Path | None, measures: Path | None, recursive: bool, jobs: int,
          strict: bool, accept_late: bool, seconds: float, memory_mb: int) -> None:
    """Score a folder of returned bid workbooks (RETURNS) against TENDER (a tender file or an evaluation workbook).

    Writes results.xlsx, results.csv, results.json and manifest.json into --out. Receipt times
    come from a received.csv (file,received_at) in RETURNS, when the portal gives one.
    Exit code 0: every file was scored; 1: some files failed, or another input has an error
    (see the Problems sheet); 2: the run could not start or its results could not be written.
    """
    sys.exit(_run(tender, returns, out, scores, measures, recursive, jobs, strict, accept_late, seconds, memory_mb))


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("svscore-demo"), show_default=True,
              help="Folder for the demo's tender, returned workbooks, score sheets and results.")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default=True)
def demo(out: Path, jobs: int) -> None:
    """The main job on bundled data: generate returned bids for the example tender and score them in batch."""
    from svscore.batch.demo import make_demo
    from svscore.data import examples_dir
    from svscore.model.loading import load_measures, load_tender

    examples = examples_dir()
    tender_path, measures_path = examples / "council-home-care.json", examples / "measures-illustrative.json"
    paths = make_demo(out, tender_path, measures_path, load_tender(tender_path), load_measures(measures_path))
    click.echo(f"Generated an example tender's returned bids in {paths['returns']} (one late, one broken, one that "
               f"evaluators' scores disqualify, and an Excel lock file) and three evaluators' score sheets in {paths['scores']}.")
    click.echo(f"Scoring them: svscore batch {paths['tender']} {paths['returns']} --scores {paths['scores']} --out {out / 'results'}\n")
    code = _run(paths["tender"], paths["returns"], out / "results", paths["scores"], None, False, jobs, False, False, 30, 1536)
    click.echo(f"\nOpen {out / 'results' / 'results.xlsx'} to see the ranked results, each bidder's explanations and the problems found.")
    from svscore.cli.award import demo_award

    demo_award(out / "award")
    from svscore.cli.monitor import demo_monitoring

    demo_monitoring(out / "monitoring")
    sys.exit(0 if code in (0, 1) else code)


@click.command()
@click.argument("results", type=click.Path(file_okay=False, path_type=Path))
@click.option("--returns", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also check the returned workbooks (and received.csv), and that no workbook was added since.")
@click.option("--scores", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also check the evaluators' score sheets, and that none was added since.")
@click.option("--tender", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also check the tender file (or evaluation workbook) and the measures table beside it.")
def verify(results: Path, returns: Path | None, scores: Path | None, tender: Path | None) -> None:
    """Check a batch's results folder (or an award folder) against its manifest.json, and the inputs given: that they are
    the very files the run read, byte for byte.

    \b
    Exit codes: 0 everything given matches; 1 something does not (each listed).
    """
    from svscore.batch.outputs import MANIFEST
    from svscore.batch.verify import verify_manifest

    _check_results_folder(results, MANIFEST)
    problems = verify_manifest(results, returns, scores, tender)
    for p in problems:
        click.echo(_short(p, 1000), err=True)  # file names came from the returns folder
    if problems:
        click.echo(f"{results}: does NOT match its manifest ({len(problems)} problem(s)).")
        sys.exit(1)
    click.echo(f"{results}: matches its manifest.")


def _check_results_folder(results: Path, manifest: str) -> None:
    """Refuse, as a file that cannot be read (exit 2), a results folder that is not there or holds
    no manifest: that is a wrong path, not results that fail to match."""
    from svscore.errors import SvscoreError

    label = file_label(str(results))
    if not results.is_dir():
        raise SvscoreError(f"cannot read {label}: no such folder.")
    if (results / manifest).is_file():
        return
    inside = sorted(p.parent for p in results.glob(f"*/{manifest}"))
    hint = (f" The results of a run are in {file_label(str(inside[0]))}: verify that folder." if len(inside) == 1 else
            f" Folders inside it that hold one: {', '.join(file_label(str(p)) for p in inside)}." if inside else
            " Give the folder svscore batch --out wrote (it holds results.xlsx, results.json and manifest.json).")
    raise SvscoreError(f"cannot read {label}: no {manifest} there.{hint}")
