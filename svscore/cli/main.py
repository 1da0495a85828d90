"""``svscore``: thin commands that parse options, call one library function, render, and exit.

Exit codes (:func:`exit_code` maps every error to one): 0 done (warnings allowed); 1 the input has
errors (findings, or bids that cannot be scored); 2 a file could not be read or written, or a
command's options are wrong; 70 a bug in svscore (its traceback is shown).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import traceback
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from svscore import __version__, collector
from svscore.atomic import write_atomic
from svscore.cli import wrote
from svscore.cli.amounts import percent, pounds, uk_date
from svscore.errors import ErrorsFound, SvscoreError, file_label
from svscore.model.enums import AuthorityType, Commenced, ContractKind, Jurisdiction, MainSubject

# Each command imports the models and engine it needs when it runs: `svscore batch` starts its
# worker processes before loading them, so that reading returned files overlaps with start-up.


def format_option(*choices: str) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True,
                        help="Output format.")


output_option = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Write to this file (atomically) instead of the terminal.")
thresholds_option = click.option("--thresholds", type=click.Path(dir_okay=False, path_type=Path), default=None,
                                 help="A council's own thresholds table, replacing the one shipped with svscore.")


def emit(text: str | bytes | Iterator[bytes], output: Path | None, inputs: tuple[Path, ...] = ()) -> None:
    """Print ``text`` (or UTF-8 bytes, or pieces of them, each of whole characters), or write it to
    ``output`` (never over one of ``inputs``)."""
    if output is None:
        utf8 = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"
        for piece in (text,) if isinstance(text, str | bytes) else text:
            # a terminal or file in another encoding (cp1252) is written as text always is
            click.echo(piece.decode("utf-8") if isinstance(piece, bytes) and not utf8 else piece, nl=False)
    else:
        write_atomic(output, text, protect=inputs)
        wrote(output, err=True)


EXIT_ERRORS_FOUND = 1
EXIT_CANNOT_READ_OR_WRITE = 2
EXIT_BUG = 70
"""EX_SOFTWARE of BSD's sysexits.h, "an internal software error": what a bug in svscore exits with,
so that no script takes it for an error in its input (1) or a file that could not be read (2)."""


def exit_code(exc: BaseException) -> int:
    """The exit code of an error that ends a command: the one place the command line decides it."""
    if isinstance(exc, ErrorsFound):
        return EXIT_ERRORS_FOUND
    if isinstance(exc, (SvscoreError, OSError)):
        return EXIT_CANNOT_READ_OR_WRITE
    return EXIT_BUG


def error_message(exc: BaseException) -> str:
    """What the user is told of an error that ends a command, for the terminal."""
    from svscore.render.text import terminal_safe

    if isinstance(exc, SvscoreError):
        return f"Error: {terminal_safe(str(exc))}"  # it may name a file or quote a cell: text from outside
    if isinstance(exc, OSError):
        where = file_label(str(exc.filename)) if exc.filename else "a file"
        if isinstance(exc, PermissionError):  # on Windows, most often a workbook still open in Excel
            return f"Error: cannot write {where} ({exc.strerror}): if it is open in Excel, close it and run again."
        return f"Error: cannot use {where}: {exc.strerror or exc}."
    return (terminal_safe("".join(traceback.format_exception(exc))).rstrip("\n") + "\n"
            f"svscore internal error (exit code {EXIT_BUG}): this is a bug in svscore, not a problem with your files. "
            "Please report it with the text above.")


class SvscoreGroup(click.Group):
    """Ends every command that fails with a message and the exit code :func:`exit_code` gives."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: a wrong option (exit 2), --help, Ctrl+C
        except BrokenPipeError:
            raise  # output piped into a program that stopped reading (| head): click ends quietly
        except Exception as exc:
            click.echo(error_message(exc), err=True)
            ctx.exit(exit_code(exc))


@click.group(cls=SvscoreGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="svscore")
def cli() -> None:
    """Score UK public tenders: check the methodology, score bids, build Excel templates."""


