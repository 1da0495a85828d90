"""The evaluation workbook's Results sheet: every bid's points, total, status, rank and flags as
native formulas.

Results are native formulas (classic functions only: SUM, SUMPRODUCT, MIN, MAX, COUNTIF,
MATCH, ROUND, IF), so the workbook calculates in Excel 2016, LibreOffice and Gnumeric without any
add-in. They are the one deliberate second implementation of the engine; a test recalculates them
with LibreOffice and with Gnumeric and compares every criterion's points, total, rank and flag with
the engine.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from svscore.excel import workbook as xw
from svscore.excel.input_sheets import illustrative_title
from svscore.excel.layout import EvaluationLayout
from svscore.model.tender import CriterionKind, PriceMethod, SocialValueMethod
from svscore.scoring.competition import ABNORMALLY_LOW_PLACES

R9 = 9  # decimal places compared when ranking: totals equal to 1e-9 tie, as in the engine
NO_KEY = "-1E+300"  # the hidden rank key of a bid that is not ranked: below every real key
LOW_PLACES = ABNORMALLY_LOW_PLACES  # the engine's rounding of an abnormally low price's shortfall


def add_results_sheet(wb: xw.Workbook, lay: EvaluationLayout) -> None:
    """The Results sheet: every bid's points per criterion, total, status, rank and flags, as native formulas."""
    t = lay.tender
    ws = wb.create_sheet("Results")
    ws["A1"] = "Results (native formulas: no add-in needed)"
    ws["A1"].font = xw.TITLE
    illustrative_title(ws, lay)
    cols = lay.results_columns
    labels = []
    for name in cols:
        if name.startswith("crit:"):
            cid = name[5:]
            labels.append(cid)
        else:
            labels.append(name.lstrip("_") if name.startswith("_") else name)
    head = lay.FIRST_BIDDER_ROW - 1
    xw.header(ws, head, labels)
    for w in lay.tree:  # the criterion's name and its points now, as Setup gives them
        avail = lay.criteria_ref(w.criterion.id, "Points available")
        label = f"{w.criterion.id} {w.criterion.name}"
        ws.cell(head, lay.rcol(f"crit:{w.criterion.id}")).value = (
            f'="{_q(label)}"&IF(ISNUMBER({avail})," (max "&ROUND({avail},2)&")","")'
            if w.kind is not CriterionKind.PASS_FAIL else f"{label} (pass/fail)")
    if lay.ppqp:
        ws.cell(head, lay.rcol("Rank")).value = "Rank (lowest price per quality point first)"
    else:
        ws.cell(head, lay.rcol("Rank")).value = "Rank (highest total first)"
    ws.row_dimensions[head].height = 48
    first, last = lay.bidder_row(0), lay.last_bidder_row

    def C(name: str, r: int | None = None, absolute: bool = False) -> str:
        letter = xw.col(lay.rcol(name))
        if r is None:
            return f"${letter}${first}:${letter}${last}"
        return f"${letter}{r}" if absolute else f"{letter}{r}"

    def rng(name: str) -> str:
        return C(name)

    scale_rng = {s.id: lay.scale_range(s.id) for s in t.scales}
    scale_max = {sid: f"MAX({r})" for sid, r in scale_rng.items()}
    quality_leaves = [w for w in lay.leaves if w.kind is CriterionKind.QUALITY and w.points_available > 0]
    gates = [w for w in lay.leaves if w.kind is CriterionKind.PASS_FAIL]
    for i in range(lay.slots):
        r = lay.bidder_row(i)

        def score(cid: str, i: int = i) -> str:
            return lay.score_ref(cid, i)

        name = lay.bidder_ref(i, "name")
        ws.cell(r, lay.rcol("Bidder"), f'=IF({name}="","",{name})')
        B = C("Status", r, True)
        price = lay.price_ref(i)
        ws.cell(r, lay.rcol("Price (£)"), f'=IF({price}="","",{price})').number_format = "£#,##0.00"
        ws.cell(r, lay.rcol("_price_in"), f'=IF(AND({B}="ranked",ISNUMBER({C("Price (£)", r)})),{C("Price (£)", r)},"")')
        missing = f"COUNTBLANK(Scores!{lay.score_column_range(i)})" if lay.score_rows else "0"
        if lay.combines and lay.scaled_score_ids:  # an evaluator on a criterion's panel has not scored this bid
            missing += "+" + lay.panel_missing(i)
        if lay.price_leaf is not None:
            missing += f'+IF({price}="",1,0)'
        ws.cell(r, lay.rcol("_missing"), f"={missing}")
        invalid = [f'IF(AND({price}<>"",N({price})<=0),1,0)'] if lay.price_leaf is not None else []
        for cid in lay.score_rows:
            w = next(x for x in lay.tree if x.criterion.id == cid)
            if w.kind is CriterionKind.PASS_FAIL:
                invalid.append(f'IF({score(cid)}="",0,IF(OR({score(cid)}="pass",{score(cid)}="fail"),0,1))')
            else:
                for ref in lay.scale_checked_refs(cid, i):  # each evaluator's own score under mean or median
                    invalid.append(f'IF({ref}="",0,IF(ISNUMBER(MATCH({ref},{scale_rng[w.criterion.scale_id()]},0)),0,1))')
        if lay.measures_leaf is not None:
            d = f"'Social Value'!{lay.sv_deliv_range(i)}"
            typed = "+".join(f"""COUNTIF('Social Value'!{q},"<0")""" for q in lay.sv_input_ranges(i))  # each year's
            invalid.append(f'{typed}+COUNTIF({d},"<0")+COUNTIF({d},">100")')
        ws.cell(r, lay.rcol("_invalid"), "=" + ("+".join(invalid) or "0"))
        # Quality % (only when every quality criterion is scored)
        if quality_leaves:
            blanks = "+".join(f'({score(w.criterion.id)}="")' for w in quality_leaves)
            got = ",".join(C(f"crit:{w.criterion.id}", r) for w in quality_leaves)
            avail = "+".join(lay.criteria_ref(w.criterion.id, "Points available") for w in quality_leaves)
            ws.cell(r, lay.rcol("Quality (%)"), f'=IF(OR({blanks}),"",IF(COUNT({got})<{len(quality_leaves)},"",SUM({got})/({avail})*100))')
        else:
            ws.cell(r, lay.rcol("Quality (%)"), '=""')
        ws.cell(r, lay.rcol("Quality (%)")).number_format = "0.00"
        # Reason for disqualification
        mins = [w for w in lay.leaves if lay.scored_on_scale(w)]
        minq = lay.detail("minimum_quality_percent")
        qp = C("Quality (%)", r)
        reason = '""'
        if quality_leaves:
            # rounded: a quality % exactly on the minimum is 39.99999999999999 in Gnumeric
            reason = (f'IF(AND({minq}<>"",ISNUMBER({qp})),IF(ROUND({qp}-{minq},{R9})<0,'
                      f'"Quality "&FIXED({qp},2)&"% is below the minimum of "&{minq}&"%",""),"")')
        # the first reason in criterion order is named, as an officer reads down the Scores sheet
        for w in reversed(mins):
            s, m = score(w.criterion.id), lay.criteria_ref(w.criterion.id, "Minimum score")
            label = _q(f"{w.criterion.id} {w.criterion.name}")
            reason = (f'IF(AND(ISNUMBER({s}),{m}<>"",{s}<{m}),'
                      f'"Below the minimum score on {label}: "&{s}&", minimum "&{m},{reason})')
        for w in reversed(gates):
            reason = (f'IF({score(w.criterion.id)}="fail",'
                      f'"Failed the pass/fail criterion {_q(w.criterion.id + " " + w.criterion.name)}",{reason})')
        ws.cell(r, lay.rcol("Reason"), f"={reason}")
        ranked = '"ranked"'
        if lay.ppqp:  # no quality points to divide the price by: incomplete, as the engine says
            zero = [f'SUM({",".join(C(f"crit:{w.criterion.id}", r) for w in mins)})=0' if mins else "TRUE"]
            if lay.measures_leaf is not None:  # its points depend on Status: judged by the bid's own £ value instead
                avail_sv = lay.criteria_ref(lay.measures_leaf.criterion.id, "Points available")
                zero.append(f'NOT(AND(N({C("Social value (£)", r)})>0,{avail_sv}>0))')
            ranked = f'IF(AND({",".join(zero)}),"incomplete","ranked")'
        status = (f'=IF({C("Bidder", r)}="","",IF({C("_invalid", r)}>0,"invalid",IF({C("Reason", r)}<>"","disqualified",'
                  f'IF({C("_missing", r)}>0,"incomplete",{ranked}))))')
        ws.cell(r, lay.rcol("Status"), status)
        gaps = [f'IF({price}="","the price; ","")'] if lay.price_leaf is not None else []
        for cid in lay.score_rows:
            w = next(x for x in lay.tree if x.criterion.id == cid)
            gaps.append(f'IF({score(cid)}="","{_q(cid + " " + w.criterion.name)}; ","")')
        ws.cell(r, lay.rcol("_gaps"), "=" + ("&".join(gaps) or '""'))
        g = C("_gaps", r)
        ws.cell(r, lay.rcol("Why incomplete"),
                f'=IF({B}<>"incomplete","",IF({g}<>"","Not yet entered: "&LEFT({g},LEN({g})-2),'
                f'IF({C("_missing", r)}>0,"A score or price is not yet entered",'
                f'"No quality points to divide the price by (the bid scored 0)")))')
        # Criteria points
        for w in lay.tree:
            cell = ws.cell(r, lay.rcol(f"crit:{w.criterion.id}"))
            cell.number_format = "0.00"
            avail = lay.criteria_ref(w.criterion.id, "Points available")
            if not w.is_leaf:
                kids = [k for k in lay.children(w.criterion.id) if k.kind is not CriterionKind.PASS_FAIL]
                refs = ",".join(C(f"crit:{k.criterion.id}", r) for k in kids)
                cell.value = f'=IF(COUNT({refs})={len(kids)},SUM({refs}),"")' if kids else '=""'
            elif w.kind is CriterionKind.PASS_FAIL:
                s = score(w.criterion.id)
                cell.value = f'=IF({s}="pass","Pass",IF({s}="fail","Fail",""))'
            elif lay.scored_on_scale(w):
                s = score(w.criterion.id)
                if lay.combines:  # a mean need not be on the scale: each evaluator's own score is checked (_invalid)
                    cell.value = f'=IF({s}="","",{s}/{scale_max[w.criterion.scale_id()]}*{avail})'
                else:
                    cell.value = (f'=IF({s}="","",IF(ISNUMBER(MATCH({s},{scale_rng[w.criterion.scale_id()]},0)),'
                                  f'{s}/{scale_max[w.criterion.scale_id()]}*{avail},""))')
            elif w.kind is CriterionKind.PRICE:
                cell.value = _price_formula(lay, B, C("Price (£)", r), rng("_price_in"), avail)
            else:  # social value by measures
                v = C("Social value (£)", r)
                sv_in = rng("_sv_in")
                if t.social_value.quantitative_method is SocialValueMethod.RELATIVE_TO_HIGHEST:
                    cell.value = f'=IF({B}="ranked",IF(MAX({sv_in})>0,{avail}*{v}/MAX({sv_in}),0),"")'
                else:
                    tgt = lay.detail("social_value.target_pence_per_pound")
                    base = f'IF(N({C("Price (£)", r)})>0,{C("Price (£)", r)},{lay.detail("contract.estimated_value")})'
                    cell.value = f'=IF({B}="ranked",MIN({avail},{avail}*({v}/{base})/({tgt}/100)),"")'
        if lay.measures_leaf is not None:
            ws.cell(r, lay.rcol("Social value (£)"), f"='Social Value'!{lay.sv_total_cell(i)}").number_format = "£#,##0.00"
            ws.cell(r, lay.rcol("_sv_in"), f'=IF({B}="ranked",{C("Social value (£)", r)},"")')
        else:
            ws.cell(r, lay.rcol("Social value (£)"), '=""')
            ws.cell(r, lay.rcol("_sv_in"), '=""')
        tops = [w for w in lay.tree if w.depth == 0 and w.kind is not CriterionKind.PASS_FAIL]
        total = C("Total", r)
        ws.cell(r, lay.rcol("Total"), f'=IF({B}="ranked",SUM({",".join(C(f"crit:{w.criterion.id}", r) for w in tops)}),"")').number_format = "0.00"
        if lay.ppqp:
            ws.cell(r, lay.rcol("Price per quality point"), f'=IF(AND({B}="ranked",N({total})>0),{C("Price (£)", r)}/{total},"")').number_format = "£#,##0.00"
            ws.cell(r, lay.rcol("_key"), f'=IF(ISNUMBER({C("Price per quality point", r)}),ROUND(-{C("Price per quality point", r)},{R9}),{NO_KEY})')
        else:
            ws.cell(r, lay.rcol("Price per quality point"), '=""')
            ws.cell(r, lay.rcol("_key"), f'=IF(ISNUMBER({total}),ROUND({total},{R9}),{NO_KEY})')
        for k, tb in enumerate(t.tie_breaks):
            if tb.rule == "higher_score_on":
                src = C(f"crit:{tb.criterion}", r)
                ws.cell(r, lay.rcol(f"_tie{k}"), f'=IF(ISNUMBER({src}),ROUND({src},{R9}),{NO_KEY})')
            else:
                ws.cell(r, lay.rcol(f"_tie{k}"), f'=IF(ISNUMBER({C("Price (£)", r)}),ROUND(-{C("Price (£)", r)},{R9}),{NO_KEY})')
        key = C("_key", r)
        # Compared as numbers, never as criteria text (COUNTIF(range,">"&key) turns a 16-digit
        # price per point into 15-digit text, and a bid then counts itself better than itself).
        # Unranked rows carry NO_KEY, below every ranked key: a number, as Gnumeric does not
        # take ISNUMBER(range) element by element inside SUMPRODUCT.
        terms = [f"SUMPRODUCT(--({rng('_key')}>{key}))+1"]
        level = [f"({rng('_key')}={key})"]
        for k in range(len(t.tie_breaks)):
            tie, mine = rng(f"_tie{k}"), C(f"_tie{k}", r)
            terms.append(f"SUMPRODUCT({'*'.join(level)}*({tie}>{mine}))")
            level.append(f"({tie}={mine})")
        ws.cell(r, lay.rcol("Rank"), f'=IF({key}>{NO_KEY},{"+".join(terms)},"")')
        ws.cell(r, lay.rcol("Tie-break"), _tie_note(lay, level, key))
        rank = C("Rank", r)
        ws.cell(r, lay.rcol("_slot"), i + 1)
        ws.cell(r, lay.rcol("_rk"), f'=IF(ISNUMBER({rank}),{rank},IF({C("Bidder", r)}="",2E+9,1E+9))')
        rk = C("_rk", r)
        ws.cell(r, lay.rcol("_order"), f'=SUMPRODUCT(--({rng("_rk")}<{rk}))+SUMPRODUCT(({rng("_rk")}={rk})*({rng("_slot")}<{i + 1}))+1')
        al = lay.detail("abnormally_low.percent_below_mean")
        pin = rng("_price_in")
        pr = C("Price (£)", r)
        # The shortfall below the limit is rounded to LOW_PLACES, as the engine rounds it, so a
        # price exactly on the limit is not flagged in any program, whatever its last binary digit.
        short = f"ROUND((SUM({pin})-{pr})/(COUNT({pin})-1)*(1-{al}/100)-{pr},{LOW_PLACES})"
        ws.cell(r, lay.rcol("Flags"), (f'=IF(AND({B}="ranked",COUNT({pin})>1,{al}<>""),IF({short}>0,'
                                       f'"Abnormally low price: ask the supplier (PA 2023 s.19(4))",""),"")'))
    # presentation
    for name in cols:
        letter = xw.col(lay.rcol(name))
        ws.column_dimensions[letter].width = 12
        if name.startswith("_"):
            ws.column_dimensions[letter].hidden = True
    ws.column_dimensions[xw.col(lay.rcol("Bidder"))].width = 32
    ws.column_dimensions[xw.col(lay.rcol("Flags"))].width = 40
    ws.column_dimensions[xw.col(lay.rcol("Reason"))].width = 30
    ws.column_dimensions[xw.col(lay.rcol("Why incomplete"))].width = 30
    ws.column_dimensions[xw.col(lay.rcol("Tie-break"))].width = 36
    for name in ("Reason", "Why incomplete", "Tie-break", "Flags"):
        for r in range(first, last + 1):
            ws.cell(r, lay.rcol(name)).alignment = xw.WRAP
    status_rng = f"{xw.col(lay.rcol('Status'))}{first}:{xw.col(lay.rcol('Status'))}{last}"
    from openpyxl.formatting.rule import FormulaRule
    s0 = f"{xw.col(lay.rcol('Status'))}{first}"
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'{s0}="ranked"'], fill=xw.OK_FILL))
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'OR({s0}="disqualified",{s0}="invalid")'], fill=xw.ERROR_FILL))
    ws.conditional_formatting.add(status_rng, FormulaRule(formula=[f'{s0}="incomplete"'], fill=xw.INPUT_FILL))
    ws.freeze_panes = ws.cell(first, lay.rcol("Status") + 1)  # the bidder and status stay in view
    ws.auto_filter.ref = f"A{head}:{xw.col(len(cols))}{last}"
    _ranked_view(ws, lay)
    xw.print_setup(ws, f"1:{head}")
    xw.protect(ws)


