"""Where the officer fixes each gap of an award, in the input actually given.

A gap names the place to fill it in: a bids file's JSON path when the award is made from a tender
and bids file; the evaluation workbook's sheet and cell when it is made from one; the returned
workbook's file, sheet and cell (or the score sheets, or the evaluation workbook the batch read)
when it is made from a batch's results. The award's own facts (the notice date, the s.19(4)
decisions, tie decisions) are named by the Governance sheet's cell in an evaluation workbook of
format version 4; what neither a workbook nor a batch holds belongs in a bids file given beside
it, and the gap says so, naming that file when one was given.
"""

from __future__ import annotations

from svscore.errors import Place, json_path
from svscore.excel.read import WorkbookPlaces
from svscore.model.bids import Bid, BidsFile
from svscore.model.identity import bid_key, bidder_key


class Places:
    """A bids file's places: its name and the JSON path of each field."""

    def __init__(self, label: str) -> None:
        self.label = label

    def bid(self, bid: Bid, index: int, name: str) -> str:
        """Where one bid's field (``postal_address``, ``email``, ``abnormally_low``) is given."""
        return f"{self.label} {json_path(['bids', index, name])}"

    def justification(self, bid: Bid, index: int, j: int) -> str:
        """Where the justification of the bid's ``j``-th score is given."""
        return f"{self.label} {json_path(['bids', index, 'scores', j, 'justification'])}"

    def scores(self, bid: Bid, index: int) -> str:
        """Where the bid's scores are given."""
        return f"{self.label} {json_path(['bids', index, 'scores'])}"

    def award(self, path: str) -> str:
        """Where a fact of the award as a whole (``notice_published``, ``panel[0].details``) is given."""
        return f"{self.label} $.{path}"


class Beside(Places):
    """Places for an award made from an evaluation workbook or a batch's results (``origin``), with
    a bids file beside it (``facts``, named ``label``) or none, for what the origin does not hold."""

    def __init__(self, origin: str, label: str | None, facts: BidsFile | None) -> None:
        super().__init__(label or "")
        self.origin = origin
        self.given = label is not None
        self.index = {bid_key(b.lot, b.bidder_id): i for i, b in enumerate(facts.bids)} if facts else {}

    def _facts(self, bid: Bid, name: str) -> str:
        if not self.given:
            return (f"not held by {self.origin}: give it in a bids file beside it "
                    f"(bids[].{name}, for bidder id {bid.bidder_id})")
        k = self.index.get(bid_key(bid.lot, bid.bidder_id))
        if k is None:
            return f"{self.label} $.bids: no entry for bidder id {bid.bidder_id}; add one with its {name}"
        return f"{self.label} {json_path(['bids', k, name])}"

    def bid(self, bid: Bid, index: int, name: str) -> str:
        return self._facts(bid, name)

    def justification(self, bid: Bid, index: int, j: int) -> str:
        return self._facts(bid, "scores")

    def scores(self, bid: Bid, index: int) -> str:
        return self._facts(bid, "scores")

    def award(self, path: str) -> str:
        if not self.given:
            return f"not held by {self.origin}: give it in a bids file beside it ($.{path})"
        return f"{self.label} $.{path}"


def _for_score(cells: WorkbookPlaces, bid: Bid, j: int) -> Place | None:
    s = bid.scores[j]
    wanted = (bidder_key(bid.bidder_id), s.criterion, s.evaluator or "")
    return next((p for (who, c, e), p in cells.justification.items() if (bidder_key(who), c, e) == wanted), None)


def _for_scores(cells: WorkbookPlaces, bid: Bid) -> Place | None:
    return next((p for who, p in cells.scores.items() if bidder_key(who) == bidder_key(bid.bidder_id)), None)


