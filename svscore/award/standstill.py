"""Standstill end dates under the Procurement Act 2023 and the Public Contracts Regulations 2015.

Each regime defines "working day" itself, and the two definitions differ:

- PA 2023 s.123(1): a day other than a Saturday or Sunday, Christmas Day or Good Friday, or a
  bank holiday under the Banking and Financial Dealings Act 1971 *in any part of the United
  Kingdom*. A bank holiday in Scotland or Northern Ireland is therefore not a working day for an
  English authority either. s.51: the mandatory standstill period is 8 working days beginning with
  the day the contract award notice is published.
- PCR 2015 reg 2(1): a day other than a Saturday, Sunday or bank holiday within the meaning of the
  1971 Act; the 1971 Act's bank holidays are set for each part of the UK, so the part where the
  authority is counts. reg 87: sent electronically, the period ends at midnight at the end of the
  10th day after sending, extended to the end of the next working day where it would end on a day
  that is not a working day. The Regulations do not extend to Scotland (reg 1(7)), which has its
  own (the Public Contracts (Scotland) Regulations 2015), not covered here.

Bank holidays come from the ``holidays`` library, whose version every answer names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from svscore.errors import ErrorsFound

NATIONS: dict[str, tuple[str, str]] = {
    # nation: (the holidays library's UK subdivision, the part of the UK it belongs to)
    "england": ("ENG", "England and Wales"),
    "wales": ("WLS", "England and Wales"),
    "scotland": ("SCT", "Scotland"),
    "northern_ireland": ("NIR", "Northern Ireland"),
}
_PART_SUBDIV = {"England and Wales": "ENG", "Scotland": "SCT", "Northern Ireland": "NIR"}

PROVISIONS: dict[str, dict[str, str]] = {
    "pa_2023": {
        "period": "Procurement Act 2023 s.51: 8 working days beginning with the day the contract award notice is published",
        "working_day": ("Procurement Act 2023 s.123(1): not a Saturday or Sunday, Christmas Day or Good Friday, "
                        "or a bank holiday under the Banking and Financial Dealings Act 1971 in any part of the United Kingdom"),
        "start": "contract award notice published",
    },
    "pcr_2015": {
        "period": ("Public Contracts Regulations 2015 reg 87: sent electronically, ends at midnight at the end of the 10th day "
                   "after sending, extended to the end of the next working day if that day is not a working day"),
        "working_day": ("Public Contracts Regulations 2015 reg 2(1): not a Saturday, Sunday or bank holiday within the "
                        "meaning of the Banking and Financial Dealings Act 1971 (in the authority's part of the UK)"),
        "start": "standstill notices sent electronically",
    },
}

# In England, Wales and Northern Ireland, Christmas Day and Good Friday are common-law holidays,
# not bank holidays under the 1971 Act, so the words of PCR reg 2(1) do not exclude them. They are
# treated as non-working all the same, and the answer says so: that can only lengthen the period,
# the safe side of a deadline whose breach can make the contract ineffective.
PCR_COMMON_LAW_NOTE = ("Uncertain: Christmas Day and Good Friday are treated as non-working days, although outside "
                       "Scotland they are common-law holidays rather than bank holidays under the 1971 Act and reg 2(1) "
                       "does not name them; treating them as non-working can only lengthen the period.")
COMMON_LAW_DAYS = ("Christmas Day", "Good Friday")

PA_DEFINITION_NOTE = ("Unconfirmed: the words of s.123(1) given above could not be checked against the Act's published "
                      "text when this version of svscore was made; check them before relying on the date. Bank holidays "
                      "in any part of the UK are skipped, which can only lengthen the period if the Act counts fewer.")


PA_2023_IN_FORCE = dt.date(2025, 2, 24)
PCR_2015_IN_FORCE = dt.date(2015, 2, 26)
LAST_YEAR = 2100
"""Dates the standstill is worked out for: from each regime's start, to a year the calendar still knows."""


class StandstillError(ErrorsFound):
    """A standstill question svscore cannot answer (a regime that does not apply to that part of the UK)."""


@dataclass(frozen=True)
class Standstill:
    """The answer: the period's last day, the days counted and every day skipped, with why."""

    regime: str
    nation: str
    start: dt.date
    last_day: dt.date
    counted: tuple[dt.date, ...]
    skipped: tuple[tuple[dt.date, str], ...]
    provisions: dict[str, str]
    notes: tuple[str, ...] = field(default=())

    @property
    def may_enter_from(self) -> dt.date:
        """The first day the contract may be entered into: the period ends at midnight on its last day."""
        return self.last_day + dt.timedelta(days=1)

    @property
    def holidays_library(self) -> str:
        """The library and version the bank holidays came from."""
        import holidays

        return f"holidays {holidays.__version__}"


def _holiday_names(day: dt.date, subdiv: str) -> list[str]:
    import holidays  # imported when a date is worked out, not by every command that names the regimes

    return [str(name) for name in holidays.country_holidays("GB", subdiv=subdiv, years=day.year).get_list(day)]


