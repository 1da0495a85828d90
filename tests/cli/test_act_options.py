"""`svscore act` options: amounts read by the workbook's strict UK number rules, day-first dates,
and options given with a tender file applied as overrides, said in the reasons."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, run_cli

BASE = ("act", "--authority", "sub_central", "--contract", "services", "--start-date", "2026-03-02")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "12,5", "1e9", "lots"])
def test_a_value_that_is_not_a_uk_amount_is_refused_without_a_traceback(value):
    r = run_cli(*BASE, "--value", value)
    assert r.returncode == 2, r.stdout
    assert "Traceback" not in r.stderr and "--value" in r.stderr
    assert "amount in pounds" in r.stderr


def test_a_decimal_comma_is_named():
    r = run_cli(*BASE, "--value", "12,5")
    assert r.returncode == 2 and "decimal comma" in r.stderr


def test_a_negative_value_is_refused_in_pounds_form():
    r = run_cli(*BASE, "--value", "-5")
    assert r.returncode == 2 and "£-5" not in r.stderr and "-£5" in r.stderr and "cannot be negative" in r.stderr


@pytest.mark.parametrize("margin", ["abc", "nan", "inf", "150", "-1"])
def test_margin_is_a_percent(margin):
    r = run_cli(*BASE, "--value", "100000", "--margin", margin)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "percent" in r.stderr and "pounds" not in r.stderr


def test_a_uk_day_first_date_is_read_as_the_workbooks_read_it():
    r = run_cli("act", "--authority", "sub_central", "--contract", "services", "--start-date", "02/03/2026",
                "--value", "100000", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert any("02 Mar 2026" in x for x in json.loads(r.stdout)["reasons"])
    r = run_cli("act", "--authority", "sub_central", "--contract", "services", "--start-date", "31/02/2026", "--value", "1")
    assert r.returncode == 2 and "02/03/2026" in r.stderr and "2026-03-02" in r.stderr


def test_options_given_with_a_tender_are_applied_and_said():
    plain = json.loads(run_cli("act", str(EXAMPLES / "council-home-care.json"), "--format", "json").stdout)
    r = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--value", "£1", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["value_compared"] < plain["value_compared"]
    assert any("--value" in x and "instead of the tender" in x for x in doc["reasons"])
    r = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--contract", "goods", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["social_value_act"]["applies"] == "no" and any("--contract" in x for x in doc["reasons"])
    r = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--contract", "mixed", "--services-share", "40", "--format", "json")
    doc = json.loads(r.stdout)
    assert any("--services-share" in x for x in doc["reasons"]) and doc["social_value_act"]["applies"] == "no"


def test_ex_vat_alone_with_a_tender_file_is_applied_and_said():
    """Before, `act TENDER --ex-vat` gave the same answer as without it."""
    plain = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--format", "json")
    ex_vat = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--ex-vat", "--format", "json")
    assert ex_vat.returncode == 0 and ex_vat.stdout != plain.stdout
    assert "--ex-vat was given" in ex_vat.stdout


def test_a_main_subject_given_with_a_tender_whose_contract_is_not_mixed_is_said_unused():
    r = run_cli("act", str(EXAMPLES / "council-home-care.json"), "--main-subject", "works", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert any("main subject-matter (works) is given, but the contract is services" in w for w in doc["warnings"]), doc["warnings"]
