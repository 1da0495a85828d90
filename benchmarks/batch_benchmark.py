"""Benchmark: svscore batch end to end against bare readers of the same files, in one run.

Generates (with bids.py) N returned bid workbooks (different bidders and prices, with their
formulas' values as Excel saves them) plus evaluators' score sheets, in three profiles:

- example: the bundled example tender as it is (a 4-line pricing schedule, one-line responses,
  three of the six measures committed);
- realistic: the same tender with a 40-line pricing schedule and quality responses of about 450
  words;
- full: a 150-line pricing schedule (zones × time bands × services), all six measures committed
  in every year and responses of about 2,500 words of varied text: the size of the "realistic bid
  workbooks" the project's reference measured reader speeds on (about 1,000 non-empty cells).

For each profile it times, on the same files:

1. a bare python-calamine read (every sheet of every file, one process): the baseline;
2. pandas.read_excel with openpyxl (every sheet of every file, one process);
3. `svscore batch` end to end as a user runs it (a subprocess: start-up, checks, reading in
   parallel workers, scoring, and writing results.xlsx/csv/json and the manifest);
4. `svscore batch` of a folder holding one of the files: the fixed cost an officer waits for;
5. the floor (floor.py): a fresh process whose workers hash and parse every file while it imports
   what a batch needs and loads the tender, and nothing more (no checks, scoring or outputs): no
   batch that does its work can be faster.

Each figure but the pandas read is the median of three rounds in which the contenders take turns
(the machine's speed drifts); prints files per second and each figure as a ratio of the baseline.
Run: python -m pip install ".[bench]" && python benchmarks/batch_benchmark.py [N [PROFILE ...]]

`python benchmarks/batch_benchmark.py growth [SIZE ...]` (default 1000 5000 20000) prints instead
the time and the parent process's peak memory of `svscore batch --jobs 2` at each size, and its
memory after each phase, on the example profile's small workbooks in one competition (each size
the first bids, every one of them scored in full), generated in a temporary folder that is
deleted after (with `--folder DIR` the workbooks are generated in DIR, or those generated there
for the same largest size by the same generator and svscore code used again, and kept).
"""

from __future__ import annotations

import csv
import itertools
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bids import MEASURES, MEASURES_FILE, PROFILES, STAMP, bid_files, generator_hash, make_folder, write_score_sheets


def calamine_read(files: list[Path]) -> None:
    from python_calamine import CalamineWorkbook

    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


