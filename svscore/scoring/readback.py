"""A batch's results.json read back into the :class:`TenderResult` it was written from.

results.json is :meth:`TenderResult.as_dict` (plus the batch's files, problems and version), in
which the engine's exact fractions are written as floats. Read back:

- exact: every text (bidders, reasons, explanations, messages, warnings, findings), every status,
  rank, flag, tie, SME/VCSE answer, winner and the threshold decision's reasons and answers;
- not exact: totals, points, prices, £ values, percents and evaluators' scores come back as the
  fraction of the decimal the float was written as (``Fraction("83.33333333333333")``, not 250/3),
  so a value with more than 15 significant digits is within about one part in 10^15 of the
  engine's. Re-score from the tender and bids (``svscore.score``) for the exact values;
- not there: the threshold row's note (results.json gives the row's value, basis, date, source and
  whether it was confirmed, not the note), which comes back empty.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from svscore.errors import InputError, Problem, file_label
from svscore.model.loading import read_json
from svscore.model.tender import CriterionKind
from svscore.model.thresholds import Regime, ThresholdCategory, ThresholdRow
from svscore.rules.act import Applies, Decision
from svscore.rules.findings import Finding, Severity
from svscore.scoring.result import (
    BidResult,
    CriterionResult,
    Flag,
    LotResult,
    Sensitivity,
    SensitivityLine,
    Status,
    TenderResult,
    flat_justifications,
)

RESULTS = "results.json"


class _Bad(Exception):
    """A value of results.json that is not what svscore writes: where, and what was expected."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(path, what)
        self.path, self.what = path, what


