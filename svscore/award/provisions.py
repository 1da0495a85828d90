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
LETTER_PCR = ("Notice of the award decision under regulation 86 of the Public Contracts Regulations 2015; "
              "the standstill period is that of regulation 87.")


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
