"""Which regime governs: Scotland (devolved or reserved), Wales (listed bodies, the Welsh SI),
and the transition from PCR 2015 (how the procurement began; call-offs under PCR frameworks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from svscore.model.enums import Commenced, MainSubject
from svscore.model.tender import AuthorityType as A
from svscore.model.tender import ContractKind as K
from svscore.model.tender import Jurisdiction as J
from svscore.model.thresholds import Regime
from svscore.render.text import decision_text
from svscore.rules.act import Applies, Question, decide


def q(value=500_000, start="2026-03-02", kind=K.SERVICES, jurisdiction=J.ENGLAND, **kw) -> Question:
    return Question(estimated_value=D(value), value_includes_vat=kw.pop("value_includes_vat", True), authority_type=kw.pop("authority", A.SUB_CENTRAL),
                    jurisdiction=jurisdiction, contract_kind=kind, procurement_start=dt.date.fromisoformat(start), **kw)


def test_a_devolved_scottish_authority_is_not_under_the_2023_act_and_gets_no_other_regimes_figure():
    d = decide(q(jurisdiction=J.SCOTLAND, scottish_devolved=True))
    assert d.regime is Regime.PCS_2015 and d.threshold is None and d.above_threshold is None
    assert "Public Contracts (Scotland) Regulations 2015" in decision_text(d)
    assert "Procurement Act 2023" not in decision_text(d).splitlines()[0]
    assert any("could not be confirmed" in r and "uncertain" in r for r in d.reasons)


def test_a_reserved_body_in_scotland_is_under_the_2023_act():
    d = decide(q(jurisdiction=J.SCOTLAND, scottish_devolved=False))
    assert d.regime is Regime.PA_2023 and d.above_threshold is True and d.applies is Applies.UNCERTAIN


def test_scotland_without_saying_which_kind_of_body_is_uncertain():
    d = decide(q(jurisdiction=J.SCOTLAND))
    assert d.regime is None and d.above_threshold is None and d.applies is Applies.UNCERTAIN
    assert decision_text(d).startswith("Regime: uncertain")
    assert d.as_dict()["regime"] == "uncertain"


def test_an_unlisted_welsh_devolved_body_is_not_told_the_s24_duty_applies():
    d = decide(q(start="2026-04-01", jurisdiction=J.WALES, welsh_devolved_functions=True, welsh_listed_body=False))
    assert d.other_duty is None and not any("Instead" in r for r in d.reasons)
    assert any("s.22" in r and "not listed" in r for r in d.reasons)
    unknown = decide(q(start="2026-04-01", jurisdiction=J.WALES, welsh_devolved_functions=True))
    assert "if the authority is listed" in unknown.other_duty
    assert any("SI 2025/1353 (W.220)" in r for r in unknown.reasons)


def test_a_welsh_devolved_authority_is_told_of_the_welsh_regulations_and_instrument():
    d = decide(q(jurisdiction=J.WALES, welsh_devolved_functions=True, welsh_listed_body=True))
    assert any("Procurement (Wales) Regulations 2024" in r and "WPPN 017" in r for r in d.reasons)


def test_a_call_off_under_a_pcr_framework_stays_under_pcr_whatever_its_date():
    d = decide(q(start="2026-06-01", pcr_framework_call_off=True))
    assert d.regime is Regime.PCR_2015 and d.threshold is not None and d.threshold.regime is Regime.PCR_2015
    assert any("SI 2024/716" in r and "call-off" in r for r in d.reasons)


def test_how_the_procurement_began_decides_the_regime_before_24_feb_2025():
    d = decide(q(start="2025-02-10", commenced_by=Commenced.NOTICE))
    assert d.regime is Regime.PCR_2015 and not any("commenced_by" in w for w in d.warnings)
    d = decide(q(start="2025-02-10"))
    assert d.regime is Regime.PCR_2015 and any("commenced_by" in w for w in d.warnings)
    d = decide(q(start="2025-02-10", commenced_by=Commenced.NOT_YET))
    assert d.regime is Regime.PA_2023 and any("not commenced" in r for r in d.reasons)


def test_the_new_inputs_from_the_command_line():
    from tests.conftest import EXAMPLES, run_cli

    r = run_cli("act", "--value", "500000", "--authority", "sub_central", "--contract", "services", "--start-date",
                "2026-03-02", "--jurisdiction", "scotland", "--scottish-devolved")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Regime: Public Contracts (Scotland) Regulations 2015")
    r = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--pcr-call-off", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert '"regime": "pcr_2015"' in r.stdout and "--pcr-call-off was given" in r.stdout


def test_light_touch_under_pcr_compares_net_of_vat_as_s1_16_says_or_is_uncertain():
    # 2022-25: ordinary sub-central services threshold £213,477 (incl. VAT); s.1(16)(c) compares net of VAT
    d = decide(q(200_000, "2022-06-01", K.LIGHT_TOUCH, value_includes_vat=False))  # £200,000 net, £240,000 gross
    assert d.applies is Applies.UNCERTAIN
    assert any("net of VAT" in r and "SI 2016/275 Sch. 1 para 8" in r and "uncertain" in r for r in d.reasons)
    assert decide(q(300_000, "2022-06-01", K.LIGHT_TOUCH, value_includes_vat=False)).applies is Applies.YES
    assert decide(q(100_000, "2022-06-01", K.LIGHT_TOUCH, value_includes_vat=False)).applies is Applies.NO


def test_below_threshold_cites_the_current_provision():
    for start in ("2024-06-01", "2026-03-02"):
        d = decide(q(1000, start))
        text = " ".join(d.reasons)
        assert "Explanatory Notes" not in text and "s.1(16)" in text


def test_a_call_off_is_not_caught_by_the_2012_act():
    d = decide(q(start="2026-06-01", pcr_framework_call_off=True))
    assert d.applies is Applies.NO and any("s.1(1)(a)" in r for r in d.reasons)


def test_threshold_rows_cite_their_instruments():
    from svscore.rules.act import shipped_table

    for row in shipped_table().rows:
        year = row.effective_from.year
        want = {2022: "SI 2021/1221", 2024: "SI 2023/1117", 2026: "SI 2025/1200"}.get(year)
        if (want and row.regime is Regime.PCR_2015) or year == 2026:
            assert want in row.source, row


def test_a_mixed_contract_mainly_works_takes_the_works_threshold_under_pcr_reg_4():
    d = decide(q(1_000_000, "2024-06-01", K.MIXED, services_share_percent=D(30), main_subject=MainSubject.WORKS))
    assert d.threshold.value == 5372609 and d.above_threshold is False
    assert any("reg 4" in r and "main subject-matter" in r for r in d.reasons)
    services = decide(q(1_000_000, "2024-06-01", K.MIXED, services_share_percent=D(60), main_subject=MainSubject.SERVICES))
    assert services.threshold.value == 214904 and services.above_threshold is True


def test_a_mixed_contract_without_its_main_subject_is_asked_for_it():
    d = decide(q(1_000_000, "2026-03-02", K.MIXED, services_share_percent=D(60)))
    assert any("main_subject" in w and "reg 4" in w for w in d.warnings)
    d = decide(q(1_000_000, "2026-03-02", K.MIXED, services_share_percent=D(30), main_subject=MainSubject.WORKS))
    assert d.threshold.category.value == "works" and any("could not be confirmed" in w for w in d.warnings)
