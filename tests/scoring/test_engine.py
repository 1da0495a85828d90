"""The scheduler (svscore.scoring.engine): the tender checked first, the measures table required,
bids sent to their lots, and the bundled example scored as the README says."""

from __future__ import annotations

import pytest

from svscore.errors import ScoringError
from svscore.model.bids import Bid, Score
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.scoring.engine import Prepared, TenderScorer, UnknownLot, score_tender
from tests.conftest import EXAMPLES, bid, make_tender, tender_dict
from tests.scoring.conftest import sv_bid, sv_tender


def test_measures_table_is_required():
    with pytest.raises(ScoringError, match="measures table"):
        score_tender(sv_tender(), [sv_bid("A", 100)])


def test_tender_with_errors_is_refused():
    with pytest.raises(ScoringError, match="weights of the top-level criteria add up to 90"):
        score_tender(make_tender(criteria=tender_dict()["criteria"][:2]), [])


def test_lots_are_scored_separately_and_unknown_lots_reported():
    crit = tender_dict()["criteria"]
    t = make_tender(criteria=[], lots=[{"id": "1", "criteria": crit}, {"id": "2", "criteria": crit}])
    bids = [Bid(bidder_id="A", bidder="A", lot="1", price=100, scores=(Score(criterion="Q", value=3), Score(criterion="SV", value=3))),
            Bid(bidder_id="A", bidder="A", lot="2", price=50, scores=(Score(criterion="Q", value=3), Score(criterion="SV", value=3))),
            Bid(bidder_id="B", bidder="B", lot="9", price=50)]
    r = score_tender(t, bids)
    assert [len(lot.bids) for lot in r.lots] == [1, 1]
    assert "lot '9'" in r.bid_errors[0]


def test_bundled_example_scores_as_documented():
    t = load_tender(EXAMPLES / "council-home-care.json")
    r = score_tender(t, load_bids(EXAMPLES / "council-home-care-bids.json"), load_measures(EXAMPLES / "measures-illustrative.json"))
    got = {b.bidder: (b.status.value, b.rank) for b in r.lots[0].bids}
    assert got == {"Brightwater Homecare CIC": ("ranked", 1), "Northfield Care Ltd": ("ranked", 2),
                   "Castle Support Services plc": ("ranked", 3), "Dale Valley Care Ltd": ("disqualified", None),
                   "Eden Community Care Ltd": ("incomplete", None)}
    castle = next(b for b in r.lots[0].bids if b.bidder.startswith("Castle"))
    assert castle.points_on("PRICE") == 50  # Dale's lower price does not count: it is disqualified
    assert any(f.code == "abnormally_low" for f in castle.flags)


def test_bids_prepared_in_any_order_give_the_same_result():
    """The batch prepares each bid as its file is read, in whatever order the workers finish."""
    bids = [bid("C", 120, Q=3, SV=3), bid("A", 100, Q=4, SV=2), bid("B", 100, Q=4, SV=2), bid("D", 90, Q=9, SV=1),
            bid("04567890", 100, Q=1, SV=1), bid("4567890", 100, Q=1, SV=1)]  # one company, two bids
    scorer = TenderScorer(make_tender())
    forwards = scorer.finish([scorer.prepare(b) for b in bids]).as_dict()
    scorer = TenderScorer(make_tender())
    backwards = scorer.finish([scorer.prepare(b) for b in reversed(bids)]).as_dict()
    assert forwards == backwards
    listed = forwards["lots"][0]["bids"]
    assert [b["bidder"] for b in listed] == ["A", "B", "C", "04567890", "4567890", "D"]  # A and B tie; the rest are invalid
    assert listed[3]["reasons"] == ["Bidder id 04567890 and 4567890 has 2 bids in this lot; decide which one stands before scoring."]


def test_a_bid_is_prepared_for_its_lot_or_reported_as_naming_an_unknown_one():
    crit = tender_dict()["criteria"]
    scorer = TenderScorer(make_tender(criteria=[], lots=[{"id": "1", "criteria": crit}, {"id": "2", "criteria": crit}]))
    prepared = scorer.prepare(Bid(bidder_id="A", bidder="A", lot="2", price=100))
    assert isinstance(prepared, Prepared) and prepared.lot_id == "2" and prepared.work.bid.bidder_id == "A"
    stray = scorer.prepare(Bid(bidder_id="B", bidder="B Ltd", price=100))  # two lots: a bid must name one
    assert stray == UnknownLot("B Ltd (B) bid for lot None, which this tender does not have (lots: 1, 2).")
    result = scorer.finish([prepared, stray])
    assert result.bid_errors == (stray.message,) and [len(lot.bids) for lot in result.lots] == [0, 1]


def test_score_tender_is_the_scoring_packages_public_function():
    import svscore.scoring
    from svscore.scoring import engine

    assert svscore.scoring.score_tender is engine.score_tender
    assert svscore.scoring.__all__ == ["score_tender"]


def test_a_pure_formula_is_imported_without_the_engine():
    """Excel's SV_PRICESCORES imports the price formulas only: not the engine and the tender checks."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", "import sys, svscore.scoring.price; "
                           "print(sorted(m for m in sys.modules if m in ('svscore.scoring.engine', 'svscore.rules.checks')))"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
