"""svscore's Excel custom functions (xlwings): live weight checks, scores and the Act decision.

Every function is a thin adapter: it normalises what Excel sends (see :mod:`svscore.xl.adapt`),
calls the same engine as the command line and the batch, and returns explicit values. A bad
input gives a short message in the cell, starting "svscore:", never a traceback.

Runs in the classic Windows add-in and in xlwings Lite: at import time it needs only pydantic and
the standard library (no compiled workbook reader). It takes the decorators from xlwings only where
they do something (see ``_xlwings_declares_functions``); under Lite they are xlwings' PRO code,
supplied by the Lite add-in under its own licence, and svscore itself imports nothing of xlwings
PRO or Server.
All functions carry the prefix SV_ so that officers find them together in the function wizard.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from svscore import __version__
from svscore.errors import SvscoreError
from svscore.xl import adapt, matrix, memo
from svscore.xl.adapt import BadInput
from svscore.xl.memo import remembered


def _xlwings_declares_functions() -> bool:
    """Whether xlwings' decorators do anything here: on Windows (the classic add-in), under Pyodide
    (xlwings Lite, whose add-in supplies xlwings) and on an xlwings server. Everywhere else they are
    xlwings' own no-ops, and importing xlwings would only load its PRO licence check and, through
    it, cryptography's compiled bindings. An xlwings already imported costs nothing to use."""
    return (sys.platform in ("win32", "emscripten") or os.environ.get("XLWINGS_ON_SERVER") == "true"
            or "xlwings" in sys.modules)


def _no_op(f: Callable | None = None, *_: Any, **__: Any) -> Any:
    return f if callable(f) else (lambda g: g)


func: Callable[..., Any] = _no_op
_xw_arg: Callable[..., Any] = _no_op
ret: Callable[..., Any] = _no_op
if _xlwings_declares_functions():
    try:  # the decorators only attach metadata; without xlwings the functions stay plain Python
        import xlwings as xw

        func, _xw_arg, ret = xw.func, xw.arg, xw.ret
    except ImportError:  # pragma: no cover - a Pyodide without the Lite add-in
        pass


def arg(name: str, *args: Any, **options: Any) -> Callable:
    """xlwings' ``arg``, with error cells passed as their text (``err_to_str``) for every argument.

    Without it the classic add-in passes an error cell (``#N/A``, ``#SPILL!``) as ``None``, which
    a function would take for a blank and answer with its default (a jurisdiction of England, a
    value including VAT). The options are also recorded on the function, so a test can check them
    where xlwings' own decorator keeps nothing (off Windows it is a no-op)."""
    options.setdefault("err_to_str", True)
    inner = _xw_arg(name, *args, **options)

    def apply(f: Callable) -> Callable:
        f = inner(f)
        f.__dict__.setdefault("__svscore_args__", {})[name] = dict(options)
        return f
    return apply


__all__ = [
    "SV_ABOVETHRESHOLD",
    "SV_ACTAPPLIES",
    "SV_ACTREASONS",
    "SV_EFFECTIVEWEIGHTS",
    "SV_PRICESCORES",
    "SV_RESULTS",
    "SV_SOCIALVALUE",
    "SV_THRESHOLD",
    "SV_VERSION",
    "SV_WEIGHTCHECK",
]
"""What ``from svscore.xl.udfs import *`` (xlwings Lite's main.py) brings in: the functions only."""

Table = list[list[Any]]
ERROR_PREFIX = "svscore: "


