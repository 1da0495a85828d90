"""The public API, called as an analyst calls it: ``import svscore`` and nothing else of svscore.

Each command's function is called on real files (the bundled examples, returned workbooks written
and read back), and made to fail once, with the error an analyst would see. The fixtures build
inputs with the tests' own helpers; the calls under test are all ``svscore.<name>``.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import svscore
from tests.conftest import EXAMPLES, ROOT

TENDER = EXAMPLES / "council-home-care.json"
BIDS = EXAMPLES / "council-home-care-bids.json"
MARKS, MARKS_BIDS = EXAMPLES / "central-digital-marks.json", EXAMPLES / "central-digital-marks-bids.json"
MEASURES = EXAMPLES / "measures-illustrative.json"


# --- the names ---------------------------------------------------------------------------------------

def test_all_is_sorted_and_every_name_is_there_with_a_summary():
    assert svscore.__all__ == sorted(svscore.__all__)
    for name in svscore.__all__:
        value = getattr(svscore, name)
        if name != "__version__":
            assert summary(value), f"svscore.{name} has no docstring"
    with pytest.raises(AttributeError, match="no attribute 'scoer'"):
        svscore.scoer  # noqa: B018


def test_type_checkers_see_every_lazy_name_from_the_module_it_is_loaded_from():
    """The TYPE_CHECKING imports (what mypy and IDEs read) and _API (what runs) name the same things."""
    tree = ast.parse((ROOT / "svscore" / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    seen = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        for alias in node.names:
            assert alias.asname == alias.name, "re-exported as itself, so type checkers count it as public"
            seen[alias.name] = node.module
    assert seen == svscore._API


@pytest.mark.slow
def test_a_typed_script_type_checks_with_the_real_types(tmp_path):
    """mypy sees the real types: assert_type fails on Any (as the lazy exports typed before), and a
    wrong argument is an error."""
    import subprocess
    import sys

    good = tmp_path / "good.py"
    good.write_text(
        "from typing import assert_type\n"
        "import svscore\n"
        "from svscore.batch.run import BatchRun\n"
        "result = svscore.score('t.json', 'b.json')\n"
        "assert_type(result, svscore.TenderResult)\n"
        "assert_type(svscore.check('t.json'), svscore.CheckReport)\n"
        "assert_type(svscore.decide_act('t.json'), svscore.Decision)\n"
        "assert_type(svscore.batch('t.json', 'returns', 'out'), BatchRun)\n"
        "assert_type(svscore.read_results('out'), svscore.TenderResult)\n"
        "assert_type(svscore.load_tender('t.json').reference, str)\n"
        "total: object = result.lots[0].bids[0].total\n", encoding="utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text("import svscore\nsvscore.score(1, 2)\nsvscore.batch('t', 'r')\n", encoding="utf-8")
    run = [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "--follow-imports=silent"]
    done = subprocess.run([*run, str(good)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([*run, str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout
    assert 'Argument 1 to "score" has incompatible type "int"' in done.stdout
    assert 'Missing positional argument "out" in call to "batch"' in done.stdout


# --- the README's API section --------------------------------------------------------------------------

def summary(value: object) -> str:
    """A docstring's first paragraph on one line: what the README's API section says of a name."""
    doc = inspect.getdoc(value) or ""
    return " ".join(doc.split("\n\n")[0].split())


def api_section() -> dict[str, str]:
    """``name``: summary, for each bullet of the README's API section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## API\n")
    section = text[start + 1:text.index("\n## ", start + 1)]
    listed = {}
    for line in section.splitlines():
        if line.startswith("- `"):
            name, _, rest = line[3:].partition("`")
            listed[name.split("(")[0]] = rest.removeprefix(": ").strip()
    return listed


def api_problems(listed: dict[str, str], public: dict[str, object]) -> list[str]:
    """What the README's list gets wrong about the public names: one missing, one not public, a summary not the docstring's."""
    problems = [f"{n}: not in the README's API section" for n in public if n not in listed]
    problems += [f"{n}: listed, but not in svscore.__all__" for n in listed if n not in public]
    problems += [f"{n}: the README says {listed[n]!r}, its docstring {summary(v)!r}" for n, v in public.items()
                 if n in listed and listed[n] != summary(v)]
    return problems


