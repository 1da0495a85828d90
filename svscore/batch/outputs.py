"""Batch outputs: results.xlsx for officers, results.csv, results.json and the audit manifest.json.

Every file is written atomically, never over an input, and with identical bytes for identical
inputs (no run times inside). The workbook is rendered by :mod:`svscore.render.results_workbook`
in another process meanwhile; ``svscore verify`` checks the manifest (:mod:`svscore.batch.verify`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from svscore import __version__
from svscore.atomic import write_atomic
from svscore.batch.intake import file_sha256
from svscore.batch.run import BatchError, BatchRun, thresholds_path
from svscore.errors import file_label
from svscore.render.background import in_background
from svscore.render.results_workbook import results_workbook_bytes
from svscore.render.tables import to_csv, to_json

OUTPUTS = ("results.xlsx", "results.csv", "results.json")
MANIFEST = "manifest.json"


def write_outputs(run: BatchRun, out_dir: Path, options: dict[str, Any]) -> dict[str, Path]:
    """Write the four outputs into ``out_dir``; never over a file the run read."""
    clash = sorted({name for p in run.input_paths if (name := _output_over(p, out_dir)) is not None})
    if clash:  # refused before anything is written, so no half set of results is left behind
        raise BatchError(f"the output folder {out_dir} holds input files named like the results ({', '.join(clash)}): "
                         "choose another output folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    _refuse_if_open(out_dir)
    workbook = in_background(results_workbook_bytes, run)
    data = {
        # Compact: with indent, json falls back to its pure-Python encoder (several times slower on
        # a 1,000-bid document). results.xlsx is the human-readable output.
        "results.json": (json.dumps(results_document(run), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"),
        "results.csv": to_csv(run.result).encode("utf-8"),
    }
    data["results.xlsx"] = workbook()
    manifest = {
        "svscore_version": __version__,
        "tender_reference": run.tender.reference,
        "inputs": sorted(run.inputs, key=lambda x: x["name"]),
        "thresholds_table": _thresholds(run),
        "received_times_from": run.received_source,
        "options": options,
        "outputs": [{"name": n, "size": len(data[n]), "sha256": hashlib.sha256(data[n]).hexdigest()} for n in OUTPUTS],
    }
    data[MANIFEST] = to_json(manifest).encode("utf-8")
    written = {}
    for name in (*OUTPUTS, MANIFEST):
        try:
            written[name] = write_atomic(out_dir / name, data[name])
        except PermissionError as exc:  # opened in the moment since the check above
            raise BatchError(f"could not write {out_dir / name} ({exc.strerror}): it may be open in Excel. Close it and run "
                             f"again: the files in {out_dir} may now mix this run's results with the last ones "
                             f"({', '.join(written) or 'none'} written)") from None
    return written


def _output_over(path: Path, out_dir: Path) -> str | None:
    """The output that would be written over the input file ``path``, if one would. Only a file
    named like an output can be one (compared first, and without case, which some file systems
    ignore): looking further at each of thousands of inputs would take a noticeable time."""
    for name in (*OUTPUTS, MANIFEST):
        if path.name.casefold() == name.casefold():
            try:
                return name if os.path.samefile(path, out_dir / name) else None
            except OSError:  # no such output yet, or the input is gone
                return None
    return None


def _refuse_if_open(out_dir: Path) -> None:
    """On Windows a workbook or CSV open in Excel cannot be replaced. Found before anything is
    written, so the folder never holds some outputs of this run and some of the last."""
    locked = [name for name in (*OUTPUTS, MANIFEST) if _locked(out_dir / name)]
    if locked:
        raise BatchError(f"{', '.join(locked)} in {out_dir} cannot be replaced: open in Excel or another program, or "
                         "read-only. Close it (or choose another --out) and run again; nothing was written")


def _locked(path: Path) -> bool:
    try:
        with path.open("r+b"):  # Excel holds the files it has open with writing denied to others
            return False
    except FileNotFoundError:
        return False
    except OSError:
        return True




def _thresholds(run: BatchRun) -> dict[str, Any]:
    from importlib import resources

    path = thresholds_path(run.tender)
    if path is not None:
        # the council's own table: its bytes are what the decision was made on
        return {"name": file_label(path.name), "source": "the tender's thresholds_table", "sha256": file_sha256(path)}
    data = resources.files("svscore.data").joinpath("thresholds.json").read_bytes()
    return {"name": "svscore/data/thresholds.json", "sha256": hashlib.sha256(data).hexdigest()}


def results_document(run: BatchRun) -> dict[str, Any]:
    doc = run.result.as_dict()
    doc["svscore_version"] = __version__
    doc["files"] = [f.as_dict() for f in run.files]
    doc["skipped"] = [{"name": n, "reason": r} for n, r in run.skipped]
    doc["problems"] = [p.as_dict() for p in run.problems]
    doc["received_times_from"] = run.received_source
    return doc


