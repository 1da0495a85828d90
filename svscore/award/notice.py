"""Contract award notice data: an OCDS 1.1 release (tag ``award``) built from the scored result.

Every figure comes from the result object the engine returns, so it matches results.xlsx. What
svscore does not hold (identifiers, addresses, the contract's dates, CPV codes) is left for the
officer to add on the central digital platform; see the README's list.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from svscore.errors import ErrorsFound
from svscore.model.enums import CriterionKind
from svscore.model.tender import Tender
from svscore.scoring.result import BidResult, LotResult, Status, TenderResult

CURRENCY = "GBP"
_BID_STATUS = {Status.RANKED: "valid", Status.DISQUALIFIED: "disqualified"}


class AwardNoticeError(ErrorsFound):
    """The result cannot yet be published as an award: each reason names the lot and bidders."""


def _amount(value: Fraction) -> int | float:
    # Whole pounds stay integers; pence are kept to the penny, as results.xlsx shows them.
    return int(value) if value.denominator == 1 else round(float(value), 2)


def _party_id(bidder_id: str) -> str:
    return f"tenderer-{bidder_id}"


def _criteria(lot: LotResult, marks: bool) -> dict[str, Any]:
    """The lot's top-level award criteria with their weights (awardCriteriaBreakdown extension)."""
    top = {c.criterion_id: c for c in lot.bids[0].criteria if c.parent_id is None} if lot.bids else {}
    criteria = []
    for criterion_id, name in lot.top_level:
        c = top.get(criterion_id)
        if c is None:
            continue
        entry: dict[str, Any] = {"name": name, "type": "price" if c.kind is CriterionKind.PRICE else "quality"}
        if c.kind is CriterionKind.PASS_FAIL:
            entry["description"] = "Pass or fail: a tender that fails is disqualified (no points)."
        elif marks:
            entry["numbers"] = [{"number": _amount(c.available), "weight": "pointsExact"}]
        else:
            entry["numbers"] = [{"number": _amount(c.available * 100 / lot.total_points), "weight": "percentageExact"}]
        criteria.append(entry)
    return {"criteria": criteria} if criteria else {"weightingDescription": "No criteria were scored."}


def _bid(lot: LotResult, bid: BidResult) -> dict[str, Any]:
    detail: dict[str, Any] = {"id": f"{lot.lot_id}-{bid.bidder_id}", "relatedLots": [lot.lot_id],
                              "tenderers": [{"id": _party_id(bid.bidder_id), "name": bid.bidder}]}
    if bid.status in _BID_STATUS:
        detail["status"] = _BID_STATUS[bid.status]
    else:  # incomplete or invalid: not a bid status OCDS names; said in words instead of guessed
        detail["description"] = f"Not scored ({bid.status.value}): " + "; ".join(bid.reasons)
    if bid.price is not None:
        detail["value"] = {"amount": _amount(bid.price), "currency": CURRENCY}
    if bid.rank is not None:
        detail["hasRank"] = True
        detail["rank"] = bid.rank
    return detail


def _statistics(lot: LotResult) -> list[dict[str, Any]]:
    valid = [b for b in lot.bids if b.status is Status.RANKED]
    counts = {"bids": len(lot.bids), "validBids": len(valid),
              "disqualifiedBids": sum(b.status is Status.DISQUALIFIED for b in lot.bids),
              "smeBids": sum(b.sme for b in lot.bids)}
    stats: list[dict[str, Any]] = [{"measure": m, "value": v} for m, v in counts.items()]
    prices = [b.price for b in valid if b.price is not None]
    if prices:
        stats += [{"measure": "lowestValidBidValue", "value": _amount(min(prices)), "currency": CURRENCY},
                  {"measure": "highestValidBidValue", "value": _amount(max(prices)), "currency": CURRENCY}]
    return [{"id": f"{lot.lot_id}-{s['measure']}", **s, "relatedLot": lot.lot_id} for s in stats]


