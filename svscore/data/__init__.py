"""Data shipped with svscore: the thresholds table, and the bundled examples."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path


def examples_dir(package: str = "svscore.examples") -> Path:
    """The bundled example tenders, bids and illustrative measures table.

    Installed, they are the package ``svscore.examples`` (a folder without ``__init__.py``); in a
    development checkout (editable install) they are the repository's ``examples/`` folder.
    """
    spec = find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "council-home-care.json").is_file():
                return Path(location)
    repo = Path(__file__).resolve().parent.parent.parent / "examples"
    if repo.is_dir():
        return repo
    raise FileNotFoundError("the bundled examples are missing from this installation of svscore")
