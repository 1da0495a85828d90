"""Plain-text renderings for a terminal: grouped findings, decisions and ranked tables."""

from __future__ import annotations

import re
import textwrap

from svscore.errors import escaped, shortened
from svscore.fmt import money, number, points
from svscore.model.enums import WeightingMode
from svscore.rules.act import Decision
from svscore.rules.checks import CheckReport
from svscore.rules.findings import Severity
from svscore.scoring.result import Status, TenderResult

HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}

_ACTING = "\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
"""Control characters other than the line break (a bidder's ESC sequence would drive the officer's
terminal), line and paragraph separators, and the marks that reorder text on screen (a name could
show as someone else's)."""
_UNPRINTABLE = re.compile(f"[{_ACTING}]")
_UNPRINTABLE_OR_BREAK = re.compile(f"[{_ACTING}\n]")
"""The same and the line break: for one value, such as a bidder's name, within a line."""


def terminal_safe(text: str) -> str:
    """Text for a terminal with every character in ``_UNPRINTABLE`` shown as an escape (\\x1b, \\u202e)."""
    return escaped(_UNPRINTABLE, text)


def one_line(text: str) -> str:
    """One value for a terminal line, such as a bidder's name: unprintable characters and line
    breaks shown as escapes, so that a name holding a line break cannot add a line of its own
    (a forged "1. Bidder Ltd  95.00") to what the officer reads."""
    return escaped(_UNPRINTABLE_OR_BREAK, text)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=" " * len(indent) + "  ",
                         break_on_hyphens=False, break_long_words=False)


def check_text(report: CheckReport, source: str) -> str:
    t = report.tender
    lines = [f"{source}: {t.reference} — {t.title}", ""]
    for sev in Severity:
        group = [f for f in report.findings if f.severity is sev]
        if not group:
            continue
        lines.append(f"{HEADINGS[sev]} ({len(group)}):")
        for f in group:
            lines.append(_wrap(f"[{f.code}] {f.path}: {f.message}", "  "))
        lines.append("")
    for lot in report.lots:
        title = f"Effective weights{f' (lot {lot.lot_id})' if t.lots else ''}:"
        lines.append(title)
        width = 18 if t.weighting is WeightingMode.MARKS else 10
        for w in lot.criteria:
            kind = (w.kind.value if w.kind else "?").replace("_", " ")
            weight = "gate" if w.kind and w.kind.value == "pass_fail" else f"{number(w.effective_percent, 4)}%"
            if t.weighting is WeightingMode.MARKS and weight != "gate":  # the officer set marks: show them too
                weight = f"{number(w.points_available, 4)} marks ({weight})"
            name = one_line(shortened(w.criterion.name, 50))
            lines.append(f"  {'  ' * w.depth}{w.criterion.id:<10} {name:<50} {kind:<12} {weight:>{width}}")
        lines.append("")
    if report.decision:
        lines.append(decision_text(report.decision, with_warnings=False))
    counts = report.counts()
    verdict = "OK" if report.ok else "NOT OK"
    lines.append(f"{verdict}: {counts.get('error', 0)} error(s), {counts.get('warning', 0)} warning(s).")
    return "\n".join(lines) + "\n"


def decision_text(d: Decision, with_warnings: bool = True) -> str:
    above = {True: "yes", False: "no", None: "cannot tell"}[d.above_threshold]
    lines = [
        f"Regime: {d.regime_name}",
        f"Threshold: {money(d.threshold.value) + (' incl. VAT' if d.threshold.includes_vat else ' excl. VAT') if d.threshold else 'none used (see the reasons)'}",
        f"Value compared: {money(d.value_compared)}",
        f"Above threshold: {above}",
        f"Social Value Act 2012 applies: {d.applies.value}" + (f" (instead: {d.other_duty})" if d.other_duty else ""),
        "Reasons:",
    ]
    lines += [_wrap(r, "  - ") for r in d.reasons]
    if d.warnings and with_warnings:
        lines.append("Warnings:")
        lines += [_wrap(w, "  ! ") for w in d.warnings]
    return "\n".join(lines) + "\n"


def results_text(result: TenderResult) -> str:
    lines = [f"{result.reference} — {result.title}", ""]
    lines += [_wrap(one_line(w), "WARNING: ") for w in result.warnings] + ([""] if result.warnings else [])
    for msg in result.bid_errors:
        lines.append(_wrap(one_line(msg), "! "))
    for lot in result.lots:
        if len(result.lots) > 1:
            lines.append(one_line(f"Lot {lot.lot_id}: {lot.title}"))
        tops = [cid for cid, _ in lot.top_level]
        header = f"{'Rank':>4}  {'Bidder':<28} {'Status':<12} " + " ".join(f"{c[:9]:>9}" for c in tops) + f" {'Total':>9}"
        lines += [header, "-" * len(header)]
        for b in lot.bids:
            subs = b.subtotals()
            cells = " ".join(f"{(points(v) if (v := subs.get(c)) is not None else '—'):>9}" for c in tops)
            total = points(b.total) if b.total is not None else "—"
            rank = str(b.rank) if b.rank else "—"
            lines.append(f"{rank:>4}  {one_line(shortened(b.bidder, 28)):<28} {b.status.value:<12} {cells} {total:>9}")
        lines.append(f"(points out of {number(lot.total_points)})")
        for b in lot.bids:
            notes = [f.message for f in b.flags] + (list(b.reasons) if b.status is not Status.RANKED else [])
            if notes:
                lines.append(f"{one_line(b.bidder)}:")
                lines += [_wrap(one_line(n), "  - ") for n in notes]
        if lot.ties:
            lines.append(one_line("Unresolved ties: " + "; ".join(" = ".join(t) for t in lot.ties)))
        s = lot.sensitivity
        lines.append("Sensitivity: " + one_line(s.note))
        lines += [_wrap(one_line(x.message()), "  - ") for x in s.lines]
        lines.append("")
    return terminal_safe("\n".join(lines))  # bidders' names and ids are bidder-supplied text