def _winner(lot: LotResult) -> BidResult:
    # only a tie for first place decides the award; one lower down is stated in each bid's rank
    first = [group for group in lot.ties if any(b.rank == 1 and b.bidder_id in group for b in lot.bids)]
    if first:
        names = {b.bidder_id: b.bidder for b in lot.bids}
        tied = "; ".join(", ".join(names.get(i, i) for i in group) for group in first)
        raise AwardNoticeError(f"lot {lot.lot_id}: the tie between {tied} is not resolved by the published tie-break rules; "
                               "record how it was decided before the award is published")
    winners = lot.winners()
    if len(winners) != 1:
        raise AwardNoticeError(f"lot {lot.lot_id}: no bid is ranked first, so there is no award to publish")
    return winners[0]


def award_release(tender: Tender, result: TenderResult, *, ocid_prefix: str, date: dt.datetime,
                  contacts: dict[str, tuple[str | None, str | None]] | None = None) -> dict[str, Any]:
    """The OCDS release (tag ``award``) for the contract award notice of a scored tender.

    ``ocid_prefix`` is the publisher's registered OCDS prefix; ``date`` is the release's date
    (given, not read from the clock, so the same result always gives the same file);
    ``contacts``: each bidder id's contact postal and email address, where the bids file gives them.
    """
    if date.tzinfo is None:
        raise ValueError("the release date needs a time zone (UTC or UK time)")
    marks = tender.weighting.value == "marks"
    winners = {lot.lot_id: _winner(lot) for lot in result.lots}
    parties: dict[str, dict[str, Any]] = {"buyer": {"id": "buyer", "name": tender.authority.name, "roles": ["buyer"]}}
    for lot in result.lots:
        for bid in lot.bids:
            party = parties.setdefault(_party_id(bid.bidder_id), {
                "id": _party_id(bid.bidder_id), "name": bid.bidder, "roles": ["tenderer"]})
            # Only what the bidder declared: a bid not marked SME may simply not have said.
            details = {**({"scale": "sme"} if bid.sme else {}), **({"vcse": True} if bid.vcse else {})}
            if details:
                party["details"] = details
            address, email = (contacts or {}).get(bid.bidder_id, (None, None))
            if address and address.strip():  # the address as one line: svscore does not split what the bidder wrote
                party["address"] = {"streetAddress": address.strip()}
            if email and email.strip():
                party["contactPoint"] = {"email": email.strip()}
            if winners[lot.lot_id] is bid and "supplier" not in party["roles"]:
                party["roles"].append("supplier")
    awards = []
    for lot in result.lots:
        won = winners[lot.lot_id]
        award: dict[str, Any] = {"id": f"{result.reference}-award-{lot.lot_id}", "status": "pending",
                                 "title": lot.title or result.title,
                                 "suppliers": [{"id": _party_id(won.bidder_id), "name": won.bidder}],
                                 "relatedLots": [lot.lot_id], "relatedBids": [f"{lot.lot_id}-{won.bidder_id}"]}
        if won.price is not None:
            award["value"] = {"amount": _amount(won.price), "currency": CURRENCY}
        awards.append(award)
    value = Fraction(str(tender.contract.estimated_value))
    return {
        "ocid": f"{ocid_prefix}-{result.reference}",
        "id": f"{result.reference}-award-{date.date().isoformat()}",
        "date": date.isoformat().replace("+00:00", "Z"),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": list(parties.values()),
        "buyer": {"id": "buyer", "name": tender.authority.name},
        "tender": {"id": result.reference, "title": result.title,
                   "value": {"amount": _amount(value), "currency": CURRENCY},
                   "awardCriteria": "ratedCriteria", "numberOfTenderers": len({b.bidder_id for lot in result.lots for b in lot.bids}),
                   "tenderers": [{"id": p["id"], "name": p["name"]} for p in parties.values() if "tenderer" in p["roles"]],
                   "lots": [{"id": lot.lot_id, "title": lot.title, "awardCriteria": _criteria(lot, marks)} for lot in result.lots]},
        "bids": {"statistics": [s for lot in result.lots for s in _statistics(lot)],
                 "details": [_bid(lot, b) for lot in result.lots for b in lot.bids]},
        "awards": awards,
    }
