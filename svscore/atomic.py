"""Write output files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from svscore.errors import OutputRefused


def refuse_overwrites(outputs: tuple[Path, ...], inputs: tuple[Path, ...]) -> None:
    """Raise :class:`OutputRefused` before anything is written when an output is one of the inputs,
    or two outputs are the same file: a command writes all its outputs or none."""
    seen: dict[Path, Path] = {}
    for out in outputs:
        resolved = out.resolve()
        for p in inputs:
            if p.exists() and p.resolve() == resolved:
                raise OutputRefused(f"refusing to write output over the input file {p}: choose another output name")
        if resolved in seen:
            raise OutputRefused(f"two outputs would be the same file {out}: choose another name for one")
        seen[resolved] = out


def write_atomic(path: str | Path, data: bytes | str | Iterable[bytes], *, protect: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.

    ``data`` may be pieces of bytes, made as they are written (a large output need not be held
    whole); an error while making them leaves the old file as it was. ``protect`` lists input files
    that must never be overwritten.
    """
    target = Path(path)
    refuse_overwrites((target,), protect)
    if isinstance(data, str):
        data = data.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                fh.writelines(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