def public_names() -> dict[str, object]:
    return {n: getattr(svscore, n) for n in svscore.__all__ if n != "__version__"}


def test_the_readme_api_section_lists_every_public_name_with_its_summary_and_nothing_else():
    assert api_problems(api_section(), public_names()) == []


def test_the_readme_check_finds_a_name_left_out_one_not_public_and_a_summary_changed():
    def new() -> None:
        """A new function."""

    listed = api_section()
    assert api_problems(listed, {**public_names(), "new": new}) == ["new: not in the README's API section"]
    assert api_problems({**listed, "old": "Gone."}, public_names()) == ["old: listed, but not in svscore.__all__"]
    changed = api_problems({**listed, "score": "Score bids."}, public_names())
    assert len(changed) == 1 and changed[0].startswith("score: the README says 'Score bids.'")


# --- loading --------------------------------------------------------------------------------------------

def test_the_loaders_read_each_kind_of_file_and_name_a_wrong_one():
    assert svscore.load_tender(TENDER).reference == svscore.load_bids(BIDS).tender_reference
    assert svscore.load_measures(MEASURES).measures
    assert svscore.load_contract(EXAMPLES / "council-home-care-contract.json").reference
    assert svscore.load_thresholds(ROOT / "svscore" / "data" / "thresholds.json").rows
    with pytest.raises(svscore.TenderFileError, match="this is a tender file, not a bids file"):
        svscore.load_bids(TENDER)
    with pytest.raises(svscore.TenderFileError, match="no such file"):
        svscore.load_tender(EXAMPLES / "no-such-tender.json")
    with pytest.raises(svscore.TenderFileError, match="this is a tender file, not a measures table"):
        svscore.load_measures(TENDER)
    with pytest.raises(svscore.TenderFileError, match="this is a bids file, not a contract record"):
        svscore.load_contract(BIDS)
    with pytest.raises(svscore.TenderFileError, match="this is a tender file, not a thresholds table"):
        svscore.load_thresholds(TENDER)


# --- check, decide_act ---------------------------------------------------------------------------------

def test_check_gives_the_report_svscore_check_writes(tmp_path):
    from tests.conftest import run_cli

    report = svscore.check(TENDER)
    assert isinstance(report, svscore.CheckReport) and report.ok
    done = run_cli("check", str(TENDER), "--format", "json")
    assert json.loads(done.stdout) == json.loads(json.dumps(report.as_dict()))
    assert svscore.check(svscore.load_tender(TENDER)).as_dict() == report.as_dict()
    broken = svscore.check(EXAMPLES / "broken-tender.json")
    assert not broken.ok and any(f.severity.value == "error" for f in broken.findings)
    with pytest.raises(svscore.TenderFileError, match="no such file"):
        svscore.check(tmp_path / "missing.json")


def test_decide_act_from_a_tender_or_a_question():
    decision = svscore.decide_act(TENDER)
    assert decision.applies.value == "yes" and decision.above_threshold is True
    question = svscore.Question(estimated_value=Decimal(100_000), value_includes_vat=True,
                                authority_type=svscore.load_tender(TENDER).authority.type,
                                jurisdiction=svscore.load_tender(TENDER).authority.jurisdiction,
                                contract_kind=svscore.load_tender(TENDER).contract.kind, procurement_start=dt.date(2026, 3, 2))
    small = svscore.decide_act(question)
    assert small.above_threshold is False and any("below" in r for r in small.reasons)
    assert svscore.decide(question) == small
    with pytest.raises(svscore.SvscoreError, match="cannot be negative"):
        svscore.Question(**{**question.__dict__, "estimated_value": Decimal(-1)})
    with pytest.raises(svscore.TenderFileError, match="no such file"):
        svscore.decide_act(TENDER, thresholds=EXAMPLES / "no-such-thresholds.json")


# --- score, read_results --------------------------------------------------------------------------------

