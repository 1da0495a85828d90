"""The evaluation workbook's native formulas give exactly the engine's results, in two programs.

Workbooks are generated, filled with openpyxl (including disqualifying scores, very low prices,
missing scores and pass/fail failures), recalculated by LibreOffice headless in one batch call and
by Gnumeric (ssconvert --recalc), and every criterion's points, every total, status, rank and
abnormally low flag is compared with the engine (1e-9). The same is done for tenders and bids
generated at random by hypothesis, with prices up to £100m.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from svscore.excel import gnumeric as gnumeric_program
from svscore.excel import libreoffice as libreoffice_program
from svscore.excel.evaluation import build_evaluation
from svscore.excel.layout import EvaluationLayout
from svscore.excel.workbook import save
from svscore.model.bids import Bid, Commitment, Score
from svscore.model.loading import load_bids, load_measures, load_tender
from svscore.model.measures import MeasuresTable
from svscore.model.tender import CriterionKind, Tender
from svscore.scoring.engine import score_tender
from tests.conftest import EXAMPLES
from tests.excel.fill import fill_evaluation

TOL = 1e-9
RANDOM_CASES = int(os.environ.get("SVSCORE_RANDOM_CASES", "300"))


def consensus(bids: list[Bid], drop: tuple[str, str] | None = None) -> list[Bid]:
    """One agreed score per criterion: the first evaluator's (on the scale, as a consensus is)."""
    out = []
    for b in bids:
        seen: dict[str, Score] = {}
        for s in b.scores:
            seen.setdefault(s.criterion, Score(criterion=s.criterion, value=s.value))
        if drop and b.bidder_id == drop[0]:
            seen.pop(drop[1])
        # the commitments as given, year by year (the Social Value sheet takes each contract year)
        out.append(b.model_copy(update={"scores": tuple(seen.values())}))
    return out


def fixed_cases() -> list[tuple[str, Tender, MeasuresTable | None, list[Bid]]]:
    home = load_tender(EXAMPLES / "council-home-care.json")
    measures = load_measures(EXAMPLES / "measures-illustrative.json")
    home_bids = consensus(list(load_bids(EXAMPLES / "council-home-care-bids.json").bids), drop=("11223344", "Q3"))
    central = load_tender(EXAMPLES / "central-digital-marks.json")
    central_bids = list(load_bids(EXAMPLES / "central-digital-marks-bids.json").bids)
    cases = [("home", home, measures, home_bids), ("central", central, None, central_bids)]
    for method in ("deviation_from_lowest", "pro_rata_to_qualification_price", "linear_lowest_to_highest"):
        price = home.price.revised(method=method, qualification_price=Decimal(2_400_000) if "pro_rata" in method else None)
        cases.append((method, home.revised(price=price), measures, home_bids))
    sv = home.social_value.revised(quantitative_method="target_ratio", target_pence_per_pound=Decimal(25))
    cases.append(("target_ratio", home.revised(social_value=sv), measures, home_bids))
    cases.append(("ppqp-zero", *zero_quality_points_case()))
    cases.append(("ppqp-big", *big_price_per_point_case()))
    cases.append(("low-knife-edge", *knife_edge_low_price_case()))
    cases.append(("ties", *ties_case()))
    return cases


def _one_quality_tender(ref: str, method: str, **extra) -> Tender:
    criteria = [{"id": "Q", "name": "Quality", "kind": "quality", "weight": 100 if method == "price_per_quality_point" else 60, "scale": "0-5"}]
    if method == "price_per_quality_point":
        criteria.insert(0, {"id": "P", "name": "Price", "kind": "price"})
    else:
        criteria.insert(0, {"id": "P", "name": "Price", "kind": "price", "weight": 40})
    return Tender.model_validate({
        "reference": ref, "title": ref, "authority": {"name": "X", "type": "sub_central", "jurisdiction": "england"},
        "contract": {"kind": "services", "estimated_value": 500000, "value_includes_vat": True, "procurement_start": "2026-03-02"},
        "weighting": "percent", "scales": SCALES, "price": {"method": method},
        "social_value_policy": {"minimum_percent": 0, "mandatory": False}, "criteria": criteria, **extra})


