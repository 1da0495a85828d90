"""Problems as data: a place of file, sheet, cell or JSON path, rendered as one line where shown."""

from __future__ import annotations

import pickle

from svscore.errors import Place, Problem, Severity


def test_a_location_is_rendered_from_its_parts():
    assert str(Place("Bidder A.xlsx", "Pricing", "E14")) == "Bidder A.xlsx › Pricing!E14"
    assert str(Place("Bidder A.xlsx", "_svscore")) == "Bidder A.xlsx › _svscore"
    assert str(Place("Bidder A.xlsx")) == "Bidder A.xlsx"
    assert str(Place(json_path="$.criteria[2].weight")) == "$.criteria[2].weight"


def test_a_sheet_name_holding_an_exclamation_mark_keeps_its_parts():
    p = Problem(Place("a.xlsx", "Q&A! notes", "B2"), "changed")
    assert (p.place.file, p.place.sheet, p.place.cell) == ("a.xlsx", "Q&A! notes", "B2")
    assert p.location == "a.xlsx › Q&A! notes!B2"


def test_a_location_given_as_text_is_the_file_it_names():
    p = Problem("received.csv line 4", "listed again", Severity.WARNING)
    assert p.place == Place("received.csv line 4") and p.severity is Severity.WARNING
    assert p.as_dict() == {"severity": "warning", "location": "received.csv line 4", "message": "listed again"}
    assert str(p) == "received.csv line 4: listed again"


def test_an_error_is_the_default_and_problems_compare_and_travel_between_processes():
    p = Problem(Place("a.xlsx", "Cover", "B3"), "required")
    assert p.severity is Severity.ERROR and p == Problem(Place("a.xlsx", "Cover", "B3"), "required")
    assert len({p, Problem(Place("a.xlsx", "Cover", "B3"), "required")}) == 1
    assert pickle.loads(pickle.dumps(p)) == p
