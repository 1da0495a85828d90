"""``svscore verify``: whether a batch's outputs and inputs are still those its manifest records.

Every file is compared by its SHA-256; a folder given is also searched as the run searched it, so a
workbook added since the run is reported too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from svscore.batch.intake import file_sha256
from svscore.batch.outputs import MANIFEST
from svscore.errors import file_label


def verify_manifest(out_dir: Path, returns: Path | None = None, scores: Path | None = None, tender: Path | None = None) -> list[str]:
    """What no longer matches the manifest: the outputs, and each input folder or file given.

    A folder given is also searched as the run searched it: a workbook there now that the run did
    not read (added since) is reported, so a verified folder is exactly the one that was scored.
    """
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        inputs = _hashes(manifest, "inputs")
        outputs = _hashes(manifest, "outputs")
    except (OSError, ValueError) as exc:
        return [f"{out_dir / MANIFEST}: cannot be read ({exc})"]
    problems = [p for name, digest in outputs.items() if (p := _changed(out_dir / name, digest))]
    if returns is not None:
        from svscore.batch.receipts import RECEIVED_FILE
        from svscore.batch.run import discover

        recursive = bool((manifest.get("options") or {}).get("recursive"))
        found = {rel: path for path, rel in discover(returns, recursive)[0]} if returns.is_dir() else {}
        if (returns / RECEIVED_FILE).is_file():
            found[RECEIVED_FILE] = returns / RECEIVED_FILE
        problems += _check_folder(returns, "returns/", inputs, found)
    if scores is not None:
        from svscore.batch.scores import score_sheet_files

        found = {file_label(p.name): p for p in score_sheet_files(scores)} if scores.is_dir() else {}
        problems += _check_folder(scores, "scores/", inputs, found)
    if tender is not None:
        if file_label(tender.name) not in inputs:
            problems.append(f"{tender}: not the tender of this run (the manifest lists no input of that name)")
        beside = {file_label(p.name): p for p in tender.parent.iterdir()} if tender.parent.is_dir() else {}
        beside[file_label(tender.name)] = tender
        for name, digest in inputs.items():
            if "/" not in name:  # the tender file, and the measures table found beside it
                problems += [p] if (p := _changed(beside.get(name, tender.parent / name), digest)) else []
    return problems


def _hashes(manifest: Any, key: str) -> dict[str, str]:
    """A manifest's list of files as {name: SHA-256}; ValueError when it is not one svscore wrote."""
    entries = manifest.get(key, []) if isinstance(manifest, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str)
                                                and isinstance(e.get("sha256"), str) for e in entries):
        raise ValueError(f"its {key} are not a list of files with a name and a SHA-256")
    return {e["name"]: e["sha256"] for e in entries}


def _changed(path: Path, digest: str) -> str | None:
    if not path.is_file():
        return f"{file_label(str(path))}: missing"
    if file_sha256(path) != digest:
        return f"{file_label(str(path))}: changed since the run (SHA-256 differs)"
    return None


def _check_folder(folder: Path, prefix: str, inputs: dict[str, str], found: dict[str, Path]) -> list[str]:
    """``found``: the files the run would read in ``folder`` now, by the name the manifest gives them
    (see :func:`svscore.errors.file_label`)."""
    problems = [p for name, digest in inputs.items() if name.startswith(prefix)
                and (p := _changed(found.get(name.removeprefix(prefix), folder / name.removeprefix(prefix)), digest))]
    problems += [f"{file_label(str(folder))}/{rel}: not in the manifest: added since the run, which did not read it"
                 for rel in found if prefix + rel not in inputs]
    return problems

