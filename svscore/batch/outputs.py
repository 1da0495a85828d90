"""Batch outputs: results.xlsx for officers, results.csv, results.json and the audit manifest.json.

Every file is written atomically, never over an input, and with identical bytes for identical
inputs (no run times inside). The workbook is rendered by :mod:`svscore.render.results_workbook`
in another process meanwhile; ``svscore verify`` checks the manifest (:mod:`svscore.batch.verify`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from svscore import __version__
from svscore.atomic import PendingFile
from svscore.batch.intake import file_sha256
from svscore.batch.run import BatchError, BatchRun, thresholds_path
from svscore.errors import file_label
from svscore.render.background import streamed_in_background
from svscore.render.json_stream import Lazy, json_pieces
from svscore.render.results_workbook import results_workbook_bytes
from svscore.render.tables import csv_pieces, to_json

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
    workbook = streamed_in_background(results_workbook_bytes, run)
    pending: dict[str, PendingFile] = {}
    try:
        pending["results.json"] = _pending(out_dir, "results.json", results_json(run))
        pending["results.csv"] = _pending(out_dir, "results.csv", csv_pieces(run.result))
        pending["results.xlsx"] = xlsx = PendingFile(out_dir / "results.xlsx")
        workbook(xlsx.write, xlsx.restart)  # a piece at a time as the workbook's process gives it
        manifest = {
            "svscore_version": __version__,
            "tender_reference": run.tender.reference,
            "inputs": sorted(run.inputs, key=lambda x: x["name"]),
            "thresholds_table": _thresholds(run),
            "received_times_from": run.received_source,
            "options": options,
            "outputs": [{"name": n, "size": pending[n].size, "sha256": pending[n].hash.hexdigest()} for n in OUTPUTS],
        }
        pending[MANIFEST] = _pending(out_dir, MANIFEST, [to_json(manifest)])
    except BaseException:
        for file in pending.values():
            file.discard()
        raise
    written: dict[str, Path] = {}
    for name in (*OUTPUTS, MANIFEST):
        try:
            written[name] = pending.pop(name).commit()
        except BaseException as exc:
            for file in pending.values():  # nothing left behind: the temporary files of the outputs not yet in place
                file.discard()
            if not isinstance(exc, OSError):
                raise
            why = " it may be open in Excel. Close it and" if isinstance(exc, PermissionError) else ""
            raise BatchError(f"could not write {out_dir / name} ({exc.strerror or exc}):{why} run "
                             f"again: the files in {out_dir} may now mix this run's results with the last ones "
                             f"({', '.join(written) or 'none'} written)") from None
    return written


def _pending(out_dir: Path, name: str, pieces: Iterable[str | bytes]) -> PendingFile:
    """``pieces`` written to a temporary file beside ``out_dir / name``, not yet put in place."""
    file = PendingFile(out_dir / name)
    try:
        for piece in pieces:
            file.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    except BaseException:
        file.discard()
        raise
    return file


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
    """results.json: the result as :meth:`TenderResult.as_dict` gives it, then the files, what was
    skipped and the problems; each lot's bids, the files and the problems made into dictionaries
    only as they are written (:class:`~svscore.render.json_stream.Lazy`)."""
    doc = run.result.as_dict(bids_as=Lazy)
    doc["svscore_version"] = __version__
    doc["files"] = Lazy(f.as_dict() for f in run.files)
    doc["skipped"] = [{"name": n, "reason": r} for n, r in run.skipped]
    doc["problems"] = Lazy(p.as_dict() for p in run.problems)
    doc["received_times_from"] = run.received_source
    return doc


def results_json(run: BatchRun) -> Iterator[bytes]:
    """The bytes of results.json, in pieces (as :func:`write_outputs` writes them): compact JSON,
    a bid at a time, so that its text (about 6 KB a bid) is never held whole."""
    return json_pieces(results_document(run), compact=True)
