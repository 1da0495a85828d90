"""Score a tender: the two-phase scheduler over the scoring steps.

It takes the evaluation model and the bids and returns an immutable :class:`TenderResult`. Each
bid is prepared as soon as it is read (:mod:`prepare`: its own data, scale points, evaluators'
scores, commitments); once every bid of a lot is prepared, the lot is finished: the competition
(:mod:`competition`: panels, duplicates, gates, relative price and social value scores, abnormally
low prices) and the result (:mod:`assemble`: totals, ranking with the published tie-break rules,
sensitivity). The pure formulas are in :mod:`price`, :mod:`aggregate`, :mod:`social_value`,
:mod:`ranking` and :mod:`sensitivity`.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from svscore.errors import DisagreementError, ScoringError
from svscore.model.bids import Bid, BidsFile
from svscore.model.measures import MeasuresTable
from svscore.model.tender import PriceMethod, ScoredBy, Tender
from svscore.rules.checks import CheckReport, check_tender, require_no_errors
from svscore.rules.weights import weighted_tree
from svscore.scoring.assemble import TOTALS_KEPT, TOTALS_KEPT_ONCE, TreeShape, lot_result
from svscore.scoring.competition import Relative, compete
from svscore.scoring.prepare import LeafPlan, ScaledMemo, prepare_bid
from svscore.scoring.result import LotResult, TenderResult
from svscore.scoring.work import BidWork


def score_tender(tender: Tender, bids: BidsFile | Sequence[Bid], measures: MeasuresTable | None = None,
                 *, base_dir: Path | None = None, report: CheckReport | None = None) -> TenderResult:
    """Score every lot of a tender. Raises :class:`ScoringError` when the tender itself has errors."""
    scorer = TenderScorer(tender, measures, base_dir=base_dir, report=report)
    if isinstance(bids, BidsFile) and bids.tender_reference not in (None, tender.reference):
        raise DisagreementError(f"The bids file answers tender {bids.tender_reference!r}, not this tender ({tender.reference!r}): "
                                "give the bids file for this tender, or correct its tender_reference.")
    bid_list = tuple(bids.bids if isinstance(bids, BidsFile) else bids)
    return scorer.finish([scorer.prepare(b) for b in bid_list])


class Prepared(NamedTuple):
    """A bid prepared for the lot it bids for."""

    lot_id: str
    work: BidWork


class UnknownLot(NamedTuple):
    """A bid that names a lot the tender does not have: it is reported, never scored."""

    message: str


class TenderScorer:
    """Scoring in two steps, so that each bid can be prepared as soon as it is read.

    :meth:`prepare` does everything that depends on one bid alone (its data, scale points,
    evaluators' scores); :meth:`finish` does what depends on all of them (panels, duplicates,
    gates, relative scoring over the competition, flags, ranking, sensitivity). Bids may be
    prepared in any order: :meth:`finish` sorts them, so results never depend on input order.
    Each prepared bid is finished once, unless ``keep`` is given: then the last ``keep`` bids
    prepared are kept, by identity, and preparing the same :class:`Bid` object again gives a fresh
    copy of its prepared record, so that a scorer kept across calls (Excel's functions, where one
    changed cell changes one bid) prepares only the bids that changed and finishes each call anew.
    """

    def __init__(self, tender: Tender, measures: MeasuresTable | None = None, *, base_dir: Path | None = None,
                 report: CheckReport | None = None, keep: int = 0):
        if measures is None and tender.social_value.measures_file and report is None and \
                (base_dir is not None or tender.source_dir is not None):  # a tender read from a file
            from svscore.model.loading import tender_measures

            measures, _ = tender_measures(tender, base_dir=base_dir)  # the tender's own table, found as the CLI finds it
        report = report or check_tender(tender, base_dir, measures_supplied=measures is not None)
        require_no_errors(report, "its bids cannot be scored")
        needs_measures = any(c.scored_by is ScoredBy.MEASURES for w in report.lots for c in (x.criterion for x in w.criteria))
        if needs_measures and measures is None:
            raise ScoringError("A social value criterion is scored by measures: give the council's measures table.")
        self.tender, self.measures, self.report = tender, measures, report
        self.lots = tender.all_lots()
        self.scorers = {lot.id: LotScorer(tender, i, measures, keep) for i, lot in enumerate(self.lots)}

    def prepare(self, bid: Bid) -> Prepared | UnknownLot:
        """One bid prepared for its lot, or why not: it names a lot the tender does not have."""
        lot_id = bid.lot if bid.lot is not None else (self.lots[0].id if len(self.lots) == 1 else None)
        if lot_id is None or lot_id not in self.scorers:
            known = ", ".join(lot.id for lot in self.lots)
            return UnknownLot(f"{bid.bidder} ({bid.bidder_id}) bid for lot {bid.lot!r}, which this tender does not have (lots: {known}).")
        return Prepared(lot_id, self.scorers[lot_id].prepare(bid))

    def finish(self, prepared: Sequence[Prepared | UnknownLot]) -> TenderResult:
        """Every lot finished over its prepared bids; bids for unknown lots become the result's bid errors."""
        by_lot: dict[str, list[BidWork]] = defaultdict(list)
        stray = []
        for item in prepared:
            if isinstance(item, UnknownLot):
                stray.append(item.message)
            else:
                by_lot[item.lot_id].append(item.work)
        _check_unfinished([w for works in by_lot.values() for w in works])  # before any lot lets go of its bids' work
        results = tuple(self.scorers[lot.id].finish(by_lot.get(lot.id, [])) for lot in self.lots)
        t = self.tender
        warning = self.measures.warning() if self.measures is not None else None
        return TenderResult(t.reference, t.title, results, self.report.findings, self.report.decision, tuple(stray),
                            (warning,) if warning else ())


