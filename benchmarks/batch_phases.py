"""Where `svscore batch` spends its time: the figures behind the README's phase table.

Generates N returned workbooks of one profile (as batch_benchmark.py does) and prints:

1. processor time per file inside one worker process, split into the part that needs nothing
   from the tender (hash, package checks, calamine parse), reading the file against the tender,
   and the rest (sending results, the worker loop), next to a bare calamine read of the same files;
2. the parent's phases of a whole batch with 2 workers, after its imports: until collecting starts
   (loading the tender and score sheets while the workers read), collecting and preparing the
   bids, scoring, and writing the outputs, each as wall time and the parent's processor time.
   Python's start-up and imports come on top: batch_benchmark.py's one-file batch shows them.

Run: python benchmarks/batch_phases.py [N [PROFILE]]   (PROFILE: example, realistic or full)
"""

from __future__ import annotations

import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import batch_benchmark as bench  # the bare read
import bids  # the profiles and the workbook generator


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def worker_split(files: list[Path], tender) -> None:
    """Processor time per file in one worker, by part (the worker writes its totals to a file)."""
    import svscore.batch.pool as pool
    import svscore.excel.cellxml as cellxml
    from svscore.batch.spec import Limits, read_specs

    totals = Path(tempfile.mkstemp(suffix=".txt")[1])
    parts = {"start": 0.0, "finish": 0.0, "misread": 0.0}
    start_reading, finish_reading, worker = pool.start_reading, pool.finish_reading, pool._worker

    def timed(part, fn):
        def run(*args):
            t = time.process_time()
            try:
                return fn(*args)
            finally:
                parts[part] += time.process_time() - t
        return run

    def counted_worker(*args):
        t = time.process_time()
        try:
            worker(*args)
        finally:
            totals.write_text(f"{time.process_time() - t} {parts['start']} {parts['finish']} {parts['misread']}")

    misread_cell = cellxml.CellXml.misread_cell
    pool.start_reading, pool.finish_reading, pool._worker = timed("start", start_reading), timed("finish", finish_reading), counted_worker
    cellxml.CellXml.misread_cell = timed("misread", misread_cell)  # type: ignore[method-assign]
    try:
        pool.inspect_all([(f, f.name) for f in files], read_specs(tender, bids.MEASURES), Limits(), jobs=1)
    finally:
        pool.start_reading, pool.finish_reading, pool._worker = start_reading, finish_reading, worker
        cellxml.CellXml.misread_cell = misread_cell  # type: ignore[method-assign]
    total, start, finish, misread = (float(x) for x in totals.read_text().split())
    totals.unlink()
    base = bench.timed(bench.calamine_read, files)
    n = len(files) / 1000  # ms per file from seconds
    print(f"\nOne worker, processor time per file ({len(files)} files):")
    print(f"  hash, package checks, calamine parse   {start / n:6.2f} ms")
    print(f"  reading it against the tender          {finish / n:6.2f} ms")
    print(f"    of which: its sheets searched for values read unlike Excel {misread / n:.2f} ms")
    print(f"  the rest (sending results, the loop)   {(total - start - finish) / n:6.2f} ms")
    print(f"  in all                                 {total / n:6.2f} ms   ({total / base:.2f}× the bare calamine read of the "
          f"same files, {base / n:.2f} ms a file)")


def parent_phases(root: Path, base: float) -> None:
    """The parent's phases of a whole batch, as the command runs it (2 workers, outputs written)."""
    import svscore.batch.run as run_module
    from svscore.batch.outputs import write_outputs
    from svscore.batch.run import BatchOptions, collector_paused, run_batch
    from svscore.scoring import engine

    marks: list[tuple[str, float, float]] = [("start", time.perf_counter(), cpu())]
    scorer_finish, pool_collect = engine.TenderScorer.finish, run_module.InspectionPool.collect

    def collect(self, on_result=None, **kwargs):
        first = []

        def arrived(index, result):
            if not first:
                first.append(1)
                marks.append(("loading the tender and score sheets, until collecting starts", time.perf_counter(), cpu()))
            if on_result:
                on_result(index, result)
        done = pool_collect(self, arrived, **kwargs)
        marks.append(("collecting the results and preparing each bid", time.perf_counter(), cpu()))
        return done

    def finish(self, prepared):
        result = scorer_finish(self, prepared)
        marks.append(("scoring (one competition, every explanation)", time.perf_counter(), cpu()))
        return result

    run_module.InspectionPool.collect, engine.TenderScorer.finish = collect, finish
    try:
        with collector_paused():
            run = run_batch(root / "tender.json", root / "returns", root / "out", scores_dir=root / "scores",
                            options=BatchOptions(jobs=2))
            marks.append(("the rest of the run (input hashes, workers stopped)", time.perf_counter(), cpu()))
            write_outputs(run, root / "out", {})
            marks.append(("writing results.xlsx/csv/json and the manifest", time.perf_counter(), cpu()))
    finally:
        run_module.InspectionPool.collect, engine.TenderScorer.finish = pool_collect, scorer_finish
    print("\nThe parent, a whole batch with 2 workers (wall seconds / the parent's processor seconds):")
    for (_, t0, c0), (label, t1, c1) in itertools.pairwise(marks):
        print(f"  {label:<62} {t1 - t0:5.2f} s / {c1 - c0:5.2f} s")
    print(f"  {'in all (the workers ran beside it)':<62} {marks[-1][1] - marks[0][1]:5.2f} s / {marks[-1][2] - marks[0][2]:5.2f} s"
          f"   ({(marks[-1][1] - marks[0][1]) / base:.2f}× the bare calamine read, {base:.2f} s)")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    profile = sys.argv[2] if len(sys.argv) > 2 else "full"
    with tempfile.TemporaryDirectory(prefix="svscore-phases-") as tmp:
        root = Path(tmp)
        tender = bids.PROFILES[profile][0]
        bids.make_folder(profile, n, root)
        files = bids.bid_files(root / "returns")
        bench.calamine_read(files[:20])  # warm the file cache
        print(f"{os.cpu_count()} cores; profile '{profile}', {n} returned workbooks")
        worker_split(files, tender)
        parent_phases(root, bench.timed(bench.calamine_read, files))


if __name__ == "__main__":
    main()