def _safe(f: Callable) -> Callable:
    """Turn any problem into a readable message for the cell: the one boundary where errors stop."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except SvscoreError as exc:  # BadInput among them
            return ERROR_PREFIX + str(exc).replace("\n", " ")
        except ValueError as exc:  # pydantic validation and other input errors
            return ERROR_PREFIX + _first_line(exc)
        except Exception as exc:
            return f"{ERROR_PREFIX}unexpected {type(exc).__name__}: {_first_line(exc)} (please report this)"
    return wrapper


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- building the model from ranges --------------------------------------------------------------

CRITERIA_DOC = ("The criteria table: columns ID, Parent, Name, Kind, Weight, Scale, Minimum score and (optional) "
                "Scored by (the evaluation workbook's Setup table); a header row is allowed.")


def _scale_from_text(spec: str) -> dict[str, Any]:
    """'0-5' (0 to 5 in steps of 1), '0-100/20' (steps of 20) or '0,25,50,75,100' (those values)."""
    s = spec.replace(" ", "")
    try:
        if "," in s:
            return {"id": spec, "values": [{"value": Decimal(v)} for v in s.split(",")]}
        step = Decimal(1)
        if "/" in s:
            s, step_text = s.split("/", 1)
            step = Decimal(step_text)
        lo, hi = s.split("-", 1)
        return {"id": spec, "minimum": Decimal(lo), "maximum": Decimal(hi), "step": step}
    except (ValueError, ArithmeticError) as exc:
        raise BadInput(f"scale {spec!r} is not a scale: write 0-5, 0-100/20 or 0,25,50,75,100") from exc


def _scales_from_block(block: Any) -> dict[str, dict[str, Any]]:
    """Scales given as columns: the first row holds each scale's id, the values are below."""
    rows = adapt.table(block)
    if not rows:
        return {}
    out = {}
    for c, head in enumerate(rows[0]):
        if adapt.is_blank(head):
            continue
        sid = adapt.text(head, adapt.cell(1, c + 1), "scale id")
        values = [adapt.number(r[c], adapt.cell(i + 2, c + 1), f"a value of scale {sid}") for i, r in enumerate(rows[1:])
                  if c < len(r) and not adapt.is_blank(r[c])]
        out[sid] = {"id": sid, "values": [{"value": v} for v in values]}
    return out


