"""`svscore score` on large bids files: time and peak memory at several sizes, against a floor.

Each size is a bids file of N bids made from the home-care example's five (new ids, names and
prices, the same scores and commitments), scored by `svscore score TENDER BIDS --format json` as a
user runs it, in a fresh process (the svscore of this checkout: run from its root). The floor, measured in the same run, is a fresh Python process
that only reads and parses the same file (exact decimals, as svscore parses): no design of `score`
can take less. Printed: seconds and peak resident memory (MB) of each, the ratio, the score's processor time
(less distorted by other work on the machine than its wall time), the growth per bid between the
sizes (linear growth shows as a steady figure), and the start of the SHA-256 of the JSON written,
so that two versions can be shown to write the same bytes.

    python benchmarks/score_benchmark.py [SIZES...]      (default 1000 5000 10000)
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TENDER = ROOT / "examples" / "council-home-care.json"
BIDS = ROOT / "examples" / "council-home-care-bids.json"

FLOOR = ("import json, sys; from decimal import Decimal; "
         "json.loads(open(sys.argv[1], encoding='utf-8').read(), parse_float=Decimal)")


def make_bids(n: int, path: Path) -> None:
    base = json.loads(BIDS.read_text(encoding="utf-8"))
    rnd = random.Random(n)
    bids = []
    for i in range(n):
        bid = copy.deepcopy(base["bids"][i % len(base["bids"])])
        bid.update(bidder_id=f"{10_000_000 + i:08d}", bidder=f"Bidder {i} Ltd", price=rnd.randint(1_500_000, 3_000_000))
        bids.append(bid)
    path.write_text(json.dumps({**base, "bids": bids}), encoding="utf-8")


def run(argv: list[str], out: str = os.devnull) -> tuple[float, float, float]:
    """Wall seconds, processor seconds (user + system) and peak resident MB of one fresh process
    (its own rusage, from wait4), its output written to ``out``."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({status})")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000, 10000]
    print(f"{'bids':>7} {'score s':>8} {'floor s':>8} {'ratio':>6} {'CPU s':>6} {'score MB':>9} {'floor MB':>9} {'ms/bid':>7} {'KB/bid':>7}"
          "  SHA-256 of the JSON (to compare versions)")
    previous: tuple[int, float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            bids = Path(tmp) / f"bids-{n}.json"
            make_bids(n, bids)
            floor_s, _, floor_mb = run([sys.executable, "-c", FLOOR, str(bids)])
            out = Path(tmp) / f"results-{n}.json"
            score_s, cpu_s, score_mb = run([sys.executable, "-m", "svscore", "score", str(TENDER), str(bids), "--format", "json"], str(out))
            digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
            growth = ("" if previous is None else
                      f"{(score_s - previous[1]) * 1000 / (n - previous[0]):7.2f} {(score_mb - previous[2]) * 1024 / (n - previous[0]):7.1f}")
            print(f"{n:7,} {score_s:8.2f} {floor_s:8.2f} {score_s / floor_s:6.1f} {cpu_s:6.2f} {score_mb:9.0f} {floor_mb:9.0f} {growth:15s}  {digest}")
            previous = (n, score_s, score_mb)


if __name__ == "__main__":
    main()
