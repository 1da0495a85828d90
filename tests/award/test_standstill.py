"""Standstill end dates against dates worked out by hand from the statutory definitions.

PA 2023 s.51: the mandatory standstill period is 8 working days beginning with the day the
contract award notice is published. "Working day" (PA 2023 s.123(1)): not a Saturday or Sunday,
Christmas Day or Good Friday, or a bank holiday under the Banking and Financial Dealings Act 1971
in any part of the United Kingdom. So a Scottish or Northern Irish bank holiday lengthens the
period for every authority.

PCR 2015 reg 87: sent electronically, the period ends at midnight at the end of the 10th day after
the sending date, extended to the end of the next working day if that day is not a working day.
"Working day" (PCR 2015 reg 2(1)): not a Saturday, Sunday or bank holiday within the meaning of
the 1971 Act, i.e. in the part of the UK concerned (the Regulations extend to England and Wales
and Northern Ireland, not Scotland).

Each case below is counted by hand in its comment: (n) marks the nth working day.
"""

from __future__ import annotations

import datetime as dt
import json

import holidays
import pytest

from svscore.award.standstill import StandstillError, standstill
from tests.conftest import run_cli

D = dt.date


@pytest.mark.parametrize(("published", "nation", "end"), [
    # Christmas 2026. Fri 18 Dec (1), Mon 21 (2), Tue 22 (3), Wed 23 (4), Thu 24 (5); Fri 25 Christmas
    # Day; Sat 26, Sun 27; Mon 28 Boxing Day substitute; Tue 29 (6), Wed 30 (7), Thu 31 (8).
    (D(2026, 12, 18), "england", D(2026, 12, 31)),
    # Easter 2026. Wed 1 Apr (1), Thu 2 (2); Fri 3 Good Friday; Sat 4, Sun 5; Mon 6 Easter Monday (a
    # bank holiday in England, Wales and Northern Ireland); Tue 7 (3) ... Fri 10 (6), Mon 13 (7), Tue 14 (8).
    (D(2026, 4, 1), "scotland", D(2026, 4, 14)),
    # St Andrew's Day, Mon 30 Nov 2026 (Scotland): a bank holiday in a part of the UK, so skipped in
    # England too. Thu 26 Nov (1), Fri 27 (2); Sat, Sun; Mon 30 skipped; Tue 1 Dec (3) ... Fri 4 (6),
    # Mon 7 (7), Tue 8 (8).
    (D(2026, 11, 26), "england", D(2026, 12, 8)),
    # 2 January (Scotland). Wed 31 Dec 2025 (1); Thu 1 Jan New Year's Day; Fri 2 Jan Scotland; Sat, Sun;
    # Mon 5 (2) ... Fri 9 (6), Mon 12 (7), Tue 13 (8).
    (D(2025, 12, 31), "wales", D(2026, 1, 13)),
    # St Patrick's Day, Tue 17 Mar 2026 (Northern Ireland). Fri 13 Mar (1); Sat, Sun; Mon 16 (2);
    # Tue 17 skipped; Wed 18 (3), Thu 19 (4), Fri 20 (5), Mon 23 (6), Tue 24 (7), Wed 25 (8).
    (D(2026, 3, 13), "england", D(2026, 3, 25)),
    # Battle of the Boyne: 12 Jul 2026 is a Sunday, so Mon 13 Jul is the substitute day in Northern
    # Ireland. Thu 9 Jul (1), Fri 10 (2); Sat, Sun; Mon 13 skipped; Tue 14 (3) ... Fri 17 (6),
    # Mon 20 (7), Tue 21 (8).
    (D(2026, 7, 9), "northern_ireland", D(2026, 7, 21)),
    # Published on a Saturday: that day is not a working day, so counting starts on Mon 7 Dec 2026 (1)
    # ... Fri 11 (5), Mon 14 (6), Tue 15 (7), Wed 16 (8).
    (D(2026, 12, 5), "england", D(2026, 12, 16)),
])
def test_pa_2023_end_dates(published: dt.date, nation: str, end: dt.date) -> None:
    answer = standstill(published, "pa_2023", nation)
    assert answer.last_day == end
    assert answer.may_enter_from == end + dt.timedelta(days=1)
    assert len(answer.counted) == 8


