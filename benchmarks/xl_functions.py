"""How long the Excel functions take per call, against the engine's own scoring of the same matrix.

Run: ``python benchmarks/xl_functions.py`` (CPython). ``--pyodide VERSION`` also runs the same calls
under Pyodide in node (after ``tests/install-test-deps.sh`` has fetched it). Excel recalculates on
every edit, so what matters is a repeated call with the same criteria table: the first call of
each kind (which loads the engine) is left out, then the median of repeated calls is reported.

Reports each figure in milliseconds and as a ratio to ``score_tender`` on the same tender and bids,
built once beforehand (so the ratio is what the function adds: reading the ranges, building the
model from them, and the answer's table).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIDDERS, QUALITY, SOCIAL = 50, 25, 2  # 30 criteria rows: P, Q and its 25, SV and its 2
SAME_RULES = {"abnormally_low": {"percent_below_mean": 20}, "social_value": {"quantitative_method": "relative_to_highest"},
              "tie_breaks": []}
"""The rules SV_RESULTS gives the model with its default arguments, so the engine scores the same tender."""


def criteria() -> list[list]:
    """The Setup table, as Office.js sends it (whole numbers as int)."""
    rows: list[list] = [["ID", "Parent", "Name", "Kind", "Weight", "Scale", "Minimum score", "Scored by"],
                        ["P", None, "Price", "price", 40, None, None, None],
                        ["Q", None, "Quality", "quality", 50, None, None, None]]
    rows += [[f"Q{i:02d}", "Q", f"Question {i}", None, 4, "0-5", None, None] for i in range(1, QUALITY + 1)]
    rows += [["SV", None, "Social value", "social_value", 10, None, None, None]]
    rows += [[f"SV{i}", "SV", f"Social value {i}", None, 50, "0-5", None, None] for i in range(1, SOCIAL + 1)]
    return rows


def arguments(seed: int = 1) -> list:
    rnd = random.Random(seed)
    leaves = [r[0] for r in criteria()[1:] if r[5]]
    scores = [[rnd.randint(0, 5) for _ in range(BIDDERS)] for _ in leaves]
    names = [[f"Bidder {b + 1:02d} Ltd" for b in range(BIDDERS)]]
    prices = [[rnd.randint(800_000, 1_400_000) for _ in range(BIDDERS)]]
    return [criteria(), [[c] for c in leaves], scores, names, prices]


def variants(n: int = 40) -> list[list]:
    """``n`` argument lists that differ from the first in one score each, each in another cell (up to
    1,350): an officer's edits, none seen before when each is called once."""
    out = []
    for i in range(n):
        args = arguments()
        scores = [list(r) for r in args[2]]
        scores[i % len(scores)][i % BIDDERS] = (scores[i % len(scores)][i % BIDDERS] + 1 + i // BIDDERS % 5) % 6  # never the same
        out.append([args[0], args[1], scores, args[3], args[4]])
    return out


def median_seconds(f, cycle: list[list], repeat: int, fresh: bool = False) -> float:
    """The median time of ``repeat`` calls, each with the next arguments of ``cycle``; ``fresh``:
    nothing remembered before each call (a table never seen)."""
    from svscore.xl import memo

    f(*cycle[-1])
    times = []
    for i in range(repeat):
        if fresh:
            for m in memo.MEMOS.values():
                m.clear()
        t = time.perf_counter()
        f(*cycle[i % len(cycle)])
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def engine_seconds(repeat: int) -> float:
    """score_tender on the same tender and bids, each built once (the engine alone)."""
    from svscore.model.bids import Bid, Score
    from svscore.scoring import engine
    from svscore.xl import udfs

    crit, ids, scores, names, prices = arguments()
    tender, _ = udfs._tender(crit, **SAME_RULES)
    bids = [Bid(bidder_id=str(b + 1), bidder=names[0][b], price=prices[0][b],
                scores=tuple(Score(criterion=ids[r][0], value=scores[r][b]) for r in range(len(ids))))
            for b in range(BIDDERS)]
    return median_seconds(lambda: engine.score_tender(tender, bids), [[]], repeat)


CASES = [
    # label, function, arguments' cycle, fresh
    ("SV_RESULTS, same inputs again", "SV_RESULTS", lambda: [arguments()], False),
    ("SV_RESULTS, one score changed", "SV_RESULTS", None, False),  # variants(repeat + 1): every call a new edit
    ("SV_RESULTS, a table never seen", "SV_RESULTS", lambda: [arguments()], True),
    ("SV_WEIGHTCHECK, same table again", "SV_WEIGHTCHECK", lambda: [[criteria()]], False),
    ("SV_WEIGHTCHECK, a table never seen", "SV_WEIGHTCHECK", lambda: [[criteria()]], True),
]


def cpython(repeat: int) -> dict[str, float]:
    from svscore.xl import udfs

    out = {label: median_seconds(getattr(udfs, name), make() if make else variants(repeat + 1), repeat, fresh)
           for label, name, make, fresh in CASES}
    out["engine"] = engine_seconds(repeat)
    return out


def pyodide(version: str, repeat: int) -> dict[str, float]:
    """The same calls under Pyodide in node (the wheel built from this checkout), and the engine there.
    (Means, not medians.)"""
    from svscore.xl.wheel import build_wheel
    from tests.xl.pyodide import setup_pyodide

    here = ROOT / "tests" / "xl" / "pyodide"
    timed = [[label, name, make() if make else variants(repeat + 1), repeat, fresh] for label, name, make, fresh in CASES]
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp))
        data = Path(tmp) / "data.json"
        data.write_text(json.dumps({"calls": [], "timed": timed, "engine": {"args": arguments(), "repeat": repeat, "rules": SAME_RULES}}), encoding="utf-8")
        done = subprocess.run(["node", str(here / "run.mjs"), str(setup_pyodide.pyodide(version)), str(setup_pyodide.wheels(version)),
                               str(wheel), str(here / "calls.py"), str(data)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.partition("\n@@svscore-answer@@\n")[2])["timings"]


def report(where: str, t: dict[str, float]) -> None:
    engine = t["engine"]
    print(f"{where}: the engine's score_tender on the same matrix {engine * 1000:.2f} ms (= 1)")
    for label, *_ in CASES:
        if label in t:
            print(f"  {label:36s} {t[label] * 1000:8.3f} ms   {t[label] / engine:6.3f} × the engine")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--pyodide", action="append", default=[], metavar="VERSION")
    a = parser.parse_args()
    print(f"{BIDDERS} bidders × {len(criteria()) - 1} criteria rows; median of {a.repeat} calls each")
    report(f"CPython {sys.version.split()[0]}", cpython(a.repeat))
    for v in a.pyodide:
        report(f"Pyodide {v}", pyodide(v, max(a.repeat // 4, 10)))


if __name__ == "__main__":
    main()
