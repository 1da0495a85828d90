"""``svscore standstill``: the standstill period's end date, with every day skipped and why."""

from __future__ import annotations

import datetime as dt
import json

import click

from svscore.award.standstill import NATIONS, PROVISIONS


def _date(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-18") from None


@click.command()
@click.option("--published", required=True, callback=_date, metavar="YYYY-MM-DD",
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
