"""The live workbook computed outside Excel: the PyPI `formulas` engine evaluates every native
formula, and calls svscore's Excel functions for the Live sheet's cells with the same shapes
Excel would send. The live results must agree with the native Results sheet and the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

formulas = pytest.importorskip("formulas")

from formulas.functions import XlError, is_not_empty, wrap_func  # noqa: E402

from svscore.excel.evaluation import build_evaluation  # noqa: E402
from svscore.excel.layout import EvaluationLayout  # noqa: E402
from svscore.excel.workbook import save  # noqa: E402
from svscore.model.loading import load_bids, load_measures, load_tender  # noqa: E402
from svscore.scoring.engine import score_tender  # noqa: E402
from svscore.xl import udfs  # noqa: E402
from tests.conftest import EXAMPLES  # noqa: E402
from tests.excel.fill import fill_evaluation  # noqa: E402
from tests.excel.test_formulas_agree import consensus  # noqa: E402


def _excel_value(v):
    """A cell as xlwings hands it over: blank -> None, error -> '#N/A' text, numbers as float."""
    if not is_not_empty(v):
        return None
    if isinstance(v, XlError):
        return str(v)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return v


def _arg(a):
    if isinstance(a, np.ndarray):
        rows = [[_excel_value(x) for x in row] for row in a.tolist()] if a.ndim == 2 else [[_excel_value(x) for x in a.tolist()]]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    return _excel_value(a)


def register() -> None:
    funcs = formulas.get_functions()
    for name in udfs.FUNCTIONS:
        f = getattr(udfs, name)

        def call(*args, _f=f):
            out = _f(*[_arg(a) for a in args])
            return np.array(out, dtype=object) if isinstance(out, list) else out
        funcs[name] = wrap_func(call)


def compute(path: Path) -> dict[str, object]:
    register()
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values: dict[str, object] = {}
    for key, ranges in solution.items():
        if "]" not in key or "!" not in key:
            continue  # intermediate results, not cells
        ref = key.split("]", 1)[1].replace("'", "").upper()
        sheet, cells = ref.split("!")
        value = np.atleast_2d(ranges.value)
        start = cells.split(":")[0]
        col = "".join(ch for ch in start if ch.isalpha())
        row = int("".join(ch for ch in start if ch.isdigit()))
        from openpyxl.utils import column_index_from_string, get_column_letter
        c0 = column_index_from_string(col)
        for i, line in enumerate(value):
            for j, v in enumerate(line):
                values[f"{sheet}!{get_column_letter(c0 + j)}{row + i}"] = _excel_value(v)
    return values


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tender = load_tender(EXAMPLES / "council-home-care.json")
    measures = load_measures(EXAMPLES / "measures-illustrative.json")
    bids = consensus(list(load_bids(EXAMPLES / "council-home-care-bids.json").bids), drop=("11223344", "Q3"))
    lay = EvaluationLayout(tender, 0, 6, measures)
    wb = build_evaluation(tender, 0, measures, 6, live=True)
    fill_evaluation(wb, lay, bids)
    path = tmp_path_factory.mktemp("live") / "live.xlsx"
    save(wb, path)
    return lay, bids, compute(path)


def _live_block(values, lay):
    ws = "LIVE"
    top = next(int(k.split("!A")[1]) for k, v in values.items() if k.startswith(f"{ws}!A") and v == "Bidder")
    header = []
    col = 1
    from openpyxl.utils import get_column_letter
    while values.get(f"{ws}!{get_column_letter(col)}{top}") not in (None, ""):
        header.append(values[f"{ws}!{get_column_letter(col)}{top}"])
        col += 1
        if header[-1] == "Rank":
            break
    rows = []
    for r in range(top + 1, top + 1 + lay.slots):
        name = values.get(f"{ws}!A{r}")
        if name in (None, "", "#N/A"):
            continue
        rows.append({h: values.get(f"{ws}!{get_column_letter(c + 1)}{r}") for c, h in enumerate(header)} |
                    {"agrees": values.get(f"{ws}!{get_column_letter(len(header) + 1)}{r}")})
    return rows


@pytest.mark.slow
def test_live_results_agree_with_native_formulas_and_engine(live):
    lay, bids, values = live
    rows = _live_block(values, lay)
    assert [r["Bidder"] for r in rows] == [b.bidder for b in bids]
    engine = {b.bidder: b for b in score_tender(lay.tender, bids, lay.measures).lots[0].bids}
    from openpyxl.utils import get_column_letter
    for i, row in enumerate(rows):
        r = lay.bidder_row(i)
        native_total = values.get(f"RESULTS!{get_column_letter(lay.rcol('Total'))}{r}")
        e = engine[row["Bidder"]]
        assert row["Status"] == e.status.value == values.get(f"RESULTS!{get_column_letter(lay.rcol('Status'))}{r}")
        if e.total is None:
            assert row["Total"] in ("", None) and native_total in ("", None)
        else:
            assert abs(row["Total"] - float(e.total)) <= 1e-9
            assert abs(native_total - float(e.total)) <= 1e-9
            assert row["Rank"] == e.rank
        for w in lay.tree:
            want = e.points_on(w.criterion.id)
            got = row[w.criterion.id]
            if want is not None:
                assert abs(got - float(want)) <= 1e-9, (row["Bidder"], w.criterion.id)
        assert row["agrees"] == "agrees"


@pytest.mark.slow
def test_live_checks_and_decision(live):
    lay, _, values = live
    assert values["LIVE!B3"] == udfs.SV_VERSION()
    assert values["LIVE!B5"] == "OK"
    eff = {values[f"LIVE!B{r}"]: values[f"LIVE!C{r}"] for r in range(12, 12 + len(lay.tree))}
    assert eff["Q1"] == pytest.approx(14.0) and eff["SV1"] == pytest.approx(9.0)
    labels = {values.get(f"LIVE!A{r}"): values.get(f"LIVE!B{r}") for r in range(1, 40)}
    assert labels["Threshold (£)"] == 207720
    assert labels["Above threshold"] == "Yes"
    assert labels["Social Value Act applies"] == "Yes"


def test_cli_builds_the_live_variant(tmp_path):
    from tests.conftest import run_cli
    r = run_cli("template", "build", str(EXAMPLES / "council-home-care.json"), "--out", str(tmp_path), "--live")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "BCC-2026-014-evaluation-live.xlsx").is_file()


