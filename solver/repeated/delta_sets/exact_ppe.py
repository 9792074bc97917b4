"""The exact PPE set in delta: Sturm sequences on the one-shot gain polynomials.

With ``D(delta) = det(I - delta P)`` (positive on [0, 1)), every one-shot
gain ``d(delta) = Q_i(s, b) - V_i(s)`` times ``D`` is a polynomial of degree
at most ``S + 1`` in ``delta`` (Cramer's rule).  We evaluate it exactly at
``S + 2`` rational points, interpolate, isolate the real roots of each
polynomial in (0, 1) with Sturm sequences, and test the sign of every
polynomial on each cell between consecutive roots and at the roots
themselves.  Endpoints are exact rationals where the root is rational (the
usual case for textbook closed forms) and otherwise isolated to 1e-18, finer
than a float can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from solver.numeric import linalg as exact_linalg
from solver.numeric.polynomials import Root, evaluate, interpolate_uniform, real_roots
from solver.repeated.chain import Chain
from solver.repeated.checks import one_shot_gains
from solver.repeated.delta_sets.intervals import Interval, assemble
from solver.repeated.markov import identity

__all__ = ["exact_ppe_intervals", "nonpositive_set"]

def _gain_polynomials(chain: Chain, players: Sequence[int]) -> list[list[Fraction]]:
    """``N(delta) = D(delta) * (Q_i(s, b) - V_i(s))`` for every player of ``players``, state and action."""
    S = chain.n_states
    P = chain.transition()
    r = chain.reward()
    points = [Fraction(k, S + 3) for k in range(S + 2)]
    samples: list[np.ndarray] = []
    for d in points:
        A = identity(S, True) - d * P
        V, det = exact_linalg.solve_with_det(A, (1 - d) * r)
        cols = [one_shot_gains(chain, V, d, i) * det for i in players]
        samples.append(np.concatenate([c.reshape(-1) for c in cols]))
    table = np.stack(samples)  # (points, constraints)
    polys = [interpolate_uniform(S + 3, list(table[:, k])) for k in range(table.shape[1])]
    # guard: the degree bound S + 1 must hold; check one extra point
    check = Fraction(S + 2, S + 3)
    A = identity(S, True) - check * P
    V, det = exact_linalg.solve_with_det(A, (1 - check) * r)
    direct = np.concatenate([(one_shot_gains(chain, V, check, i) * det).reshape(-1) for i in players])
    for k, p in enumerate(polys):
        if evaluate(p, check) != direct[k]:
            raise AssertionError("gain polynomial interpolation failed the degree check")
    return polys


def exact_ppe_intervals(chain: Chain, players: Sequence[int] | None = None) -> list[Interval]:
    """Every delta in (0, 1) where no one-shot deviation of ``players`` (default: all) gains at any state."""
    who = range(chain.n_players) if players is None else players
    return nonpositive_set(_gain_polynomials(chain, who))


def nonpositive_set(polynomials: Sequence[list[Fraction]]) -> list[Interval]:
    """Every ``x`` in (0, 1) where each polynomial is <= 0, exactly (Sturm sequences)."""
    polys = [p for p in polynomials if p]
    zero, one = Fraction(0), Fraction(1)
    own_roots = [real_roots(p, zero, one) for p in polys]
    # merge roots that are the same point (exactly, or overlapping isolating intervals)
    merged: list[Root] = []
    for r in sorted((r for rs in own_roots for r in rs), key=lambda r: r.lo):
        if merged and r.lo <= merged[-1].hi:
            last = merged[-1]
            exact = last.exact if last.exact is not None else r.exact
            merged[-1] = Root(exact, exact) if exact is not None else Root(min(last.lo, r.lo), max(last.hi, r.hi))
        else:
            merged.append(r)

    def feasible_at(x: Fraction) -> bool:
        return all(evaluate(p, x) <= 0 for p in polys)

    # bounds = [0, r0.lo, r0.hi, r1.lo, r1.hi, ..., 1]: cell k is (bounds[2k], bounds[2k+1])
    bounds = [zero] + [b for r in merged for b in (r.lo, r.hi)] + [one]
    cells = [feasible_at((bounds[2 * k] + bounds[2 * k + 1]) / 2) for k in range(len(merged) + 1)]
    points = []
    for k, r in enumerate(merged):
        if r.exact is not None:
            points.append(feasible_at(r.exact))
            continue
        # an irrational root: a constraint that vanishes there is satisfied; any other keeps the sign it has
        # on both neighbouring cells
        left = (bounds[2 * k] + r.lo) / 2
        right = (r.hi + bounds[2 * k + 3]) / 2
        ok = True
        for p, rs in zip(polys, own_roots):
            vanishes = any(q.lo <= r.hi and r.lo <= q.hi for q in rs)
            if not vanishes and (evaluate(p, left) > 0 or evaluate(p, right) > 0):
                ok = False
                break
        points.append(ok)
    return assemble(cells, points, [r.exact if r.exact is not None else r.approx for r in merged])