def big_price_per_point_case() -> tuple[Tender, None, list[Bid]]:
    """A price per quality point above £1m has 16 significant digits: a comparison that turns it
    into 15-digit text (COUNTIF(range, ">"&key)) counts the bid as better than itself."""
    tender = _one_quality_tender("PPQP-BIG", "price_per_quality_point")
    tender = tender.model_validate(tender.model_dump(mode="json") | {"criteria": [
        {"id": "P", "name": "Price", "kind": "price"},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 100, "children": [
            {"id": "Q1", "name": "Method", "weight": 72, "scale": "0-5"}, {"id": "Q2", "name": "Staff", "weight": 28, "scale": "0-5"}]}]})
    q = (Score(criterion="Q1", value=3), Score(criterion="Q2", value=0))  # 43.2 points
    bids = [Bid(bidder_id="A", bidder="Alpha Ltd", price=Decimal("50000000.05"), scores=q),
            Bid(bidder_id="B", bidder="Beta Ltd", price=Decimal("99999999.99"), scores=q)]
    return tender, None, bids


def ties_case() -> tuple[Tender, None, list[Bid]]:
    """Level totals: one pair separated by the first tie-break (more points on Q1), one pair the
    rules cannot separate (same Q1 points, same price): the authority must decide."""
    tender = _one_quality_tender("TIES", "relative_to_lowest", tie_breaks=[
        {"rule": "higher_score_on", "criterion": "Q1"}, {"rule": "lower_price"}])
    tender = tender.model_validate(tender.model_dump(mode="json") | {"criteria": [
        {"id": "P", "name": "Price", "kind": "price", "weight": 40},
        {"id": "Q", "name": "Quality", "kind": "quality", "weight": 60, "children": [
            {"id": "Q1", "name": "Method", "weight": 50, "scale": "0-5"},
            {"id": "Q2", "name": "Staff", "weight": 50, "scale": "0-5", "minimum_score": 1}]}]})

    def bid(i: int, q1: int, q2: int) -> Bid:
        return Bid(bidder_id=f"T{i}", bidder=f"Tie {i} Ltd", price=100_000,
                   scores=(Score(criterion="Q1", value=q1), Score(criterion="Q2", value=q2)))
    return tender, None, [bid(0, 4, 2), bid(1, 2, 4), bid(2, 3, 3), bid(3, 3, 3), bid(4, 5, 0)]


def knife_edge_low_price_case() -> tuple[Tender, None, list[Bid]]:
    """A price exactly 25% below the mean of the others (32,156.68 = 0.75 x 42,875.57333...): not
    abnormally low, though (SUM-price)/3*0.75 in floating point is 32,156.680000000008."""
    tender = _one_quality_tender("LOW-EDGE", "relative_to_lowest", abnormally_low={"percent_below_mean": 25})
    prices = ["32156.68", "22542.58", "95496.57", "10587.57"]
    bids = [Bid(bidder_id=f"K{i}", bidder=f"Knife {i} Ltd", price=Decimal(p), scores=(Score(criterion="Q", value=3),))
            for i, p in enumerate(prices)]
    return tender, None, bids


def zero_quality_points_case() -> tuple[Tender, MeasuresTable, list[Bid]]:
    """Price per quality point where a bid scores 0 on quality: with no social value either it has
    nothing to divide its price by (incomplete); with social value it is ranked."""
    tender = Tender.model_validate({
        "reference": "PPQP0", "title": "Zero quality points", "authority": {"name": "X", "type": "sub_central", "jurisdiction": "england"},
        "contract": {"kind": "services", "estimated_value": 500000, "value_includes_vat": True, "procurement_start": "2026-03-02"},
        "weighting": "percent", "scales": SCALES, "price": {"method": "price_per_quality_point"},
        "social_value_policy": {"minimum_percent": 0, "mandatory": False},
        "criteria": [{"id": "P", "name": "Price", "kind": "price"},
                     {"id": "Q", "name": "Quality", "kind": "quality", "weight": 60, "scale": "0-5"},
                     {"id": "SV", "name": "Commitments", "kind": "social_value", "weight": 40, "scored_by": "measures"}]})
    sv = (Commitment(measure="M1", quantity=2),)
    bids = [Bid(bidder_id="A", bidder="Nothing Ltd", price=100_000, scores=(Score(criterion="Q", value=0),)),
            Bid(bidder_id="B", bidder="Commitments Only Ltd", price=120_000, scores=(Score(criterion="Q", value=0),), commitments=sv),
            Bid(bidder_id="C", bidder="Both Ltd", price=150_000, scores=(Score(criterion="Q", value=3),), commitments=sv),
            Bid(bidder_id="D", bidder="Quality Only Ltd", price=90_000, scores=(Score(criterion="Q", value=4),))]
    return tender, RANDOM_MEASURES, bids