def _not_working(day: dt.date, regime: str, nation: str) -> str | None:
    """Why ``day`` is not a working day under ``regime`` for an authority in ``nation``; None if it is one."""
    if day.weekday() >= 5:
        return day.strftime("%A")
    parts = tuple(_PART_SUBDIV) if regime == "pa_2023" else (NATIONS[nation][1],)
    where: dict[str, list[str]] = {}
    for part in parts:
        for name in _holiday_names(day, _PART_SUBDIV[part]):
            where.setdefault(name, []).append(part)
    reasons = []
    for name, in_parts in where.items():
        if name in COMMON_LAW_DAYS and regime == "pa_2023":
            reasons.append(f"{name} (named in s.123(1))")
        elif name in COMMON_LAW_DAYS and in_parts != ["Scotland"]:
            reasons.append(f"{name} (common-law holiday)")
        else:
            reasons.append(f"{name} (bank holiday in {', '.join(in_parts)})")
    return "; ".join(reasons) or None


def standstill(start: dt.date, regime: str, nation: str = "england") -> Standstill:
    """The standstill period for a notice published (PA 2023) or standstill letters sent (PCR 2015) on ``start``."""
    if regime not in PROVISIONS:
        raise StandstillError(f"unknown regime {regime!r}: use pa_2023 or pcr_2015")
    if nation not in NATIONS:
        raise StandstillError(f"unknown nation {nation!r}: use {', '.join(NATIONS)}")
    if regime == "pcr_2015" and nation == "scotland":
        raise StandstillError("the Public Contracts Regulations 2015 do not extend to Scotland (reg 1(7)); a Scottish "
                              "authority's standstill under the Public Contracts (Scotland) Regulations 2015 is not covered")
    if regime == "pa_2023" and start < PA_2023_IN_FORCE:
        raise StandstillError(f"{start.isoformat()} is before the Procurement Act 2023 came into force for procurements "
                              f"({PA_2023_IN_FORCE.isoformat()}, SI 2024/716 as amended by SI 2024/959): a standstill then "
                              "was under the Public Contracts Regulations 2015 (--regime pcr_2015)")
    if regime == "pcr_2015" and start < PCR_2015_IN_FORCE:
        raise StandstillError(f"{start.isoformat()} is before the Public Contracts Regulations 2015 came into force "
                              f"({PCR_2015_IN_FORCE.isoformat()}): svscore does not cover the 2006 Regulations")
    if start.year > LAST_YEAR:
        raise StandstillError(f"{start.isoformat()} is beyond {LAST_YEAR}: bank holidays so far ahead are not known")
    skipped: list[tuple[dt.date, str]] = []
    counted: list[dt.date] = []
    if regime == "pa_2023":
        day = start  # "beginning with the day": the publication day is the first if it is a working day
        while len(counted) < 8:
            why = _not_working(day, regime, nation)
            if why is None:
                counted.append(day)
            else:
                skipped.append((day, why))
            day += dt.timedelta(days=1)
        last = counted[-1]
    else:
        counted = [start + dt.timedelta(days=n) for n in range(1, 11)]  # "after": the sending day is not one
        last = counted[-1]
        while (why := _not_working(last, regime, nation)) is not None:
            skipped.append((last, why))
            last += dt.timedelta(days=1)
    notes: tuple[str, ...] = ()
    if regime == "pcr_2015" and any("common-law" in why for _, why in skipped):
        notes = (PCR_COMMON_LAW_NOTE,)
    if regime == "pa_2023":
        notes = (PA_DEFINITION_NOTE,)
    return Standstill(regime=regime, nation=nation, start=start, last_day=last, counted=tuple(counted),
                      skipped=tuple(skipped), provisions=PROVISIONS[regime], notes=notes)


def as_json(answer: Standstill) -> dict[str, object]:
    """The answer as plain JSON values (dates as YYYY-MM-DD)."""
    return {
        "regime": answer.regime, "nation": answer.nation, "start": answer.start.isoformat(),
        "start_is": answer.provisions["start"], "last_day": answer.last_day.isoformat(),
        "ends": f"midnight at the end of {answer.last_day.isoformat()}",
        "may_enter_from": answer.may_enter_from.isoformat(),
        "counted": [d.isoformat() for d in answer.counted],
        "skipped": [{"date": d.isoformat(), "reason": why} for d, why in answer.skipped],
        "provisions": answer.provisions, "notes": list(answer.notes), "holidays_library": answer.holidays_library,
    }


def as_text(answer: Standstill) -> str:
    """The answer in plain English for the terminal."""
    def long(day: dt.date) -> str:
        return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
    lines = [f"Standstill ({answer.regime}, {answer.nation.replace('_', ' ').title()}): "
             f"{answer.provisions['start']} on {long(answer.start)}.",
             f"The period ends at midnight at the end of {long(answer.last_day)}; "
             f"the contract may be entered into from {long(answer.may_enter_from)}."]
    if answer.skipped:
        lines.append("Days skipped (not working days):")
        lines += [f"  {long(day)}: {why}" for day, why in answer.skipped]
    lines.append(f"Period: {answer.provisions['period']}.")
    lines.append(f"Working day: {answer.provisions['working_day']}.")
    lines += list(answer.notes)
    lines.append(f"Bank holidays from {answer.holidays_library}.")
    return "\n".join(lines) + "\n"
