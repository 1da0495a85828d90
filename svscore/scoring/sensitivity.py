"""How robust is the award? The smallest change in one top-level weight that changes the winner.

When one top-level criterion's share of the total moves from w to w' (the others rescaled
proportionally so the total stays 100), every bid's total is a straight line in w':

    T(w') = w'/w × S_k + (100 − w')/(100 − w) × (T − S_k)

where S_k is the bid's points on that criterion. Points within a criterion do not depend on
weights (relative price scores are fractions of the maximum), so each rival overtakes the winner
at most once: where the two lines cross. All arithmetic is exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from svscore.fmt import to_float as _float


def total_at(w_new: Fraction, w: Fraction, s_k: Fraction, total: Fraction) -> Fraction:
    """A bid's total when criterion k's share moves from ``w`` to ``w_new`` (percent of the whole)."""
    return w_new / w * s_k + (100 - w_new) / (100 - w) * (total - s_k)


def tipping_point(w: Fraction, winner: tuple[Fraction, Fraction], rival: tuple[Fraction, Fraction]) -> Fraction | None:
    """The share of k (0..100) at which ``rival`` draws level with ``winner``; each is (S_k, total)."""
    (sw, tw), (sr, tr) = winner, rival
    # D(w') = T_r(w') - T_w(w') = a*w' + b, linear.
    a = (sr - sw) / w - ((tr - sr) - (tw - sw)) / (100 - w)
    b = ((tr - sr) - (tw - sw)) * 100 / (100 - w)
    if a == 0:
        return None
    x = -b / a
    if not (0 <= x <= 100) or x == w:
        return None
    return x


Rough = Mapping[str, tuple[float, float]]
"""The same points as floats, for the estimates that order the exact work."""


def smallest_change(w: Fraction, winner: str, points: Mapping[str, tuple[Fraction, Fraction]], rough: Rough | None = None
                    ) -> tuple[Fraction, str] | None:
    """The tipping share nearest to ``w`` (of two as near, the lower) and the bid that leads just
    beyond it; None within 0..100%.

    The winner leads every rival at ``w``, and each rival's lead over the winner is a straight line
    in the weight, so every crossing between 0 and 100% is an overtaking. The nearest crossing is
    where the winner first changes; who leads just beyond it is found once, over all bids.
    ``rough``: ``points`` as floats, where the caller has them already.
    """
    if rough is None:
        rough = {b: (_float(s), _float(t)) for b, (s, t) in points.items()}
    best: Fraction | None = None
    distance, bound = Fraction(0), 0.0  # the best's exact distance from w, and the estimate beyond which no rival can beat it
    sw, tw = points[winner]
    rest_w = tw - sw
    for estimate, rival in _estimates(w, winner, rough):
        if best is not None and estimate > bound:
            break  # every later rival crosses further away, even allowing for float error
        if (best == 100 and points[rival][0] == sw) or (best == 0 and points[rival][1] - points[rival][0] == rest_w):
            # Level with the winner on k (or on all but k), the rival draws level only where k is the
            # whole award (or none of it), as the best does already: not nearer. Bids scored alike on
            # a criterion are common, and each would otherwise cost the exact arithmetic of a crossing.
            continue
        x = tipping_point(w, points[winner], points[rival])
        if x is not None and (best is None or abs(x - w) < distance or (abs(x - w) == distance and x < best)):  # of two as near, the lower
            best, distance = x, abs(x - w)
            bound = _float(distance) + _MARGIN
    return None if best is None else (best, _leader(best, w, points, rough))


_MARGIN = 1e-6
"""Far more than the float error of an estimated crossing: estimates are only made where the two
lines' slopes differ by at least 1e-3, and points and shares are at most a few hundred."""


def _estimates(w: Fraction, winner: str, points: Rough) -> list[tuple[float, str]]:
    """Rivals that may cross between 0 and 100%, nearest first by a float estimate of the distance
    from ``w`` to the crossing. Nearly parallel lines, whose estimate is unreliable, come first
    (distance -1), so the exact test always sees them; a rival whose estimated crossing is outside
    0..100% by more than the margin cannot cross there and is left out. The estimates only order
    the exact work: the answer is exact."""
    wf = _float(w)
    sw, tw = points[winner]
    out: list[tuple[float, str]] = []
    for rival, (sr, tr) in points.items():
        if rival == winner:
            continue
        a = (sr - sw) / wf - ((tr - sr) - (tw - sw)) / (100 - wf)
        if abs(a) < 1e-3:
            out.append((-1.0, rival))
            continue
        x = -(((tr - sr) - (tw - sw)) * 100 / (100 - wf)) / a
        if -_MARGIN <= x <= 100 + _MARGIN:
            out.append((abs(x - wf), rival))
    out.sort()
    return out


def _leader(x: Fraction, w: Fraction, points: Mapping[str, tuple[Fraction, Fraction]], floats: Rough) -> str:
    """The bid with the highest total just beyond ``x`` (moving away from ``w``); ties by id."""
    step = Fraction(1, 10**9) * (1 if x > w else -1)
    beyond = min(Fraction(100), max(Fraction(0), x + step))
    bf, wf = _float(beyond), _float(w)
    rough = {b: bf / wf * s + (100 - bf) / (100 - wf) * (t - s) for b, (s, t) in floats.items()}
    top = max(rough.values())
    near = sorted(b for b, v in rough.items() if v >= top - _MARGIN)  # the exact leader is among these
    if beyond == 100:  # only k counts: the totals are S_k times 100/w, in the order of S_k (many bids may tie on it)
        return max(near, key=lambda b: points[b][0])
    if beyond == 0:  # k counts for nothing: in the order of the rest, T - S_k
        return max(near, key=lambda b: points[b][1] - points[b][0])
    return max(near, key=lambda b: total_at(beyond, w, *points[b]))


def analyse(shares: Sequence[tuple[str, Fraction]], winner: str,
            bids: Mapping[str, Sequence[Fraction]], totals: Mapping[str, Fraction]
            ) -> list[tuple[str, Fraction, tuple[Fraction, str] | None]]:
    """For each top-level criterion (id, share in percent): (id, share, tipping point or None);
    ``bids``: each bid's points on the criteria, in the order of ``shares``."""
    out: list[tuple[str, Fraction, tuple[Fraction, str] | None]] = []
    rough_totals = {b: _float(t) for b, t in totals.items()}
    for k, (cid, w) in enumerate(shares):
        if w <= 0 or w >= 100:
            out.append((cid, w, None))
            continue
        pts = {b: (got[k], totals[b]) for b, got in bids.items()}
        rough = {b: (_float(s), rough_totals[b]) for b, (s, _) in pts.items()}
        out.append((cid, w, smallest_change(w, winner, pts, rough)))
        del pts, rough  # let go before the next criterion's are made: a bid each
    return out
