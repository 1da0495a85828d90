"""svscore.errors: where a problem is (JSON path, file, sheet and cell), file names and text made
safe to show, and the one exception hierarchy the command line maps to exit codes."""

from __future__ import annotations

import os
import re

import pytest

from svscore.award.notice import AwardNoticeError
from svscore.award.standstill import StandstillError
from svscore.batch.container import Refused
from svscore.batch.run import BatchError
from svscore.cli.main import exit_code
from svscore.errors import (
    DisagreementError,
    ErrorsFound,
    InputError,
    OutputRefused,
    Problem,
    ScoringError,
    SvscoreError,
    TenderFileError,
    WorkbookError,
    cell_location,
    escaped,
    file_label,
    json_path,
    shortened,
)
from svscore.xl.adapt import BadInput


@pytest.mark.parametrize(("parts", "path"), [
    ((), "$"),
    (("criteria", 2, "weight"), "$.criteria[2].weight"),
    (("lots", 0, "criteria", 1, "children", 0, "id"), "$.lots[0].criteria[1].children[0].id"),
    (("scores", "my key"), "$.scores['my key']"),   # not a name: quoted, as a JSON path must
    (("measures", "2x"), "$.measures['2x']"),
    (("a-b",), "$['a-b']"),
])
def test_json_path(parts, path):
    assert json_path(parts) == path


@pytest.mark.parametrize(("name", "label"), [
    ("Bidder A.xlsx", "Bidder A.xlsx"),
    ("Café Ltd.xlsx", "Café Ltd.xlsx"),                         # printable, if not ASCII: unchanged
    (os.fsdecode(b"Caf\xe9 Ltd.xlsx"), "Caf\\xe9 Ltd.xlsx"),    # a Windows name's byte that is not UTF-8
    ("two\nlines.xlsx", "two\\x0alines.xlsx"),                  # a line break cannot start a line of its own
    ("bell\x07.xlsx", "bell\\x07.xlsx"),
    ("del\x7f.xlsx", "del\\x7f.xlsx"),
    ("lone\ud800.xlsx", "lone\\ud800.xlsx"),                     # a surrogate that is no undecodable byte
])
def test_file_label(name, label):
    shown = file_label(name)
    assert shown == label
    shown.encode("utf-8")  # writable anywhere: JSON, CSV, a workbook, the terminal


def test_escaped_shows_each_matched_character_in_one_form():
    pattern = re.compile("[\x1b\u202e]")
    assert escaped(pattern, "a\x1b[31mb\u202ec") == "a\\x1b[31mb\\u202ec"
    assert escaped(pattern, "plain") == "plain"


@pytest.mark.parametrize(("text", "limit", "shown"), [
    ("Home care", 9, "Home care"),                                   # fits exactly: unchanged
    ("Home care and reablement", 15, "Home care and…"),              # cut between words
    ("Social value of at least 50%", 22, "Social value of at…"),    # never "of 50…", a whole figure that was 50%
    ("Quality, price", 10, "Quality…"),                              # the comma before the cut is dropped
    ("Supercalifragilistic", 8, "Superca…"),                         # one long word: cut where the room ends
    ("a bcdefghijklmnop", 10, "a bcdefgh…"),                         # a space too early to cut at
])
def test_shortened(text, limit, shown):
    assert shortened(text, limit) == shown
    assert len(shown) <= limit


@pytest.mark.parametrize(("args", "shown"), [
    (("Bidder A.xlsx",), "Bidder A.xlsx"),
    (("Bidder A.xlsx", "Pricing"), "Bidder A.xlsx › Pricing"),
    (("Bidder A.xlsx", "Pricing", "E14"), "Bidder A.xlsx › Pricing!E14"),
    (("Bidder A.xlsx", None, "E14"), "Bidder A.xlsx"),   # a cell means nothing without its sheet
])
def test_cell_location(args, shown):
    assert cell_location(*args) == shown


def test_an_input_error_lists_every_problem_under_its_source():
    error = TenderFileError("tender.json", [Problem("$.criteria[0].weight", "expected a number"),
                                            Problem("$.title", "missing")])
    assert str(error) == "tender.json could not be read:\n  $.criteria[0].weight: expected a number\n  $.title: missing"
    assert error.source == "tender.json" and len(error.problems) == 2


@pytest.mark.parametrize(("error", "code"), [
    (SvscoreError("x"), 2),
    (InputError("f", []), 2),
    (TenderFileError("f", []), 2),
    (WorkbookError("f", []), 2),
    (OutputRefused("x"), 2),
    (DisagreementError("x"), 2),
    (BatchError("x"), 2),
    (Refused("x"), 2),
    (BadInput("x"), 2),
    (ScoringError("x"), 1),
    (StandstillError("x"), 1),
    (AwardNoticeError("x"), 1),
    (FileNotFoundError(2, "No such file or directory", "x.json"), 2),
    (KeyError("a bug"), 70),
    (AssertionError("a bug"), 70),
])
def test_every_error_has_its_exit_code(error, code):
    assert exit_code(error) == code
    assert isinstance(error, SvscoreError) is (code != 70 and not isinstance(error, OSError))
    assert isinstance(error, ErrorsFound) is (code == 1)


@pytest.mark.parametrize("error", [OutputRefused, BadInput])
def test_errors_callers_caught_as_value_errors_still_are(error):
    assert issubclass(error, ValueError) and issubclass(error, SvscoreError)
