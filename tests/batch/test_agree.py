"""Where the evaluation workbook and a returned workbook both give a bid's social value
commitments: compared by measure and contract year (the evaluation workbook's format version 3
on), or over the contract (earlier versions), and every difference named."""

from __future__ import annotations

from svscore.batch.agree import disagreements
from svscore.model.bids import Bid, Commitment

RETURNED = {"bidder": "Alpha Care Ltd", "bidder_id": "1", "commitments": [
    {"measure": "FTE", "quantity": 12, "year": 1}, {"measure": "FTE", "quantity": 12, "year": 2},
    {"measure": "HIRE", "quantity": 2, "year": 1}, {"measure": "HIRE", "quantity": 5, "year": 2}]}


def _bid(*commitments: tuple[str, float, int | None]) -> Bid:
    return Bid(bidder_id="1", bidder="Alpha Care Ltd",
               commitments=tuple(Commitment(measure=m, quantity=q, year=y) for m, q, y in commitments))


def test_the_same_commitments_year_by_year_agree():
    assert disagreements(RETURNED, _bid(("FTE", 12, 1), ("FTE", 12, 2), ("HIRE", 2, 1), ("HIRE", 5, 2))) == []


def test_a_year_that_differs_is_named_with_both_quantities():
    [said] = disagreements(RETURNED, _bid(("FTE", 12, 1), ("FTE", 10, 2), ("HIRE", 2, 1), ("HIRE", 5, 2)))
    assert "FTE in year 2: 10 in the evaluation workbook, 12 in the returned workbook" in said
    assert "returned workbook's is used" in said and "year 1" not in said


def test_the_same_total_in_other_years_is_a_difference():
    said = disagreements(RETURNED, _bid(("FTE", 24, 1), ("HIRE", 2, 1), ("HIRE", 5, 2)))
    assert said and "FTE in year 1: 24 in the evaluation workbook, 12" in said[0] and "FTE in year 2: 0 in the evaluation" in said[0]


def test_an_older_evaluation_workbooks_contract_totals_are_compared_as_they_count():
    """Before format version 3 the evaluation workbook gave each measure over the contract (year
    unset); a first-year-only measure counts year 1 only. Before, a year unset stopped the batch
    with a TypeError."""
    assert disagreements(RETURNED, _bid(("FTE", 24, None), ("HIRE", 2, None)), first_year_only=frozenset({"HIRE"})) == []
    [said] = disagreements(RETURNED, _bid(("FTE", 24, None), ("HIRE", 7, None)), first_year_only=frozenset({"HIRE"}))
    assert "HIRE over the contract: 7 in the evaluation workbook, 2 in the returned workbook" in said


def test_a_first_year_only_measures_later_years_are_not_compared():
    """A later year of a first-year-only measure counts for nothing, so a bidder's year 2 figure the
    officer left blank is no disagreement (it was an error, exit 1, over a number with no effect)."""
    recorded = _bid(("FTE", 12, 1), ("FTE", 12, 2), ("HIRE", 2, 1))
    assert disagreements(RETURNED, recorded, first_year_only=frozenset({"HIRE"})) == []
    assert disagreements(RETURNED, recorded) != []


def test_the_contact_address_and_the_cell_it_is_read_from_follow_one_rule():
    # The award names the Cover cell of the contact address: it must be the cell the address came from.
    from svscore.batch.agree import contact_address
    from svscore.excel.read_bid_return import contact_field

    for cover, field, address in (({"postal_address": "PO Box 7", "address": "1 High St"}, "postal_address", "PO Box 7"),
                                  ({"postal_address": "  ", "address": "1 High St"}, "address", "1 High St"),
                                  ({"address": "1 High St"}, "address", "1 High St"),
                                  ({"postal_address": None, "address": " 1 High St "}, "address", "1 High St")):
        assert contact_field(cover) == field and contact_address(cover) == address