# --- random tenders -----------------------------------------------------------------------

SCALES = [
    {"id": "0-5", "values": [{"value": v, "descriptor": f"level {v}"} for v in range(6)]},
    {"id": "0-100", "minimum": 0, "maximum": 100, "step": 20},
    {"id": "1-4", "values": [{"value": v} for v in (1, 2, 3, 4)]},
]
RANDOM_MEASURES = MeasuresTable.model_validate({"title": "random", "measures": [
    {"id": "M1", "description": "a", "unit": "u", "proxy_value": 1000},
    {"id": "M2", "description": "b", "unit": "u", "proxy_value": 37.5},
    {"id": "M3", "description": "c", "unit": "u", "proxy_value": 0.15},
    {"id": "M4", "description": "d", "unit": "u", "proxy_value": 250, "first_year_only": True}]})


def partition(draw, total: int, n: int) -> list[int]:
    if n == 1:
        return [total]
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=n - 1, max_size=n - 1, unique=True)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def random_case(draw):
    marks = draw(st.booleans())
    method = draw(st.sampled_from(["relative_to_lowest", "deviation_from_lowest", "pro_rata_to_qualification_price",
                                   "linear_lowest_to_highest", "price_per_quality_point"]))
    ppqp = method == "price_per_quality_point"
    total = 200 if marks else 100
    sv_kind = draw(st.sampled_from(["scale", "measures", "both", "none"]))
    n_q = draw(st.integers(1, 3))
    tops = 1 + (0 if ppqp else 1) + (0 if sv_kind == "none" else 1)
    top_w = partition(draw, total, tops)

    def child_weights(parent: int, n: int) -> list[int]:
        return partition(draw, parent if marks else 100, n) if (parent >= n or not marks) else [parent] + [0] * (n - 1)

    def leaf(cid, kind, w):
        node = {"id": cid, "name": f"Criterion {cid}", "kind": kind, "weight": w, "scale": draw(st.sampled_from(["0-5", "0-100", "1-4"]))}
        if draw(st.integers(0, 3)) == 0:
            allowed = {"0-5": [1, 2], "0-100": [20, 40], "1-4": [2]}[node["scale"]]
            node["minimum_score"] = draw(st.sampled_from(allowed))
        return node

    criteria = []
    i = 0
    if not ppqp:
        criteria.append({"id": "P", "name": "Price", "kind": "price", "weight": top_w[i]})
        i += 1
    qw = top_w[i]
    i += 1
    if n_q == 1 or (marks and qw < n_q):
        criteria.append(leaf("Q", "quality", qw))
    else:
        kids = child_weights(qw, n_q)
        criteria.append({"id": "Q", "name": "Quality", "kind": "quality", "weight": qw,
                         "children": [leaf(f"Q{k}", "quality", w) for k, w in enumerate(kids)]})
    if sv_kind != "none":
        sw = top_w[i]
        if sv_kind == "scale":
            criteria.append(leaf("SV", "social_value", sw))
        elif sv_kind == "measures":
            criteria.append({"id": "SV", "name": "Commitments", "kind": "social_value", "weight": sw, "scored_by": "measures"})
        else:
            if marks and sw < 2:
                criteria.append(leaf("SV", "social_value", sw))
                sv_kind = "scale"
            else:
                a, b = child_weights(sw, 2)
                criteria.append({"id": "SV", "name": "Social value", "kind": "social_value", "weight": sw, "children": [
                    {"id": "SV1", "name": "Commitments", "weight": a, "scored_by": "measures"}, leaf("SV2", "social_value", b)]})
    if ppqp:
        criteria.insert(0, {"id": "P", "name": "Price", "kind": "price"})
    if draw(st.booleans()):
        criteria.append({"id": "G", "name": "Gate", "kind": "pass_fail"})
    ["P", "Q", *[c["id"] for c in criteria[1:] if c["id"] != "G"]]
    tie_breaks = draw(st.lists(st.sampled_from([{"rule": "lower_price"}, {"rule": "higher_score_on", "criterion": "Q"}]),
                               max_size=2, unique_by=lambda x: x["rule"]))
    data = {
        "reference": "R", "title": "Random", "authority": {"name": "X", "type": "sub_central", "jurisdiction": "england"},
        "contract": {"kind": "services", "estimated_value": 500000, "value_includes_vat": True, "procurement_start": "2026-03-02",
                     "contract_years": draw(st.sampled_from([None, 1, 2, 3]))},
        "weighting": "marks" if marks else "percent", "scales": SCALES, "criteria": criteria,
        "price": {"method": method}, "social_value_policy": {"minimum_percent": 0, "mandatory": False},
        "minimum_quality_percent": draw(st.sampled_from([None, 40, 60])), "tie_breaks": tie_breaks,
        "social_value": {"quantitative_method": draw(st.sampled_from(["relative_to_highest", "target_ratio"])), "target_pence_per_pound": 10},
    }
    if marks:
        data["total_marks"] = total
    if any(w == 0 for w in _weights(criteria)):
        data["weighting"] = "percent"
        data.pop("total_marks", None)
        return draw(random_case())
    n_bids = draw(st.integers(2, 7))
    # round thousands up to £100k, or any pence up to £100m (a price per quality point above £1m
    # has 16 significant digits)
    pence = st.one_of(st.integers(1, 100).map(lambda k: k * 100_000), st.integers(100, 10_000_000_000))
    prices = [Decimal(draw(pence)) / 100 for _ in range(n_bids)]
    if method == "pro_rata_to_qualification_price":
        data["price"]["qualification_price"] = draw(st.sampled_from([max(prices) + 1000, sorted(prices)[-1]]))
    tender = Tender.model_validate(data)
    leaves = [(c, k) for c, k in _leaves(criteria)]
    bids = []
    for b in range(n_bids):
        scores = []
        lowest = ppqp and draw(st.integers(0, 3)) == 0  # every score the lowest: no quality points to divide the price by
        for c, kind in leaves:
            if c.get("scored_by") == "measures" or kind == "price":
                continue
            if draw(st.integers(0, 19)) == 0:
                continue  # a missing score
            if kind == "pass_fail":
                scores.append(Score(criterion=c["id"], value=draw(st.sampled_from(["pass", "pass", "pass", "fail"]))))
            else:
                allowed = tender.scale(c["scale"]).allowed()
                scores.append(Score(criterion=c["id"], value=allowed[0] if lowest else draw(st.sampled_from(allowed))))
        commitments = []
        if sv_kind in ("measures", "both"):
            years = tender.contract.contract_years
            for m in RANDOM_MEASURES.measures:
                # each contract year's quantity (a first-year-only measure's later years count £0 in both),
                # at the measure's one deliverability
                deliverable = draw(st.sampled_from([100, 100, 50, 75]))
                for year in range(1, years + 1) if years else [None]:
                    q = draw(st.integers(0, 50))
                    if q:
                        commitments.append(Commitment(measure=m.id, quantity=q, year=year, deliverability_percent=deliverable))
        bids.append(Bid(bidder_id=f"B{b}", bidder=f"Bidder {b}", price=prices[b], scores=tuple(scores), commitments=tuple(commitments)))
    return tender, RANDOM_MEASURES if sv_kind in ("measures", "both") else None, bids