def _check_unfinished(prepared: Sequence[BidWork]) -> None:
    """Refuse, before anything is scored, prepared bids that cannot be finished: one finished before
    (a scorer that keeps nothing, ``keep=0`` as a batch's, lets go of each bid's work as its result
    is made, so finishing it again would find nothing to score), or one given twice."""
    if any(w.finished for w in prepared):
        raise RuntimeError("a prepared bid was finished before: a TenderScorer made without keep finishes each prepared "
                           "bid once; prepare the bids again, or make the scorer with keep")
    if len({id(w) for w in prepared}) < len(prepared):  # one competitor twice (each prepare gives a bid of its own)
        raise RuntimeError("the same prepared bid is given twice: give each prepared bid once (a bid prepared twice is two bids)")


class LotScorer:
    """The two steps of :class:`TenderScorer` for one lot (the tender has passed its checks)."""

    def __init__(self, tender: Tender, lot_index: int, measures: MeasuresTable | None, keep: int = 0):
        self.tender, self.measures = tender, measures
        self.lot = tender.all_lots()[lot_index]
        self.tree = weighted_tree(tender, lot_index)
        self.leaves = [w for w in self.tree if w.is_leaf]
        self.memo: ScaledMemo = {}
        """Scaled-criterion outcomes by (criterion, evaluators' scores), worked out once for the lot's bids."""
        self.plan = LeafPlan.of(self.leaves, measures)
        self.shape = TreeShape.of(self.tree, remember_moving=keep > 0, kept=TOTALS_KEPT if keep else TOTALS_KEPT_ONCE)
        self.relative: Relative = {}
        """Relative scores by the competing prices or values, from the lot's earlier competitions."""
        self.keep = keep
        self.kept: OrderedDict[int, tuple[Bid, BidWork]] = OrderedDict()
        """Prepared bids by the identity of their Bid (kept with it, so the identity is not reused)."""

    def prepare(self, bid: Bid) -> BidWork:
        """What depends on this bid alone."""
        if not self.keep:
            return prepare_bid(self.tender, bid, self.leaves, self.measures, self.memo, self.plan)
        known = self.kept.get(id(bid))
        if known is None or known[0] is not bid:
            known = self.kept[id(bid)] = (bid, prepare_bid(self.tender, bid, self.leaves, self.measures, self.memo, self.plan))
            while len(self.kept) > self.keep:
                try:
                    self.kept.popitem(last=False)
                except KeyError:  # emptied meanwhile by another thread's call
                    break
        else:
            with contextlib.suppress(KeyError):  # forgotten meanwhile by another thread's call
                self.kept.move_to_end(id(bid))
        return known[1].fresh(self.plan.relative)

    def finish(self, prepared: Sequence[BidWork]) -> LotResult:
        """The competition over the lot's prepared bids, then its ranked result."""
        _check_unfinished(prepared)
        works = sorted(prepared, key=lambda w: (w.bid.bidder_id, w.bid.bidder))
        competition = compete(self.tender, self.lot, self.leaves, works, self.relative)
        ppqp = self.tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT
        return lot_result(self.tender, self.lot, self.tree, works, competition, ppqp, self.shape)