def _num(value: Any, path: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _Bad(path, f"expected a number or null, but found {value!r}")
    return Fraction(value)  # read_json gives Decimals: the float's decimal as written


def _need(value: Any, kind: type | tuple[type, ...], path: str, what: str) -> Any:
    if not isinstance(value, kind):
        raise _Bad(path, f"expected {what}")
    return value


def _criterion(d: Any, path: str) -> CriterionResult:
    _need(d, dict, path, "an object (a criterion's score)")
    raw = d.get("raw")
    return CriterionResult(
        criterion_id=_need(d.get("criterion"), str, f"{path}.criterion", "the criterion's id"),
        name=d.get("name", ""), kind=CriterionKind(d["kind"]) if d.get("kind") else None, parent_id=d.get("parent"),
        # a group's children name it as their parent; a leaf is a criterion no other names
        is_leaf=True, available=_num(d.get("available"), f"{path}.available") or Fraction(0),
        points=_num(d.get("weighted"), f"{path}.weighted"),
        raw=Fraction(raw) if isinstance(raw, Decimal) else raw, explanation=d.get("explanation", ""),
        evaluator_scores=tuple((k, Fraction(v) if isinstance(v, Decimal) else v) for k, v in d.get("evaluator_scores", {}).items()),
        justified=flat_justifications(d.get("justifications", {}).items()))


def _bid(d: Any, path: str) -> BidResult:
    _need(d, dict, path, "an object (a bid)")
    criteria = [_criterion(c, f"{path}.scores[{i}]") for i, c in enumerate(_need(d.get("scores", []), list, f"{path}.scores", "a list"))]
    parents = {c.parent_id for c in criteria}
    criteria = [dataclasses.replace(c, is_leaf=c.criterion_id not in parents) for c in criteria]
    try:
        status = Status(d.get("status"))
    except ValueError:
        raise _Bad(f"{path}.status", f"expected one of {', '.join(s.value for s in Status)}") from None
    return BidResult(
        bidder_id=_need(d.get("bidder_id"), str, f"{path}.bidder_id", "the bidder's id"), bidder=d.get("bidder", ""),
        lot_id=d.get("lot", ""), status=status, price=_num(d.get("price"), f"{path}.price"),
        total=_num(d.get("total"), f"{path}.total"), rank=d.get("rank"), criteria=tuple(criteria),
        flags=tuple(Flag(f["code"], f["message"]) for f in d.get("flags", [])), reasons=tuple(d.get("reasons", [])),
        sme=bool(d.get("sme")), vcse=bool(d.get("vcse")),
        price_per_quality_point=_num(d.get("price_per_quality_point"), f"{path}.price_per_quality_point"),
        social_value_pounds=_num(d.get("social_value_pounds"), f"{path}.social_value_pounds"))


def _sensitivity(d: Any, path: str) -> Sensitivity:
    _need(d, dict, path, "an object (the sensitivity analysis)")
    lines = tuple(SensitivityLine(
        criterion_id=x["criterion"], name=x.get("name", ""),
        current_percent=_num(x.get("current_percent"), f"{path}.criteria[{i}].current_percent") or Fraction(0),
        tipping_percent=_num(x.get("tipping_percent"), f"{path}.criteria[{i}].tipping_percent"),
        new_winner=x.get("new_winner"), new_winner_name=x.get("new_winner_name")) for i, x in enumerate(d.get("criteria", [])))
    return Sensitivity(bool(d.get("applicable")), d.get("note", ""), lines)


def _lot(d: Any, path: str) -> LotResult:
    _need(d, dict, path, "an object (a lot)")
    bids = tuple(_bid(b, f"{path}.bids[{i}]") for i, b in enumerate(_need(d.get("bids"), list, f"{path}.bids", "a list of bids")))
    tops: dict[str, str] = {}
    for b in bids:
        for c in b.criteria:
            if c.parent_id is None:
                tops.setdefault(c.criterion_id, c.name)
    lot = LotResult(
        lot_id=_need(d.get("lot"), str, f"{path}.lot", "the lot's id"), title=d.get("title", ""),
        total_points=_num(d.get("total_points"), f"{path}.total_points") or Fraction(0), bids=bids,
        ties=tuple(tuple(t) for t in d.get("unresolved_ties", [])),
        sensitivity=_sensitivity(d.get("sensitivity", {"applicable": False, "note": ""}), f"{path}.sensitivity"),
        top_level=tuple(tops.items()))
    written = d.get("winner", [])
    if [b.bidder_id for b in lot.winners()] != written:
        raise _Bad(f"{path}.winner", f"names {written!r}, but the bids ranked first are {[b.bidder_id for b in lot.winners()]!r}")
    return lot


def _decision(d: Any, path: str) -> Decision | None:
    if d is None:
        return None
    _need(d, dict, path, "an object (the threshold decision) or null")
    regime = None if d.get("regime") in (None, "uncertain") else Regime(d["regime"])
    category = ThresholdCategory(d["category"])
    t = d.get("threshold")
    row = None if t is None or regime is None else ThresholdRow(
        regime=regime, category=category, effective_from=dt.date.fromisoformat(t["effective_from"]), value=Decimal(t["value"]),
        includes_vat=t["includes_vat"], source=t["source"], confirmed=t.get("confirmed", True))
    act = d.get("social_value_act", {})
    return Decision(regime=regime, category=category, threshold=row, value_compared=Decimal(d["value_compared"]),
                    above_threshold=d.get("above_threshold"), applies=Applies(act.get("applies", "uncertain")),
                    reasons=tuple(d.get("reasons", [])), warnings=tuple(d.get("warnings", [])), other_duty=act.get("other_duty"))


def result_from_dict(doc: Any) -> TenderResult:
    """The :class:`TenderResult` whose :meth:`~TenderResult.as_dict` is ``doc``. Raises ``_Bad``."""
    _need(doc, dict, "$", "an object: an svscore results.json (it needs 'tender' and 'lots')")
    tender = _need(doc.get("tender"), dict, "$.tender", "an object with the tender's reference and title")
    lots = _need(doc.get("lots"), list, "$.lots", "a list of lots")
    return TenderResult(
        reference=_need(tender.get("reference"), str, "$.tender.reference", "the tender's reference"),
        title=tender.get("title", ""), lots=tuple(_lot(lot, f"$.lots[{i}]") for i, lot in enumerate(lots)),
        findings=tuple(Finding(Severity(f["severity"]), f["code"], f["path"], f["message"]) for f in doc.get("findings", [])),
        decision=_decision(doc.get("threshold_decision"), "$.threshold_decision"),
        bid_errors=tuple(doc.get("bid_errors", [])), warnings=tuple(doc.get("warnings", [])))


def read_results(folder: Path) -> TenderResult:
    """The result a batch wrote into ``folder`` (its results.json; or the file itself), as the module
    docstring says: texts, statuses and ranks exactly; numbers as the decimals written.

    A file that is not a results.json svscore wrote is an :class:`InputError` naming its JSON path.
    """
    path = folder / RESULTS if folder.is_dir() else folder
    if folder.is_dir() and not path.is_file():
        raise InputError(file_label(str(folder)), [Problem(RESULTS, "no results.json here: give the folder svscore batch --out wrote")])
    doc = read_json(path)
    try:
        return result_from_dict(doc)
    except _Bad as bad:
        raise InputError(file_label(str(path)), [Problem(bad.path, bad.what)]) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(file_label(str(path)), [Problem("$", f"not a results.json svscore wrote ({type(exc).__name__}: {exc})")]) from None
