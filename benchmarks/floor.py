"""The least any end-to-end batch could take: batch_benchmark.py's "floor" contender.

A fresh process that does only the parts of `svscore batch` no design can leave out, as the batch
does them and in parallel as the batch does:

- Python starts (as for any command);
- worker processes, one a core, start at once and each hashes (the manifest needs every input's
  SHA-256) and parses with python-calamine every sheet of its share of the files, as the bare read
  does, and send nothing back;
- meanwhile the parent imports what a batch needs (the models, the engine, the outputs' writer)
  and loads the tender and its measures table.

Nothing is checked, scored, explained or written. A batch that does all of that cannot be faster
than this; the ratio of this to the bare read shows how much of the "within 1.5×" aim is left for
the work the issue asks for.

Run by batch_benchmark.py: python benchmarks/floor.py RETURNS_DIR TENDER_FILE JOBS
"""

from __future__ import annotations

import hashlib
import importlib
import io
import multiprocessing as mp
import sys
from pathlib import Path


def _read(files: list[str]) -> None:
    from python_calamine import CalamineWorkbook

    for f in files:
        data = Path(f).read_bytes()
        hashlib.sha256(data).hexdigest()
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


IMPORTED = ("svscore.cli.batch", "svscore.batch.run", "svscore.batch.scores", "svscore.scoring.engine", "svscore.batch.outputs")
"""What a batch imports besides the loading of the tender: the command, the engine and the outputs' writer."""


def main() -> None:
    returns, tender_file, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    files = sorted(str(p) for p in returns.glob("*.xlsx"))
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    workers = [ctx.Process(target=_read, args=(files[k::jobs],)) for k in range(jobs)]
    for w in workers:
        w.start()
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]  # as the command line does (openpyxl's probe)
    for module in IMPORTED:
        importlib.import_module(module)
    from svscore.batch.spec import lot_specs
    from svscore.model.loading import load_measures, load_tender

    tender = load_tender(tender_file)
    measures = load_measures(tender_file.parent / tender.social_value.measures_file) if tender.social_value.measures_file else None
    lot_specs(tender, measures)
    for w in workers:
        w.join()


if __name__ == "__main__":
    main()