@cli.command()
@click.argument("tender", type=click.Path(path_type=Path))
@format_option("text", "json")
@thresholds_option
@output_option
def check(tender: Path, fmt: str, thresholds: Path | None, output: Path | None) -> None:
    """Check a tender file's weights, scales, rules, social value share and threshold decision.

    Exit code 0: no errors (warnings allowed); 1: errors found; 2: the file could not be read.
    """
    from svscore.api import check as check_tender
    from svscore.render.tables import to_json
    from svscore.render.text import check_text

    report = check_tender(tender, thresholds=thresholds)
    text = to_json(report.as_dict()) if fmt == "json" else check_text(report, str(tender))
    emit(text, output, (tender,))
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("tender", type=click.Path(path_type=Path))
@click.argument("bids", type=click.Path(path_type=Path))
@click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The council's measures table (default: the tender's social_value.measures_file).")
@format_option("text", "json", "csv")
@output_option
def score(tender: Path, bids: Path, measures: Path | None, fmt: str, output: Path | None) -> None:
    """Score BIDS (a bids JSON file) against TENDER and rank them.

    Exit code 0: scored (bids may be incomplete or disqualified); 1: a bid could not be scored (its
    data is wrong, or it names a lot the tender lacks); 2: a file could not be read.
    """
    from svscore.api import score as score_bids
    from svscore.model.loading import load_tender, tender_measures
    from svscore.render.json_stream import Lazy, json_pieces
    from svscore.render.tables import to_csv
    from svscore.render.text import results_text

    with collector.paused():  # everything made here stays alive until the output is written
        model = load_tender(tender)
        table, measures_path = tender_measures(model, measures)  # its path, so that no output is written over it
        result = score_bids(model, bids, measures=table)  # the bids file's model is not kept beside the result
        code = 1 if result.has_errors else 0
        text: str | Iterator[bytes]
        if fmt == "json":  # written a bid at a time: a large result's JSON is never held whole
            text = json_pieces(result.as_dict(bids_as=Lazy))
        elif fmt == "csv":
            text = to_csv(result)
        else:
            text = results_text(result)
        emit(text, output, tuple(p for p in (tender, bids, measures_path) if p))
    sys.exit(code)


@cli.command()
@click.argument("tender", type=click.Path(path_type=Path), required=False)
@click.option("--value", callback=pounds, help="Estimated value in pounds (including VAT unless --ex-vat).")
@click.option("--ex-vat", is_flag=True, help="The --value excludes VAT.")
@click.option("--options-value", callback=pounds, help="Value of options, extensions and renewals.")
@click.option("--authority", type=click.Choice([a.value for a in AuthorityType]), help="Authority type.")
@click.option("--contract", type=click.Choice([c.value for c in ContractKind]), help="Contract kind.")
@click.option("--concession", is_flag=True, help="The contract is also a concession (e.g. a light touch or works concession).")
@click.option("--services-share", callback=percent, help="For a mixed contract: services' share of the value, in percent.")
@click.option("--framework", is_flag=True, help="The procurement sets up a framework.")
@click.option("--start-date", callback=uk_date, help="Procurement start date, day first (02/03/2026) or 2026-03-02.")
@click.option("--jurisdiction", type=click.Choice([j.value for j in Jurisdiction]), default=None)
@click.option("--welsh-devolved", is_flag=True, help="The authority exercises wholly or mainly Welsh devolved functions.")
@click.option("--scottish-devolved/--reserved-body", "scottish_devolved", default=None,
              help="In Scotland: a devolved Scottish authority, or a reserved UK body operating there.")
@click.option("--welsh-listed/--welsh-not-listed", "welsh_listed", default=None,
              help="A Welsh devolved authority listed (or not) in Sch. 1 of the Social Partnership and Public Procurement (Wales) Act 2023.")