@pytest.mark.parametrize(("sent", "nation", "end"), [
    # Christmas 2026: sent Fri 18 Dec; 10th day after is Mon 28 Dec, the Boxing Day substitute, not a
    # working day; the next working day is Tue 29 Dec.
    (D(2026, 12, 18), "england", D(2026, 12, 29)),
    # Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar): sent Fri 19 Mar; 10th day after is Mon
    # 29 Mar, Easter Monday; next working day Tue 30 Mar.
    (D(2027, 3, 19), "wales", D(2027, 3, 30)),
    # Good Friday 2027: sent Tue 16 Mar; 10th day after is Fri 26 Mar; Sat, Sun; Mon 29 Easter Monday;
    # Tue 30 Mar.
    (D(2027, 3, 16), "england", D(2027, 3, 30)),
    # St Patrick's Day 2027 (Wed 17 Mar): sent Sun 7 Mar; the 10th day after is Wed 17 Mar: a bank
    # holiday in Northern Ireland (so Thu 18), a working day in England.
    (D(2027, 3, 7), "northern_ireland", D(2027, 3, 18)),
    (D(2027, 3, 7), "england", D(2027, 3, 17)),
    # Battle of the Boyne substitute, Mon 13 Jul 2026: sent Fri 3 Jul; 10th day after is Mon 13 Jul:
    # Northern Ireland runs to Tue 14; England ends on Mon 13.
    (D(2026, 7, 3), "northern_ireland", D(2026, 7, 14)),
    (D(2026, 7, 3), "england", D(2026, 7, 13)),
    # Ends on a Saturday: sent Wed 2 Dec 2026; 10th day after is Sat 12 Dec; Mon 14 Dec.
    (D(2026, 12, 2), "england", D(2026, 12, 14)),
])
def test_pcr_2015_end_dates(sent: dt.date, nation: str, end: dt.date) -> None:
    assert standstill(sent, "pcr_2015", nation).last_day == end


def test_skipped_days_name_the_reason() -> None:
    answer = standstill(D(2026, 12, 18), "pa_2023", "england")
    reasons = {day: reason for day, reason in answer.skipped}
    assert reasons[D(2026, 12, 25)].startswith("Christmas Day")
    assert reasons[D(2026, 12, 26)] == "Saturday"
    assert "Boxing Day" in reasons[D(2026, 12, 28)]
    assert set(reasons) == {D(2026, 12, 19), D(2026, 12, 20), D(2026, 12, 25), D(2026, 12, 26), D(2026, 12, 27), D(2026, 12, 28)}
    scottish = standstill(D(2026, 11, 26), "pa_2023", "england")
    assert "Scotland" in dict(scottish.skipped)[D(2026, 11, 30)]


def test_pcr_does_not_extend_to_scotland() -> None:
    with pytest.raises(StandstillError, match="Scotland"):
        standstill(D(2026, 12, 18), "pcr_2015", "scotland")


def test_cli_text_and_json() -> None:
    done = run_cli("standstill", "--published", "2026-12-18", "--regime", "pa_2023")
    assert done.returncode == 0, done.stderr
    assert "31 December 2026" in done.stdout
    assert "Christmas Day" in done.stdout and "s.51" in done.stdout and "s.123" in done.stdout
    assert f"holidays {holidays.__version__}" in done.stdout
    done = run_cli("standstill", "--published", "2026-12-18", "--regime", "pcr_2015", "--nation", "wales", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["last_day"] == "2026-12-29"
    assert data["may_enter_from"] == "2026-12-30"
    assert data["holidays_library"] == f"holidays {holidays.__version__}"
    assert {"date": "2026-12-28", "reason": "Boxing Day (observed) (bank holiday in England and Wales)"} in data["skipped"]


def test_cli_refuses_bad_input() -> None:
    done = run_cli("standstill", "--published", "2026-12-18", "--regime", "pcr_2015", "--nation", "scotland")
    assert done.returncode == 1
    assert "Scotland" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("standstill", "--published", "31/02/2026", "--regime", "pa_2023")
    assert done.returncode == 2 and "is not a date" in done.stderr


def test_the_unconfirmed_wording_of_the_pa_definition_is_said_in_every_answer() -> None:
    answer = standstill(dt.date(2026, 6, 1), "pa_2023", "england")
    assert any(n.startswith("Unconfirmed: the words of s.123(1)") for n in answer.notes)
    out = run_cli("standstill", "--published", "2026-06-01", "--regime", "pa_2023").stdout
    assert "Unconfirmed: the words of s.123(1)" in out


@pytest.mark.parametrize(("published", "regime", "said"), [
    ("2020-01-06", "pa_2023", "before the Procurement Act 2023 came into force"),
    ("2014-06-02", "pcr_2015", "before the Public Contracts Regulations 2015 came into force"),
    ("9999-12-28", "pa_2023", "bank holidays so far ahead are not known"),
])
def test_a_date_outside_the_regime_is_refused_with_a_reason(published, regime, said) -> None:
    r = run_cli("standstill", "--published", published, "--regime", regime)
    assert r.returncode == 1 and said in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_uk_date_is_read_day_first_as_everywhere_else() -> None:
    uk = run_cli("standstill", "--published", "18/12/2026", "--regime", "pa_2023", "--format", "json")
    iso = run_cli("standstill", "--published", "2026-12-18", "--regime", "pa_2023", "--format", "json")
    assert uk.returncode == 0 and uk.stdout == iso.stdout
