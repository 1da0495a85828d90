"""Data shipped with svscore: the thresholds table, and the bundled examples."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def examples_dir() -> Path:
    """The bundled example tenders, bids and illustrative measures table.

    Installed, they are the package ``svscore.examples``; in a development checkout (editable
    install) they are the repository's ``examples/`` folder.
    """
    try:
        return Path(str(resources.files("svscore.examples")))
    except ModuleNotFoundError:
        repo = Path(__file__).resolve().parent.parent.parent / "examples"
        if repo.is_dir():
            return repo
        raise
