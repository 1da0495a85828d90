"""The ``svscore`` command line: thin commands over the library."""

from __future__ import annotations

from pathlib import Path

from svscore.optional import COMMAND_LINE, require

# Before anything imports them: a missing package is named with the command that installs it.
require(COMMAND_LINE, "the svscore command")

import click  # noqa: E402

from svscore.errors import file_label  # noqa: E402


def wrote(path: Path, err: bool = False) -> None:
    """Tell the user a file was written, naming it as every output names files (a name's bytes
    that are not UTF-8, or its control characters, shown as escapes)."""
    click.echo(f"Wrote {file_label(str(path))}", err=err)
