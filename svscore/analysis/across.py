"""Many tenders at once: a folder of results folders as one frame, one row per lot awarded.

The figures seed a council's reporting on where its spend goes: the share of awards (by number and
by value) won by SMEs and by VCSEs, and the social value secured per pound of contract value.
Each row is read from a results folder's ``results.json`` (what ``svscore batch`` writes); the
contract value is the winning bid's price, the social value the winner's committed £ value.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from svscore.analysis.frames import FLOATS, require_pandas
from svscore.errors import InputError, Problem, file_label
from svscore.model.loading import read_json

if TYPE_CHECKING:
    import pandas as pd

RESULTS = "results.json"
COLUMNS = ["tender", "title", "lot", "folder", "bids", "ranked", "winner_id", "winner", "winner_sme", "winner_vcse",
           "price", "social_value_pounds", "social_value_per_pound", "unresolved_tie"]


def results_files(folder: Path) -> list[Path]:
    """The results.json of ``folder`` itself and of each folder directly inside it, sorted."""
    found = [folder / RESULTS] if (folder / RESULTS).is_file() else []
    found += sorted(p / RESULTS for p in folder.iterdir() if p.is_dir() and (p / RESULTS).is_file())
    return found


def _rows(doc: Any, source: Path) -> list[dict[str, Any]]:
    def need(ok: bool, path: str, what: str) -> None:
        if not ok:
            raise InputError(file_label(str(source)), [Problem(path, what)])

    need(isinstance(doc, dict) and isinstance(doc.get("tender"), dict) and isinstance(doc.get("lots"), list),
         "$", "not an svscore results.json (it needs 'tender' and 'lots')")
    rows = []
    for i, lot in enumerate(doc["lots"]):
        need(isinstance(lot, dict) and isinstance(lot.get("bids"), list) and isinstance(lot.get("winner"), list),
             f"$.lots[{i}]", "a lot needs 'bids' and 'winner' lists")
        bids = {b.get("bidder_id"): b for b in lot["bids"] if isinstance(b, dict)}
        winners = [bids.get(w) for w in lot["winner"]]
        need(all(w is not None for w in winners), f"$.lots[{i}].winner", "names a bidder the lot's bids do not hold")
        one = winners[0] if len(winners) == 1 else None
        price = one.get("price") if one else None
        sv = one.get("social_value_pounds") if one else None
        rows.append({
            "tender": doc["tender"].get("reference"), "title": doc["tender"].get("title"), "lot": lot.get("lot"),
            "folder": file_label(source.parent.name), "bids": len(bids),
            "ranked": sum(1 for b in bids.values() if b.get("status") == "ranked"),
            "winner_id": one.get("bidder_id") if one else None, "winner": one.get("bidder") if one else None,
            "winner_sme": one.get("sme") if one else None, "winner_vcse": one.get("vcse") if one else None,
            "price": price, "social_value_pounds": sv,
            "social_value_per_pound": (sv / price) if (sv is not None and price) else None,
            "unresolved_tie": len(winners) > 1,
        })
    return rows


def tenders_frame(folder: str | Path) -> pd.DataFrame:
    """One row per lot of every results folder in ``folder`` (and ``folder`` itself): the tender,
    the winner and whether it is an SME or VCSE, the price, the social value committed and that per
    £ of the price. A lot whose tie was not broken has no winner (``unresolved_tie`` is True).

    A results.json that cannot be read is an error naming the file and the JSON path, never skipped.
    """
    pd = require_pandas()
    root = Path(folder)
    if not root.is_dir():
        raise InputError(file_label(str(root)), [Problem(file_label(str(root)), "not a folder of results folders")])
    rows = [row for path in results_files(root) for row in _rows(read_json(path), path)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["values"] = FLOATS.split(";")[0] + " (as results.json holds them)"
    return frame


def award_shares(frame: pd.DataFrame) -> dict[str, float | None]:
    """From :func:`tenders_frame`: the share of lots awarded, and of the value awarded, won by SMEs
    and by VCSEs (0 to 1), and the social value committed per £ awarded. Lots without a single
    winner are left out (and counted in ``undecided``)."""
    decided = frame[~frame["unresolved_tie"] & frame["winner_id"].notna()]
    value = decided["price"].sum()
    out: dict[str, float | None] = {"lots": float(len(decided)), "undecided": float(len(frame) - len(decided)),
                                    "value_awarded": float(value)}
    for who in ("sme", "vcse"):
        won = decided[decided[f"winner_{who}"] == True]  # noqa: E712 - a column of True/False/None
        out[f"{who}_share_of_lots"] = len(won) / len(decided) if len(decided) else None
        out[f"{who}_share_of_value"] = float(won["price"].sum() / value) if value else None
    out["social_value_per_pound"] = float(decided["social_value_pounds"].sum() / value) if value else None
    return out
