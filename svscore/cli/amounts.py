"""Command-line amounts, percents and dates, read by the same rules as workbook cells.

An officer types ``--value £250,000`` or ``--start-date 02/03/2026`` as they would in Excel, so
the options reuse the cell readers (:func:`svscore.excel.cells.parse_number`, ``text_date``):
``12,5`` is refused as a decimal comma, not read as 125; ``nan`` and ``inf`` are not amounts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click

from svscore.errors import Problem
from svscore.excel.cells import parse_number, text_date
from svscore.fmt import money


def _number(value: str, what: str, example: str) -> Decimal:
    problems: list[Problem] = []
    d = parse_number(value, "", what, problems)
    if d is None:
        why = problems[0].message if problems else f"{what} must be a number"
        raise click.BadParameter(f"{why}; give {example}")
    return d


def pounds(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """An amount in pounds, not negative (e.g. 250000 or £250,000)."""
    if value is None:
        return None
    d = _number(value, "an amount in pounds", "an amount in pounds such as 250000 or £250,000")
    if d < 0:
        raise click.BadParameter(f"an amount in pounds cannot be negative ({money(d)})")
    return d


def percent(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """A percent from 0 to 100 (e.g. 10 or 10%)."""
    if value is None:
        return None
    text = value.strip().removesuffix("%")
    d = _number(text, "a percent", "a percent from 0 to 100 such as 10")
    if not 0 <= d <= 100:
        raise click.BadParameter(f"a percent must be from 0 to 100, not {d}")
    return d


def uk_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A date typed day first as UK workbooks read it (02/03/2026 is 2 March), or ISO 2026-03-02."""
    if value is None:
        return None
    d = text_date(value)
    if d is None:
        raise click.BadParameter(f"{value!r} is not a date: give it day/month/year (02/03/2026) or as 2026-03-02")
    return d