def _q(text: str) -> str:
    """Text inside a formula's double quotes."""
    return text.replace('"', '""')


def _tie_note(lay: EvaluationLayout, level: list[str], key: str) -> str:
    """How a level total was settled, as the engine says it: the tie-break that last separated the
    bid, or, when every rule leaves it level with another, that the authority must decide."""
    t = lay.tender
    what = "price per quality point" if lay.ppqp else "total"
    # "--": Gnumeric does not count TRUE as 1 in a SUMPRODUCT of one comparison
    counts = [f"SUMPRODUCT(--{'*'.join(level[:k + 1])})" for k in range(len(level))]
    note = '""'
    for k, tb in enumerate(t.tie_breaks):  # the last rule that split the bid's group names it
        rule = (f"tie-break {k + 1}, higher score on {tb.criterion}" if tb.rule == "higher_score_on"
                else f"tie-break {k + 1}, lower price")
        note = f'IF({counts[k]}>{counts[k + 1]},"Level on {what} with another bid; separated by {_q(rule)}",{note})'
    return (f'=IF({key}>{NO_KEY},IF({counts[0]}>1,IF({counts[-1]}>1,"Level on {what} with another bid after every '
            f'published tie-break. Tie not broken: the authority must decide",{note}),""),"")')


def _ranked_view(ws: Worksheet, lay: EvaluationLayout) -> None:
    """Below the table: the recommended bidder, and every bid again in rank order (the unranked after)."""
    rank, names = lay.results_range("Rank"), lay.results_range("Bidder")
    top = lay.last_bidder_row + 2
    ws.cell(top, 1, "Recommended bidder").font = xw.font(bold=True)
    m = f"MATCH(1,{rank},0)"
    flags = lay.results_range("Flags")
    ws.cell(top, 2, (f'=IF(COUNTIF({rank},1)=0,"None: no bid is ranked yet",IF(COUNTIF({rank},1)>1,'
                     f'"Tie not broken: the authority must decide between the bids ranked 1",INDEX({names},{m})'
                     f'&IF(INDEX({flags},{m})<>""," (first: "&INDEX({flags},{m})&")","")))')).font = xw.font(bold=True)
    ws.merge_cells(start_row=top, start_column=2, end_row=top, end_column=5)
    ws.cell(top + 2, 1, "Bids in rank order").font = xw.font(bold=True, size=12)
    measure = "Price per quality point" if lay.ppqp else "Total"
    xw.header(ws, top + 3, ["Bidder", "Rank", measure, "Status", "Tie-break, reason or what is missing"])
    cols = {"Bidder": names, "Rank": rank, measure: lay.results_range(measure), "Status": lay.results_range("Status")}
    order = lay.results_range("_order")
    notes = [lay.results_range(n) for n in ("Tie-break", "Reason", "Why incomplete")]
    for p in range(1, lay.slots + 1):
        r = top + 3 + p
        at = f"MATCH({p},{order},0)"
        blank = f'INDEX({names},{at})=""'
        for c, (name, src) in enumerate(cols.items(), start=1):
            cell = ws.cell(r, c, f'=IF({blank},"",IF(INDEX({src},{at})="","",INDEX({src},{at})))')
            cell.border = xw.BOX
            if name == measure:
                cell.number_format = "£#,##0.00" if lay.ppqp else "0.00"
        note = "&".join(f"INDEX({n},{at})" for n in notes)  # at most one applies to a bid
        cell = ws.cell(r, 5, f'=IF({blank},"",{note})')
        cell.border, cell.alignment = xw.BOX, xw.WRAP


def _price_formula(lay: EvaluationLayout, status: str, price: str, pin: str, avail: str) -> str:
    m = lay.tender.price.method
    lo, hi = f"MIN({pin})", f"MAX({pin})"
    if m is PriceMethod.PRICE_PER_QUALITY_POINT:
        return '=""'
    if m is PriceMethod.RELATIVE_TO_LOWEST:
        f = f"{avail}*{lo}/{price}"
    elif m is PriceMethod.DEVIATION_FROM_LOWEST:
        f = f"MAX(0,{avail}*(1-({price}-{lo})/{lo}))"
    elif m is PriceMethod.PRO_RATA_TO_QUALIFICATION_PRICE:
        q = lay.detail("price.qualification_price")
        f = f"IF({price}>={q},0,MIN({avail},{avail}*({q}-{price})/({q}-{lo})))"
    else:
        f = f"IF({hi}={lo},{avail},{avail}*({hi}-{price})/({hi}-{lo}))"
    return f'=IF({status}="ranked",{f},"")'
