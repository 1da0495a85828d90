"""The law each award document cites, and how long the award's record is kept: data with its sources.

What could not be confirmed against the instrument's text is said to be uncertain, with why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from svscore.model.enums import AuthorityType
from svscore.model.tender import Tender
from svscore.model.thresholds import Regime

SUMMARY_ENGLAND = ("Given under section 50(3) of the Procurement Act 2023; contents as regulation 31 of the "
                   "Procurement Regulations 2024 (SI 2024/692).")
SUMMARY_WALES = ("Given under section 50(3) of the Procurement Act 2023; contents as regulation 32 of the "
                 "Procurement (Wales) Regulations 2024 (SI 2024/782).")
WALES_NOTE = ("Uncertain: the Welsh Government's guidance on assessment summaries says their contents for devolved Welsh "
              "authorities are set by regulation 32 of the Procurement (Wales) Regulations 2024, but the regulation's text "
              "could not be read here, so svscore gives the contents of regulation 31 of the Procurement Regulations 2024 "
              "and has not confirmed that regulation 32 asks for nothing more or different. One difference is confirmed: a "
              "devolved Welsh authority publishes its notices through the Welsh digital platform (regulation 5 of the Welsh "
              "Regulations).")
WALES_SEARCHED = (
    "Procurement (Wales) Regulations 2024 regulation 32 assessment summary",
    "Procurement (Wales) Regulations 2024 assessment summaries regulation 32 contents supplier name postal address award "
    "criteria score",
    "legislation.gov.uk wsi 2024 782 Procurement (Wales) Regulations assessment summaries information to be included",
    "Welsh Government guidance assessment summaries devolved Welsh authorities section 50 Procurement Act contract award "
    "notice standstill Wales regulation",
)
"""What was searched for reg 32's text (stored public pages and documentation, 3 Dec 2026): the answers were the
Welsh Government's guidance index, its policy notes (WPPN 002, 004, 02/22), the Health Services (Provider Selection Regime)
(Wales) Regulations 2025 and commentary, none giving reg 32's words. Why the Welsh summary stays uncertain."""
LETTER_PCR = ("Notice of the award decision under regulation 86 of the Public Contracts Regulations 2015; "
              "the standstill period is that of regulation 87.")

PCR_SOURCE = "https://www.legislation.gov.uk/uksi/2015/102/part/3/chapter/5/made (regulations 85 to 87, as made)"
"""Where the text of reg 86 was read (3 Dec 2026); regs 86(1)-(3) and the start of 86(4)."""


@dataclass(frozen=True)
class Part:
    """One thing a document must say, and the provision that requires it."""

    what: str
    provision: str
    confirmed: bool = True
    note: str = ""


REG_86 = (
    Part("a notice communicating the decision to award, sent to each tenderer", "PCR 2015 reg 86(1)"),
    Part("the criteria for the award of the contract", "PCR 2015 reg 86(2)(a)"),
    Part("the reasons for the decision, including the characteristics and relative advantages of the successful tender",
         "PCR 2015 reg 86(2)(b)"),
    Part("the score (if any) obtained by the tenderer receiving the notice", "PCR 2015 reg 86(2)(b)(i)"),
    Part("the score obtained by the tenderer to be awarded the contract", "PCR 2015 reg 86(2)(b)(ii)(aa)"),
    Part("the reason for any decision that the tenderer did not meet the technical specifications in an equivalent "
         "manner (reg 42(14)), or that compliance with a standard does not address the performance or functional "
         "requirements (reg 42(15))", "PCR 2015 reg 86(3)", True,
         "svscore records no such decision: where the authority made one, it must be added to that tenderer's letter"),
    Part("the name of the tenderer to be awarded the contract", "PCR 2015 reg 86(2)(c)(i)"),
    Part("a precise statement of when, under reg 87, the standstill period is expected to end (and any contingency), or "
         "of the date before which the contract will not be entered into", "PCR 2015 reg 86(2)(d)"),
    Part("informing tenderers of decisions, and of reasons on request", "PCR 2015 reg 55", False,
         "Uncertain: the text of reg 55 was not read here (only the Civil Service procurement pathway's summary of it), "
         "so nothing in the letter rests on it"),
)
"""The reg 86 letter's contents, item by item, as the Regulations' text reads (:data:`PCR_SOURCE`)."""


def reg_86(what: str) -> str:
    """The paragraph of reg 86 requiring a part of the letter, found by the start of its description."""
    found = [p.provision for p in REG_86 if p.what.startswith(what)]
    if len(found) != 1:  # a reworded part: a bug in svscore, said plainly (tests write every letter)
        raise LookupError(f"{len(found)} parts of REG_86 begin {what!r}: there must be exactly one")
    return found[0]


def welsh_devolved(tender: Tender) -> bool:
    """A devolved Welsh authority: in Wales and exercising wholly or mainly devolved Welsh functions."""
    return tender.authority.jurisdiction.value == "wales" and tender.authority.welsh_devolved_functions


def summary_provision(tender: Tender) -> tuple[str, str | None]:
    """The assessment summary's citation, and the note that must go with it (None when there is none)."""
    return (SUMMARY_WALES, WALES_NOTE) if welsh_devolved(tender) else (SUMMARY_ENGLAND, None)


@dataclass(frozen=True)
class Retention:
    """How long the award's record is kept, and the provision that says so."""

    until: dt.date | None
    """The last day of the period; None when it cannot be worked out (no contract date, or no period applies)."""
    provision: str
    note: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return {"keep_until": self.until.isoformat() if self.until else None, "provision": self.provision, "note": self.note}


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention(tender: Tender, regime: Regime, contract_date: dt.date | None) -> Retention:
    """PA 2023 s.98(4)(b): until the end of the period of three years beginning with the day the contract is entered
    into; PCR 2015 reg 84: at least three years from the date of award of the contract."""
    if regime is Regime.PA_2023:
        if tender.authority.type is AuthorityType.DEFENCE_AND_SECURITY:
            return Retention(None, "Procurement Act 2023 s.98(5)",
                             "s.98 does not apply to defence and security contracts: keep the record as the authority's own rules say.")
        provision = ("Procurement Act 2023 s.98(4)(b): three years beginning with the day the contract is entered into "
                     "(s.98(6): a longer period another enactment or rule of law sets still applies)")
        if contract_date is None:
            return Retention(None, provision, "No contract date is recorded (bids file: contract_date), so the date is not worked out.")
        # a period of three years beginning with day D ends at the end of the day before D's anniversary
        return Retention(_years_later(contract_date, 3) - dt.timedelta(days=1), provision)
    provision = "Public Contracts Regulations 2015 reg 84: at least three years from the date of award of the contract"
    note = ("Uncertain: the paragraph of reg 84 that sets the period was not confirmed against the Regulations' text, and "
            "svscore takes the contract date as the date of award.")
    if contract_date is None:
        return Retention(None, provision, note + " No contract date is recorded (bids file: contract_date).")
    return Retention(_years_later(contract_date, 3), provision, note)