class InWorkbook(Beside):
    """An award from a filled evaluation workbook: scores, justifications and the panel in its cells."""

    def __init__(self, origin: str, cells: WorkbookPlaces, panel_given: bool, label: str | None, facts: BidsFile | None) -> None:
        super().__init__(origin, label, facts)
        self.cells, self.panel_given = cells, panel_given

    def bid(self, bid: Bid, index: int, name: str) -> str:
        return _decision(self.cells, bid, name) or super().bid(bid, index, name)

    def justification(self, bid: Bid, index: int, j: int) -> str:
        place = _for_score(self.cells, bid, j)
        return str(place) if place is not None else super().justification(bid, index, j)

    def scores(self, bid: Bid, index: int) -> str:
        place = _for_scores(self.cells, bid)
        return f"{place} ({bid.bidder}'s scores)" if place is not None else super().scores(bid, index)

    def award(self, path: str) -> str:
        return _fact(self.cells, path) or _panel(self.cells, self.panel_given, self.given, path) or super().award(path)


_TABLES = {"notice_published": "award dates", "contract_date": "award dates",
           "tie_decisions": "ties the published rules did not break"}


def _fact(cells: WorkbookPlaces | None, path: str) -> str | None:
    """The Governance sheet's cell of an award fact (``notice_published``, ``tie_decisions[0].winner``), from format version 4."""
    found = cells.award.get(path) if cells is not None else None
    return f"{found} (the Governance sheet's {_TABLES[path.split('[')[0]]})" if found is not None else None


def _decision(cells: WorkbookPlaces | None, bid: Bid, name: str) -> str | None:
    """The Governance sheet's row of a bid's abnormally low tender decision (or its next empty row), from format version 4."""
    if name != "abnormally_low" or cells is None or "abnormally_low" not in cells.award:
        return None
    given = next((p for k, p in cells.award.items()
                  if k.startswith("abnormally_low:") and bidder_key(k.split(":", 1)[1]) == bidder_key(bid.bidder_id)), None)
    return f"{given or cells.award['abnormally_low']} (the Governance sheet's abnormally low tenders)"


def _panel(cells: WorkbookPlaces | None, panel_given: bool, facts_given: bool, path: str) -> str | None:
    """The Governance sheet's panel, for a gap in the panel, when the workbook gives the panel or no bids file does."""
    if path.startswith("panel") and cells is not None and cells.panel is not None and (panel_given or not facts_given):
        return f"{cells.panel} (the Governance sheet's panel)"
    return None


class InBatch(Beside):
    """An award from a batch's results: contact details on each returned workbook's Cover, scores on
    the score sheets (or in the evaluation workbook the batch read, ``cells``)."""

    def __init__(self, origin: str, covers: dict[tuple[str, str], dict[str, str]], scores: str,
                 cells: WorkbookPlaces | None, panel_given: bool, label: str | None, facts: BidsFile | None) -> None:
        super().__init__(origin, label, facts)
        self.covers = covers
        """(lot, bidder key) -> field -> the returned workbook's file, sheet and cell where it is given."""
        self.score_source = scores
        self.cells, self.panel_given = cells, panel_given

    def bid(self, bid: Bid, index: int, name: str) -> str:
        governance = _decision(self.cells, bid, name)
        if governance is not None:
            return governance
        found = self.covers.get(bid_key(bid.lot, bid.bidder_id), {})
        if name in found:
            return found[name] + (f" (or {self._facts(bid, name)})" if self.given else "")
        return self._facts(bid, name)

    def justification(self, bid: Bid, index: int, j: int) -> str:
        place = _for_score(self.cells, bid, j) if self.cells is not None else None
        return str(place) if place is not None else f"{self.score_source} ({bid.bidder}, {bid.scores[j].criterion})"

    def scores(self, bid: Bid, index: int) -> str:
        place = _for_scores(self.cells, bid) if self.cells is not None else None
        return f"{place} ({bid.bidder}'s scores)" if place is not None else f"{self.score_source} ({bid.bidder})"

    def award(self, path: str) -> str:
        return _fact(self.cells, path) or _panel(self.cells, self.panel_given, self.given, path) or super().award(path)