@click.option("--pcr-call-off", is_flag=True, help="A call-off under a framework awarded under PCR 2015.")
@click.option("--commenced-by", type=click.Choice([c.value for c in Commenced]), help="How the procurement began on its start date.")
@click.option("--main-subject", type=click.Choice([m.value for m in MainSubject]), help="For a mixed contract: its main subject-matter.")
@click.option("--margin", callback=percent, help="Warn when the value is within this percent below the threshold [10].")
@format_option("text", "json")
@thresholds_option
@output_option
def act(tender: Path | None, value: Decimal | None, ex_vat: bool, options_value: Decimal | None, authority: str | None,
        contract: str | None, concession: bool, services_share: Decimal | None, framework: bool, start_date: dt.date | None,
        jurisdiction: str | None, welsh_devolved: bool, scottish_devolved: bool | None, welsh_listed: bool | None,
        pcr_call_off: bool, commenced_by: str | None, main_subject: str | None, margin: Decimal | None, fmt: str, thresholds: Path | None,
        output: Path | None) -> None:
    """Is the contract above threshold, and does the Social Value Act 2012 apply? With reasons.

    Give a TENDER file, or the options (--value, --authority, --contract, --start-date are then required).
    """
    from svscore.model.loading import load_tender
    from svscore.render.tables import to_json
    from svscore.render.text import decision_text
    from svscore.rules.act import DEFAULT_MARGIN_PERCENT, Question, decide, table_for

    table_path = thresholds
    given: dict[str, Any] = {
        "scottish_devolved": scottish_devolved, "welsh_listed_body": welsh_listed, "pcr_framework_call_off": pcr_call_off or None,
        "commenced_by": Commenced(commenced_by) if commenced_by else None,
        "main_subject": MainSubject(main_subject) if main_subject else None}
    options = {"scottish_devolved": "--scottish-devolved/--reserved-body", "welsh_listed_body": "--welsh-listed/--welsh-not-listed",
               "pcr_framework_call_off": "--pcr-call-off", "commenced_by": "--commenced-by", "main_subject": "--main-subject"}
    extra = {options[k]: {k: v} for k, v in given.items() if v is not None}
    if tender is not None:
        model = load_tender(tender)
        question = _overridden(Question.from_tender(model), {
            "--value": value is not None and {"estimated_value": value, "value_includes_vat": not ex_vat},
            "--ex-vat": value is None and ex_vat and {"value_includes_vat": False},  # the tender's own value is ex VAT
            "--options-value": options_value is not None and {"options_and_extensions_value": options_value},
            "--authority": authority is not None and {"authority_type": AuthorityType(authority)},
            "--contract": contract is not None and {"contract_kind": ContractKind(contract)},
            "--services-share": services_share is not None and {"services_share_percent": services_share},
            "--concession": concession and {"concession": True},
            "--framework": framework and {"framework": True},
            "--start-date": start_date is not None and {"procurement_start": start_date},
            "--jurisdiction": jurisdiction is not None and {"jurisdiction": Jurisdiction(jurisdiction)},
            "--welsh-devolved": welsh_devolved and {"welsh_devolved_functions": True},
            **extra,
        })
        if table_path is None and model.thresholds_table:
            table_path = tender.parent / model.thresholds_table
    else:
        missing = [n for n, v in (("--value", value), ("--authority", authority), ("--contract", contract),
                                  ("--start-date", start_date)) if v is None]
        if missing:
            raise click.UsageError(f"give a tender file, or {', '.join(missing)}")
        question = Question(
            estimated_value=value, value_includes_vat=not ex_vat, authority_type=AuthorityType(authority),  # type: ignore[arg-type]
            jurisdiction=Jurisdiction(jurisdiction or "england"), contract_kind=ContractKind(contract),  # type: ignore[arg-type]
            procurement_start=start_date, welsh_devolved_functions=welsh_devolved,  # type: ignore[arg-type]
            services_share_percent=services_share, framework=framework, options_and_extensions_value=options_value,
            concession=concession, **{k: v for k, v in given.items() if v is not None},
        )
    decision = decide(question, table_for(table_path), margin if margin is not None else DEFAULT_MARGIN_PERCENT)
    text = to_json(decision.as_dict()) if fmt == "json" else decision_text(decision)
    emit(text, output, tuple(p for p in (tender, table_path) if p))


def _overridden(question: Any, given: dict[str, Any]) -> Any:
    """The tender's question with the options given beside it applied, each said in the reasons."""
    from dataclasses import replace

    notes = []
    for option, changes in given.items():
        if changes:
            question = replace(question, **changes)
            notes.append(f"{option} was given, so it is used instead of the tender file's "
                         + ", ".join(k.replace("_", " ") for k in changes) + ".")
    return replace(question, notes=question.notes + tuple(notes))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True)
@click.option("--check", "check_only", is_flag=True, help="Only report whether the files in --out are current.")
def schemas(out: Path, check_only: bool) -> None:
    """Write the JSON Schemas of every svscore file format (tender, bids, measures, thresholds)."""
    from svscore.model.schemas import DOCUMENTS, render, schema_for

    missing, stale = [], []
    for (kind, version), doc in sorted(DOCUMENTS.items()):
        path = out / doc.filename
        text = render(schema_for(kind, version))
        if check_only:
            if not path.is_file():
                missing.append(str(path))
            elif path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            write_atomic(path, text)
            wrote(path)
    if missing:
        click.echo("Missing: " + ", ".join(missing), err=True)
    if stale:
        click.echo("Out of date: " + ", ".join(stale), err=True)
    if missing or stale:
        click.echo(f"Run svscore schemas --out {out} to write them.", err=True)
        sys.exit(1)
    if check_only:
        click.echo(f"The {len(DOCUMENTS)} schemas in {out} are current.")


from svscore.cli.award import award, award_notice, standstill  # noqa: E402
from svscore.cli.batch import batch, demo, verify  # noqa: E402
from svscore.cli.monitor import monitor  # noqa: E402
from svscore.cli.template import template  # noqa: E402
from svscore.cli.whatif import what_if  # noqa: E402

for command in (template, batch, demo, verify, standstill, award_notice, award, what_if, monitor):
    cli.add_command(command)


@cli.command("xl-setup")
@click.option("--lite", is_flag=True, help="Settings for xlwings Lite instead of the classic Windows add-in.")
def xl_setup(lite: bool) -> None:
    """Print what an officer needs to use svscore's functions (SV_...) in Excel."""
    from svscore.xl.setup import classic_settings, lite_settings

    click.echo(lite_settings() if lite else classic_settings())


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # Output redirected to a file on Windows is in the code page (cp1252): a character it lacks,
        # such as an emoji in a bidder's name, is shown as an escape rather than stopping the command.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        cli(prog_name="svscore")
    finally:
        # The command is done. As the process exits, Python's garbage collector would walk every
        # object still alive (after a batch of 1,000 bids, about 0.08 s) only to free memory the
        # process gives back anyway: the objects are set aside from it instead.
        gc.freeze()
