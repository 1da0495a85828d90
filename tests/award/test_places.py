"""Where each gap of an award is filled in, by the input given."""

from __future__ import annotations

from svscore.award.places import Beside, InBatch, Places
from svscore.model.bids import Bid, BidsFile
from svscore.model.identity import bidder_key

BID = Bid(bidder_id="01234567", bidder="Arden Digital Ltd")
COVER = {("1", bidder_key("01234567")): {"postal_address": "returns/arden.xlsx › Cover!B11", "email": "returns/arden.xlsx › Cover!B9"}}


def test_a_bids_file_names_its_json_paths():
    assert Places("bids.json").bid(BID, 2, "email") == "bids.json $.bids[2].email"
    assert Places("bids.json").justification(BID, 2, 1) == "bids.json $.bids[2].scores[1].justification"
    assert Places("bids.json").award("panel[0].details") == "bids.json $.panel[0].details"


def test_a_batch_names_the_returned_workbooks_cover_and_the_bids_file_beside_it():
    alone = InBatch("results/", COVER, "the score sheets in scores/", None, False, None, None)
    assert alone.bid(BID, 0, "postal_address") == "returns/arden.xlsx › Cover!B11"
    assert alone.bid(BID, 0, "abnormally_low") == ("not held by results/: give it in a bids file beside it "
                                                   "(bids[].abnormally_low, for bidder id 01234567)")
    facts = BidsFile(bids=(Bid(bidder_id="9", bidder="Other"), Bid(bidder_id="1234567", bidder="Arden Digital")))
    beside = InBatch("results/", COVER, "the score sheets in scores/", None, False, "facts.json", facts)
    # the company number matched without its leading zero, as the batch matches it
    assert beside.bid(BID, 0, "email") == "returns/arden.xlsx › Cover!B9 (or facts.json $.bids[1].email)"
    assert beside.scores(BID, 0) == "the score sheets in scores/ (Arden Digital Ltd)"


def test_a_bids_file_without_the_bid_says_to_add_one():
    facts = BidsFile(bids=(Bid(bidder_id="9", bidder="Other"),))
    assert Beside("evaluation.xlsx", "facts.json", facts).bid(BID, 0, "abnormally_low") == (
        "facts.json $.bids: no entry for bidder id 01234567; add one with its abnormally_low")
