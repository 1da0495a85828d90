"""The what-if grid against scoring once: 10,000 weightings of 50 bids.

A 50-bid competition is made from the home-care example's five bids (new ids, names and prices).
Measured in one run, in this process: scoring the bids once (`score_tender`), the grid of 10,001
price weights from 0 to 100% in steps of 0.01 (the other criteria rescaled in proportion), and, for
scale, re-scoring the re-weighted tender from the same bids in memory (`with_weights` then
`score_tender`) at 19 of those weightings. Printed: seconds, and each as a ratio to scoring once.

    python benchmarks/whatif_benchmark.py [BIDS] [POINTS]      (default 50 10001)
"""

from __future__ import annotations

import copy
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from svscore.analysis.reweight import with_weights
from svscore.analysis.whatif import grid_rows
from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.scoring import score_tender

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 10_001
    tender = load_tender(ROOT / "examples" / "council-home-care.json")
    measures = tender_measures(tender)[0]
    five = load_bids(ROOT / "examples" / "council-home-care-bids.json").bids
    rnd = random.Random(n)
    bids = [five[i % 5].model_copy(update={"bidder_id": f"{10_000_000 + i:08d}", "bidder": f"Bidder {i} Ltd",
                                             "price": Decimal(rnd.randint(1_500_000, 3_000_000))}) for i in range(n)]
    step = Decimal(100) / (points - 1)
    weights = [step * i for i in range(points)]

    start = time.perf_counter()
    score_tender(tender, bids, measures)
    once = time.perf_counter() - start

    start = time.perf_counter()
    rows = grid_rows(tender, bids, measures, {"PRICE": weights})
    grid = time.perf_counter() - start

    sample = [Decimal(w) for w in range(5, 100, 5)]  # 19 weightings whose rescaled weights are exact decimals
    start = time.perf_counter()
    for w in sample:
        score_tender(with_weights(tender, {"PRICE": w, "QUAL": (100 - w) * Decimal("0.7"), "SV": (100 - w) * Decimal("0.3")}),
                     copy.copy(bids), measures)
    rescore = (time.perf_counter() - start) / len(sample)

    changed = sum(1 for r in rows if r["changed"])
    print(f"{n} bids, {len(rows):,} weightings ({changed:,} with another winner)")
    print(f"  scoring once                      {once:8.3f} s   1.0x")
    print(f"  the grid                          {grid:8.3f} s   {grid / once:6.1f}x   ({grid / len(rows) * 1e6:.0f} us a weighting)")
    print(f"  re-scoring, one weighting         {rescore:8.3f} s   {rescore / once:6.1f}x   "
          f"(the whole grid so: {rescore * len(rows):,.0f} s, {rescore * len(rows) / grid:,.0f}x the grid)")


if __name__ == "__main__":
    main()
