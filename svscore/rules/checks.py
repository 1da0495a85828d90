"""``svscore check``: every finding about a tender's published methodology, before any bid is seen."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from svscore.errors import ScoringError, SvscoreError, file_label, json_path
from svscore.model.tender import (
    AuthorityType,
    ContractKind,
    CriterionKind,
    PriceMethod,
    ScoredBy,
    SocialValueMethod,
    Tender,
    WeightingMode,
    walk,
)
from svscore.rules.act import Applies, Decision, Question, decide, table_for
from svscore.rules.findings import SEVERITY_ORDER, Finding, Severity, error, info, warning
from svscore.rules.method import check_method
from svscore.rules.weights import WeightedCriterion, check_weights, weighted_tree

PPN_002_MANDATORY_FROM = dt.date(2025, 10, 1)


@dataclass(frozen=True)
class LotWeights:
    lot_id: str
    criteria: tuple[WeightedCriterion, ...]
    social_value_share: Fraction


@dataclass(frozen=True)
class CheckReport:
    """Everything ``svscore check`` reports about one tender."""

    tender: Tender
    findings: tuple[Finding, ...]
    lots: tuple[LotWeights, ...]
    decision: Decision | None

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def counts(self) -> Counter:
        return Counter(f.severity.value for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The report as ``svscore check --format json`` writes it."""
        return {
            "ok": self.ok,
            "tender": {"reference": self.tender.reference, "title": self.tender.title},
            "findings": [f.as_dict() for f in self.findings],
            "effective_weights": [
                {"lot": lot.lot_id, "criterion": w.criterion.id, "name": w.criterion.name,
                 "kind": w.kind.value if w.kind else None, "parent": w.parent_id,
                 "effective_percent": float(w.effective_percent), "points_available": float(w.points_available)}
                for lot in self.lots for w in lot.criteria],
            "social_value_percent": {lot.lot_id: float(lot.social_value_share * 100) for lot in self.lots},
            "threshold_decision": self.decision.as_dict() if self.decision else None,
        }


def _fmt(x: Fraction | Decimal, places: int = 2) -> str:
    d = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else x
    text = f"{d:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


def check_tender(tender: Tender, base_dir: Path | None = None, thresholds: str | Path | None = None,
                 *, measures_supplied: bool = False) -> CheckReport:
    """Run every check on a tender and return the findings, effective weights and Act decision.

    ``measures_supplied``: a measures table is given directly, so the tender's own
    ``measures_file`` need not exist.
    """
    if base_dir is None:
        base_dir = tender.source_dir
    findings: list[Finding] = []
    findings += _check_scales(tender)
    findings += _check_marks(tender)
    findings += _check_contract(tender)
    decision = None
    table_path = thresholds or (_resolve(base_dir, tender.thresholds_table) if tender.thresholds_table else None)
    contract_ok = not any(f.severity is Severity.ERROR for f in findings if f.code.startswith("contract."))
    try:
        table = table_for(table_path)
    except SvscoreError as exc:
        findings.append(error("thresholds.unreadable", "$.thresholds_table", str(exc)))
    else:
        if contract_ok:  # an impossible contract (negative value, share over 100%) is reported above
            decision = decide(Question.from_tender(tender), table)
    if decision is not None:
        findings += [warning("act.warning", "$.contract", w) for w in decision.warnings]
    lots = []
    for index, lot in enumerate(tender.all_lots()):
        findings += _check_tree(tender, index)
        findings += check_weights(tender, index)
        findings += check_method(tender, index)
        tree = weighted_tree(tender, index)
        sv = sum((w.share for w in tree if w.is_leaf and w.kind is CriterionKind.SOCIAL_VALUE), Fraction(0))
        lots.append(LotWeights(lot.id, tuple(tree), sv))
        findings += _check_social_value_share(tender, index, sv, decision)
    findings += _check_rules(tender, None if measures_supplied else base_dir)
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return CheckReport(tender, tuple(findings), tuple(lots), decision)