def _weights(nodes):
    for n in nodes:
        if n.get("kind") not in ("pass_fail",) and "weight" in n:
            yield n["weight"]
        yield from _weights(n.get("children", []))


def _leaves(nodes, kind=None):
    for n in nodes:
        k = n.get("kind") or kind
        if n.get("children"):
            yield from _leaves(n["children"], k)
        else:
            yield n, k


def collect_random(n: int) -> list:
    cases: list = []

    @settings(max_examples=n, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(random_case())
    def collect(case):
        cases.append(case)

    collect()
    return cases


# --- the comparison --------------------------------------------------------------------------

def _cell(v):
    return None if v in ("", None) else v


def compare(path: Path, lay: EvaluationLayout, bids: list[Bid], label: str) -> None:
    result = score_tender(lay.tender, bids, lay.measures).lots[0]
    engine = {b.bidder_id: b for b in result.bids}
    ws = load_workbook(path, data_only=True)["Results"]
    for i, bid in enumerate(bids):
        r = lay.bidder_row(i)
        e = engine[bid.bidder_id]
        where = f"{label}: {bid.bidder} (row {r})"
        assert _cell(ws.cell(r, lay.rcol("Status")).value) == e.status.value, where
        rank = _cell(ws.cell(r, lay.rcol("Rank")).value)
        assert (rank if rank is None else int(rank)) == e.rank, where
        low = "Abnormally low" in (ws.cell(r, lay.rcol("Flags")).value or "")
        assert low == any(f.code == "abnormally_low" for f in e.flags), f"{where}: abnormally low flag"
        tie = ws.cell(r, lay.rcol("Tie-break")).value or ""
        unresolved = any(f.code == "tie_unresolved" for f in e.flags)
        assert ("Tie not broken: the authority must decide" in tie) == unresolved, f"{where}: tie {tie!r}"
        broken = next((f.message for f in e.flags if f.code == "tie_break"), None)
        if broken is None:
            assert "separated by" not in tie, f"{where}: tie {tie!r}"
        else:  # the same rule named: "tie-break 2, lower price"
            rule = broken.split("rule: ")[1].split(",")[0]
            assert f"separated by {rule}" in tie, f"{where}: tie {tie!r} but the engine says {broken}"
        why = ws.cell(r, lay.rcol("Why incomplete")).value or ""
        assert bool(why) == (e.status.value == "incomplete"), f"{where}: why incomplete {why!r}"
        reason = ws.cell(r, lay.rcol("Reason")).value or ""
        below = [w for w in lay.leaves if any(f"on {w.criterion.id} ({w.criterion.name}), below the minimum" in m for m in e.reasons)]
        if below and reason.startswith("Below the minimum"):  # the first missed named, with its score and the minimum
            assert reason.startswith(f"Below the minimum score on {below[0].criterion.id} {below[0].criterion.name}: "), f"{where}: {reason!r}"
        total = _cell(ws.cell(r, lay.rcol("Total")).value)
        if e.total is None:
            assert total is None, where
        else:
            assert abs(total - float(e.total)) <= TOL, where
        for w in lay.tree:
            if w.kind is CriterionKind.PASS_FAIL:
                shown = ws.cell(r, lay.rcol(f"crit:{w.criterion.id}")).value
                assert shown in ("Pass", "Fail", None, ""), f"{where} {w.criterion.id}: {shown!r}"
                continue
            got = _cell(ws.cell(r, lay.rcol(f"crit:{w.criterion.id}")).value)
            want = e.points_on(w.criterion.id)
            if want is None:
                assert got is None, f"{where} {w.criterion.id}: {got}"
            else:
                assert got is not None and abs(got - float(want)) <= TOL, f"{where} {w.criterion.id}: {got} != {float(want)}"


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """Every case's workbook, filled: written once, recalculated by each program."""
    src = tmp_path_factory.mktemp("filled")
    cases = [(name, t, m, b) for name, t, m, b in fixed_cases()]
    cases += [(f"random-{k}", t, m, b) for k, (t, m, b) in enumerate(collect_random(RANDOM_CASES))]
    jobs = []
    for name, tender, measures, bids in cases:
        lay = EvaluationLayout(tender, 0, max(len(bids), 2), measures)
        wb = build_evaluation(tender, 0, measures, lay.slots)
        fill_evaluation(wb, lay, bids)
        path = src / f"{name}.xlsx"
        save(wb, path)
        jobs.append((name, path, lay, bids))
    return jobs


@pytest.fixture(scope="module", params=["libreoffice", "gnumeric"])
def recalculated(request, filled, tmp_path_factory, libreoffice):
    """The filled workbooks recalculated by LibreOffice, then by Gnumeric."""
    if request.param == "gnumeric":
        request.getfixturevalue("gnumeric")
    convert = libreoffice_program.convert if request.param == "libreoffice" else gnumeric_program.convert
    out = convert([p for _, p, _, _ in filled], tmp_path_factory.mktemp(f"recalculated-{request.param}"))
    return [(name, o, lay, bids) for (name, _, lay, bids), o in zip(filled, out, strict=True)]


def test_bundled_examples_and_variants_agree_with_the_engine(recalculated):
    fixed = [c for c in recalculated if not c[0].startswith("random-")]
    assert len(fixed) == 10
    for name, path, lay, bids in fixed:
        compare(path, lay, bids, name)


def test_fixed_cases_cover_disqualification_low_price_and_incomplete(recalculated):
    _name, path, lay, bids = recalculated[0]
    result = score_tender(lay.tender, bids, lay.measures).lots[0]
    statuses = {b.status.value for b in result.bids}
    assert {"ranked", "disqualified", "incomplete"} <= statuses
    ws = load_workbook(path, data_only=True)["Results"]
    flags = [ws.cell(lay.bidder_row(i), lay.rcol("Flags")).value for i in range(len(bids))]
    assert sum(1 for f in flags if f and "Abnormally low" in f) == 1
    castle = next(i for i, b in enumerate(bids) if b.bidder.startswith("Castle"))
    assert "Abnormally low" in flags[castle]


def test_price_per_quality_point_with_no_quality_points_is_incomplete_in_both(recalculated):
    _name, path, lay, bids = next(c for c in recalculated if c[0] == "ppqp-zero")
    result = {b.bidder: b for b in score_tender(lay.tender, bids, lay.measures).lots[0].bids}
    assert result["Nothing Ltd"].status.value == "incomplete"
    assert result["Nothing Ltd"].reasons == ("Missing: quality points to divide the price by (the bid scored 0).",)
    assert {result[n].status.value for n in ("Commitments Only Ltd", "Both Ltd", "Quality Only Ltd")} == {"ranked"}
    ws = load_workbook(path, data_only=True)["Results"]
    shown = {ws.cell(lay.bidder_row(i), lay.rcol("Bidder")).value: ws.cell(lay.bidder_row(i), lay.rcol("Status")).value
             for i in range(len(bids))}
    assert shown == {"Nothing Ltd": "incomplete", "Commitments Only Ltd": "ranked", "Both Ltd": "ranked", "Quality Only Ltd": "ranked"}


def test_ties_say_how_they_were_broken_or_that_the_authority_must_decide(recalculated):
    _name, path, lay, bids = next(c for c in recalculated if c[0] == "ties")
    ws = load_workbook(path, data_only=True)["Results"]
    tie = {ws.cell(lay.bidder_row(i), lay.rcol("Bidder")).value: ws.cell(lay.bidder_row(i), lay.rcol("Tie-break")).value
           for i in range(len(bids))}
    assert "separated by tie-break 1, higher score on Q1" in tie["Tie 0 Ltd"]
    assert "Tie not broken: the authority must decide" in tie["Tie 2 Ltd"]
    reason = ws.cell(lay.bidder_row(4), lay.rcol("Reason")).value
    assert reason == "Below the minimum score on Q2 Staff: 0, minimum 1"
    top = lay.last_bidder_row + 2  # the recommended bidder, then every bid again in rank order
    assert ws.cell(top, 1).value == "Recommended bidder" and ws.cell(top, 2).value == "Tie 0 Ltd"
    view = [(ws.cell(r, 1).value, ws.cell(r, 2).value or None) for r in range(top + 4, top + 4 + len(bids))]
    assert view == [("Tie 0 Ltd", 1), ("Tie 2 Ltd", 2), ("Tie 3 Ltd", 2), ("Tie 1 Ltd", 4), ("Tie 4 Ltd", None)]
    assert ws.cell(top + 8, 4).value == "disqualified" and ws.cell(top + 8, 5).value == reason


def test_random_tenders_agree_with_the_engine(recalculated):
    randoms = [c for c in recalculated if c[0].startswith("random-")]
    assert len(randoms) == RANDOM_CASES
    statuses = set()
    for name, path, lay, bids in randoms:
        compare(path, lay, bids, f"{name} {lay.tender.model_dump_json(exclude_defaults=True)}")
        statuses |= {b.status.value for b in score_tender(lay.tender, bids, lay.measures).lots[0].bids}
    assert {"ranked", "disqualified", "incomplete"} <= statuses
