"""``svscore what-if``: the winner and margin over a grid of top-level weights, as CSV or JSON."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

MAX_GRID_POINTS = 10_001
"""Weights tried on one criterion at most (0 to 100 in steps of 0.01)."""


def _values(text: str) -> list[Decimal]:
    """``0:100:5`` (from, to, step, both ends included) or ``40,50,60``."""
    try:
        if ":" in text:
            start, stop, step = (Decimal(x) for x in text.split(":"))
            if step <= 0 or stop < start:
                raise click.BadParameter(f"{text!r}: give FROM:TO:STEP with a step above 0 and TO not below FROM")
            count = int((stop - start) / step) + 1
            if count > MAX_GRID_POINTS:
                raise click.BadParameter(f"{text!r} is {count:,} weights: at most {MAX_GRID_POINTS:,} on one criterion")
            return [start + i * step for i in range(count)]
        values = [Decimal(x) for x in text.split(",")]
    except (InvalidOperation, ValueError):
        raise click.BadParameter(f"{text!r}: give FROM:TO:STEP (0:100:5) or a list (40,50,60) of numbers") from None
    if not all(v.is_finite() for v in values):
        raise click.BadParameter(f"{text!r}: weights are finite numbers")
    return values


def _vary(_ctx: click.Context, _param: click.Parameter, given: tuple[str, ...]) -> dict[str, list[Decimal]]:
    grid = {}
    for item in given:
        cid, sep, values = item.partition("=")
        if not sep or not cid:
            raise click.BadParameter(f"{item!r}: write CRITERION=FROM:TO:STEP, e.g. PRICE=0:100:5")
        grid[cid] = _values(values)
    if not 1 <= len(grid) <= 2:
        raise click.BadParameter("vary one or two top-level criteria")
    return grid


@click.command("what-if")
@click.argument("tender", type=click.Path(path_type=Path))
@click.argument("bids", type=click.Path(path_type=Path))
@click.option("--vary", "grid", multiple=True, required=True, callback=_vary, metavar="ID=FROM:TO:STEP",
              help="A top-level criterion and the weights to try (percent or marks, as the tender gives them); once or twice.")
@click.option("--measures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The council's measures table (default: the tender's social_value.measures_file).")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of the terminal.")
def what_if(tender: Path, bids: Path, grid: dict[str, list[Decimal]], measures: Path | None, fmt: str, output: Path | None) -> None:
    """Who wins, and by how much, if the weights had been different: one row per lot and weighting,
    the other top-level criteria rescaled in proportion. The bids are scored once."""
    from svscore.api import what_if as grid_rows
    from svscore.cli.main import emit
    from svscore.model.loading import load_tender, tender_measures
    from svscore.render.tables import csv_text, to_json

    model = load_tender(tender)
    table, measures_path = tender_measures(model, measures)
    rows = grid_rows(model, bids, grid, measures=table)
    if fmt == "json":
        text = to_json({"tender": model.reference, "grid": {c: [float(v) for v in vs] for c, vs in grid.items()}, "rows": rows})
    else:
        header = list(rows[0]) if rows else ["lot"]
        text = csv_text(header, [[r.get(h) for h in header] for r in rows])
    emit(text, output, tuple(p for p in (tender, bids, measures_path) if p))