def pandas_read(files: list[Path]) -> None:
    import pandas as pd

    for f in files:
        pd.read_excel(f, sheet_name=None, engine="openpyxl", header=None)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def run_profile(profile: str, n: int, root: Path) -> None:
    tender = PROFILES[profile][0]
    make_folder(profile, n, root / profile)
    returns, scores, tender_file = root / profile / "returns", root / profile / "scores", root / profile / "tender.json"
    files = sorted(returns.glob("*.xlsx"))
    size = sum(f.stat().st_size for f in files) / len(files) / 1024
    cells = _cells(files[0])
    calamine_read(files[:20])  # warm the file cache for every contender alike
    try:
        pandas = timed(pandas_read, files)  # once: at about 20 times the others, its spread does not matter
    except ImportError:
        pandas = None
    bases, readings, floors = [], [], []
    jobs_max = os.cpu_count() or 1
    runs: dict[int, list[tuple[float, float]]] = {}
    for r in range(ROUNDS):  # the contenders take turns, so a machine that speeds up or slows down meets them alike
        bases.append(timed(calamine_read, files))
        readings.append(timed(_pool_only, tender, files))
        floors.append(timed(lambda: subprocess.run([sys.executable, str(Path(__file__).with_name("floor.py")), str(returns),
                                                    str(tender_file), str(jobs_max)], check=True)))
        for jobs in sorted({1, jobs_max}):
            cmd = [sys.executable, "-m", "svscore", "batch", str(tender_file), str(returns),
                   "--scores", str(scores), "--out", str(root / profile / f"out-{jobs}-{r}"), "--jobs", str(jobs)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and every process it started
            runs.setdefault(jobs, []).append((seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)))
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr)
    base, reading, floor = statistics.median(bases), statistics.median(readings), statistics.median(floors)
    batch = {jobs: statistics.median(s for s, _ in r) for jobs, r in runs.items()}
    cpu = {jobs: statistics.median(c for _, c in r) for jobs, r in runs.items()}
    print(f"\nProfile '{profile}': {n} returned workbooks, {size:.0f} KB and {cells} non-empty cells each; "
          f"the median of {ROUNDS} rounds (pandas: one)")
    print(f"{'reader':<48} {'seconds':>8} {'files/s':>8} {'× calamine':>11}")
    rows = [("python-calamine, bare read (baseline)", base)]
    notes: list[str] = []
    if pandas is not None:
        rows.append(("pandas.read_excel (openpyxl)", pandas))
    rows.append((f"svscore reading and checks only (pool, {jobs_max} workers)", reading))
    rows.append((f"floor: start, imports, hash + parse ({jobs_max} workers)", floor))
    for jobs, secs in batch.items():
        rows.append((f"svscore batch end to end, --jobs {jobs}", secs))
        notes.append(f"--jobs {jobs} used {cpu[jobs]:.2f} s of processor time (user + system, all its processes)")
    for label, secs in rows:
        print(f"{label:<48} {secs:>8.2f} {n / secs:>8.0f} {secs / base:>10.2f}×")
    for note in notes:
        print(note)
    best = min(batch.values())
    if pandas is not None:
        print(f"svscore batch: {pandas / best:.1f}× faster than the pandas/openpyxl read; {best / base:.2f}× the bare calamine read.")
    print(f"The floor (no checks, scoring or outputs) is {floor / base:.2f}× the bare read: it leaves {max(0.0, 1.5 * base - floor):.2f} s "
          f"within the 1.5× aim for checking, scoring and writing {n} bids, which svscore batch does in {best - floor:.2f} s.")
    one = root / profile / "one-file"
    one.mkdir()
    shutil.copy(files[0], one / files[0].name)
    one_cmd = [sys.executable, "-m", "svscore", "batch", str(tender_file), str(one), "--out"]
    small = [timed(lambda out: subprocess.run([*one_cmd, out], capture_output=True), str(root / profile / f"out-one-{k}"))
             for k in range(3)]
    print(f"svscore batch of one returned workbook (no score sheets), best of 3: {min(small):.2f} s (start-up, checks, all four outputs)")


def _pool_only(tender, files: list[Path]) -> None:
    """What the batch's worker pool does for every file: safety checks, read, tamper check, extract."""
    from svscore.batch.pool import inspect_all
    from svscore.batch.spec import Limits, read_specs

    inspect_all([(f, f.name) for f in files], read_specs(tender, MEASURES), Limits(), os.cpu_count() or 1)


def _cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(1 for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row if v != "")


ROUNDS = 3
"""Each figure but the pandas read is the median of this many rounds, taken in turn."""


PEAK = """
import atexit, os, resource, sys
pid = os.getpid()
def status(field):  # VmHWM starts afresh at exec; ru_maxrss would keep the benchmark's own, inherited through fork
    try:
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(field + ":"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1 if sys.platform != "darwin" else 1024)
atexit.register(lambda: os.getpid() == pid and print(f"parent peak {status('VmHWM')}", file=sys.stderr))
import svscore.batch.run as run_module
from svscore.scoring import engine
collect, finish = run_module.InspectionPool.collect, engine.TenderScorer.finish
def phase(label):  # the memory now is known only from /proc (Linux): elsewhere no phase is printed
    if os.path.exists("/proc/self/status"):
        print(f"parent phase {status('VmRSS')} {status('VmHWM')} {label}", file=sys.stderr)
def collecting(self, *args, **kwargs):
    phase("tender and score sheets read")
    done = collect(self, *args, **kwargs)
    phase("bids collected and prepared")
    return done
def finishing(self, prepared):
    result = finish(self, prepared)
    phase("competition scored")
    return result
run_module.InspectionPool.collect, engine.TenderScorer.finish = collecting, finishing
sys.argv[0] = "svscore"
from svscore.cli.main import main
main()
"""
"""`svscore batch` as the command line runs it, printing the resident memory of its own process (the
parent; the workers and the results workbook's processes are not in it) after each of its phases
(now and the peak so far, in KB), and at its exit the peak."""

