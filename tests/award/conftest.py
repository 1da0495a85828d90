"""Award folders built as an officer builds them: files on disk, the command run as a user runs it."""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.conftest import EXAMPLES, tender_dict

NOTICE_DAY = "2026-12-18"
CONTRACT_DAY = "2027-01-11"
PANEL = [{"name": f"Evaluator {x}", "role": "Commissioning officer", "conflict": "none", "declared_on": "2026-04-20"}
         for x in "ABC"]


def read_docx(path: Path) -> tuple[Any, str]:
    """A .docx read back with python-docx, and all its text (paragraphs, then every table cell)."""
    document = docx.Document(io.BytesIO(path.read_bytes()))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    return document, text


def red_text(document: Any) -> str:
    """Every run of a document shown in red, joined."""
    from svscore.award.docx_parts import RED

    paragraphs = list(document.paragraphs) + [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join(run.text for p in paragraphs for run in p.runs if run.font.color.rgb == RED)


def complete_home_care_bids() -> dict[str, Any]:
    """The home care example's bids with every gap filled: what an officer adds before the award."""
    data = json.loads((EXAMPLES / "council-home-care-bids.json").read_text())
    data["format_version"] = 2
    data.update(notice_published=NOTICE_DAY, contract_date=CONTRACT_DAY, panel=copy.deepcopy(PANEL))
    for i, b in enumerate(data["bids"]):
        b["postal_address"] = f"{i + 1} Market Street, Borchester BC{i + 1} 1AA"
        b["email"] = f"tenders{i + 1}@example.org"
        for s in b["scores"]:
            if s["value"] != "pass" and not s.get("justification"):
                s["justification"] = f"{s['evaluator']}: section {s['criterion']} of the response, as scored."
        if b["bidder_id"] == "11223344":  # Eden's missing Q3 score from Evaluator C
            b["scores"].append({"criterion": "Q3", "evaluator": "Evaluator C", "value": 4,
                                "justification": "Training matrix in appendix 4."})
        if b["bidder_id"] == "04567890":  # Castle's abnormally low price: the s.19(4) steps
            b["abnormally_low"] = {"notified_on": "2026-05-01", "response": "A costed staffing model and rota.",
                                   "decision": "accepted", "reason": "The rota covers the hours at the National Living Wage.",
                                   "decided_on": "2026-05-08"}
    return data


@pytest.fixture
def home_care_files(tmp_path: Path) -> dict[str, Path]:
    """The home care example's tender and measures table, with the completed bids file, in a folder of their own."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("council-home-care.json", "measures-illustrative.json"):
        shutil.copy(EXAMPLES / name, folder / name)
    bids = folder / "bids.json"
    bids.write_text(json.dumps(complete_home_care_bids(), indent=1), encoding="utf-8")
    return {"tender": folder / "council-home-care.json", "bids": bids, "measures": folder / "measures-illustrative.json"}


def small_tender(**overrides: Any) -> dict[str, Any]:
    """A one-lot tender (price 50, quality 40, social value 10) with the award's own choices."""
    return tender_dict(**overrides)


def small_bids(**award: Any) -> dict[str, Any]:
    """Three complete bids for :func:`small_tender`, consensus scored with justifications."""
    def one(i: str, name: str, price: int, q: int, sv: int) -> dict[str, Any]:
        return {"bidder_id": i, "bidder": name, "price": price, "postal_address": f"{i} High Street, Testtown TT1 1AA",
                "email": f"{i.lower()}@example.org",
                "scores": [{"criterion": "Q", "value": q, "justification": f"{name}: method statement section 2."},
                           {"criterion": "SV", "value": sv, "justification": f"{name}: local jobs plan."}]}
    data: dict[str, Any] = {"format_version": 2, "notice_published": "2026-12-18", "contract_date": "2027-01-11",
                            "panel": [{"name": "Sam Lee", "conflict": "none", "declared_on": "2026-04-01"}],
                            "bids": [one("A", "Acme Care Ltd", 100000, 4, 3), one("B", "Beacon Services Ltd", 90000, 3, 3),
                                     one("C", "Corner Trust", 110000, 5, 4)]}
    data.update(award)
    return data
