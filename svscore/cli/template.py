"""``svscore template``: build, read, pack and verify the Excel templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from svscore.atomic import refuse_overwrites, write_atomic
from svscore.cli import wrote
from svscore.xl.wheelhouse import SUPPORTED_PYTHONS

if TYPE_CHECKING:
    from svscore.model.measures import MeasuresTable
    from svscore.model.tender import Tender

measures_option = click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
                               help="The council's measures table (default: the tender's social_value.measures_file).")


def _measures(tender: Tender, tender_path: Path, measures: Path | None) -> tuple[MeasuresTable | None, Path | None]:
    from svscore.model.loading import tender_measures

    return tender_measures(tender, measures, tender_path.parent)


@click.group()
def template() -> None:
    """Excel templates: the evaluation workbook, the bid return workbook and evaluators' score sheets."""


@template.command()
@click.argument("tender_file", metavar="TENDER", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write the workbooks to.")
@measures_option
@click.option("--bidders", type=click.IntRange(1, 200), default=10, show_default=True, help="Bidder rows in the evaluation workbook.")
@click.option("--evaluators", default="Evaluator 1,Evaluator 2,Evaluator 3", show_default=True,
              help="Comma-separated evaluator names: one score sheet each.")
@click.option("--live", is_flag=True, help="Also build the live evaluation workbook, whose Live sheet calls svscore's Excel functions.")
def build(tender_file: Path, out: Path, measures: Path | None, bidders: int, evaluators: str, live: bool) -> None:
    """Generate the workbooks for TENDER (one set per lot) into --out."""
    from svscore.excel.pack import template_files
    from svscore.model.loading import load_tender

    tender = load_tender(tender_file)
    table, table_path = _measures(tender, tender_file, measures)
    inputs = (tender_file, table_path) if table_path else (tender_file,)
    names = tuple(n.strip() for n in evaluators.split(",") if n.strip())
    files = template_files(tender, table, bidders, names, live)
    refuse_overwrites(tuple(out / name for name in files), inputs)
    for name, data in files.items():
        write_atomic(out / name, data, protect=inputs)
        wrote(out / name)


@template.command()
@click.argument("record_file", metavar="CONTRACT", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write the returns to.")
@click.option("--period", "periods", multiple=True, help="Only this reporting period (its id, e.g. Y1Q2); may be given again.")
def monitoring(record_file: Path, out: Path, periods: tuple[str, ...]) -> None:
    """Generate the monitoring return workbook of each reporting period of the contract CONTRACT
    (a contract record) into --out, for its supplier to fill in."""
    from svscore.errors import SvscoreError
    from svscore.excel import workbook as xw
    from svscore.excel.monitoring_return import build_monitoring_return
    from svscore.model.loading import load_contract

    record = load_contract(record_file)
    unknown = [p for p in periods if record.period(p) is None]
    if unknown:
        raise SvscoreError(f"The contract has no period {', '.join(map(repr, unknown))}: its periods are "
                           f"{', '.join(p.id for p in record.periods)}.")
    chosen = [p.id for p in record.periods if not periods or p.id in periods]
    files = {f"{record.reference.replace('/', '-')}-{pid}-monitoring-return.xlsx": xw.to_bytes(build_monitoring_return(record, pid))
             for pid in chosen}
    refuse_overwrites(tuple(out / name for name in files), (record_file,))
    for name, data in files.items():
        write_atomic(out / name, data, protect=(record_file,))
        wrote(out / name)


@template.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--tender-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the tender JSON here.")
@click.option("--bids-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the bids JSON here.")
@click.option("--governance-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Governance sheet's moderation log, recommendation, sign-off and version history (JSON) here.")
def read(workbook: Path, tender_out: Path | None, bids_out: Path | None, governance_out: Path | None = None) -> None:
    """Turn a filled evaluation WORKBOOK back into a tender file and a bids file (the panel's
    declarations in the bids file's panel; from format version 4 the Governance sheet's award
    dates, abnormally low tender decisions and tie decisions in the bids file too), and the rest
    of its Governance sheet."""
    from svscore.excel.read import read_evaluation

    result = read_evaluation(workbook)
    tender_json = result.tender.model_dump(mode="json", exclude_defaults=True)
    bids_json = result.bids.model_dump(mode="json", exclude_defaults=True)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    governance_json = json.loads(json.dumps(result.governance, default=str))
    if tender_out or bids_out or governance_out:
        refuse_overwrites(tuple(p for p in (tender_out, bids_out, governance_out) if p), (workbook,))
        if governance_out:
            write_atomic(governance_out, json.dumps(governance_json, indent=2, ensure_ascii=False) + "\n", protect=(workbook,))
            wrote(governance_out, err=True)
        if tender_out:
            write_atomic(tender_out, json.dumps(tender_json, indent=2, ensure_ascii=False) + "\n", protect=(workbook,))
            wrote(tender_out, err=True)
        if bids_out:
            write_atomic(bids_out, json.dumps(bids_json, indent=2, ensure_ascii=False) + "\n", protect=(workbook,))
            wrote(bids_out, err=True)
    else:
        click.echo(json.dumps({"tender": tender_json, "bids": bids_json, "governance": governance_json}, indent=2, ensure_ascii=False))


@template.command()
@click.argument("tender_file", metavar="TENDER", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The pack's zip file.")
@measures_option
@click.option("--with-installer", is_flag=True,
              help="Also include svscore's wheel, built from this checkout, and a wheelhouse of every wheel it needs on "
                   "Windows x64 (Python 3.11 to 3.14), downloaded from the package index, so a council installs without one.")
@click.option("--installer-python", "installer_pythons", multiple=True, type=click.Choice(SUPPORTED_PYTHONS),
              help="With --with-installer: only the wheels for this Python version (repeat for more); default: every supported one.")
def pack(tender_file: Path, out: Path, measures: Path | None, with_installer: bool, installer_pythons: tuple[str, ...]) -> None:
    """Bundle templates, tender, schemas, measures, guide and checksums for a partner council."""
    from svscore.excel.pack import build_pack
    from svscore.model.loading import load_tender

    tender = load_tender(tender_file)
    table, table_path = _measures(tender, tender_file, measures)
    inputs = (tender_file, table_path) if table_path else (tender_file,)
    refuse_overwrites((out,), inputs)
    wheels = _installer_wheels(installer_pythons or SUPPORTED_PYTHONS) if with_installer else None
    data = build_pack(tender, tender_file.read_bytes(), tender_file.name, table,
                      table_path.read_bytes() if table_path else None, table_path.name if table_path else None, wheels)
    write_atomic(out, data, protect=inputs)
    wrote(out)


def _installer_wheels(pythons: tuple[str, ...]) -> dict[str, bytes]:
    """svscore's wheel and its Windows wheelhouse, by file name."""
    import tempfile

    from svscore.xl.wheel import build_wheel
    from svscore.xl.wheelhouse import WINDOWS_X64, build_wheelhouse

    with tempfile.TemporaryDirectory(prefix="svscore-installer-") as tmp:
        click.echo("Building svscore's wheel and downloading the Windows wheelhouse (a minute or two)...", err=True)
        wheel = build_wheel(Path(tmp) / "wheel")
        return {w.name: w.read_bytes() for w in build_wheelhouse(wheel, Path(tmp) / "wheelhouse", WINDOWS_X64, pythons)}


@template.command()
@click.argument("pack_file", metavar="PACK", type=click.Path(path_type=Path))
def verify(pack_file: Path) -> None:
    """Check a pack (the zip, or the folder it was unzipped into) against its manifest. Exit 0 when
    intact, 1 when not."""
    from svscore.excel.pack import verify_pack

    problems = verify_pack(pack_file)
    for p in problems:
        click.echo(f"{p}", err=True)
    if problems:
        click.echo(f"{pack_file}: NOT intact ({len(problems)} problem(s)).")
        sys.exit(1)
    click.echo(f"{pack_file}: intact.")