def _criteria(criteria: Any, scales_block: Any = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Criteria tree and scales from a criteria range; also the ids in the order given."""
    rows = adapt.drop_blank_rows(adapt.table(criteria))
    if rows and str(rows[0][0] or "").strip().lower() in ("id", "criterion id"):
        rows = rows[1:]
        first = 2
    else:
        first = 1
    if not rows:
        raise BadInput("the criteria range is empty")
    known_scales = _scales_from_block(scales_block)
    nodes: dict[str, dict[str, Any]] = {}
    parents: dict[str, str] = {}
    order: list[str] = []
    scales: dict[str, dict[str, Any]] = {}
    for i, r in enumerate(rows):
        r = list(r) + [None] * (8 - len(r))
        where = adapt.cell(i + first)
        cid = adapt.text(r[0], where + ", column 1", "the criterion id")
        if cid in nodes:
            raise BadInput(f"{where}: criterion id {cid!r} appears twice")
        kind = adapt.text(r[3], where + ", column 4", "the kind", required=False).lower().replace(" ", "_").replace("/", "_") or None
        if kind not in (None, "price", "quality", "social_value", "pass_fail", "social_value_measures"):
            raise BadInput(f"{where}: kind {r[3]!r} is not price, quality, social_value or pass_fail")
        node: dict[str, Any] = {"id": cid, "name": adapt.text(r[2], where, "name", required=False).strip() or cid}
        if kind == "social_value_measures":
            node["kind"], node["scored_by"] = "social_value", "measures"
        elif kind:
            node["kind"] = kind
        weight = adapt.number(r[4], where + ", column 5", "the weight", required=False)
        if weight is not None:
            node["weight"] = weight
        scale_text = adapt.text(r[5], where, "scale", required=False)
        if scale_text:
            if scale_text in ("measures",):
                node["scored_by"] = "measures"
            else:
                node["scale"] = scale_text
                scales.setdefault(scale_text, known_scales.get(scale_text) or _scale_from_text(scale_text))
        if adapt.text(r[7], where, "scored by", required=False).lower() == "measures":
            node["scored_by"] = "measures"
        minimum = adapt.number(r[6], where + ", column 7", "the minimum score", required=False)
        if minimum is not None:
            node["minimum_score"] = minimum
        parent = adapt.text(r[1], where, "parent", required=False)
        if parent:
            parents[cid] = parent
        nodes[cid] = node
        order.append(cid)
    roots: list[dict[str, Any]] = []
    for cid in order:
        if cid not in parents:
            roots.append(nodes[cid])
            continue
        parent = parents[cid]
        if parent not in nodes:
            raise BadInput(f"criterion {cid}: its parent {parent!r} is not an id in the criteria range")
        seen: set[str] = {cid}
        p: str | None = parent
        while p is not None:
            if p in seen:
                raise BadInput(f"criterion {cid}: its parents go round in a circle")
            seen.add(p)
            p = parents.get(p)
        nodes[parent].setdefault("children", []).append(nodes[cid])
    return roots, list(scales.values()), order


@remembered
def _tender(criteria: Any, weighting: Any = None, total_marks: Any = None, method: Any = None,
            qualification_price: Any = None, scales: Any = None, **rules: Any) -> tuple[Any, tuple[str, ...]]:
    """The evaluation model of a criteria table, built once per table content (it is immutable)."""
    from svscore.model.tender import PriceMethod, Tender

    roots, scale_list, order = _criteria(criteria, scales)
    mode = adapt.choice(weighting, "weighting", "weighting", ["percent", "marks"], "percent")
    data: dict[str, Any] = {
        "reference": "EXCEL", "title": "Tender in Excel",
        "authority": {"name": "Authority", "type": "sub_central", "jurisdiction": "england"},
        "contract": {"kind": "services", "estimated_value": 0, "value_includes_vat": True, "procurement_start": "2026-01-05"},
        "weighting": mode, "scales": scale_list, "criteria": roots,
        "price": {"method": adapt.choice(method, "method", "price method", [m.value for m in PriceMethod], "relative_to_lowest")},
        "social_value_policy": {"minimum_percent": 0, "mandatory": False},
    }
    if mode == "marks":
        data["total_marks"] = adapt.number(total_marks, "total_marks", "the total marks")
    q = adapt.number(qualification_price, "qualification_price", "the qualification price", required=False)
    if q is not None:
        data["price"]["qualification_price"] = q
    data.update({k: v for k, v in rules.items() if v is not None})
    return Tender.model_validate(data), tuple(order)  # kept for later calls: nothing in it can change


FINDINGS_SKIPPED = ("act.", "social_value.", "price.missing", "marks.total_ignored", "method.")
"""Findings SV_WEIGHTCHECK does not report. The criteria range has no scale descriptors, guidance or
disqualification wording, so the s.23 method checks ("method.") would report what the range cannot
say, and its contract is a placeholder (so no Act decision, nor social value share); svscore check
makes them all. What is left is what ``check_structure`` finds, so that alone is run."""


def _findings_text(findings: Any) -> list[str]:
    return [f"{f.severity.value.upper()}: {f.message}" for f in findings
            if f.severity.value != "info" and not f.code.startswith(FINDINGS_SKIPPED)]


# --- the functions --------------------------------------------------------------------------------

@func
@_safe
def SV_VERSION() -> str:
    """The svscore version these functions come from."""
    return __version__


CRITERIA_ARGS = (
    arg("criteria", ndim=2, err_to_str=True, doc=CRITERIA_DOC),
    arg("weighting", doc='"percent" (siblings sum to 100) or "marks" (siblings sum to their parent\'s marks).'),
    arg("total_marks", doc="In marks mode: the marks available in total."),
)


def _excel_function(args: tuple[Callable, ...]) -> Callable[[Callable], Callable]:
    """Mark a function for Excel with a shared list of argument descriptions."""
    def apply(f: Callable) -> Callable:
        for decorator in reversed(args):
            f = decorator(f)
        return func(f)
    return apply


_criteria_function = _excel_function(CRITERIA_ARGS)


@_criteria_function
@_safe
@remembered
def SV_WEIGHTCHECK(criteria: Any, weighting: Any = None, total_marks: Any = None) -> Any:
    """Check the weights of a criteria table: "OK", or one problem per row (spills)."""
    from svscore.rules.checks import check_structure

    tender, _ = _tender(criteria, weighting, total_marks)
    problems = _findings_text(check_structure(tender))
    return [["OK"]] if not problems else [[p] for p in problems]


@_criteria_function
@_safe
@remembered
def SV_EFFECTIVEWEIGHTS(criteria: Any, weighting: Any = None, total_marks: Any = None) -> Any:
    """Each criterion's share of the whole score, in percent: two columns, ID and effective weight (spills)."""
    from svscore.rules.weights import weighted_tree

    tender, order = _tender(criteria, weighting, total_marks)
    eff = {w.criterion.id: w.effective_percent for w in weighted_tree(tender, 0)}
    return [[cid, float(eff[cid])] for cid in order]


@func
@arg("prices", ndim=1, err_to_str=True, doc="A row or column of prices (blank: no bid).")
@arg("method", doc="relative_to_lowest, deviation_from_lowest, pro_rata_to_qualification_price or linear_lowest_to_highest.")
@arg("max_points", doc="Points for the best price (the price criterion's weight).")
@arg("qualification_price", doc="For pro_rata_to_qualification_price: the price that scores zero.")
@_safe
def SV_PRICESCORES(prices: Any, method: Any = None, max_points: Any = 100, qualification_price: Any = None) -> Any:
    """Price points for each price under a named method, in the same order (spills down)."""
    from svscore.model.tender import PriceMethod
    from svscore.scoring.price import score_prices

    m = PriceMethod(adapt.choice(method, "method", "price method", [p.value for p in PriceMethod if p.value != "price_per_quality_point"],
                                 "relative_to_lowest"))
    mx = adapt.number(max_points, "max_points", "the maximum points")
    q = adapt.number(qualification_price, "qualification_price", "the qualification price", required=m is PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE)
    cells = adapt.column(prices)
    out: list[Any] = [""] * len(cells)
    valid: list[tuple[int, Fraction]] = []
    for i, v in enumerate(cells):
        if adapt.is_blank(v):
            continue
        try:
            p = adapt.number(v, adapt.cell(i + 1), "the price")
        except BadInput as exc:
            out[i] = ERROR_PREFIX + str(exc)
            continue
        if p is None or p <= 0:
            out[i] = f"{ERROR_PREFIX}{adapt.cell(i + 1)}: a price must be more than 0"
            continue
        valid.append((i, Fraction(p)))
    scored = score_prices(m, [p for _, p in valid], Fraction(mx), Fraction(q) if q is not None else None)  # type: ignore[arg-type]
    for (i, _), s in zip(valid, scored, strict=True):
        out[i] = float(s.points)
    return [[v] for v in out]


@func
@arg("criteria", ndim=2, err_to_str=True, doc=CRITERIA_DOC)
@arg("score_ids", ndim=1, err_to_str=True, doc="The criterion id of each row of scores.")
@arg("scores", ndim=2, err_to_str=True, doc="Scores: one row per criterion in score_ids, one column per bidder.")
@arg("bidders", ndim=1, err_to_str=True, doc="Bidder names, one per column of scores (blank: an empty slot).")
@arg("prices", ndim=1, err_to_str=True, doc="Prices, one per bidder.")
@arg("sv_values", ndim=1, err_to_str=True, doc="Optional: each bidder's £ social value (for a criterion scored by measures).")
@arg("scales", ndim=2, err_to_str=True, doc="Optional: scales as columns, each scale's id on top and its values below.")
@arg("tie_breaks", doc='Optional: e.g. "higher_score_on:QUAL; lower_price".')
@arg("weighting", doc='"percent" (default) or "marks".')
@arg("total_marks", doc="In marks mode: the marks available in total.")
@arg("method", doc="The price method (default relative_to_lowest).")
@arg("qualification_price", doc="For pro_rata_to_qualification_price: the price that scores zero.")
@arg("sv_method", doc="relative_to_highest (default) or target_ratio.")
@arg("sv_target", doc="Optional: the target pence of social value per £1 of price.")
@arg("minimum_quality", doc="Optional: the minimum quality score, in percent of the quality points.")
@arg("abnormally_low", doc="Flag a price this many percent below the mean of the others (default 20).")
@_safe
@remembered
def SV_RESULTS(criteria: Any, score_ids: Any, scores: Any, bidders: Any, prices: Any, weighting: Any = None,
               total_marks: Any = None, method: Any = None, qualification_price: Any = None, sv_values: Any = None,
               sv_method: Any = None, sv_target: Any = None, minimum_quality: Any = None, abnormally_low: Any = 20,
               tie_breaks: Any = None, scales: Any = None) -> Any:
    """The whole results matrix in one call: for each bidder, status, points per criterion, total and rank (spills)."""

    rules: dict[str, Any] = {"abnormally_low": {"percent_below_mean": adapt.number(abnormally_low, "abnormally_low", "the percentage", required=False)}}
    mq = adapt.number(minimum_quality, "minimum_quality", "the minimum quality percentage", required=False)
    if mq is not None:
        rules["minimum_quality_percent"] = mq
    sv_rules: dict[str, Any] = {"quantitative_method": adapt.choice(sv_method, "sv_method", "social value method",
                                                                    ["relative_to_highest", "target_ratio"], "relative_to_highest")}
    target = adapt.number(sv_target, "sv_target", "the target pence per £1", required=False)
    if target is not None:
        sv_rules["target_pence_per_pound"] = target
    rules["social_value"] = sv_rules
    rules["tie_breaks"] = _tie_breaks(tie_breaks)
    tender, order = _tender(criteria, weighting, total_marks, method, qualification_price, scales, **rules)
    ids = [adapt.text(v, f"score_ids {adapt.cell(i + 1)}", "a criterion id", required=False) for i, v in enumerate(adapt.column(score_ids))]
    grid = adapt.table(scores)
    names = adapt.column(bidders)
    price_cells = adapt.column(prices)
    sv_cells = adapt.column(sv_values) if sv_values is not None else []
    kinds = {w: k for w, k in _kinds(tender)}
    measured = [cid for cid, k in kinds.items() if k == "measures"]
    bids = []
    width = len(names)
    rows = [list(r[:width]) + [None] * (width - len(r)) for r in grid[:len(ids)]]
    rows += [[None] * width] * (len(ids) - len(rows))
    columns = list(zip(*rows, strict=True)) if ids else [()] * width  # each bidder's scores, a blank where the range is short
    id_tuple = tuple(ids)
    shared = memo.freeze((id_tuple, kinds))  # what every bid's key has in common, made once per call
    for b, name in enumerate(names):
        if adapt.is_blank(name):
            continue
        cells = (b, name, columns[b], price_cells[b] if b < len(price_cells) else None,
                 sv_cells[b] if measured and b < len(sv_cells) else None)
        bids.append(_BIDS.get((shared, memo.freeze(cells)), functools.partial(_bid, *cells, id_tuple, kinds)))
    return matrix.results_matrix(tender, bool(measured), bids, order)


_BIDS = memo.MEMOS.setdefault("_bid", memo.Memo(1000))
"""Bids by the content of their own cells and of what reading them depends on (the score ids and the
criteria's kinds, the same for every bid of a call, so their part of the key is made once per call)."""


def _bid(b: int, name: Any, column: Sequence[Any], price_cell: Any, sv_cell: Any, ids: tuple[str, ...], kinds: dict[str, Any]) -> Any:
    """The bid in column ``b`` of the ranges (0-based), built once per content of its own cells: after
    an officer changes one score, the other bidders' bids are not read and validated again."""
    from svscore.model.bids import Bid, Commitment, Score
    from svscore.model.tender import CriterionKind

    bidder = adapt.text(name, f"bidders {adapt.cell(b + 1)}", "the bidder")
    score_list = []
    for r, cid in enumerate(ids):
        v = column[r]
        if not cid or adapt.is_blank(v):
            continue
        where = f"scores {adapt.cell(r + 1, b + 1)} ({bidder}, {cid})"
        if kinds.get(cid) == CriterionKind.PASS_FAIL.value:
            score_list.append(Score(criterion=cid, value=adapt.text(v, where, "pass or fail").lower()))  # type: ignore[arg-type]
        else:
            score_list.append(Score(criterion=cid, value=adapt.number(v, where, "a score")))
    price = adapt.number(price_cell, f"prices {adapt.cell(b + 1)} ({bidder})", "the price", required=False)
    commitments: tuple = ()
    if not adapt.is_blank(sv_cell):
        pounds = adapt.number(sv_cell, f"sv_values {adapt.cell(b + 1)} ({bidder})", "the £ social value")
        commitments = (Commitment(measure="VALUE", quantity=pounds),)
    return Bid(bidder_id=f"{b + 1}", bidder=bidder, price=price, scores=tuple(score_list), commitments=commitments)


def _kinds(tender: Any):
    from svscore.model.tender import ScoredBy, walk

    for c, _, kind in walk(tender.criteria, []):
        if not c.children:
            yield c.id, ("measures" if c.scored_by is ScoredBy.MEASURES else (kind.value if kind else None))


def _tie_breaks(text: Any) -> list[dict[str, str]]:
    if adapt.is_blank(text):
        return []
    out = []
    for part in str(text).split(";"):
        part = part.strip()
        if not part:
            continue
        if part.lower() == "lower_price":
            out.append({"rule": "lower_price"})
        elif part.lower().startswith("higher_score_on:"):
            out.append({"rule": "higher_score_on", "criterion": part.split(":", 1)[1].strip()})
        else:
            raise BadInput(f"tie-break {part!r}: write higher_score_on:ID or lower_price, separated by ;")
    return out


# --- thresholds and the Social Value Act ----------------------------------------------------------

def _question(value: Any, authority: Any, contract: Any, start_date: Any, jurisdiction: Any = None,
              includes_vat: Any = True, services_share: Any = None, welsh_devolved: Any = False) -> Any:
    from svscore.model.tender import AuthorityType, ContractKind, Jurisdiction
    from svscore.rules.act import Question

    return Question(
        estimated_value=adapt.number(value, "value", "the estimated value"),  # type: ignore[arg-type]
        value_includes_vat=adapt.yes_no(includes_vat, "includes_vat", "includes VAT", True),
        authority_type=AuthorityType(adapt.choice(authority, "authority", "authority type", [a.value for a in AuthorityType])),
        jurisdiction=Jurisdiction(adapt.choice(jurisdiction, "jurisdiction", "jurisdiction", [j.value for j in Jurisdiction], "england")),
        contract_kind=ContractKind(adapt.choice(contract, "contract", "contract kind", [c.value for c in ContractKind])),
        procurement_start=adapt.date(start_date, "start_date", "the procurement start date"),
        welsh_devolved_functions=adapt.yes_no(welsh_devolved, "welsh_devolved", "Welsh devolved functions", False),
        services_share_percent=adapt.number(services_share, "services_share", "the services share", required=False),
    )


ACT_ARGS = (
    arg("value", doc="Estimated value in pounds (with options, extensions and renewals)."),
    arg("authority", doc="central_government, sub_central, utility or defence_and_security."),
    arg("contract", doc="services, goods, works, mixed, light_touch or concession."),
    arg("start_date", doc="The date the procurement starts."),
    arg("jurisdiction", doc="england (default), wales, scotland or northern_ireland."),
    arg("includes_vat", doc="TRUE/Yes (default) when the value includes VAT."),
    arg("services_share", doc="For a mixed contract: the services' share of the value, in percent."),
    arg("welsh_devolved", doc="TRUE when the authority exercises wholly or mainly Welsh devolved functions."),
)


def _decide(*args: Any) -> Any:
    from svscore.rules.act import decide

    return decide(_question(*args))


_act_function = _excel_function(ACT_ARGS)


@_act_function
@_safe
def SV_THRESHOLD(value: Any, authority: Any, contract: Any, start_date: Any, jurisdiction: Any = None,
                 includes_vat: Any = True, services_share: Any = None, welsh_devolved: Any = False) -> Any:
    """The procurement threshold (£) that applies, from svscore's thresholds table."""
    d = _decide(value, authority, contract, start_date, jurisdiction, includes_vat, services_share, welsh_devolved)
    return float(d.threshold.value) if d.threshold else ERROR_PREFIX + "no threshold in the table for this contract"


@_act_function
@_safe
def SV_ABOVETHRESHOLD(value: Any, authority: Any, contract: Any, start_date: Any, jurisdiction: Any = None,
                      includes_vat: Any = True, services_share: Any = None, welsh_devolved: Any = False) -> Any:
    """Whether the value is at or above the threshold: Yes, No or Cannot tell."""
    d = _decide(value, authority, contract, start_date, jurisdiction, includes_vat, services_share, welsh_devolved)
    return {True: "Yes", False: "No", None: "Cannot tell"}[d.above_threshold]


@_act_function
@_safe
def SV_ACTAPPLIES(value: Any, authority: Any, contract: Any, start_date: Any, jurisdiction: Any = None,
                  includes_vat: Any = True, services_share: Any = None, welsh_devolved: Any = False) -> Any:
    """Whether the Public Services (Social Value) Act 2012 applies: Yes, No or Uncertain."""
    d = _decide(value, authority, contract, start_date, jurisdiction, includes_vat, services_share, welsh_devolved)
    return d.applies.value.capitalize()


@_act_function
@_safe
def SV_ACTREASONS(value: Any, authority: Any, contract: Any, start_date: Any, jurisdiction: Any = None,
                  includes_vat: Any = True, services_share: Any = None, welsh_devolved: Any = False) -> Any:
    """The reasons for the threshold and Act decision, one per row, then any warnings (spills)."""
    d = _decide(value, authority, contract, start_date, jurisdiction, includes_vat, services_share, welsh_devolved)
    return [[r] for r in d.reasons] + [[f"Warning: {w}"] for w in d.warnings]


@func
@arg("commitments", ndim=2, err_to_str=True, doc="Commitments: columns measure id, quantity and (optional) deliverability %; a header row is allowed.")
@arg("measures", ndim=2, err_to_str=True, doc="The council's measures: columns id and proxy value (£ per unit), or id, description, unit, proxy value.")
@_safe
def SV_SOCIALVALUE(commitments: Any, measures: Any) -> Any:
    """The £ value of social value commitments, valued with the council's measures table."""
    from svscore.model.bids import Commitment
    from svscore.model.measures import Measure
    from svscore.scoring.social_value import commitment_problem, value_commitment

    table: dict[str, Measure] = {}
    for i, r in enumerate(adapt.drop_blank_rows(adapt.table(measures))):
        mid = adapt.text(r[0], f"measures {adapt.cell(i + 1)}", "the measure id")
        proxy_cell = r[3] if len(r) >= 4 else (r[1] if len(r) > 1 else None)
        if i == 0 and _is_heading(proxy_cell):
            continue  # a header row
        proxy = adapt.number(proxy_cell, f"measures {adapt.cell(i + 1)} ({mid})", "the proxy value")
        table[mid] = Measure(id=mid, description=mid, unit="unit", proxy_value=proxy)
    total = Fraction(0)
    for i, r in enumerate(adapt.drop_blank_rows(adapt.table(commitments))):
        r = list(r) + [None] * (3 - len(r))
        mid = adapt.text(r[0], f"commitments {adapt.cell(i + 1)}", "the measure id")
        if i == 0 and _is_heading(r[1]):
            continue  # a header row
        if mid not in table:
            raise BadInput(f"commitments {adapt.cell(i + 1)}: measure {mid!r} is not in the measures table")
        qty = adapt.number(r[1], f"commitments {adapt.cell(i + 1)} ({mid})", "the quantity")
        deliv = adapt.number(r[2], f"commitments {adapt.cell(i + 1)} ({mid})", "the deliverability", required=False)
        c = Commitment(measure=mid, quantity=qty, deliverability_percent=100 if deliv is None else deliv)
        problem = commitment_problem(c)
        if problem is not None:
            raise BadInput(f"commitments {adapt.cell(i + 1)} ({mid}): the commitment {problem}")
        total += value_commitment(c, table[mid]).value
    return float(total)


def _is_heading(v: Any) -> bool:
    """A first-row cell that is a column heading ('Quantity'), not a value or an Excel error."""
    return isinstance(v, str) and not adapt.is_blank(v) and not adapt.is_error(v) and not any(ch.isdigit() for ch in v)


FUNCTIONS = sorted(name for name in globals() if name.startswith("SV_"))
"""Every custom function this module gives Excel."""