def check_structure(tender: Tender) -> list[Finding]:
    """The findings of :func:`check_tender` that the model alone decides, in its order: scales,
    marks, contract, criteria trees, weights and the scoring rules (files not looked for).

    Not the Act's threshold decision and its warnings, the s.23 method checks or the social value
    share: a caller that reports none of those (``SV_WEIGHTCHECK``) need not run them.
    """
    findings: list[Finding] = []
    findings += _check_scales(tender)
    findings += _check_marks(tender)
    findings += _check_contract(tender)
    for index in range(len(tender.all_lots())):
        findings += _check_tree(tender, index)
        findings += check_weights(tender, index)
    findings += _check_rules(tender, None)
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def require_no_errors(report: CheckReport, consequence: str, tender_file: Path | None = None) -> None:
    """Raise when the tender has errors: nothing is scored or built from a broken methodology.

    ``tender_file``, when known, is named in the command the message suggests.
    """
    if not report.ok:
        errors = [f"  {f.path}: {f.message}" for f in report.findings if f.severity is Severity.ERROR]
        command = f"svscore check {file_label(str(tender_file))}" if tender_file is not None else "svscore check"
        raise ScoringError(f"The tender has errors, so {consequence} (run '{command}'):\n" + "\n".join(errors))


def _resolve(base_dir: Path | None, path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() or base_dir is None else base_dir / p


def _check_scales(tender: Tender) -> list[Finding]:
    out = []
    seen: set[str] = set()
    for i, s in enumerate(tender.scales):
        path = json_path(["scales", i])
        if s.id in seen:
            out.append(error("scale.duplicate_id", json_path(["scales", i, "id"]), f"Scale id {s.id!r} is used twice."))
        seen.add(s.id)
        if s.values:
            vals = [v.value for v in s.values]
            if any(b <= a for a, b in itertools.pairwise(vals)):
                out.append(error("scale.not_ascending", json_path(["scales", i, "values"]),
                                 f"Scale {s.id!r} values must be strictly ascending, but are {', '.join(_fmt(v) for v in vals)}."))
            if len(vals) < 2:
                out.append(error("scale.too_few_values", json_path(["scales", i, "values"]),
                                 f"Scale {s.id!r} needs at least two values."))
        else:
            assert s.minimum is not None and s.maximum is not None and s.step is not None
            if s.step <= 0 or s.maximum <= s.minimum:
                out.append(error("scale.bad_range", path,
                                 f"Scale {s.id!r} must have minimum < maximum and a step above 0 (got {_fmt(s.minimum)} to {_fmt(s.maximum)} step {_fmt(s.step)})."))
            elif (s.maximum - s.minimum) % s.step:
                out.append(error("scale.bad_range", path,
                                 f"Scale {s.id!r}: steps of {_fmt(s.step)} from {_fmt(s.minimum)} do not reach the maximum {_fmt(s.maximum)}."))
        top = s.top()
        if top is not None and top <= 0:
            out.append(error("scale.no_positive_maximum", path, f"Scale {s.id!r} has no score above 0, so nothing can earn points."))
    return out


def _check_marks(tender: Tender) -> list[Finding]:
    if tender.weighting is WeightingMode.MARKS and tender.total_marks is None:
        return [error("marks.total_missing", "$.total_marks", "Weighting is in marks, but total_marks is not given.")]
    if tender.weighting is WeightingMode.PERCENT and tender.total_marks is not None:
        return [warning("marks.total_ignored", "$.total_marks", "total_marks is ignored when weighting is in percent.")]
    return []


def _check_contract(tender: Tender) -> list[Finding]:
    c = tender.contract
    out = []
    if c.estimated_value < 0:
        out.append(error("contract.negative_value", "$.contract.estimated_value", "The estimated value cannot be negative."))
    if c.kind is ContractKind.MIXED and c.services_share_percent is None:
        out.append(warning("contract.services_share_missing", "$.contract.services_share_percent",
                           "A mixed contract needs the services' share of its value to decide whether the Social Value Act applies."))
    if c.services_share_percent is not None and not (0 <= c.services_share_percent <= 100):
        out.append(error("contract.services_share_range", "$.contract.services_share_percent", "The services share must be between 0 and 100."))
    if not (0 <= c.vat_rate_percent <= 100):
        out.append(error("contract.vat_rate_range", "$.contract.vat_rate_percent", "The VAT rate must be between 0 and 100."))
    return out


def _check_tree(tender: Tender, lot_index: int) -> list[Finding]:
    lot = tender.all_lots()[lot_index]
    root = tender.lot_path(lot_index)
    out: list[Finding] = []
    ids: dict[str, str] = {}
    prices = []
    for c, parts, kind in walk(lot.criteria, root):
        path = json_path(parts)
        if c.id in ids:
            out.append(error("criteria.duplicate_id", json_path([*parts, "id"]),
                             f"Criterion id {c.id!r} is used twice (first at {ids[c.id]})."))
        else:
            ids[c.id] = path
        if "children" in c.model_fields_set and not c.children:
            out.append(error("criteria.empty_group", json_path([*parts, "children"]),
                             f"{c.id} ({c.name}) is a group with no sub-criteria."))
            continue
        if c.children:
            if c.scale or c.minimum_score is not None:
                out.append(warning("criteria.group_scored", path,
                                   f"{c.id} is a group: its scale and minimum score are ignored (its sub-criteria are scored)."))
            continue
        if kind is None:
            out.append(error("criteria.no_kind", json_path([*parts, "kind"]),
                             f"{c.id} ({c.name}) has no kind: give price, quality, social_value or pass_fail."))
            continue
        if kind is CriterionKind.PRICE:
            prices.append(path)
        needs_scale = kind is CriterionKind.QUALITY or (kind is CriterionKind.SOCIAL_VALUE and c.scored_by is not ScoredBy.MEASURES)
        if needs_scale:
            scale = tender.scale(c.scale)
            if c.scale is None:
                out.append(error("scale.missing", json_path([*parts, "scale"]), f"{c.id} ({c.name}) is scored on a scale, but names none."))
            elif scale is None:
                known = ", ".join(repr(s.id) for s in tender.scales) or "none defined"
                out.append(error("scale.unknown", json_path([*parts, "scale"]), f"{c.id} names scale {c.scale!r}, which is not defined (scales: {known})."))
            elif c.minimum_score is not None and not scale.contains(c.minimum_score):
                out.append(error("criteria.minimum_not_on_scale", json_path([*parts, "minimum_score"]),
                                 f"{c.id}'s minimum score {_fmt(c.minimum_score)} is not a value on scale {scale.id!r} "
                                 f"({', '.join(_fmt(v) for v in scale.allowed()[:12])}{'…' if len(scale.allowed()) > 12 else ''})."))
        elif c.minimum_score is not None:
            out.append(warning("criteria.minimum_ignored", json_path([*parts, "minimum_score"]),
                               f"{c.id} is not scored on a scale, so its minimum score is ignored."))
        if c.scored_by is not None and kind is not CriterionKind.SOCIAL_VALUE:
            out.append(warning("criteria.scored_by_ignored", json_path([*parts, "scored_by"]), f"{c.id}: scored_by only applies to social value criteria."))
    where = f"lot {lot.id}" if tender.lots else "the tender"
    ppqp = tender.price.method is PriceMethod.PRICE_PER_QUALITY_POINT
    if not prices:
        out.append(warning("price.missing", json_path(root), f"{where.capitalize()} has no price criterion: is it a fixed-price tender?"))
    elif len(prices) > 1:
        out.append(error("price.duplicate", prices[1], f"{where.capitalize()} has more than one price criterion ({', '.join(prices)}); price is scored once."))
    if ppqp:
        for c, parts, kind in walk(lot.criteria, root):
            if kind is CriterionKind.PRICE and c.weight not in (None, 0):
                out.append(error("price.ppqp_weighted", json_path([*parts, "weight"]),
                                 "Under price per quality point, price is divided by the quality score, so the price criterion takes no weight."))
    return out


def _check_rules(tender: Tender, base_dir: Path | None) -> list[Finding]:
    out = []
    p = tender.price
    if p.method is PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE:
        if p.qualification_price is None:
            out.append(error("price.qualification_price_missing", "$.price.qualification_price",
                             "pro_rata_to_qualification_price needs a qualification_price (the price that scores zero)."))
        elif p.qualification_price <= 0:
            out.append(error("price.qualification_price_range", "$.price.qualification_price", "The qualification price must be more than 0."))
    elif p.qualification_price is not None:
        out.append(warning("price.qualification_price_ignored", "$.price.qualification_price",
                           f"qualification_price is only used by pro_rata_to_qualification_price, not {p.method.value}."))
    has_measures = any(c.scored_by is ScoredBy.MEASURES for lot in tender.all_lots() for c, _, _ in walk(lot.criteria, []))
    sv = tender.social_value
    if (sv.quantitative_method is SocialValueMethod.TARGET_RATIO and has_measures
            and (sv.target_pence_per_pound is None or sv.target_pence_per_pound <= 0)):
        out.append(error("social_value.target_missing", "$.social_value.target_pence_per_pound",
                         "target_ratio needs target_pence_per_pound above 0 (e.g. 25 for 25p of social value per £1)."))
    if has_measures and not sv.measures_file:
        out.append(warning("social_value.measures_missing", "$.social_value.measures_file",
                           "A social value criterion is scored by measures, but no measures table is named; give one when scoring."))
    if sv.measures_file and base_dir is not None and not _resolve(base_dir, sv.measures_file).is_file():
        out.append(error("social_value.measures_not_found", "$.social_value.measures_file",
                         f"The measures table {sv.measures_file!r} was not found next to the tender file."))
    e = tender.evaluation
    if e.moderation_spread is not None and e.moderation_spread <= 0:
        out.append(error("evaluation.spread_range", "$.evaluation.moderation_spread", "The moderation spread must be more than 0."))
    if tender.minimum_quality_percent is not None and not (0 <= tender.minimum_quality_percent <= 100):
        out.append(error("quality.minimum_range", "$.minimum_quality_percent", "The minimum quality percentage must be between 0 and 100."))
    al = tender.abnormally_low.percent_below_mean
    if al is not None and not (0 < al < 100):
        out.append(error("abnormally_low.range", "$.abnormally_low.percent_below_mean", "The abnormally low percentage must be between 0 and 100."))
    all_ids = {c.id for lot in tender.all_lots() for c, _, _ in walk(lot.criteria, [])}
    for i, tb in enumerate(tender.tie_breaks):
        path = json_path(["tie_breaks", i, "criterion"])
        if tb.rule == "higher_score_on":
            if not tb.criterion:
                out.append(error("tie_break.criterion_missing", path, "A higher_score_on tie-break must name a criterion."))
            elif tb.criterion not in all_ids:
                out.append(error("tie_break.unknown_criterion", path,
                                 f"Tie-break {i + 1} names criterion {tb.criterion!r}, which is not in the criteria tree."))
        elif tb.criterion:
            out.append(warning("tie_break.criterion_ignored", path, "A lower_price tie-break does not use a criterion."))
    return out


def _check_social_value_share(tender: Tender, lot_index: int, share: Fraction, decision: Decision | None) -> list[Finding]:
    lot = tender.all_lots()[lot_index]
    path = json_path(tender.lot_path(lot_index))
    where = f" in lot {lot.id}" if tender.lots else ""
    policy = tender.social_value_policy
    mandatory = policy.mandatory
    if mandatory is None:
        mandatory = (tender.authority.type is AuthorityType.CENTRAL_GOVERNMENT
                     and tender.contract.procurement_start >= PPN_002_MANDATORY_FROM
                     and (decision is None or decision.above_threshold is not False))
    minimum = Fraction(policy.minimum_percent)
    pct = share * 100
    if share == 0:
        applies = decision is not None and decision.applies is Applies.YES
        if mandatory:
            return [error("social_value.missing", path, f"There is no social value criterion{where}, but the policy requires at least {_fmt(minimum)}% (PPN 002 for central government).")]
        if applies:
            return [warning("social_value.missing", path,
                            f"There is no social value criterion{where}. The Public Services (Social Value) Act 2012 applies to this contract: "
                            "the authority must consider how the procurement might improve the economic, social and environmental "
                            "well-being of its area. Evaluating social value is the usual way to show it did.")]
        return []
    if pct < minimum:
        msg = f"Social value carries {_fmt(pct)}% of the total score{where}, below the policy minimum of {_fmt(minimum)}%."
        return [error("social_value.below_minimum", path, msg + " The policy is mandatory here.") if mandatory
                else warning("social_value.below_minimum", path, msg)]
    return [info("social_value.share", path, f"Social value carries {_fmt(pct)}% of the total score{where} (policy minimum {_fmt(minimum)}%).")]