def test_score_gives_the_result_svscore_score_renders():
    from tests.conftest import run_cli

    result = svscore.score(TENDER, BIDS)
    assert isinstance(result, svscore.TenderResult)
    done = run_cli("score", str(TENDER), str(BIDS), "--format", "json")
    assert json.loads(done.stdout) == json.loads(json.dumps(result.as_dict()))
    loaded = svscore.score(svscore.load_tender(TENDER), svscore.load_bids(BIDS), measures=svscore.load_measures(MEASURES))
    assert loaded == result
    assert svscore.score_tender(svscore.load_tender(TENDER), svscore.load_bids(BIDS), svscore.load_measures(MEASURES)) == result
    assert svscore.score(MARKS, MARKS_BIDS).lots[0].winners()


def test_score_refuses_bids_for_another_tender_and_a_broken_tender():
    with pytest.raises(svscore.DisagreementError, match="answers tender"):
        svscore.score(TENDER, MARKS_BIDS)
    with pytest.raises(svscore.ScoringError, match="The tender has errors"):
        svscore.score(EXAMPLES / "broken-tender.json", BIDS)
    with pytest.raises(svscore.ScoringError, match="The tender has errors"):
        svscore.score_tender(svscore.load_tender(EXAMPLES / "broken-tender.json"), svscore.load_bids(BIDS))
    report = svscore.check_tender(svscore.load_tender(EXAMPLES / "broken-tender.json"))
    assert not report.ok


