"""Is this contract above the procurement threshold, and does the Social Value Act duty apply?

:func:`decide` is a pure function of a :class:`Question` and a thresholds table. Its answer
names the regime, the threshold row used (value and legal source), the value compared (on the
row's VAT basis), and reasons in plain English that an officer can check against the law.
Rules the reference could not confirm give "uncertain" with the reason, never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from svscore.errors import SvscoreError
from svscore.fmt import money
from svscore.model.enums import Commenced, MainSubject
from svscore.model.tender import AuthorityType, ContractKind, Jurisdiction, Tender
from svscore.model.thresholds import (
    CATEGORY_NAMES,
    REGIME_NAMES,
    Feature,
    Regime,
    ScheduleRow,
    ThresholdCategory,
    ThresholdRow,
    ThresholdsTable,
    schedule_1_rows,
)

PA_2023_COMMENCEMENT = dt.date(2025, 2, 24)
WALES_SPPP_IN_FORCE = dt.date(2026, 3, 25)
SCOTLAND_GOODS_SERVICES = Decimal(50_000)
SCOTLAND_WORKS = Decimal(2_000_000)
SCOTLAND_COMMUNITY_BENEFITS = Decimal(4_000_000)
DEFAULT_MARGIN_PERCENT = Decimal(10)


SCOTTISH_RULE = "the Public Contracts (Scotland) Regulations 2015 (their valuation rule was not checked)"
CONCESSION_VALUATION_RULE = {Regime.PA_2023: "Procurement Act 2023 Sch. 3 para 3",
                             Regime.PCR_2015: "Concession Contracts Regulations 2016 reg 8", Regime.PCS_2015: SCOTTISH_RULE}
VALUATION_RULE = {Regime.PA_2023: "Procurement Act 2023 Sch. 3 para 1", Regime.PCR_2015: "Public Contracts Regulations 2015 reg 6", Regime.PCS_2015: SCOTTISH_RULE}
FRAMEWORK_RULE = {Regime.PA_2023: "Procurement Act 2023 Sch. 3 para 2", Regime.PCR_2015: "Public Contracts Regulations 2015 reg 6", Regime.PCS_2015: SCOTTISH_RULE}
SPLITTING_RULE = {Regime.PA_2023: "Procurement Act 2023 s.4 and Sch. 3", Regime.PCR_2015: "Public Contracts Regulations 2015 reg 6", Regime.PCS_2015: SCOTTISH_RULE}


BELOW_THRESHOLD_RULE = {
    Regime.PCR_2015: "s.1(16)(a), substituted by SI 2016/275 Sch. 1 para 8: a public service contract to which the "
                     "Public Contracts Regulations 2015 apply, which they do from the reg 5 thresholds",
    Regime.PA_2023: "s.1(16) as amended by SI 2025/163 reg 7 for the Procurement Act 2023, whose public contracts are "
                    "those not less than the Sch. 1 threshold (s.3(2)); the amended wording itself could not be read",
}


class Applies(StrEnum):
    YES = "yes"
    NO = "no"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Question:
    """Everything the decision depends on (built from a tender file or from CLI options)."""

    estimated_value: Decimal
    value_includes_vat: bool
    authority_type: AuthorityType
    jurisdiction: Jurisdiction
    contract_kind: ContractKind
    procurement_start: dt.date
    welsh_devolved_functions: bool = False
    services_share_percent: Decimal | None = None
    framework: bool = False
    options_and_extensions_value: Decimal | None = None
    has_options_or_extensions: bool = False
    vat_rate_percent: Decimal = Decimal(20)
    welsh_listed_body: bool | None = None
    scottish_devolved: bool | None = None
    pcr_framework_call_off: bool = False
    commenced_by: Commenced | None = None
    main_subject: MainSubject | None = None
    concession: bool = False
    """A concession contract, whatever its kind (a light touch or works concession is both)."""
    notes: tuple[str, ...] = ()
    """Said first in the reasons (e.g. which command-line options replaced the tender's values)."""

    def __post_init__(self) -> None:
        for what, value in (("The estimated value", self.estimated_value),
                            ("The value of options, extensions and renewals", self.options_and_extensions_value)):
            if value is not None and value < 0:
                raise SvscoreError(f"{what} cannot be negative ({money(value)}).")
        for what, value in (("The services' share", self.services_share_percent), ("The VAT rate", self.vat_rate_percent)):
            if value is not None and not (0 <= value <= 100):
                raise SvscoreError(f"{what} must be between 0 and 100%, not {value}.")

    @classmethod
    def from_tender(cls, tender: Tender) -> Question:
        c, a = tender.contract, tender.authority
        return cls(
            estimated_value=c.estimated_value, value_includes_vat=c.value_includes_vat,
            authority_type=a.type, jurisdiction=a.jurisdiction, contract_kind=c.kind,
            procurement_start=c.procurement_start, welsh_devolved_functions=a.welsh_devolved_functions,
            services_share_percent=c.services_share_percent, framework=c.framework,
            options_and_extensions_value=c.options_and_extensions_value,
            has_options_or_extensions=c.has_options_or_extensions, vat_rate_percent=c.vat_rate_percent,
            concession=c.concession, welsh_listed_body=a.welsh_listed_body, scottish_devolved=a.scottish_devolved,
            pcr_framework_call_off=c.pcr_framework_call_off, commenced_by=c.commenced_by, main_subject=c.main_subject,
        )

    @property
    def is_works(self) -> bool:
        """A works contract, or a mixed one whose main subject-matter is works."""
        return self.contract_kind is ContractKind.WORKS or (
            self.contract_kind is ContractKind.MIXED and self.main_subject is MainSubject.WORKS)

    @property
    def is_concession(self) -> bool:
        return self.concession or self.contract_kind is ContractKind.CONCESSION

    def features(self) -> frozenset[Feature]:
        """What Schedule 1's rows would call this contract."""
        f = {Feature.DEFENCE_AND_SECURITY: self.authority_type is AuthorityType.DEFENCE_AND_SECURITY,
             Feature.UTILITIES: self.authority_type is AuthorityType.UTILITY,
             Feature.CENTRAL: self.authority_type is AuthorityType.CENTRAL_GOVERNMENT,
             Feature.SUB_CENTRAL: self.authority_type is AuthorityType.SUB_CENTRAL,
             Feature.WORKS: self.is_works,
             Feature.LIGHT_TOUCH: self.contract_kind is ContractKind.LIGHT_TOUCH,
             Feature.CONCESSION: self.is_concession}
        return frozenset(k for k, v in f.items() if v)


@dataclass(frozen=True)
class Decision:
    """Whether a contract is above threshold and the Social Value Act 2012 applies, with the reasons."""

    regime: Regime | None
    """None when the regime itself could not be decided (the reasons say why)."""
    category: ThresholdCategory
    threshold: ThresholdRow | None
    value_compared: Decimal
    """The Schedule 3 value on the threshold row's VAT basis."""
    above_threshold: bool | None
    applies: Applies
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    other_duty: str | None = None

    @property
    def regime_name(self) -> str:
        return REGIME_NAMES[self.regime] if self.regime else "uncertain (see the reasons)"

    def as_dict(self) -> dict:
        t = self.threshold
        return {
            "regime": self.regime.value if self.regime else "uncertain",
            "regime_name": self.regime_name,
            "category": self.category.value,
            "threshold": None if t is None else {
                "value": _num(t.value), "includes_vat": t.includes_vat, "effective_from": t.effective_from.isoformat(),
                "source": t.source, "confirmed": t.confirmed,
            },
            "value_compared": _num(self.value_compared),
            "above_threshold": self.above_threshold,
            "social_value_act": {"applies": self.applies.value, "other_duty": self.other_duty},
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
        }


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


@cache
def shipped_table() -> ThresholdsTable:
    """The thresholds table shipped with svscore.

    Validated by the model alone (a test checks it against its JSON Schema too), so that the
    Excel functions can decide without importing the file loader.
    """
    import json

    text = resources.files("svscore.data").joinpath("thresholds.json").read_text(encoding="utf-8")
    return ThresholdsTable.model_validate(json.loads(text, parse_float=Decimal))


def table_for(path: str | Path | None) -> ThresholdsTable:
    """A council's own table when given, otherwise the shipped one."""
    if not path:
        return shipped_table()
    from svscore.model.loading import load_thresholds

    return load_thresholds(path)


def regime_for(start: dt.date) -> Regime:
    return Regime.PCR_2015 if start < PA_2023_COMMENCEMENT else Regime.PA_2023


TRANSITION_RULE = ("the Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions) "
                   "Regulations 2024 (SI 2024/716) reg 5, as amended by SI 2024/959")


def regime_of(tender: Tender) -> Regime | None:
    """The regime that governs a tender's procurement, as :func:`decide` finds it; None when it cannot be told."""
    return _regime(Question.from_tender(tender), [], [])


def _regime(q: Question, reasons: list[str], warnings: list[str]) -> Regime | None:
    """The regime that governs the procurement, its reason appended; None when it cannot be told."""
    if q.jurisdiction is Jurisdiction.SCOTLAND:
        if q.scottish_devolved is None:
            reasons.append("The authority is in Scotland, but whether it is a devolved Scottish authority (under the Public "
                           "Contracts (Scotland) Regulations 2015 and the Procurement Reform (Scotland) Act 2014) or a "
                           "reserved UK body operating in Scotland (under the Procurement Act 2023) is not given, so the "
                           "regime is uncertain. Say which (scottish_devolved, or --scottish-devolved / --reserved-body).")
            return None
        if q.scottish_devolved:
            reasons.append("The authority is a devolved Scottish authority: the Procurement Act 2023 does not govern it; "
                           "Scotland kept its own rules, the Public Contracts (Scotland) Regulations 2015 and the "
                           "Procurement Reform (Scotland) Act 2014.")
            return Regime.PCS_2015
        reasons.append("The authority is a reserved UK body operating in Scotland, so the UK regime applies to it.")
    if q.pcr_framework_call_off:
        reasons.append("The contract is a call-off under a framework awarded under the Public Contracts Regulations 2015, "
                       f"so it stays under them whatever its date ({TRANSITION_RULE}).")
        return Regime.PCR_2015
    start = q.procurement_start
    if start >= PA_2023_COMMENCEMENT:
        reasons.append(f"The procurement starts on {start:%d %b %Y}, so it is governed by the Procurement Act 2023 "
                       "(in force for procurements commenced on or after 24 Feb 2025, SI 2024/716 as amended by SI 2024/959).")
        if q.welsh_devolved_functions:
            reasons.append("As a Welsh devolved authority it follows the Act with the Procurement (Wales) Regulations 2024. "
                           "Its thresholds from 1 Jan 2026 are set for contracts regulated by the Welsh Ministers by a Welsh "
                           "instrument (made 9 Dec 2025; WPPN 017) with the same figures as SI 2025/1200; that instrument's "
                           "number could not be confirmed, so the figures below cite the UK instrument.")
        return Regime.PA_2023
    if q.commenced_by is Commenced.NOT_YET:
        reasons.append(f"The start date {start:%d %b %Y} is before 24 Feb 2025, but the procurement was not commenced then "
                       "(no notice published and no supplier contacted), so it does not stay under the Public Contracts "
                       f"Regulations 2015 ({TRANSITION_RULE}): it is under the Procurement Act 2023. Give the date it is "
                       "commenced as the start date to find its threshold.")
        return Regime.PA_2023
    how = {Commenced.NOTICE: "by a notice", Commenced.SUPPLIER_CONTACTED: "by contacting a supplier"}.get(q.commenced_by)  # type: ignore[arg-type]
    reasons.append(f"The procurement was commenced on {start:%d %b %Y}" + (f" {how}" if how else "")
                   + f", before 24 Feb 2025, so it stays under the Public Contracts Regulations 2015 ({TRANSITION_RULE}).")
    if how is None:
        warnings.append("A procurement stays under the Public Contracts Regulations 2015 only if it was commenced before "
                        "24 Feb 2025 by publishing a notice or contacting a supplier: say how it began (commenced_by).")
    return Regime.PCR_2015


def category_for(q: Question, *, for_act: bool = False) -> ThresholdCategory:
    """The threshold category under PCR 2015 (the 2023 Act's is found by :func:`schedule_rows`).
    ``for_act``: light touch services use the ordinary services threshold."""
    kind, auth = q.contract_kind, q.authority_type
    if q.is_works:
        kind = ContractKind.WORKS
    if q.concession and kind is not ContractKind.WORKS:
        kind = ContractKind.CONCESSION
    if auth is AuthorityType.DEFENCE_AND_SECURITY:
        return {ContractKind.WORKS: ThresholdCategory.DEFENCE_SECURITY_WORKS,
                ContractKind.CONCESSION: ThresholdCategory.DEFENCE_SECURITY_CONCESSION}.get(
            kind, ThresholdCategory.DEFENCE_SECURITY_GOODS_SERVICES)
    if auth is AuthorityType.UTILITY:
        if kind is ContractKind.LIGHT_TOUCH and not for_act:
            return ThresholdCategory.UTILITIES_LIGHT_TOUCH
        return {ContractKind.WORKS: ThresholdCategory.UTILITIES_WORKS,
                ContractKind.CONCESSION: ThresholdCategory.CONCESSION}.get(
            kind, ThresholdCategory.UTILITIES_GOODS_SERVICES)
    if kind is ContractKind.WORKS:
        return ThresholdCategory.WORKS
    if kind is ContractKind.CONCESSION:
        return ThresholdCategory.CONCESSION
    if kind is ContractKind.LIGHT_TOUCH and not for_act:
        return ThresholdCategory.LIGHT_TOUCH
    if auth is AuthorityType.CENTRAL_GOVERNMENT:
        return ThresholdCategory.CENTRAL_GOODS_SERVICES
    return ThresholdCategory.SUB_CENTRAL_GOODS_SERVICES


MIXED_RULE = "Public Contracts Regulations 2015 reg 4"


def _mixed(q: Question, regime: Regime, reasons: list[str], warnings: list[str]) -> None:
    """Which threshold a mixed contract takes: by main subject-matter where works are mixed in (PCR 2015 reg 4)."""
    if q.contract_kind is not ContractKind.MIXED:
        return
    if q.main_subject is None:
        warnings.append("For a mixed contract that includes works, the threshold goes by its main subject-matter, not "
                        f"by value ({MIXED_RULE}; the value test is for services with goods): give main_subject "
                        "(--main-subject). Without it the goods and services threshold is used.")
        return
    if regime is Regime.PCR_2015:
        reasons.append(f"The mixed contract's main subject-matter is {q.main_subject.value}, so it takes the "
                       f"{'works' if q.is_works else 'goods and services'} threshold ({MIXED_RULE}).")
        return
    reasons.append(f"The mixed contract's main subject-matter is given as {q.main_subject.value}, so it is treated as "
                   f"a {'works' if q.is_works else 'goods or services'} contract.")
    warnings.append(f"How the {REGIME_NAMES[regime]} classes a contract mixing works with goods or services could not be "
                    f"confirmed from its text; the main subject-matter is used, as under {MIXED_RULE}. Check with your legal team.")


def _threshold(q: Question, regime: Regime, table: ThresholdsTable
               ) -> tuple[ThresholdCategory, ThresholdRow | None, str | None]:
    """The category and threshold row, and under the 2023 Act which Sch. 1 row(s) the contract is within."""
    if regime is not Regime.PA_2023:
        category = category_for(q)
        return category, find_row(table, regime, category, q.procurement_start), None
    # Never empty: every contract has one authority type, and rows 3, 6, 11 and 12 (or a row they
    # give way to) take each (tests/rules/test_schedule1.py tries every contract a question describes).
    within = schedule_1_rows(q.features())
    found = [(r, find_row(table, regime, r.category, q.procurement_start)) for r in within]
    first, row = found[0]
    if len(found) == 1:
        return first.category, row, f"The contract is within row {first.number} of Procurement Act 2023 Sch. 1 ({_row_text(first)})."
    numbers = " and ".join(str(r.number) for r, _ in found)
    figures = {(t.value, t.includes_vat) if t else None for _, t in found}
    if len(figures) == 1:
        return first.category, row, (f"The contract is within rows {numbers} of Procurement Act 2023 Sch. 1, "
                                     f"which give the same threshold; row {first.number} is used.")
    shown = "; ".join(f"row {r.number} ({_row_text(r)}): {money(t.value) if t else 'not in the table'}" for r, t in found)
    return first.category, None, (f"The contract is within rows {numbers} of Procurement Act 2023 Sch. 1, which give "
                                  f"different thresholds ({shown}); the Schedule does not say which prevails, "
                                  "so whether it is above threshold is uncertain: ask your legal team.")


def _row_text(r: ScheduleRow) -> str:
    names = " and ".join(sorted(f.value for f in r.is_a))
    if not r.not_within:
        return names
    if r.not_within == (0,):
        return f"{names}, not within any other row"
    return f"{names}, not within row {', '.join(str(n) for n in r.not_within)}"


def find_row(table: ThresholdsTable, regime: Regime, category: ThresholdCategory, start: dt.date) -> ThresholdRow | None:
    """The row in force for a procurement starting on ``start``: the newest one not after it."""
    rows = [r for r in table.rows if r.regime is regime and r.category is category and r.effective_from <= start]
    return max(rows, key=lambda r: r.effective_from) if rows else None


def schedule3_value(base: Decimal, options_and_extensions: Decimal | None = None,
                    framework_contracts: tuple[Decimal, ...] = ()) -> Decimal:
    """Procurement Act 2023 Sch. 3: base value plus options, extensions and renewals; for a
    framework, the sum of all contracts that could be awarded under it (given instead of base)."""
    core = sum(framework_contracts, Decimal(0)) if framework_contracts else base
    return core + (options_and_extensions or Decimal(0))


def _on_basis(value: Decimal, includes_vat: bool, want_vat: bool, rate: Decimal) -> tuple[Decimal, str | None]:
    factor = 1 + rate / 100
    if includes_vat == want_vat:
        return value, None
    if want_vat:
        converted = value * factor
        return converted, f"VAT at {rate.normalize():f}% added to the estimated value {money(value)} excluding VAT, giving {money(converted)} including VAT, because the threshold includes VAT."
    converted = value / factor
    return converted, f"VAT at {rate.normalize():f}% removed from the estimated value {money(value)} including VAT, giving {money(converted)} excluding VAT, because this threshold excludes VAT."


def inconsistencies(q: Question) -> list[str]:
    """Facts given together that do not fit, each said (svscore never quietly uses one of them)."""
    out = []
    kind = str(q.contract_kind).replace("_", " ")  # str: a plain string given for the enum reads the same
    if q.main_subject is not None and q.contract_kind != ContractKind.MIXED:
        out.append(f"A main subject-matter ({q.main_subject!s}) is given, but the contract is {kind}, not mixed: "
                   "it is not used. Check the contract kind.")
    if q.services_share_percent is not None and q.contract_kind != ContractKind.MIXED:
        out.append(f"A services' share of the value ({q.services_share_percent.normalize():f}%) is given, but the contract is "
                   f"{kind}, not mixed: it is not used. Check the contract kind.")
    share = q.services_share_percent
    if q.contract_kind == ContractKind.MIXED and share is not None and q.main_subject in (MainSubject.SERVICES, MainSubject.GOODS):
        services_first = q.main_subject == MainSubject.SERVICES
        if services_first != (share > 50):
            out.append(f"The main subject-matter is given as {q.main_subject!s}, but services are "
                       f"{share.normalize():f}% of the value: the two disagree. The threshold goes by the main subject-matter "
                       "and the 2012 Act by the services' share (s.1(1)); check which is right.")
    if q.jurisdiction != Jurisdiction.SCOTLAND and q.scottish_devolved is not None:
        out.append(f"Whether the authority is a devolved Scottish authority is given, but it is in "
                   f"{str(q.jurisdiction).replace('_', ' ').title()}, not Scotland: it is not used. Check the jurisdiction.")
    if q.jurisdiction != Jurisdiction.WALES and q.welsh_devolved_functions:
        out.append(f"The authority is said to exercise mainly Welsh devolved functions, but to be in "
                   f"{str(q.jurisdiction).replace('_', ' ').title()}: check the jurisdiction.")
    if q.welsh_listed_body is not None and not q.welsh_devolved_functions:
        out.append("Whether the authority is listed in Sch. 1 of the Social Partnership and Public Procurement (Wales) Act "
                   "2023 is given, but it is not a Welsh devolved authority: it is not used.")
    return out


def decide(q: Question, table: ThresholdsTable | None = None,
           margin_percent: Decimal = DEFAULT_MARGIN_PERCENT) -> Decision:
    """Decide the regime, the threshold, whether the value is above it and whether the 2012 Act applies."""
    table = table or shipped_table()
    reasons: list[str] = list(q.notes)
    warnings: list[str] = inconsistencies(q)
    regime = _regime(q, reasons, warnings)
    if regime is None:
        applies, other = _act(q, None, None, table, reasons)
        return Decision(None, category_for(q), None, q.estimated_value, None, applies, tuple(reasons), tuple(warnings), other)
    _mixed(q, regime, reasons, warnings)
    rule = (CONCESSION_VALUATION_RULE if q.is_concession else VALUATION_RULE)[regime]
    if q.is_concession:
        reasons.append(f"A concession contract is valued under {rule}, not the rule for other contracts.")
    base = schedule3_value(q.estimated_value, q.options_and_extensions_value)
    if q.options_and_extensions_value:
        reasons.append(f"Estimated value {money(q.estimated_value)} plus options, extensions and renewals of "
                       f"{money(q.options_and_extensions_value)} gives {money(base)} ({rule}).")
    category, row, rows_note = _threshold(q, regime, table)
    if rows_note:
        reasons.append(rows_note)
    compared = base
    above: bool | None = None
    if row is None and regime is Regime.PCS_2015:
        reasons.append("The thresholds table has no Public Contracts (Scotland) Regulations 2015 threshold for "
                       f"{CATEGORY_NAMES[category]} for this date: svscore does not ship Scottish thresholds because they "
                       "could not be confirmed against the Scottish instruments (and another regime's figure is not used "
                       "instead), so whether it is above threshold is uncertain. A council may add them to its own "
                       "thresholds table as pcs_2015 rows, with their source.")
    elif row is None and not (rows_note and "different thresholds" in rows_note):
        reasons.append(f"The thresholds table has no {REGIME_NAMES[regime]} threshold for {CATEGORY_NAMES[category]} "
                       f"for a procurement starting on {q.procurement_start:%d %b %Y}, so whether it is above threshold cannot be decided.")
    elif row is not None:
        compared, vat_note = _on_basis(base, q.value_includes_vat, row.includes_vat, q.vat_rate_percent)
        if vat_note:
            reasons.append(vat_note)
        above = compared >= row.value
        reasons.append(
            f"The threshold for {CATEGORY_NAMES[category]} is {money(row.value)} "
            f"({'including' if row.includes_vat else 'excluding'} VAT) from {row.effective_from:%d %b %Y}, source: {row.source}. "
            f"The value {money(compared)} is {'at or above' if above else 'below'} it"
            + (" (the test is 'not less than': a value equal to the threshold is above it)." if compared == row.value else ".")
        )
        if not row.confirmed:
            warnings.append(f"The threshold {money(row.value)} could not be checked against the text of its instrument "
                            f"({row.source}). {row.note}".strip())
        low = row.value * (1 - margin_percent / 100)
        if not above and compared >= low:
            warnings.append(
                f"The value {money(compared)} is within {margin_percent.normalize():f}% below the threshold {money(row.value)}. "
                f"Check the estimate ({rule}: the maximum the authority could expect to pay, including "
                f"options, extensions and renewals), and remember that a contract must not be split to keep it below the threshold ({SPLITTING_RULE[regime]})."
            )
    if q.framework:
        warnings.append("For a framework, the value must be the total of all contracts that could be awarded under it "
                        f"({FRAMEWORK_RULE[regime]}), not one call-off.")
    if q.has_options_or_extensions and q.options_and_extensions_value is None:
        warnings.append(f"The contract has options, extensions or renewals, but their value was not given: {rule} "
                        "requires them in the estimated value. Give options_and_extensions_value.")
    earliest = table.earliest()
    if q.procurement_start < earliest:
        warnings.append(f"The start date {q.procurement_start:%d %b %Y} is before the thresholds table begins ({earliest:%d %b %Y}): outside its coverage.")
    if table.covers_until and q.procurement_start > table.covers_until:
        warnings.append(f"The start date {q.procurement_start:%d %b %Y} is after the thresholds table's horizon "
                        f"({table.covers_until:%d %b %Y}): the thresholds may have changed; use a newer table.")
    applies, other = _act(q, regime, above, table, reasons)
    return Decision(regime, category, row, compared, above, applies, tuple(reasons), tuple(warnings), other)


def _act(q: Question, regime: Regime | None, above: bool | None, table: ThresholdsTable,
         reasons: list[str]) -> tuple[Applies, str | None]:
    """The Public Services (Social Value) Act 2012 part of the decision; appends its reasons."""
    act = "the Public Services (Social Value) Act 2012"
    if q.jurisdiction is Jurisdiction.SCOTLAND:
        if q.scottish_devolved:
            return Applies.NO, _scotland(q, reasons)
        reasons.append(f"Whether {act} binds a body in Scotland that is not a devolved Scottish authority could not be "
                       "confirmed (the Act's extent and its list of relevant authorities were not checked for reserved "
                       "bodies), so whether it applies is uncertain: check with your legal team.")
        return Applies.UNCERTAIN, None
    if q.jurisdiction is Jurisdiction.NORTHERN_IRELAND:
        reasons.append(f"The authority is in Northern Ireland: {act} does not extend there.")
        return Applies.NO, None
    if q.welsh_devolved_functions:
        reasons.append(f"The authority exercises wholly or mainly Welsh devolved functions, so {act} does not apply (s.1(11)-(12)).")
        duty = "Socially responsible procurement duty, Social Partnership and Public Procurement (Wales) Act 2023 s.24"
        if q.procurement_start >= WALES_SPPP_IN_FORCE:
            binds = ("The s.24 duty binds only the bodies listed in Sch. 1 of that Act (s.22), in force from 25 Mar 2026 "
                     "(SI 2025/1353 (W.220))")
            if q.welsh_listed_body:
                reasons.append(f"Instead the {duty} applies (economic, social, environmental and cultural well-being). {binds}, and the authority is listed.")
            elif q.welsh_listed_body is False:
                reasons.append(f"{binds}; the authority is not listed, so that duty does not bind it either.")
                return Applies.NO, None
            else:
                reasons.append(f"{binds}. Whether the authority is listed is not given (welsh_listed_body), so whether that duty binds it is uncertain.")
                return Applies.NO, f"{duty}, if the authority is listed in Sch. 1 of that Act"
        else:
            reasons.append(f"The {duty} comes into force on 25 Mar 2026, after this procurement starts; no equivalent duty applies before then.")
        return Applies.NO, duty
    if q.pcr_framework_call_off:
        reasons.append(f"A call-off is a contract based on a framework agreement, which {act} does not catch (s.1(1)(a)); "
                       "its duty applied when the framework was concluded (s.1(1)(b)).")
        return Applies.NO, None
    uncertain: list[str] = []
    kind = q.contract_kind
    mainly = "a framework under which public services contracts are likely to be the greater part by value" if q.framework else "a public services contract"
    if kind in (ContractKind.GOODS, ContractKind.WORKS):
        reasons.append(f"The contract is for {kind.value}, not services: {act} covers services, or services together with goods or works where services are the greater part by value (s.1(1)).")
        return Applies.NO, None
    if kind is ContractKind.MIXED:
        share = q.services_share_percent
        if share is None:
            reasons.append("The contract is mixed but the services' share of its value is not given, so it cannot be told whether services are the greater part (s.1(1)).")
            uncertain.append("services share unknown")
        elif share > 50:
            reasons.append(f"Services are {share.normalize():f}% of the value, the greater part, so this counts as {mainly} (s.1(1)).")
        else:
            reasons.append(f"Services are only {share.normalize():f}% of the value, not the greater part, so {act} does not apply (s.1(1)).")
            return Applies.NO, None
    elif kind is ContractKind.SERVICES:
        reasons.append(f"The contract is for services: {mainly} (s.1(1)).")
    elif kind is ContractKind.LIGHT_TOUCH:
        if regime is Regime.PCR_2015:
            above = _light_touch_pcr(q, table, reasons, uncertain)
        else:
            reasons.append("Whether light touch contracts are in scope of the Act as re-based on the Procurement Act 2023 (SI 2025/163 reg 7, amended s.1(16)) could not be confirmed.")
            uncertain.append("light touch scope unconfirmed")
    elif kind is ContractKind.CONCESSION:
        reasons.append("Whether concession contracts are in scope of the Act could not be confirmed (amended s.1(16) under the Procurement Act 2023).")
        uncertain.append("concession scope unconfirmed")
    if q.authority_type is AuthorityType.DEFENCE_AND_SECURITY:
        reasons.append("Whether defence and security contracts are in scope of the Act could not be confirmed (amended s.1(16)).")
        uncertain.append("defence scope unconfirmed")
    if q.authority_type is AuthorityType.UTILITY:
        reasons.append("Whether a utility's contracts are in scope of the Act could not be confirmed from the sources svscore relies on.")
        uncertain.append("utility scope unconfirmed")
    if above is False:
        reasons.append(f"The contract is below the threshold, and {act} applies only to public services contracts, "
                       f"which are at or above it ({BELOW_THRESHOLD_RULE.get(regime, 's.1(16)') if regime else 's.1(16)'}).")
        return Applies.NO, None
    if above is None:
        uncertain.append("threshold unknown")
    if uncertain:
        reasons.append(f"So whether {act} applies is uncertain: check with your legal team.")
        return Applies.UNCERTAIN, None
    reasons.append(f"So {act} applies: before procuring, consider how the contract might improve the economic, social and "
                   "environmental well-being of the area, how to secure that, and whether to consult.")
    return Applies.YES, None


def _light_touch_pcr(q: Question, table: ThresholdsTable, reasons: list[str], uncertain: list[str]) -> bool | None:
    """2012 Act s.1(16)(b)-(c) (substituted by SI 2016/275 Sch. 1 para 8): a light touch contract is caught when its
    value "net of value-added tax" is not less than the ordinary services threshold of PCR 2015 reg 5(1)(b)-(c)."""
    provision = "s.1(16)(b)-(c), substituted by SI 2016/275 Sch. 1 para 8"
    reasons.append("Light touch (social and other specific) services are caught from the ordinary services threshold "
                   f"of PCR 2015 reg 5(1)(b) or (c), not the light touch one, comparing the value net of VAT ({provision}).")
    row = find_row(table, Regime.PCR_2015, category_for(q, for_act=True), q.procurement_start)
    if row is None:
        return None
    value = schedule3_value(q.estimated_value, q.options_and_extensions_value)
    net, _ = _on_basis(value, q.value_includes_vat, False, q.vat_rate_percent)
    if not row.includes_vat:
        above = net >= row.value
        reasons.append(f"The value net of VAT, {money(net)}, is {'at or above' if above else 'below'} the threshold "
                       f"{money(row.value)} ({row.source}).")
        return above
    gross, _ = _on_basis(value, q.value_includes_vat, True, q.vat_rate_percent)
    net_above, gross_above = net >= row.value, gross >= row.value
    if net_above == gross_above:
        reasons.append(f"The threshold {money(row.value)} ({row.source}) includes VAT, but {provision} compares the value "
                       f"net of VAT. The value is {'at or above' if net_above else 'below'} it on either basis "
                       f"({money(net)} net, {money(gross)} with VAT), so the answer does not depend on which.")
        return net_above
    reasons.append(f"The threshold {money(row.value)} ({row.source}) includes VAT, but {provision} compares the value net "
                   f"of VAT and no amendment to that wording was found: net of VAT, {money(net)} is below it; with VAT, "
                   f"{money(gross)} is at or above it. Which basis the Act means here is uncertain.")
    uncertain.append("VAT basis of s.1(16)")
    return None


def _scotland(q: Question, reasons: list[str]) -> str:
    duty = "Sustainable procurement duty, Procurement Reform (Scotland) Act 2014 s.9"
    reasons.append("The authority is in Scotland: the Public Services (Social Value) Act 2012 does not apply there.")
    value = schedule3_value(q.estimated_value, q.options_and_extensions_value)
    ex_vat, _note = _on_basis(value, q.value_includes_vat, False, q.vat_rate_percent)
    limit = SCOTLAND_WORKS if q.contract_kind is ContractKind.WORKS else SCOTLAND_GOODS_SERVICES
    regulated = ex_vat >= limit
    reasons.append(
        f"Instead the {duty} applies to regulated procurements ({money(SCOTLAND_GOODS_SERVICES)} for goods and services, "
        f"{money(SCOTLAND_WORKS)} for works). Compared excluding VAT, {money(ex_vat)} is "
        f"{'at or above' if regulated else 'below'} {money(limit)}, so this procurement is {'' if regulated else 'not '}regulated."
    )
    if ex_vat >= SCOTLAND_COMMUNITY_BENEFITS:
        reasons.append(f"At {money(SCOTLAND_COMMUNITY_BENEFITS)} or more, community benefit requirements must be considered (s.25).")
    return duty
