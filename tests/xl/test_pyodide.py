"""svscore's wheel installed with micropip under Pyodide in node, every function called as Office.js
sends its arguments (whole numbers as int, blanks as None or ""), and the answers compared with the
engine and with CPython. Pyodide's packages come from the npm registry and the package index
(see tests/xl/pyodide/setup_pyodide.py for which, and why only Pyodide 314 can be reached)."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from svscore.xl import udfs
from tests.xl.pyodide import setup_pyodide

HERE = Path(__file__).parent / "pyodide"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(setup_pyodide.node() is None, reason="node is not installed (Pyodide runs under node)")]

# The evaluation workbook's Setup table as Office.js sends it: 50 and 60 arrive as int, a blank as None or "".
CRITERIA = [
    ["ID", "Parent", "Name", "Kind", "Weight", "Scale", "Minimum score", "Scored by"],
    ["P", None, "Price", "price", 50, None, None, None],
    ["Q", None, "Quality", "quality", 40, None, None, ""],
    ["Q1", "Q", "Method", None, 60, "0-5", 2, None],
    ["Q2", "Q", "Staff", "", 40, "0-5", None, None],
    ["SV", None, "Social value", "social_value", 10, "0-5", None, None],
]
RESULTS_ARGS = [CRITERIA, [["Q1"], ["Q2"], ["SV"]], [[4, 2, None], [3, 5, ""], [5, 1, None]],
                [["Alpha Ltd", "Beta plc", None]], [[100000, 125000.5, None]]]
ACT = [500000, "sub_central", "services", 46083]  # 46083: 2 Mar 2026 as a serial number
CALLS = [
    ("SV_VERSION", []),
    ("SV_WEIGHTCHECK", [CRITERIA]),
    ("SV_WEIGHTCHECK", [[["P", None, "Price", "price", 70, None, None], ["Q", None, "Q", "quality", 130, "0-5", None]], "marks", 150]),
    ("SV_WEIGHTCHECK", [[[*r[:4], "forty", *r[5:]] if r[0] == "Q1" else r for r in CRITERIA]]),
    ("SV_EFFECTIVEWEIGHTS", [CRITERIA]),
    ("SV_PRICESCORES", [[[100000], [120000], [None], [250000]]]),
    ("SV_PRICESCORES", [[[100, 150, 200]], "pro_rata_to_qualification_price", 40, 200]),
    ("SV_RESULTS", RESULTS_ARGS),
    ("SV_THRESHOLD", ACT),
    ("SV_ABOVETHRESHOLD", ACT),
    ("SV_ACTAPPLIES", ACT),
    ("SV_ACTREASONS", ACT),
    ("SV_SOCIALVALUE", [[["Measure", "Quantity", "Deliverability %"], ["NT01", 3, 100], ["NT02", 10, None]],
                        [["NT01", 35550], ["NT02", 15.25]]]),
]
TIMED = [("SV_RESULTS", "SV_RESULTS", [RESULTS_ARGS], 20), ("SV_WEIGHTCHECK", "SV_WEIGHTCHECK", [[CRITERIA]], 20)]


def _as_classic(v):
    """The same arguments as the classic add-in sends them: every number a float."""
    if isinstance(v, list):
        return [_as_classic(x) for x in v]
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    from svscore.xl.wheel import build_wheel
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def run_in_pyodide(version: str, wheel: Path, tmp: Path) -> dict:
    data = tmp / "data.json"
    data.write_text(json.dumps({"calls": CALLS, "timed": TIMED}), encoding="utf-8")
    done = subprocess.run(["node", str(HERE / "run.mjs"), str(setup_pyodide.pyodide(version)), str(setup_pyodide.wheels(version)),
                           str(wheel), str(HERE / "calls.py"), str(data)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    log, _, answer = done.stdout.partition("\n@@svscore-answer@@\n")
    assert "Failed to load" not in log + done.stderr, log + done.stderr
    return json.loads(answer)


@pytest.mark.parametrize("version", setup_pyodide.VERSIONS)
def test_the_wheel_installs_and_every_function_answers_as_in_cpython_and_the_engine(version, wheel, tmp_path):
    got = run_in_pyodide(version, wheel, tmp_path)
    assert got["platform"] == "emscripten" and got["python"].startswith("3.14")
    # Nothing compiled that the functions do not need was installed or loaded (micropip skipped them by their markers).
    assert got["loaded"] == []
    assert got["installed"] == ["annotated-types", "micropip", "pydantic", "pydantic-core", "svscore", "typing-extensions", "typing-inspection"]
    answers = dict(zip(range(len(CALLS)), got["answers"], strict=True))
    assert {c[0] for c in CALLS} == set(udfs.FUNCTIONS)
    for i, (name, args) in enumerate(CALLS):
        in_cpython = getattr(udfs, name)(*args)
        assert answers[i] == in_cpython, name
        assert getattr(udfs, name)(*_as_classic(args)) == in_cpython, name  # int or float: the same answer
    print(f"\nPyodide {version}: SV_RESULTS {got['timings']['SV_RESULTS'] * 1000:.2f} ms, "
          f"SV_WEIGHTCHECK {got['timings']['SV_WEIGHTCHECK'] * 1000:.2f} ms per call")
    # And against the engine itself, not only against the same adapter in CPython:
    _check_against_the_engine({name: answers[i] for i, (name, _) in enumerate(CALLS)}, got["answers"])


def _check_against_the_engine(by_name: dict, answers: list) -> None:
    from svscore.model.bids import Bid, Score
    from svscore.model.tender import PriceMethod, Tender
    from svscore.rules.act import Question, decide
    from svscore.scoring import engine
    from svscore.scoring.price import score_prices

    tender = Tender.model_validate({
        "reference": "EXCEL", "title": "t", "weighting": "percent",
        "authority": {"name": "A", "type": "sub_central", "jurisdiction": "england"},
        "contract": {"kind": "services", "estimated_value": 0, "value_includes_vat": True, "procurement_start": "2026-01-05"},
        "scales": [{"id": "0-5", "minimum": 0, "maximum": 5, "step": 1}],
        "criteria": [{"id": "P", "name": "Price", "kind": "price", "weight": 50},
                     {"id": "Q", "name": "Quality", "kind": "quality", "weight": 40, "children": [
                         {"id": "Q1", "name": "Method", "weight": 60, "scale": "0-5", "minimum_score": 2},
                         {"id": "Q2", "name": "Staff", "weight": 40, "scale": "0-5"}]},
                     {"id": "SV", "name": "Social value", "kind": "social_value", "weight": 10, "scale": "0-5"}],
        "price": {"method": "relative_to_lowest"}, "social_value_policy": {"minimum_percent": 0, "mandatory": False}})
    bids = [Bid(bidder_id="1", bidder="Alpha Ltd", price=100000, scores=(Score(criterion="Q1", value=4), Score(criterion="Q2", value=3), Score(criterion="SV", value=5))),
            Bid(bidder_id="2", bidder="Beta plc", price=Decimal("125000.5"), scores=(Score(criterion="Q1", value=2), Score(criterion="Q2", value=5), Score(criterion="SV", value=1)))]
    lot = engine.score_tender(tender, bids).lots[0]
    matrix = by_name["SV_RESULTS"]
    for row, result in zip(matrix[1:], lot.bids, strict=True):
        assert row[0] == result.bidder and row[1] == result.status.value and row[-1] == result.rank
        assert row[-2] == float(result.total)
        points = {c.criterion_id: float(c.points) for c in result.criteria}
        assert row[2:-2] == [points[c] for c in matrix[0][2:-2]]
    assert [r[0] for r in by_name["SV_PRICESCORES"]] == \
        [float(s.points) for s in score_prices(PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE, [Fraction(100), Fraction(150), Fraction(200)], Fraction(40), Fraction(200))]
    import datetime as dt

    from svscore.model.tender import AuthorityType, ContractKind, Jurisdiction

    d = decide(Question(estimated_value=500000, value_includes_vat=True, authority_type=AuthorityType.SUB_CENTRAL,
                        jurisdiction=Jurisdiction.ENGLAND, contract_kind=ContractKind.SERVICES, procurement_start=dt.date(2026, 3, 2)))
    assert by_name["SV_THRESHOLD"] == float(d.threshold.value)
    assert by_name["SV_ACTAPPLIES"] == d.applies.value.capitalize() and by_name["SV_ABOVETHRESHOLD"] == "Yes"
    assert by_name["SV_SOCIALVALUE"] == 3 * 35550 + 10 * 15.25
