"""Procurement Act 2023 Sch. 1: every row reached by the precedence its own text states, at its
boundary (value - 1p, value) in each date range; rows that overlap with different figures are uncertain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from svscore.model.tender import AuthorityType as A
from svscore.model.tender import ContractKind as K
from svscore.model.tender import Jurisdiction as J
from svscore.model.thresholds import Regime
from svscore.model.thresholds import ThresholdCategory as C
from svscore.rules.act import Question, decide, shipped_table
from tests.conftest import run_cli

TABLE = shipped_table()

# (authority, kind, concession flag) -> the Sch. 1 row, as the row's text decides it
REACH = {
    1: (A.DEFENCE_AND_SECURITY, K.WORKS, False),
    2: (A.DEFENCE_AND_SECURITY, K.SERVICES, True),
    3: (A.DEFENCE_AND_SECURITY, K.GOODS, False),
    4: (A.UTILITY, K.WORKS, False),
    5: (A.UTILITY, K.LIGHT_TOUCH, False),
    6: (A.UTILITY, K.SERVICES, False),
    7: (A.SUB_CENTRAL, K.LIGHT_TOUCH, True),
    8: (A.SUB_CENTRAL, K.LIGHT_TOUCH, False),
    9: (A.SUB_CENTRAL, K.CONCESSION, False),
    10: (A.SUB_CENTRAL, K.WORKS, False),
    11: (A.CENTRAL_GOVERNMENT, K.GOODS, False),
    12: (A.SUB_CENTRAL, K.SERVICES, False),
}
CATEGORY = {1: C.DEFENCE_SECURITY_WORKS, 2: C.DEFENCE_SECURITY_CONCESSION, 3: C.DEFENCE_SECURITY_GOODS_SERVICES,
            4: C.UTILITIES_WORKS, 5: C.UTILITIES_LIGHT_TOUCH, 6: C.UTILITIES_GOODS_SERVICES, 7: C.LIGHT_TOUCH_CONCESSION,
            8: C.LIGHT_TOUCH, 9: C.CONCESSION, 10: C.WORKS, 11: C.CENTRAL_GOODS_SERVICES, 12: C.SUB_CENTRAL_GOODS_SERVICES}


def q(value, start, authority, kind, concession=False, **kw) -> Question:
    return Question(estimated_value=D(value), value_includes_vat=True, authority_type=authority,
                    jurisdiction=J.ENGLAND, contract_kind=kind, procurement_start=start, concession=concession, **kw)


PA_ROWS = [(n, r) for n in REACH for r in TABLE.rows if r.regime is Regime.PA_2023 and r.category is CATEGORY[n]]


def test_every_pa_2023_table_row_is_reachable():
    assert {r for _, r in PA_ROWS} == {r for r in TABLE.rows if r.regime is Regime.PA_2023}


@pytest.mark.parametrize(("number", "row"), PA_ROWS, ids=lambda x: str(x) if isinstance(x, int) else str(x.effective_from))
def test_each_row_at_its_boundary(number, row):
    authority, kind, concession = REACH[number]
    at = decide(q(row.value, row.effective_from, authority, kind, concession))
    assert at.threshold == row and at.above_threshold is True
    assert any(f"row {number} of Procurement Act 2023 Sch. 1" in x for x in at.reasons)
    below = decide(q(row.value - D("0.01"), row.effective_from, authority, kind, concession))
    assert below.threshold == row and below.above_threshold is False


def test_defence_light_touch_is_row_8_not_row_3():
    d = decide(q(500_000, dt.date(2026, 3, 2), A.DEFENCE_AND_SECURITY, K.LIGHT_TOUCH))
    assert d.category is C.LIGHT_TOUCH and d.above_threshold is False and d.threshold.value == 663540


def test_utilities_services_concession_is_row_6_not_row_9():
    d = decide(q(1_000_000, dt.date(2026, 3, 2), A.UTILITY, K.CONCESSION))
    assert d.category is C.UTILITIES_GOODS_SERVICES and d.above_threshold is True


def test_rows_that_overlap_with_different_figures_are_uncertain():
    d = decide(q(5_300_000, dt.date(2026, 3, 2), A.DEFENCE_AND_SECURITY, K.LIGHT_TOUCH, True))
    assert d.above_threshold is None and d.applies.value == "uncertain"
    assert any("rows 2 and 7" in x and "different thresholds" in x for x in d.reasons)


def test_rows_that_overlap_with_the_same_figure_decide():
    d = decide(q(5_193_000, dt.date(2026, 3, 2), A.UTILITY, K.WORKS, True))
    assert d.above_threshold is True and any("rows 4 and 9" in x for x in d.reasons)


def test_a_concession_is_valued_under_sch_3_para_3():
    d = decide(q(6_000_000, dt.date(2026, 3, 2), A.SUB_CENTRAL, K.CONCESSION))
    assert any("Sch. 3 para 3" in x for x in d.reasons)
    assert not any("Sch. 3 para 1" in x for x in d.reasons)


def test_the_concession_flag_from_the_command_line():
    r = run_cli("act", "--value", "5372609", "--authority", "sub_central", "--contract", "light_touch",
                "--concession", "--start-date", "2026-03-02", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert '"category": "light_touch_concession"' in r.stdout


def test_every_contract_a_question_can_describe_is_within_a_row():
    """Every question svscore can be asked names exactly one authority type, and every such contract,
    whatever else it is (works, light touch, a concession, or several), is within a row of Sch. 1:
    so the threshold is always read from the Schedule's own precedence, never guessed around it."""
    import itertools

    from svscore.model.enums import MainSubject
    from svscore.model.thresholds import Feature, schedule_1_rows

    authorities = {Feature.CENTRAL, Feature.SUB_CENTRAL, Feature.UTILITIES, Feature.DEFENCE_AND_SECURITY}
    questions = [q(1, dt.date(2025, 3, 3), authority, kind, concession, main_subject=subject)
                 for authority, kind, concession, subject in itertools.product(A, K, (False, True), (None, *MainSubject))]
    features = {x.features() for x in questions}
    assert all(len(f & authorities) == 1 for f in features)
    others = (Feature.WORKS, Feature.LIGHT_TOUCH, Feature.CONCESSION)
    every = {frozenset({a, *extra}) for a in authorities for n in range(4) for extra in itertools.combinations(others, n)}
    assert features <= every
    assert [f for f in every if not schedule_1_rows(f)] == []
