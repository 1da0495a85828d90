"""Checks that the published assessment method says what Procurement Act 2023 s.23 asks of it.

These check the method as written (scale descriptors or guidance, which failures disqualify,
relative importance), not whether the criteria are lawful: that is a legal judgement the
messages leave to the officer.
"""

from __future__ import annotations

from svscore.errors import json_path
from svscore.model.tender import CriterionKind, ScoredBy, Tender, walk
from svscore.rules.findings import Finding, warning
from svscore.rules.weights import is_weighted

NOT_LEGAL = "This is a check on the method as written, not a legal judgement."


def check_method(tender: Tender, lot_index: int) -> list[Finding]:
    """Findings, with paths, for one lot's criteria against s.23."""
    lot = tender.all_lots()[lot_index]
    root = tender.lot_path(lot_index)
    out: list[Finding] = []
    disqualifying = tender.minimum_quality_percent is not None
    for c, parts, kind in walk(lot.criteria, root):
        if kind is CriterionKind.PASS_FAIL or c.minimum_score is not None:
            disqualifying = True
        if c.children:
            continue
        if kind is not None and is_weighted(kind, tender) and c.weight is None:
            out.append(warning("method.relative_importance", json_path([*parts, "weight"]),
                               f"{c.id} ({c.name}) has no weight, so its relative importance is not stated "
                               f"(Procurement Act 2023 s.23(3)(b): by weights, a ranking or otherwise). {NOT_LEGAL}"))
        scored_on_scale = kind is CriterionKind.QUALITY or (kind is CriterionKind.SOCIAL_VALUE and c.scored_by is not ScoredBy.MEASURES)
        scale = tender.scale(c.scale) if scored_on_scale else None
        if scale is None:
            continue
        described = bool(scale.values) and all(v.descriptor.strip() for v in scale.values)
        if not described and not c.description.strip():
            out.append(warning("method.no_scoring_guidance", json_path(parts),
                               f"{c.id} ({c.name}) is scored on scale {scale.id!r}, which does not describe each score, and "
                               "the criterion gives no guidance on how it is scored: bidders and evaluators cannot tell "
                               f"what earns each mark (Procurement Act 2023 s.23: criteria sufficiently clear). {NOT_LEGAL}"))
    if not disqualifying:
        out.append(warning("method.disqualification_unstated", json_path(root),
                           "The method does not say whether failing any criterion disqualifies a tender (no pass/fail "
                           "gate, minimum score or minimum quality percent). Procurement Act 2023 s.23(3)(a) asks the "
                           f"method to say so; if nothing disqualifies, say that in the tender documents. {NOT_LEGAL}"))
    return out
