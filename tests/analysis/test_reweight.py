"""A re-weighted tender is a new tender, checked as any is; the original never changes."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction

import pytest

from svscore.analysis.reweight import with_weights
from svscore.errors import ScoringError, SvscoreError
from svscore.model.loading import load_tender
from svscore.rules.checks import check_tender
from tests.conftest import EXAMPLES

TENDER = EXAMPLES / "council-home-care.json"


def top(tender):
    return {c.id: c.weight for c in tender.criteria if c.weight is not None}  # pass/fail criteria have none


def test_a_new_tender_with_the_weights_and_the_original_untouched():
    tender = load_tender(TENDER)
    before = copy.deepcopy(tender.model_dump())
    ids = list(top(tender))
    weights = dict(zip(ids, [Decimal(100 - 10 * (len(ids) - 1))] + [Decimal(10)] * (len(ids) - 1), strict=True))
    new = with_weights(tender, weights)
    assert top(new) == weights and new is not tender
    assert tender.model_dump() == before
    assert new.source_dir == tender.source_dir
    assert check_tender(new).ok


def test_weights_that_no_longer_sum_are_refused_by_the_tenders_own_checks():
    tender = load_tender(TENDER)
    first = next(iter(top(tender)))
    with pytest.raises(ScoringError, match="re-weighted tender cannot be scored"):
        with_weights(tender, {first: top(tender)[first] + 1})


def test_an_unknown_criterion_or_lot_is_named():
    tender = load_tender(TENDER)
    with pytest.raises(SvscoreError, match="'NOPE'"):
        with_weights(tender, {"NOPE": 10})
    with pytest.raises(SvscoreError, match="no lot '9'"):
        with_weights(tender, {}, lot="9")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "ten", True, Fraction(1, 3)])
def test_a_weight_that_is_not_a_finite_decimal_is_refused(bad):
    tender = load_tender(TENDER)
    with pytest.raises(SvscoreError, match="weight of"):
        with_weights(tender, {next(iter(top(tender))): bad})


def test_a_float_is_the_decimal_it_prints_as():
    tender = load_tender(TENDER)
    ids = list(top(tender))
    rest = 100 - sum(top(tender)[i] for i in ids[2:])
    new = with_weights(tender, {ids[0]: 0.1, ids[1]: float(rest - Decimal("0.1"))})
    assert top(new)[ids[0]] == Decimal("0.1")