PHASES = ("tender and score sheets read", "bids collected and prepared", "competition scored")


def batch_peak(tender_file: Path, returns: Path, scores: Path, out: Path, jobs: int) -> tuple[float, float, dict[str, float]]:
    """Seconds, the parent's peak resident memory (MB) and its memory after each phase (MB) of one
    `svscore batch` run."""
    cmd = [sys.executable, "-c", PEAK, "batch", str(tender_file), str(returns), "--scores", str(scores), "--out", str(out),
           "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    kb = next(int(line.split()[-1]) for line in done.stderr.splitlines() if line.startswith("parent peak "))
    phases = {line.split(maxsplit=4)[4]: int(line.split()[2]) / 1024 for line in done.stderr.splitlines() if line.startswith("parent phase ")}
    return seconds, kb / 1024, phases


def scored_in_full(out: Path, n: int) -> None:
    """Stop unless every one of the n bids was read and given its evaluators' scores: a size whose
    returned workbooks and score sheets are not the same bids would measure another batch."""
    with (out / "results.csv").open(newline="", encoding="utf-8-sig") as fh:
        statuses = [row["status"] for row in csv.DictReader(fh)]
    if len(statuses) != n or statuses.count("incomplete"):
        raise SystemExit(f"{out}: {len(statuses)} results for {n} bids, {statuses.count('incomplete')} incomplete: the returned "
                         "workbooks and the score sheets are not the same bids")


def growth(sizes: list[int], root: Path) -> None:
    """Time and the parent's peak memory of `svscore batch --jobs 2` on the example profile's small
    workbooks, all in one competition, at several sizes: the largest folder is generated once and
    the smaller ones are its first files (hard links), each with its own evaluators' score sheets."""
    tender = PROFILES["example"][0]
    biggest = max(sizes)
    stamp = root / "all" / STAMP
    made_by = f"{biggest} workbooks, generator {generator_hash()}\n"
    # A folder kept from a run of the same size, made by the same generator and svscore, is used again.
    if not (stamp.is_file() and stamp.read_text() == made_by and len(bid_files(root / "all" / "returns")) == biggest):
        if (root / "all").exists():
            print(f"{root / 'all'} was made for another size or by another generator: made again", file=sys.stderr)
        shutil.rmtree(root / "all", ignore_errors=True)
        make_folder("example", biggest, root / "all")
        stamp.write_text(made_by)
    files = bid_files(root / "all" / "returns")
    rows = []
    for n in sorted(sizes):
        folder = root / f"n{n}"
        shutil.rmtree(folder, ignore_errors=True)  # left by a run that was stopped
        returns, scores = folder / "returns", folder / "scores"
        returns.mkdir(parents=True)
        scores.mkdir()
        for f in files[:n]:
            os.link(f, returns / f.name)
        shutil.copy(root / "all" / "tender.json", folder / "tender.json")
        shutil.copy(root / "all" / MEASURES_FILE, folder / MEASURES_FILE)
        write_score_sheets(tender, n, scores)
        calamine_read(files[:n])  # the file cache warmed alike for both
        base, runs = [], []
        for r in range(GROWTH_ROUNDS):
            base.append(timed(calamine_read, files[:n]))
            runs.append(batch_peak(folder / "tender.json", returns, scores, folder / f"out-{r}", 2))
            scored_in_full(folder / f"out-{r}", n)
            shutil.rmtree(folder / f"out-{r}")
        seconds = statistics.median(s for s, _, _ in runs)
        peaks = [mb for _, mb, _ in runs]
        phases = {phase: min(p[phase] for _, _, p in runs) for phase in PHASES if all(phase in p for _, _, p in runs)}
        rows.append((n, statistics.median(base), seconds, min(peaks), max(peaks), phases))
        shutil.rmtree(folder)  # the large folders are not kept
        print(f"  {n} bids done", file=sys.stderr)
    print(f"\nGrowth: `svscore batch --jobs 2`, example profile ({len(files[0].read_bytes()) // 1024} KB workbooks), one competition; "
          f"the median of {GROWTH_ROUNDS} runs, peak memory of the parent process (lowest-highest of the runs)")
    print(f"{'bids':>7} {'bare read s':>12} {'batch s':>8} {'× bare':>7} {'ms a bid':>9} {'parent peak MB':>15} {'KB a bid since the last':>24}")
    last = None
    for n, base, seconds, low, high, _ in rows:
        since = f"{(low - last[1]) * 1024 / (n - last[0]):.1f}" if last else ""
        print(f"{n:>7} {base:>12.2f} {seconds:>8.2f} {seconds / base:>6.2f}× {1000 * seconds / n:>9.3f} {low:>7.1f}-{high:<7.1f} {since:>24}")
        last = (n, low)
    if len(rows) > 1:
        (n0, _, s0, p0, _, _), (n1, _, s1, p1, _, _) = rows[0], rows[-1]
        print(f"From {n0} to {n1} bids: {(p1 - p0) * 1024 / (n1 - n0):.1f} KB of parent memory and {1000 * (s1 - s0) / (n1 - n0):.3f} ms a bid more.")
    if any(len(phases) < len(PHASES) for *_, phases in rows):
        print("\nThe parent's memory after each phase is known only on Linux (from /proc): not printed.")
        return
    print("\nThe parent's resident memory after each phase, MB (the lower of the runs), and what each phase adds:")
    print(f"{'bids':>7} " + " ".join(f"{phase:>30}" for phase in PHASES) + f" {'peak':>8}")
    for n, _, _, low, _, phases in rows:
        print(f"{n:>7} " + " ".join(f"{phases[phase]:>30.1f}" for phase in PHASES) + f" {low:>8.1f}")
    if len(rows) > 1:
        (n0, _, _, p0, _, f0), (n1, _, _, p1, _, f1) = rows[0], rows[-1]
        kb = [(f1[phase] - f0[phase]) * 1024 / (n1 - n0) for phase in PHASES] + [(p1 - p0) * 1024 / (n1 - n0)]
        added = [kb[0]] + [b - a for a, b in itertools.pairwise(kb)]
        print(f"{'KB a bid':>7} " + " ".join(f"{k:>30.1f}" for k in kb[:-1]) + f" {kb[-1]:>8.1f}   (from {n0} to {n1} bids)")
        print(f"{'added':>7} " + " ".join(f"{k:>30.1f}" for k in added[:-1]) + f" {added[-1]:>8.1f}   (by the phase; the last, from the "
              "competition to the peak)")


GROWTH_ROUNDS = 2
"""Runs at each size in the growth table (memory hardly varies; time is the median)."""


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "growth":
        args = sys.argv[2:]
        keep = None
        if "--folder" in args:  # generate the workbooks there (or use those generated there before) and keep them
            at = args.index("--folder")
            if at + 1 >= len(args):
                sys.exit("growth --folder needs a folder: growth [SIZE ...] --folder DIR")
            keep, args = Path(args[at + 1]), args[:at] + args[at + 2:]
        sizes = [int(x) for x in args] or [1000, 5000, 20000]
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            growth(sizes, keep)
            return
        with tempfile.TemporaryDirectory(prefix="svscore-growth-") as tmp:
            growth(sizes, Path(tmp))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    chosen = sys.argv[2:] or list(PROFILES)
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    print(f"{os.cpu_count()} cores ({cpu}); Python {platform.python_version()}; svscore batch includes process start-up")
    with tempfile.TemporaryDirectory(prefix="svscore-bench-") as tmp:
        for profile in chosen:
            run_profile(profile, n, Path(tmp))


if __name__ == "__main__":
    main()
