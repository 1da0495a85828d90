"""An analysis of the home-care example, as an analyst would run it: score, re-weight, what-if.

    python docs/analysis_example.py [PICTURE]      (default docs/images/what-if.png)

Prints the ranked bids, re-scores with price at 40% instead of 50%, and plots the winner and its
margin over every price weight from 5% to 95% (the other criteria rescaled in proportion). The
picture needs matplotlib (``pip install matplotlib``); without it, the figures are printed only.
The tests run this script and check its picture.
"""

from __future__ import annotations

import sys
from pathlib import Path

import svscore

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    picture = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "what-if.png"
    tender = svscore.load_tender(ROOT / "examples" / "council-home-care.json")
    bids = svscore.load_bids(ROOT / "examples" / "council-home-care-bids.json")

    result = svscore.score(tender, bids)  # with the measures table the tender names
    frame = svscore.bids_frame(result)
    print(frame[["rank", "bidder", "status", "total", "price"]].to_string(index=False))

    heavier = svscore.score(svscore.with_weights(tender, {"PRICE": 40, "QUAL": 42, "SV": 18}), bids)
    print(f"\nWith price at 40%: {heavier.lots[0].winners()[0].bidder} wins "
          f"(at the published 50%: {result.lots[0].winners()[0].bidder}).")

    grid = svscore.weight_grid(tender, bids, None, {"PRICE": range(5, 96, 1)})
    changes = grid[grid["winner_id"] != grid["winner_id"].shift()]
    print("\nThe winner as the price weight rises:")
    for _, row in changes.iterrows():
        print(f"  from {row['weight PRICE']:.0f}%: {row['winner']}")

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\nmatplotlib is not installed: no picture (pip install matplotlib).")
        return
    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    for winner, part in grid.groupby("winner", sort=False):
        ax.bar(part["weight PRICE"], part["margin"], width=1.0, label=f"{winner} wins")
    ax.axvline(50, color="black", linestyle="--", linewidth=1)
    ax.annotate("published weight (50%)", (50, grid["margin"].max() * 0.6), xytext=(6, 0), textcoords="offset points")
    ax.set_xlabel("Price weight (%), quality and social value rescaled in proportion")
    ax.set_ylabel("Winning margin (points)")
    ax.set_title(f"{tender.reference}: who wins at each price weight, and by how much")
    ax.legend(loc="upper center", frameon=True)
    fig.tight_layout()
    picture.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(picture)
    print(f"\nPicture: {picture}")


if __name__ == "__main__":
    main()
