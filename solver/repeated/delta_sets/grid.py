"""Sets of discount factors on a grid, for large or float models: scan, bisect, recognise rational ends.

endpoints, since every PPE is Nash), bisect every change of verdict to
1e-12 and recognise rational endpoints exactly where the model is rational.
A window narrower than the grid spacing could be missed; the result says
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from models.numbers import Number
from solver.repeated.chain import Chain
from solver.repeated.checks import _tolerance, best_reply, one_shot_gains
from solver.repeated.delta_sets.intervals import Interval
from solver.repeated.markov import discounted

__all__ = ["GRID", "scan", "recognise", "nash_edge_test", "ppe_predicate", "nash_predicate"]

GRID = 400

# -- the grid method -----------------------------------------------------------------------------------------


def _float_values(chain: Chain, delta: float) -> np.ndarray:
    return discounted(chain.transition(), chain.reward(), delta, False)


def scan(predicate: Callable[[float, float], bool], extra: Sequence[float]) -> list[Interval]:
    """Intervals where ``predicate(delta, tol)`` holds: grid scan, then bisection of every change of verdict.

    The grid uses the package tolerance (so exact ties, such as a deviation
    that gains nothing anywhere, are not split by rounding); the bisection a
    tolerance 1e4 times smaller, so edges are not shifted by it.
    """
    grid = sorted(set([k / GRID for k in range(1, GRID)] + [1e-6, 1 - 1e-6] + [x for x in extra if 0 < x < 1]))
    verdicts = [predicate(x, 1.0) for x in grid]
    out: list[Interval] = []
    start: float | None = 0.0 if verdicts[0] else None
    for a, b, va, vb in zip(grid, grid[1:], verdicts, verdicts[1:]):
        if va == vb:
            continue
        lo, hi = a, b
        while hi - lo > 1e-12:
            mid = (lo + hi) / 2
            if predicate(mid, 1e-4) == va:
                lo = mid
            else:
                hi = mid
        edge = (lo + hi) / 2
        if vb:  # the verdict turns true: an interval opens
            start = edge
        else:
            out.append(Interval(start if start is not None else 0.0, edge, start is not None and start > 0, True))
            start = None
    if start is not None:
        out.append(Interval(start, 1.0, start != 0.0, False))
    return out


def recognise(intervals: list[Interval], edge: Callable[[Fraction, float], bool] | None) -> list[Interval]:
    """Replace float endpoints by a nearby fraction when an exact test proves it is the edge.

    ``edge(c, outside)`` must return True only if ``c`` is exactly where the
    verdict changes, judged from a point ``outside`` the interval.  Interior
    endpoints are closed: gains are continuous in delta, so the sets are closed.
    """
    if edge is None:
        return intervals

    def fix(x: Number, outward: float) -> Number:
        if isinstance(x, Fraction) or x in (0.0, 1.0):
            return Fraction(int(x)) if x in (0.0, 1.0) else x
        for bound in (100, 10**4, 10**6):
            cand = Fraction(x).limit_denominator(bound)
            if abs(float(cand) - x) <= 1e-9 and edge(cand, x + outward * 1e-7):
                return cand
        return x

    return [Interval(fix(iv.lo, -1.0), fix(iv.hi, +1.0), iv.lo_closed, iv.hi_closed) for iv in intervals]


def nash_edge_test(exact_chain: Chain, float_chain: Chain) -> Callable[[Fraction, float], bool]:
    """Exact test that ``c`` is a Nash edge: a best reply found just outside gains exactly nothing at ``c``."""

    def test(cand: Fraction, outside: float) -> bool:
        if not 0 < outside < 1:
            return False
        Vf = _float_values(float_chain, outside)
        for i in range(float_chain.n_players):
            advantage, policy = best_reply(float_chain, Vf, outside, i)
            if float_chain.init @ advantage > 0:
                break
        else:
            return False
        V = discounted(exact_chain.transition(), exact_chain.reward(), cand, True)
        r = np.array([(exact_chain.deviation(i, b)[0] @ exact_chain.stage[:, i])[s] for s, b in enumerate(policy)],
                     dtype=object)
        W = discounted(exact_chain.policy_transition(i, policy.tolist()), r, cand, True)
        return bool(exact_chain.init @ W == exact_chain.init @ V[:, i])

    return test


def ppe_predicate(chain: Chain) -> Callable[[float, float], bool]:
    def ok(delta: float, scale: float) -> bool:
        V = _float_values(chain, delta)
        tol = _tolerance(chain, delta) * scale
        return all(max(one_shot_gains(chain, V, delta, i).flat) <= tol for i in range(chain.n_players))

    return ok


def nash_predicate(chain: Chain) -> Callable[[float, float], bool]:
    tol = _tolerance(chain)

    def ok(delta: float, scale: float) -> bool:
        V = _float_values(chain, delta)
        for i in range(chain.n_players):
            advantage, _ = best_reply(chain, V, delta, i)
            if chain.init @ advantage > tol * scale:
                return False
        return True

    return ok

