"""``svscore standstill`` (the standstill period's end, every day skipped and why) and ``svscore award-notice``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from svscore.atomic import write_atomic
from svscore.award.standstill import NATIONS, PROVISIONS
from svscore.cli import wrote
from svscore.cli.amounts import uk_date
from svscore.errors import file_label


@click.command()
@click.option("--published", required=True, callback=uk_date, metavar="DATE",
              help="PA 2023: the day the contract award notice is published. PCR 2015: the day the standstill letters are sent.")
@click.option("--regime", type=click.Choice(tuple(PROVISIONS)), required=True, help="The procurement regime.")
@click.option("--nation", type=click.Choice(tuple(NATIONS)), default="england", show_default=True,
              help="Where the authority is: the parts of the UK have different bank holidays.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True, help="Output format.")
def standstill(published: dt.date, regime: str, nation: str, fmt: str) -> None:
    """When the standstill period ends (PA 2023 s.51 or PCR 2015 reg 87), listing each day skipped and why."""
    from svscore.award.standstill import as_json, as_text
    from svscore.award.standstill import standstill as work_out

    answer = work_out(published, regime, nation)
    click.echo(json.dumps(as_json(answer), indent=2, ensure_ascii=False) if fmt == "json" else as_text(answer), nl=fmt == "json")


def _datetime(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)  # a bare date or time is taken as UTC


@click.command("award-notice")
@click.argument("tender", type=click.Path(path_type=Path))
@click.argument("bids", type=click.Path(path_type=Path))
@click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The council's measures table (default: the tender's social_value.measures_file).")
@click.option("--ocid-prefix", required=True, help="The publisher's registered OCDS prefix, e.g. ocds-h6vhtk.")
@click.option("--date", "when", required=True, callback=_datetime, metavar="DATE",
              help="The release's date (YYYY-MM-DD, or a time with its offset): given, so the same scores give the same file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("award.ocds.json"),
              show_default=True, help="Where to write the release (atomically).")
@click.option("--illustrative-ok", is_flag=True, help="Write the release even from an ILLUSTRATIVE measures table (example data only).")
def award_notice(tender: Path, bids: Path, measures: Path | None, ocid_prefix: str, when: dt.datetime, output: Path,
                 illustrative_ok: bool) -> None:
    """Write the contract award notice data for TENDER scored with BIDS, as an OCDS 1.1 release (tag award)."""
    from svscore.award.notice import AwardNoticeError, award_release
    from svscore.award.ocds_schema import problems
    from svscore.model.loading import load_bids, load_tender, tender_measures
    from svscore.scoring import score_tender

    model = load_tender(tender)
    bids_file = load_bids(bids)
    table, measures_path = tender_measures(model, measures)
    result = score_tender(model, bids_file, table, base_dir=tender.parent)
    # A notice is published: never from bids that could not be scored, nor from invented proxy values.
    if result.has_errors:
        invalid = [f"{b.bidder} ({b.bidder_id}): invalid: {' '.join(b.reasons)}"
                   for lot in result.lots for b in lot.bids if b.status.value == "invalid"]
        raise AwardNoticeError("some bids could not be scored; correct them and score again:\n  "
                               + "\n  ".join(invalid + list(result.bid_errors)))
    if result.warnings and not illustrative_ok:
        raise AwardNoticeError("\n".join(result.warnings) + "\nNo award notice is written from it "
                               "(--illustrative-ok writes one anyway, to try svscore on example data).")
    release = award_release(model, result, ocid_prefix=ocid_prefix, date=when)
    found = problems(release)
    if found:  # never write a file the platform would refuse
        raise AwardNoticeError("the release does not validate against the OCDS schema:\n  " + "\n  ".join(found))
    text = json.dumps(release, indent=2, ensure_ascii=False) + "\n"
    write_atomic(output, text, protect=tuple(p for p in (tender, bids, measures_path) if p))
    wrote(output)


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("bids", type=click.Path(path_type=Path), required=False)
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The award folder to write (new, or one svscore award wrote, which is replaced whole).")
@click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The council's measures table (default: the tender's social_value.measures_file).")
@click.option("--returns", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="SOURCE a batch's results folder: the returns folder the batch read.")
@click.option("--scores", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="SOURCE a batch's results folder: the score sheets folder the batch read, if it read one.")
@click.option("--tender", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SOURCE a batch's results folder: the tender file (or evaluation workbook) the batch was run on.")
@click.option("--ocid-prefix", required=True, help="The publisher's registered OCDS prefix, for award.ocds.json, e.g. ocds-h6vhtk.")
@click.option("--draft", is_flag=True, help="Write the documents even with gaps, each gap shown in red (not to be sent).")
@click.option("--illustrative-ok", is_flag=True, help="Accept an ILLUSTRATIVE measures table (example data only).")
def award(source: Path, bids: Path | None, out: Path, measures: Path | None, returns: Path | None, scores: Path | None,
          tender: Path | None, ocid_prefix: str, draft: bool, illustrative_ok: bool) -> None:
    """Write the award folder: each supplier's assessment summary (PA 2023) or standstill letter
    (PCR 2015), the award notice data, the award decision report and the record.

    \b
    SOURCE is one of:
      a tender file, with its bids file BIDS;
      a filled evaluation workbook (.xlsx, .xlsm);
      a batch's results folder (svscore batch --out), with --returns, --tender and --scores as
      the batch was run; refused if any input or result changed since (manifest.json).
    Beside a workbook or results folder, BIDS is a bids file giving what they do not hold
    (contact details; the notice and contract dates, abnormally low decisions and tie decisions,
    which an evaluation workbook of format version 4 holds on its Governance sheet); a fact both
    give differently is refused, naming both.

    \b
    Exit codes: 0 written; 1 something is missing (each gap listed by bidder, criterion and
    where to fill it in; nothing written), two inputs disagree, or the award cannot be made;
    2 a file could not be read, or the output folder is refused (it holds an input, or files
    svscore did not write).
    """
    from svscore.api import award as write_award

    made = write_award(source, bids, out, ocid_prefix=ocid_prefix, measures=measures, draft=draft,
                       illustrative_ok=illustrative_ok, returns=returns, scores=scores, tender=tender)
    documents = [n for n in made.files if n.endswith(".docx")]
    click.echo(f"Wrote the award folder {file_label(str(out))}: {len(documents)} Word documents, "
               f"{'award.ocds.json, ' if 'award.ocds.json' in made.files else ''}manifest.json.")
    if made.gaps:
        click.echo(f"DRAFT: {len(made.gaps)} thing(s) missing, shown in red in the documents and listed in award-report.docx:",
                   err=True)
        for gap in made.gaps:
            click.echo(f"  {gap.line()}", err=True)


def demo_award(out: Path) -> None:
    """``svscore demo``'s award folder: the bundled home care example's tender and bids file, as a
    draft (the example's data has gaps on purpose: evaluators who wrote no justification, a bid not
    fully scored, an abnormally low price with no decision, no addresses)."""
    from svscore.award.folder import build, write_folder
    from svscore.award.sources import from_files
    from svscore.data import examples_dir

    examples = examples_dir()
    inputs = from_files(examples / "council-home-care.json", examples / "council-home-care-bids.json")
    made = build(inputs, ocid_prefix="ocds-demo", draft=True)
    write_folder(out, made.files, inputs.paths())
    click.echo(f"\nWrote a DRAFT award folder for the example's bids file in {file_label(str(out))}: each supplier's "
               f"assessment summary and the award decision report, with the {len(made.gaps)} things the example's data "
               f"lacks shown in red and listed in award-report.docx. svscore award refuses to write it without --draft.")
