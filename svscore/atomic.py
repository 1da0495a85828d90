"""Write output files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import hashlib
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
    pending = PendingFile(target)
    try:
        if isinstance(data, (bytes, str)):
            pending.write(data.encode("utf-8") if isinstance(data, str) else data)
        else:
            for piece in data:
                pending.write(piece)
    except BaseException:
        pending.discard()
        raise
    return pending.commit()


class PendingFile:
    """An output written piece by piece to a temporary file beside ``target``, which
    :meth:`commit` puts in its place (readers see the old file or the new one, never half of
    one), or :meth:`discard` removes. Its size and SHA-256 are counted as it is written, so a
    large output need never be held whole in memory."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.chmod(self.tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
            self.file = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            Path(self.tmp).unlink(missing_ok=True)
            raise
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)
        self.size += len(data)

    def restart(self) -> None:
        """Forget what was written: the file is empty again, its size and hash those of nothing."""
        self.file.seek(0)
        self.file.truncate()
        self.size = 0
        self.hash = hashlib.sha256()

    def commit(self) -> Path:
        """Put the file in place (flushed to disk first); on failure the temporary file is removed."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.tmp, self.target)
        except BaseException:
            self.discard()
            raise
        return self.target

    def discard(self) -> None:
        """Remove the temporary file; the target is left as it was."""
        self.file.close()
        Path(self.tmp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
