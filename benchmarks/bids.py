"""The workbooks the benchmarks read: returned bid workbooks and evaluators' score sheets,
generated from the bundled example tender in three profiles (batch_benchmark.py says which).

Kept apart from the benchmarks that time them, so that a folder of generated workbooks kept for
another run (batch_benchmark.py growth --folder) is made again only when what makes them changes
(:func:`generator_hash`), not when a benchmark's own code does.
"""

from __future__ import annotations

import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from svscore.batch.demo import EVALUATORS, DemoBid, fill_bid_return, fill_score_sheets
from svscore.data import examples_dir
from svscore.model.loading import load_measures, load_tender

EXAMPLES = examples_dir()
EXAMPLE = load_tender(EXAMPLES / "council-home-care.json")
MEASURES = load_measures(EXAMPLES / "measures-illustrative.json")
WORDS = ["care", "visits", "are", "planned", "around", "each", "person's", "outcomes", "with", "named", "carers", "continuity", "of", "care", "and", "escalation", "to", "the", "district", "nurse", "team", "within", "one", "hour", "when", "a", "risk", "is", "identified"]


def realistic_tender():
    bands = ["weekday day", "weekday evening", "weekend day", "weekend evening", "bank holiday"]
    areas = ["North", "South", "East", "West", "Central", "Rural fringe", "Market towns", "Coastal"]
    lines = [{"id": f"L{i + 1}", "description": f"Care hour, {band}, {area} zone", "unit": "hour",
              "quantity": 1000 + 137 * i} for i, (band, area) in enumerate((b, a) for a in areas for b in bands)]
    return EXAMPLE.revised(price=EXAMPLE.price.revised(pricing_lines=lines))


SYLLABLES = ["ca", "re", "vis", "it", "plan", "ned", "per", "son", "out", "com", "es", "con", "tin", "u", "i", "ty",
             "dis", "trict", "nur", "se", "team", "with", "in", "hour", "risk", "iden", "ti", "fied", "lo", "cal", "staff"]


def text(rnd: random.Random, words: int, varied: bool) -> str | None:
    """Response text: from a small word list, or (varied) made-up words that compress like prose."""
    if not words:
        return None
    if not varied:
        return " ".join(rnd.choice(WORDS) for _ in range(words))
    return " ".join("".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(1, 4))) for _ in range(words))


def make_bid(i: int, lines: int, words: int, measures: int = 3, varied: bool = False) -> DemoBid:
    rnd = random.Random(i)
    rates = [round(rnd.uniform(18, 31), 2) for _ in range(lines)]
    response = text(rnd, words, varied)
    return DemoBid(
        f"Bidder {i:04d} Ltd", f"{10_000_000 + i}", rates,
        {m.id: [rnd.randint(0, 20) for _ in range(3)] for m in MEASURES.measures[:measures]},
        scores={"Q1": [rnd.randint(2, 5) for _ in EVALUATORS], "Q2": [rnd.randint(2, 5) for _ in EVALUATORS],
                "Q3": [rnd.randint(1, 5) for _ in EVALUATORS], "SV2": [rnd.randint(1, 5) for _ in EVALUATORS],
                "PF1": ["pass"] * len(EVALUATORS)},
        response=response,
    )


def full_tender():
    bands = ["weekday day", "weekday evening", "weekend day", "weekend evening", "night"]
    zones = [f"zone {z}" for z in range(1, 11)]
    services = ["personal care", "reablement", "double-handed care"]
    combos = [(s, b, z) for s in services for z in zones for b in bands]
    lines = [{"id": f"L{i + 1}", "description": f"{s.capitalize()} hour, {b}, {z}", "unit": "hour", "quantity": 500 + 37 * i}
             for i, (s, b, z) in enumerate(combos)]
    return EXAMPLE.revised(price=EXAMPLE.price.revised(pricing_lines=lines))