def _same(read: object, written: object, path: str = "$") -> None:
    """Equal, floats to within one part in 10^14 (results.json holds floats)."""
    if isinstance(written, dict):
        assert isinstance(read, dict) and set(read) == set(written), path
        for k in written:
            _same(read[k], written[k], f"{path}.{k}")
    elif isinstance(written, list):
        assert isinstance(read, list) and len(read) == len(written), path
        for i, (a, b) in enumerate(zip(read, written, strict=True)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(written, float):
        assert read == pytest.approx(written, rel=1e-14, abs=1e-9), path
    else:
        assert read == written, path


@pytest.mark.parametrize("tender,bids", [(TENDER, BIDS), (MARKS, MARKS_BIDS)])
def test_a_results_json_reads_back_into_the_result_it_was_written_from(tmp_path, tender, bids):
    result = svscore.score(tender, bids)
    (tmp_path / "results.json").write_text(json.dumps(result.as_dict()), encoding="utf-8")
    back = svscore.read_results(tmp_path)
    assert isinstance(back, svscore.TenderResult)
    _same(back.as_dict(), result.as_dict())
    for lot, again in zip(result.lots, back.lots, strict=True):
        assert [(b.bidder_id, b.rank, b.status, b.flags, b.reasons) for b in lot.bids] == \
               [(b.bidder_id, b.rank, b.status, b.flags, b.reasons) for b in again.bids]
        assert lot.top_level == again.top_level
        assert [[c.is_leaf for c in b.criteria] for b in lot.bids] == [[c.is_leaf for c in b.criteria] for b in again.bids]
        for b, a in zip(lot.bids, again.bids, strict=True):
            assert b.total is None or (isinstance(a.total, Fraction) and float(a.total) == float(b.total))
    assert back.decision is not None and back.decision.applies == result.decision.applies  # type: ignore[union-attr]
    assert svscore.read_results(tmp_path / "results.json") == back


def test_read_results_names_the_json_path_of_what_is_wrong(tmp_path):
    result = svscore.score(TENDER, BIDS).as_dict()
    result["lots"][0]["bids"][1]["status"] = "won"
    (tmp_path / "results.json").write_text(json.dumps(result), encoding="utf-8")
    with pytest.raises(svscore.InputError, match=r"\$\.lots\[0\]\.bids\[1\]\.status: expected one of ranked"):
        svscore.read_results(tmp_path)
    result = svscore.score(TENDER, BIDS).as_dict()
    result["lots"][0]["winner"] = ["nobody"]
    (tmp_path / "results.json").write_text(json.dumps(result), encoding="utf-8")
    with pytest.raises(svscore.InputError, match=r"\$\.lots\[0\]\.winner: names \['nobody'\]"):
        svscore.read_results(tmp_path)
    (tmp_path / "results.json").write_text('{"tender": {"reference": "X"}}', encoding="utf-8")
    with pytest.raises(svscore.InputError, match=r"\$\.lots: expected a list of lots"):
        svscore.read_results(tmp_path)
    with pytest.raises(svscore.InputError, match=r"no results\.json here"):
        svscore.read_results(tmp_path / "..")


# --- batch (and read_results on what it wrote) ---------------------------------------------------------

@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> dict[str, Path]:
    """Three returned bids, one of them cut short, and the evaluators' score sheets."""
    from svscore.batch.demo import EVALUATORS, demo_bids, fill_bid_return, fill_score_sheets

    root = tmp_path_factory.mktemp("api-batch")
    for name in ("council-home-care.json", "measures-illustrative.json"):
        shutil.copyfile(EXAMPLES / name, root / name)
    tender, measures = svscore.load_tender(TENDER), svscore.load_measures(MEASURES)
    returns, scores = root / "returns", root / "scores"
    returns.mkdir()
    scores.mkdir()
    good = [b for b in demo_bids() if not b.bidder.startswith(("Fenwick", "Eden"))][:3]
    for b in good:
        (returns / f"{b.bidder_id}.xlsx").write_bytes(fill_bid_return(tender, 0, measures, b))
    (returns / "corrupt.xlsx").write_bytes(fill_bid_return(tender, 0, measures, good[0])[:3000])
    (scores / "score-sheets.xlsx").write_bytes(fill_score_sheets(tender, 0, measures, good, EVALUATORS))
    return {"tender": root / "council-home-care.json", "returns": returns, "scores": scores, "root": root}


def test_batch_scores_the_folder_writes_the_results_and_returns_the_run(returned):
    out = returned["root"] / "out"
    read: list[tuple[int, int, str]] = []
    run = svscore.batch(returned["tender"], returned["returns"], out, scores=returned["scores"], jobs=1,
                        progress=lambda n, of, name: read.append((n, of, name)))
    assert [(n, of) for n, of, _ in read] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(name for *_, name in read) == sorted(p.name for p in returned["returns"].iterdir())
    assert {f.name: f.status for f in run.files} == {**{p.name: "scored" for p in returned["returns"].iterdir() if p.name != "corrupt.xlsx"},
                                                     "corrupt.xlsx": "rejected"}
    assert {p.name for p in out.iterdir()} >= {"results.xlsx", "results.csv", "results.json", "manifest.json"}
    back = svscore.read_results(out)
    _same(back.as_dict(), run.result.as_dict())
    assert [b.bidder for b in back.lots[0].bids] == [b.bidder for b in run.result.lots[0].bids]


def test_batch_refuses_an_output_folder_inside_the_returns(returned):
    with pytest.raises(svscore.SvscoreError, match="outside the returns folder"):
        svscore.batch(returned["tender"], returned["returns"], returned["returns"], jobs=1)


# --- award ------------------------------------------------------------------------------------------

def test_award_writes_a_draft_and_refuses_a_final_folder_with_gaps(tmp_path):
    made = svscore.award(TENDER, BIDS, tmp_path / "award", ocid_prefix="ocds-test", draft=True, illustrative_ok=True)
    assert made.gaps and (tmp_path / "award" / "manifest.json").is_file()
    assert {n for n in made.files if n.endswith(".docx")} <= {p.name for p in (tmp_path / "award").iterdir()}
    with pytest.raises(svscore.ErrorsFound) as caught:
        svscore.award(TENDER, BIDS, tmp_path / "final", ocid_prefix="ocds-test", illustrative_ok=True)
    assert not (tmp_path / "final").exists(), "nothing is written when the award folder has gaps"
    assert "evaluator" in str(caught.value).lower() or "missing" in str(caught.value).lower()


# --- monitor --------------------------------------------------------------------------------------------

def test_monitor_reads_the_returns_against_the_record(tmp_path):
    from tests.monitor.returns import filled

    record_file = EXAMPLES / "council-home-care-contract.json"
    record = svscore.load_contract(record_file)
    returns = tmp_path / "returns"
    returns.mkdir()
    delivered = {"EX-LOCAL-FTE": 3, "EX-UNEMPLOYED-HIRE": 1, "EX-VOLUNTEER-HOURS": 100, "EX-EV-MILES": 30000}
    (returns / "Y1Q1.xlsx").write_bytes(filled(record, "Y1Q1", delivered, [], {"KPI1": 96, "KPI2": 1.5, "KPI3": 92}))
    run = svscore.monitor(record_file, returns, tmp_path / "out", as_of=dt.date(2026, 11, 1))
    assert [f.used for f in run.files] == [True]
    assert [r.period for r in run.contracts[0].returns if r.status != "due"][:1] == ["Y1Q1"]
    assert (tmp_path / "out" / "results.json").is_file()
    with pytest.raises(svscore.SvscoreError, match="no-such-record"):
        svscore.monitor(tmp_path / "no-such-record.json", returns, tmp_path / "out2")


# --- what_if and the analysis functions ------------------------------------------------------------------

def test_what_if_gives_the_rows_svscore_what_if_writes():
    from tests.conftest import run_cli

    rows = svscore.what_if(TENDER, BIDS, {"PRICE": [40, 50, 60]})
    done = run_cli("what-if", str(TENDER), str(BIDS), "--vary", "PRICE=40,50,60", "--format", "json")
    assert json.loads(done.stdout)["rows"] == json.loads(json.dumps(rows))
    exact = svscore.what_if(TENDER, BIDS, {"PRICE": [50]}, exact=True)
    assert isinstance(exact[0]["margin"], Fraction)
    with pytest.raises(svscore.SvscoreError, match="one or two top-level criteria"):
        svscore.what_if(TENDER, BIDS, {"PRICE": [50], "QUAL": [40], "SV": [10]})


def test_the_analysis_functions_are_public():
    pytest.importorskip("pandas")
    tender, bids = svscore.load_tender(TENDER), svscore.load_bids(BIDS)
    result = svscore.score(tender, bids)
    assert len(svscore.bids_frame(result)) == sum(len(lot.bids) for lot in result.lots)
    assert len(svscore.criteria_frame(result)) == sum(len(b.criteria) for lot in result.lots for b in lot.bids)
    heavier = svscore.with_weights(tender, {"PRICE": 40, "QUAL": 42, "SV": 18})
    assert svscore.score(heavier, bids).lots[0].winners()
    assert len(svscore.weight_grid(tender, bids, None, {"PRICE": [40, 60]})) == 2
    assert len(svscore.sensitivity_frame(result)) >= 1
    with pytest.raises(svscore.SvscoreError, match="one or two top-level criteria"):
        svscore.weight_grid(tender, bids, None, {"PRICE": [50], "QUAL": [40], "SV": [10]})
    with pytest.raises(svscore.ScoringError, match="add up to 90, not 100"):
        svscore.with_weights(tender, {"PRICE": 40})


def test_the_across_tenders_functions_read_what_batch_wrote(tmp_path):
    pytest.importorskip("pandas")
    for name, (tender, bids) in {"care": (TENDER, BIDS), "digital": (MARKS, MARKS_BIDS)}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps(svscore.score(tender, bids).as_dict()), encoding="utf-8")
    frame = svscore.tenders_frame(tmp_path)
    assert sorted(frame["folder"]) == ["care", "digital"]
    assert 0 <= svscore.award_shares(frame)["sme_share_of_lots"] <= 1  # type: ignore[operator]
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "results.json").write_text("[]", encoding="utf-8")
    with pytest.raises(svscore.InputError, match=r"not an svscore results\.json"):
        svscore.tenders_frame(tmp_path)


# --- the packages that are also functions -----------------------------------------------------------------

def test_batch_award_and_monitor_stay_callable_once_their_packages_are_imported():
    import svscore.award.folder
    import svscore.batch.run
    import svscore.monitor.run

    for name in ("batch", "award", "monitor"):
        value = getattr(svscore, name)
        assert callable(value), name
        assert inspect.signature(value) == inspect.signature(getattr(svscore.api, name)), name
    assert svscore.batch.run.run_batch  # the package's own modules are still reached through it
    with pytest.raises(svscore.SvscoreError, match="outside the returns folder"):
        svscore.batch(EXAMPLES, EXAMPLES, EXAMPLES)
