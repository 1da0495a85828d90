"""``svscore monitor``: what was delivered of each contract's promises, and where the money went."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from svscore.cli import wrote
from svscore.cli.amounts import uk_date
from svscore.errors import file_label


@click.command()
@click.argument("records", type=click.Path(exists=True, path_type=Path))
@click.argument("returns", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder for results.xlsx, results.csv, results.json and manifest.json.")
@click.option("--as-of", "as_of", callback=uk_date, default=None, metavar="DATE",
              help="The date to judge returns and years by (day first, or ISO) [today].")
@click.option("--local", "local", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A text file of the postcode areas and districts the council counts as local (BS, BS16, ...).")
def monitor(records: Path, returns: Path, out_dir: Path, as_of: dt.date | None, local: Path | None) -> None:
    """Read the returned monitoring workbooks in RETURNS against the contract records (a record, or a
    folder of them): committed against delivered, shortfalls, returns late or missing, KPIs, and the
    share of spend with local organisations, SMEs and VCSEs.

    Exit code 0: every return read; 1: a return could not be used, a commitment fell short or a return
    is missing; 2: a record or the folder could not be read.
    """
    from svscore.api import monitor as read_returns
    from svscore.errors import Severity
    from svscore.monitor.outputs import MANIFEST, OUTPUTS

    when = as_of or dt.date.today()
    run = read_returns(records, returns, out_dir, as_of=when, local=local)
    written = {name: out_dir / name for name in (*OUTPUTS, MANIFEST)}
    for m in run.contracts:
        committed, delivered = m.totals()
        late = [r.period for r in m.returns if r.status == "late"]
        missing = [r.period for r in m.returns if r.status == "missing"]
        click.echo(f"{m.record.reference} ({m.record.supplier.name}): £{float(delivered):,.2f} of £{float(committed):,.2f} "
                   f"social value committed over the contract delivered to {when:%d %b %Y}; {len(m.shortfalls)} shortfall(s)"
                   + (f"; late: {', '.join(late)}" if late else "") + (f"; missing: {', '.join(missing)}" if missing else ""))
        for c in m.shortfalls:
            year = f"year {c.year}" if c.year is not None else "the contract"
            click.echo(f"  shortfall: {c.measure} in {year}: {float(c.delivered):g} of {float(c.committed):g} {c.unit}")
    bad = [f for f in run.files if not f.used]
    for f in bad:
        first = next((p for p in f.problems if p.severity is Severity.ERROR), None)
        click.echo(f"  ! {f.name}: {first.message if first else 'not used'}")
    for path in written.values():
        wrote(path)
    failed = bad or any(m.shortfalls or any(r.status == "missing" for r in m.returns) for m in run.contracts)
    sys.exit(1 if failed else 0)


def demo_monitoring(out: Path) -> None:
    """``svscore demo``'s year of monitoring: the example contract's four quarterly returns (its local
    jobs short of the promise, one return late) read by ``svscore monitor``."""
    from svscore.data import examples_dir
    from svscore.monitor.demo import AS_OF, make_monitoring_demo
    from svscore.monitor.outputs import write_outputs
    from svscore.monitor.run import run_monitor

    paths = make_monitoring_demo(out, examples_dir() / "council-home-care-contract.json")
    run = run_monitor(paths["record"], paths["returns"], AS_OF, paths["local"])
    write_outputs(run, out / "results", (paths["record"], paths["local"], *paths["returns"].iterdir()),
                  {"as_of": AS_OF.isoformat(), "local": True})
    (m,) = run.contracts
    committed, delivered = m.totals()
    late = ", ".join(r.period for r in m.returns if r.status == "late") or "none"
    click.echo(f"\nMonitoring the awarded contract ({m.record.supplier.name}) to {AS_OF:%d %b %Y}: £{float(delivered):,.2f} of "
               f"£{float(committed):,.2f} social value committed over the contract delivered so far, {len(m.shortfalls)} shortfall(s), late returns: {late}. "
               f"Results: {file_label(str(out / 'results' / 'results.xlsx'))} (svscore monitor {file_label(str(paths['record']))} "
               f"{file_label(str(paths['returns']))} --local {file_label(str(paths['local']))} --out ...).")