PROFILES = {  # profile -> (tender, words per response, measures committed, varied text)
    "example": (EXAMPLE, 0, 3, False),
    "realistic": (realistic_tender(), 450, 3, False),
    "full": (full_tender(), 2500, len(MEASURES.measures), True),
}


def _write(args: tuple[int, str, str]) -> None:
    i, folder, profile = args
    tender, words, measures, varied = PROFILES[profile]
    bid = make_bid(i, len(tender.price.pricing_lines), words, measures, varied)
    Path(folder, bid_file(i)).write_bytes(fill_bid_return(tender, 0, MEASURES, bid))


def bid_file(i: int) -> str:
    """Bid i's file name: five digits, so that the names sort as the bids are numbered (the smaller
    sizes of the growth benchmark are the first files, and their score sheets are bids 0 to n - 1)."""
    return f"bid-{i:05d}.xlsx"


def bid_files(returns: Path) -> list[Path]:
    """The generated workbooks in ``returns``, in the bids' order (by the number in each name; a file
    not named as :func:`bid_file` names them is not one of them)."""
    return sorted((p for p in returns.glob("bid-*.xlsx") if p.stem.removeprefix("bid-").isdigit()),
                  key=lambda p: int(p.stem.removeprefix("bid-")))


MEASURES_FILE = "measures-illustrative.json"


def make_folder(profile: str, n: int, folder: Path) -> None:
    """The tender file, its measures table, N returned workbooks (returns/) and the evaluators'
    score sheets (scores/) of one profile, in ``folder``."""
    import json

    tender = PROFILES[profile][0]
    returns, scores = folder / "returns", folder / "scores"
    returns.mkdir(parents=True)
    scores.mkdir()
    (folder / "tender.json").write_text(json.dumps(tender.model_dump(mode="json", exclude_defaults=True)))
    (folder / MEASURES_FILE).write_bytes((EXAMPLES / MEASURES_FILE).read_bytes())
    print(f"Generating {n} returned workbooks ({profile})...", file=sys.stderr)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_write, [(i, str(returns), profile) for i in range(n)], chunksize=20))
    write_score_sheets(tender, n, scores)


SHEET_BIDDERS = 5000
"""Bidders in one score sheets workbook: each has two columns, and a sheet has 16,384."""


def write_score_sheets(tender, n: int, scores: Path) -> None:
    """The evaluators' score sheets of bids 0 to n - 1, in workbooks of SHEET_BIDDERS bidders each
    (one when they fit, named as before)."""
    bids = [make_bid(i, len(tender.price.pricing_lines), 0) for i in range(n)]
    for k in range(0, n, SHEET_BIDDERS):
        name = "score-sheets.xlsx" if n <= SHEET_BIDDERS else f"score-sheets-{k // SHEET_BIDDERS + 1}.xlsx"
        (scores / name).write_bytes(fill_score_sheets(tender, 0, MEASURES, bids[k:k + SHEET_BIDDERS], EVALUATORS))


STAMP = "generated-by.txt"
"""In a kept growth folder: how many workbooks it holds and what made them (:func:`generator_hash`)."""


def generator_hash() -> str:
    """What the generated workbooks depend on: this generator (this file), svscore's workbook code (every module
    of svscore.excel), the demo bids, the example tender and measures, and the workbook libraries'
    versions, so a kept folder made by other code is made again."""
    import hashlib
    from importlib.metadata import version

    import svscore.excel as excel

    digest = hashlib.sha256()
    code = [Path(__file__), *sorted(Path(excel.__file__ or "").parent.glob("*.py")),
            Path(excel.__file__ or "").parent.parent / "batch" / "demo.py", EXAMPLES / "council-home-care.json", EXAMPLES / MEASURES_FILE]
    for source in code:
        digest.update(source.read_bytes())
    digest.update(" ".join(version(p) for p in ("openpyxl", "xlsxwriter")).encode())
    return digest.hexdigest()[:16]
