"""Many results folders as one frame, and the award shares worked out by hand."""

from __future__ import annotations

import json

import pytest

from svscore.analysis.across import award_shares, tenders_frame
from svscore.errors import InputError
from svscore.model.loading import load_bids, load_tender, tender_measures
from svscore.scoring import score_tender
from tests.conftest import EXAMPLES

pytest.importorskip("pandas")


def write_results(folder, name):
    tender = load_tender(EXAMPLES / f"{name}.json")
    result = score_tender(tender, load_bids(EXAMPLES / f"{name}-bids.json"), tender_measures(tender)[0])
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(result.as_dict()), encoding="utf-8")
    return result


def lot(winner, price, sv, sme, vcse, tie=False):
    bids = [{"bidder_id": winner, "bidder": winner.title(), "status": "ranked", "price": price,
             "social_value_pounds": sv, "sme": sme, "vcse": vcse}]
    if tie:
        bids.append({**bids[0], "bidder_id": "other"})
    return {"lot": "1", "winner": [b["bidder_id"] for b in bids], "bids": bids}


def test_one_row_per_lot_with_each_winner(tmp_path):
    a = write_results(tmp_path / "a", "council-home-care")
    b = write_results(tmp_path / "b", "central-digital-marks")
    frame = tenders_frame(tmp_path)
    assert list(frame["tender"]) == [a.reference, b.reference]
    for (_, row), result in zip(frame.iterrows(), (a, b), strict=True):
        (winner,) = result.lots[0].winners()
        assert row["winner_id"] == winner.bidder_id and row["winner_sme"] == winner.sme
        assert row["price"] == float(winner.price)
        assert row["bids"] == len(result.lots[0].bids)


def test_shares_worked_out_by_hand(tmp_path):
    docs = {"t1": [lot("acme", 100_000, 5_000, True, False)],
            "t2": [lot("bravo", 300_000, 30_000, False, True)],
            "t3": [lot("cobalt", 600_000, 0, False, False)],
            "t4": [lot("delta", 50_000, 1_000, True, True, tie=True)]}
    for name, lots in docs.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps({"tender": {"reference": name}, "lots": lots}))
    frame = tenders_frame(tmp_path)
    assert frame.loc[0, "social_value_per_pound"] == 0.05
    assert frame["unresolved_tie"].tolist() == [False, False, False, True]
    shares = award_shares(frame)
    # decided: 1,000,000 awarded over three lots; SME won acme (100k), VCSE won bravo (300k)
    assert shares["lots"] == 3 and shares["undecided"] == 1 and shares["value_awarded"] == 1_000_000
    assert shares["sme_share_of_lots"] == 1 / 3 and shares["sme_share_of_value"] == 0.1
    assert shares["vcse_share_of_lots"] == 1 / 3 and shares["vcse_share_of_value"] == 0.3
    assert shares["social_value_per_pound"] == 35_000 / 1_000_000


@pytest.mark.parametrize(("doc", "where"), [([], r"\$"), ({"tender": {}, "lots": [{"bids": []}]}, r"\$\.lots\[0\]"),
                                            ({"tender": {}, "lots": [{"bids": [], "winner": ["x"]}]}, r"\$\.lots\[0\]\.winner")])
def test_a_results_file_that_is_not_one_is_named_not_skipped(tmp_path, doc, where):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "results.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match=where) as info:
        tenders_frame(tmp_path)
    assert "bad" in str(info.value)
