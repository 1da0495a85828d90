"""Thresholds and the Social Value Act: every shipped row at its boundaries, each rule, each jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal as D

import pytest

from svscore.model.enums import MainSubject as M
from svscore.model.tender import AuthorityType as A
from svscore.model.tender import ContractKind as K
from svscore.model.tender import Jurisdiction as J
from svscore.model.thresholds import Regime
from svscore.model.thresholds import ThresholdCategory as C
from svscore.rules.act import Applies, Question, category_for, decide, find_row, shipped_table, table_for
from tests.conftest import ROOT

TABLE = shipped_table()

HOW = {  # a (authority, contract kind) that lands in each category
    C.CENTRAL_GOODS_SERVICES: (A.CENTRAL_GOVERNMENT, K.SERVICES),
    C.SUB_CENTRAL_GOODS_SERVICES: (A.SUB_CENTRAL, K.GOODS),
    C.WORKS: (A.SUB_CENTRAL, K.WORKS),
    C.CONCESSION: (A.SUB_CENTRAL, K.CONCESSION),
    C.LIGHT_TOUCH: (A.SUB_CENTRAL, K.LIGHT_TOUCH),
    C.UTILITIES_GOODS_SERVICES: (A.UTILITY, K.SERVICES),
    C.UTILITIES_WORKS: (A.UTILITY, K.WORKS),
    C.UTILITIES_LIGHT_TOUCH: (A.UTILITY, K.LIGHT_TOUCH),
    C.DEFENCE_SECURITY_GOODS_SERVICES: (A.DEFENCE_AND_SECURITY, K.GOODS),
    C.DEFENCE_SECURITY_WORKS: (A.DEFENCE_AND_SECURITY, K.WORKS),
    C.DEFENCE_SECURITY_CONCESSION: (A.DEFENCE_AND_SECURITY, K.CONCESSION),
}


def q(value, start="2026-03-02", authority=A.SUB_CENTRAL, kind=K.SERVICES, vat=True, **kw) -> Question:
    return Question(estimated_value=D(value), value_includes_vat=vat, authority_type=authority,
                    jurisdiction=kw.pop("jurisdiction", J.ENGLAND), contract_kind=kind,
                    procurement_start=dt.date.fromisoformat(start), **kw)


def test_table_covers_every_reference_value():
    assert len(TABLE.rows) == 45
    values = {(r.regime, r.category, r.effective_from.isoformat()): r.value for r in TABLE.rows}
    assert values[(Regime.PA_2023, C.SUB_CENTRAL_GOODS_SERVICES, "2026-01-01")] == 207720
    assert values[(Regime.PA_2023, C.UTILITIES_LIGHT_TOUCH, "2025-02-24")] == 884720
    assert values[(Regime.PA_2023, C.LIGHT_TOUCH_CONCESSION, "2026-01-01")] == 5372609
    assert values[(Regime.PCR_2015, C.CENTRAL_GOODS_SERVICES, "2020-01-01")] == 122976
    assert values[(Regime.PCR_2015, C.UTILITIES_GOODS_SERVICES, "2022-01-01")] == 426955
    assert all(r.includes_vat == (r.effective_from.year >= 2022) for r in TABLE.rows)


@pytest.mark.parametrize("row", [r for r in TABLE.rows if r.category in HOW],
                         ids=lambda r: f"{r.regime.value}-{r.category.value}-{r.effective_from}")
def test_every_row_at_and_below_its_threshold(row):
    authority, kind = HOW[row.category]
    start = row.effective_from.isoformat()
    at = decide(q(row.value, start, authority, kind, vat=row.includes_vat))
    assert at.threshold == row
    assert at.above_threshold is True
    assert row.source in " ".join(at.reasons)
    assert f"£{row.value:,.0f}" in " ".join(at.reasons)
    below = decide(q(row.value - 1, start, authority, kind, vat=row.includes_vat))
    assert below.above_threshold is False


@pytest.mark.parametrize("row", [r for r in TABLE.rows if r.category in HOW],
                         ids=lambda r: f"{r.regime.value}-{r.category.value}-{r.effective_from}")
def test_the_day_before_a_row_takes_effect_uses_the_previous_one(row):
    authority, kind = HOW[row.category]
    day_before = row.effective_from - dt.timedelta(days=1)
    d = decide(q(row.value, day_before.isoformat(), authority, kind, vat=row.includes_vat))
    assert d.threshold != row


def test_light_touch_concession_row_is_found_by_date():
    row = find_row(TABLE, Regime.PA_2023, C.LIGHT_TOUCH_CONCESSION, dt.date(2026, 1, 1))
    assert row is not None and row.value == 5372609


@pytest.mark.parametrize(("start", "regime"), [("2025-02-23", Regime.PCR_2015), ("2025-02-24", Regime.PA_2023)])
def test_regime_changes_on_24_feb_2025(start, regime):
    d = decide(q(300000, start))
    assert d.regime is regime
    assert d.threshold is not None and d.threshold.regime is regime


def test_2026_values_start_on_1_jan_2026():
    assert decide(q(210000, "2025-12-31")).threshold.value == 214904
    assert decide(q(210000, "2026-01-01")).threshold.value == 207720
    assert decide(q(210000, "2025-12-31")).above_threshold is False
    assert decide(q(210000, "2026-01-01")).above_threshold is True


def test_vat_is_added_to_an_ex_vat_value():
    d = decide(q(173100, vat=False))  # 173,100 × 1.2 = 207,720 exactly
    assert d.value_compared == 207720 and d.above_threshold is True
    assert any("VAT at 20% added" in r and "£207,720" in r for r in d.reasons)


def test_vat_rate_is_configurable():
    d = decide(q(173100, vat=False, vat_rate_percent=D(0)))
    assert d.above_threshold is False


def test_vat_is_removed_for_2020_rows_that_exclude_it():
    d = decide(q(D(189330) * D("1.2"), "2020-06-01"))
    assert d.threshold.value == 189330 and not d.threshold.includes_vat
    assert d.value_compared == 189330 and d.above_threshold is True
    assert any("VAT at 20% removed" in r for r in d.reasons)


def test_options_and_extensions_are_added():
    d = decide(q(150000, options_and_extensions_value=D(60000)))
    assert d.value_compared == 210000 and d.above_threshold is True
    assert any("Sch. 3" in r for r in d.reasons)


@pytest.mark.parametrize(("share", "applies"), [(D(50), Applies.NO), (D("50.01"), Applies.YES), (None, Applies.UNCERTAIN)])
def test_mixed_contracts_either_side_of_half_services(share, applies):
    assert decide(q(500000, kind=K.MIXED, services_share_percent=share)).applies is applies


@pytest.mark.parametrize("kind", [K.GOODS, K.WORKS])
def test_goods_and_works_are_not_in_scope(kind):
    d = decide(q(9_000_000, kind=kind))
    assert d.above_threshold is True and d.applies is Applies.NO


def test_services_above_threshold_apply_and_below_do_not():
    assert decide(q(207720)).applies is Applies.YES
    d = decide(q(207719))
    assert d.applies is Applies.NO
    assert any("applies only to public services contracts, which are at or above it" in r for r in d.reasons)


def test_framework_gets_a_reminder_and_counts_as_services():
    d = decide(q(500000, framework=True))
    assert d.applies is Applies.YES
    assert any("framework" in w for w in d.warnings)
    assert any("framework under which public services contracts" in r for r in d.reasons)


def test_scotland_names_its_own_duty():
    d = decide(q(60000, vat=False, jurisdiction=J.SCOTLAND, scottish_devolved=True))
    assert d.applies is Applies.NO
    assert "Procurement Reform (Scotland) Act 2014 s.9" in d.other_duty
    assert any("is regulated" in r for r in d.reasons)
    d2 = decide(q(1_500_000, vat=False, kind=K.WORKS, jurisdiction=J.SCOTLAND, scottish_devolved=True))
    assert any("not regulated" in r for r in d2.reasons)


def test_northern_ireland():
    d = decide(q(500000, jurisdiction=J.NORTHERN_IRELAND))
    assert d.applies is Applies.NO and any("does not extend" in r for r in d.reasons)


@pytest.mark.parametrize(("start", "in_force"), [("2026-03-24", False), ("2026-03-25", True)])
def test_welsh_devolved_authority(start, in_force):
    d = decide(q(500000, start, jurisdiction=J.WALES, welsh_devolved_functions=True, welsh_listed_body=True))
    assert d.applies is Applies.NO
    assert "Social Partnership and Public Procurement (Wales) Act 2023 s.24" in d.other_duty
    assert any(("Instead the" in r) == in_force for r in d.reasons if "Wales" in r and "s.24" in r)


def test_non_devolved_welsh_body_is_in_scope():
    assert decide(q(500000, jurisdiction=J.WALES)).applies is Applies.YES


def test_light_touch_under_pcr_uses_the_services_threshold():
    d = decide(q(300000, "2024-06-03", kind=K.LIGHT_TOUCH))
    assert d.threshold.category is C.LIGHT_TOUCH and d.above_threshold is False
    assert d.applies is Applies.YES
    assert any("SI 2016/275" in r for r in d.reasons)


@pytest.mark.parametrize(("authority", "kind"), [(A.SUB_CENTRAL, K.LIGHT_TOUCH), (A.SUB_CENTRAL, K.CONCESSION),
                                                 (A.DEFENCE_AND_SECURITY, K.SERVICES), (A.UTILITY, K.SERVICES)])
def test_unconfirmed_scope_is_uncertain(authority, kind):
    d = decide(q(9_000_000, authority=authority, kind=kind))
    assert d.applies is Applies.UNCERTAIN
    assert any("could not be confirmed" in r for r in d.reasons)


def test_defence_under_pcr_has_no_row():
    d = decide(q(9_000_000, "2024-06-03", authority=A.DEFENCE_AND_SECURITY))
    assert d.threshold is None and d.above_threshold is None and d.applies is Applies.UNCERTAIN


def test_near_threshold_warns_about_estimation_and_splitting():
    assert any("must not be split" in w for w in decide(q(190000)).warnings)
    assert not any("must not be split" in w for w in decide(q(180000)).warnings)
    assert any("must not be split" in w for w in decide(q(180000), margin_percent=D(15)).warnings)


def test_unvalued_options_are_reminded():
    assert any("options, extensions or renewals" in w for w in decide(q(500000, has_options_or_extensions=True)).warnings)


def test_coverage_warnings():
    assert any("before the thresholds table begins" in w for w in decide(q(500000, "2019-06-03")).warnings)
    assert any("after the thresholds table's horizon" in w for w in decide(q(500000, "2028-02-01")).warnings)


def test_unconfirmed_rows_are_warned():
    assert any("could not be checked" in w for w in decide(q(500000, "2026-02-02")).warnings)
    assert not any("could not be checked" in w for w in decide(q(500000, "2025-06-02")).warnings)


def test_council_table_replaces_the_shipped_one(tmp_path):
    table = {"title": "Testshire's table", "rows": [
        {"regime": "pa_2023", "category": "sub_central_goods_services", "effective_from": "2025-02-24",
         "value": 100000, "includes_vat": True, "source": "Testshire legal team, memo 12"}]}
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(table))
    d = decide(q(150000), table_for(path))
    assert d.threshold.value == 100000 and d.above_threshold is True
    assert any("Testshire legal team, memo 12" in r for r in d.reasons)


def test_category_for_light_touch_act_uses_services():
    assert category_for(q(1, kind=K.LIGHT_TOUCH), for_act=True) is C.SUB_CENTRAL_GOODS_SERVICES
    assert category_for(replace(q(1), authority_type=A.CENTRAL_GOVERNMENT)) is C.CENTRAL_GOODS_SERVICES


def test_shipped_table_file_is_valid():
    from svscore.model.loading import load_thresholds
    assert load_thresholds(ROOT / "svscore" / "data" / "thresholds.json") == TABLE


def test_valuation_rules_cite_the_regime_in_force():
    pa = decide(q(150000, "2026-03-02", options_and_extensions_value=D(60000), framework=True))
    assert any("Procurement Act 2023 Sch. 3 para 1" in r for r in pa.reasons)
    assert any("Procurement Act 2023 Sch. 3 para 2" in w for w in pa.warnings)
    pcr = decide(q(150000, "2024-06-03", options_and_extensions_value=D(60000), framework=True))
    assert any("Public Contracts Regulations 2015 reg 6" in r for r in pcr.reasons)
    assert not any("Procurement Act 2023 Sch. 3" in x for x in pcr.reasons + pcr.warnings)


@pytest.mark.parametrize(("changes", "message"), [
    ({"estimated_value": D(-5)}, "The estimated value cannot be negative (-£5)."),
    ({"options_and_extensions_value": D(-1)}, "The value of options, extensions and renewals cannot be negative (-£1)."),
    ({"services_share_percent": D(120)}, "The services' share must be between 0 and 100%, not 120."),
    ({"vat_rate_percent": D(-20)}, "The VAT rate must be between 0 and 100%, not -20."),
])
def test_impossible_questions_are_refused(changes, message):
    from svscore.errors import SvscoreError
    with pytest.raises(SvscoreError) as info:
        replace(q(100000), **changes)
    assert str(info.value) == message


def test_impossible_values_are_refused_everywhere():
    from svscore.xl.udfs import SV_THRESHOLD
    from tests.conftest import run_cli
    r = run_cli("act", "--value", "-5", "--authority", "sub_central", "--contract", "services", "--start-date", "2026-03-02")
    assert r.returncode == 2 and "cannot be negative (-£5)" in r.stderr
    assert SV_THRESHOLD(-5.0, "sub_central", "services", "2026-03-02") == "svscore: The estimated value cannot be negative (-£5)."


def test_check_reports_a_negative_value_once():
    from svscore.rules.checks import check_tender
    from tests.conftest import make_tender, tender_dict
    data = tender_dict()
    data["contract"]["estimated_value"] = -5
    report = check_tender(make_tender(**{k: v for k, v in data.items() if k != "contract"}, contract=data["contract"]))
    codes = [f.code for f in report.findings]
    assert "contract.negative_value" in codes and "thresholds.unreadable" not in codes and report.decision is None


# Facts given together that do not fit are said, never quietly dropped (one warning each).
@pytest.mark.parametrize(("kw", "said"), [
    ({"kind": K.WORKS, "main_subject": M.SERVICES},
     "main subject-matter (services) is given, but the contract is works, not mixed"),
    ({"kind": K.SERVICES, "services_share_percent": D(30)}, "services' share of the value (30%) is given, but the contract is services"),
    ({"kind": K.MIXED, "services_share_percent": D(30), "main_subject": M.SERVICES},
     "given as services, but services are 30% of the value: the two disagree"),
    ({"kind": K.MIXED, "services_share_percent": D(80), "main_subject": M.GOODS},
     "given as goods, but services are 80% of the value"),
    ({"scottish_devolved": True}, "devolved Scottish authority is given, but it is in England"),
    ({"welsh_devolved_functions": True}, "mainly Welsh devolved functions, but to be in England"),
    ({"welsh_listed_body": True}, "not a Welsh devolved authority: it is not used"),
])
def test_facts_that_do_not_fit_are_warned(kw, said):
    d = decide(q(500_000, **kw), TABLE)
    assert [w for w in d.warnings if said in w], d.warnings


@pytest.mark.parametrize("kw", [
    {"kind": K.MIXED, "services_share_percent": D(60), "main_subject": M.SERVICES},
    {"kind": K.MIXED, "services_share_percent": D(50), "main_subject": M.GOODS},
    {"kind": K.MIXED, "services_share_percent": D(90), "main_subject": M.WORKS},
    {"jurisdiction": J.SCOTLAND, "scottish_devolved": False},
    {"jurisdiction": J.WALES, "welsh_devolved_functions": True, "welsh_listed_body": True},
])
def test_facts_that_fit_are_not_warned_about(kw):
    d = decide(q(500_000, **kw), TABLE)
    assert not [w for w in d.warnings if "not used" in w or "disagree" in w or "check the jurisdiction" in w], d.warnings
