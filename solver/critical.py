"""Every discount factor for which a profile is a PPE, and for which it is Nash.

The set is a union of intervals, not always a threshold: public tit-for-tat
under noise, for instance, is an equilibrium only for a window of patience.

PPE, exact method
-----------------
With ``D(delta) = det(I - delta P)`` (positive on [0, 1)), every one-shot
gain ``d(delta) = Q_i(s, b) - V_i(s)`` times ``D`` is a polynomial of degree
at most ``S + 1`` in ``delta`` (Cramer's rule).  We evaluate it exactly at
``S + 2`` rational points, interpolate, isolate the real roots of each
polynomial in (0, 1) with Sturm sequences, and test the sign of every
polynomial on each cell between consecutive roots and at the roots
themselves.  Endpoints are exact rationals where the root is rational (the
usual case for textbook closed forms) and otherwise isolated to 1e-18, finer
than a float can show.

Nash, exact method
------------------
The Nash condition compares with an optimal best reply, a maximum over
policies, so it is not one polynomial; but the optimal policy changes only
finitely often as delta grows, and between changes it is one polynomial.
The sweep below follows the optimal policy from delta = 0 to 1 (see the
comment above :func:`_exact_nash_player`).

Nash and PPE for large or float models
--------------------------------------
We scan a grid of discount factors (:data:`GRID` points, plus the PPE
endpoints, since every PPE is Nash), bisect every change of verdict to
1e-12 and recognise rational endpoints exactly where the model is rational.
A window narrower than the grid spacing could be missed; the result says
which method was used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from models.numbers import Number, json_number
from models.repeated import RepeatedModel

from . import exact_linalg
from .chain import Chain
from .equilibrium import _tolerance, best_reply, one_shot_gains
from .markov import discounted, identity
from .poly import Root, evaluate, interpolate_uniform, real_roots
from .profiles import BoundProfile, bind_profile, exact_inputs, profile_chain
from .repeated import DELAY_NOTE
from .threads import single_blas_thread

__all__ = ["Interval", "DeltaIntervals", "critical_deltas", "GRID", "NASH_EXACT_MAX_STATES"]

GRID = 400
#: Joint states up to which the Nash set is computed exactly by default (its polynomials have degree 2S + 1,
#: and the time grows fast: 0.6 s for 2 states, 2 s for 16, 7 s for 25); ``exact=True`` lifts the limit.
NASH_EXACT_MAX_STATES = 16
#: Optimal-policy pieces the exact Nash sweep follows per player before it falls back to the grid.
MAX_PIECES = 64
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Interval:
    lo: Number
    hi: Number
    lo_closed: bool
    hi_closed: bool

    def to_list(self) -> list[Any]:
        return [json_number(self.lo), json_number(self.hi)]

    def text(self, fmt: Callable[[Number], str]) -> str:
        return f"{'[' if self.lo_closed else '('}{fmt(self.lo)}, {fmt(self.hi)}{']' if self.hi_closed else ')'}"


@dataclass(frozen=True)
class DeltaIntervals:
    players: tuple[str, ...]
    strategies: tuple[str, ...]
    ppe: tuple[Interval, ...]
    nash: tuple[Interval, ...]
    ppe_method: str
    nash_method: str
    exact: bool
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def detail(ivs: tuple[Interval, ...]) -> list[dict[str, Any]]:
            return [{"lo": json_number(i.lo), "hi": json_number(i.hi), "closed": [i.lo_closed, i.hi_closed]}
                    for i in ivs]

        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "players": list(self.players),
            "strategies": list(self.strategies),
            "ppe": [i.to_list() for i in self.ppe],
            "nash": [i.to_list() for i in self.nash],
            "ppe_intervals": detail(self.ppe),
            "nash_intervals": detail(self.nash),
            "ppe_method": self.ppe_method,
            "nash_method": self.nash_method,
            "notes": list(self.notes),
        }


# -- the exact PPE method ---------------------------------------------------------------------------------


def _gain_polynomials(chain: Chain) -> list[list[Fraction]]:
    """``N(delta) = D(delta) * (Q_i(s, b) - V_i(s))`` for every player, state and action, as polynomials."""
    S = chain.n_states
    P = chain.transition()
    r = chain.reward()
    points = [Fraction(k, S + 3) for k in range(S + 2)]
    samples: list[np.ndarray] = []
    for d in points:
        A = identity(S, True) - d * P
        V, det = exact_linalg.solve_with_det(A, (1 - d) * r)
        cols = [one_shot_gains(chain, V, d, i) * det for i in range(chain.n_players)]
        samples.append(np.concatenate([c.reshape(-1) for c in cols]))
    table = np.stack(samples)  # (points, constraints)
    polys = [interpolate_uniform(S + 3, list(table[:, k])) for k in range(table.shape[1])]
    # guard: the degree bound S + 1 must hold; check one extra point
    check = Fraction(S + 2, S + 3)
    A = identity(S, True) - check * P
    V, det = exact_linalg.solve_with_det(A, (1 - check) * r)
    direct = np.concatenate([(one_shot_gains(chain, V, check, i) * det).reshape(-1) for i in range(chain.n_players)])
    for k, p in enumerate(polys):
        if evaluate(p, check) != direct[k]:
            raise AssertionError("gain polynomial interpolation failed the degree check")
    return polys


def _exact_ppe_intervals(chain: Chain) -> list[Interval]:
    polys = [p for p in _gain_polynomials(chain) if p]
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
    return _assemble(cells, points, [r.exact if r.exact is not None else r.approx for r in merged])


def _assemble(cells: Sequence[bool], points: Sequence[bool], where: Sequence[Number]) -> list[Interval]:
    """Turn feasibility of cells (len m+1) and root points (len m) into maximal intervals."""
    items: list[tuple[str, int, bool]] = []
    for k in range(len(points)):
        items.append(("cell", k, cells[k]))
        items.append(("point", k, points[k]))
    items.append(("cell", len(points), cells[-1]))
    out: list[Interval] = []
    start = None
    for idx, (_, _, ok) in enumerate(items):
        if ok and start is None:
            start = idx
        if (not ok or idx == len(items) - 1) and start is not None:
            end = idx if ok else idx - 1
            k0, k1 = items[start], items[end]
            lo = Fraction(0) if k0[0] == "cell" and k0[1] == 0 else where[k0[1] - (1 if k0[0] == "cell" else 0)]
            lo_closed = k0[0] == "point"
            hi = Fraction(1) if k1[0] == "cell" and k1[1] == len(points) else where[k1[1]]
            hi_closed = k1[0] == "point"
            if lo < hi or (lo == hi and lo_closed and hi_closed):  # never an empty interval
                out.append(Interval(lo, hi, lo_closed, hi_closed))
            start = None
    return out


# -- the exact Nash method -----------------------------------------------------------------------------------
#
# Player i has no profitable deviation at delta iff F_i(delta) = max over deterministic policies pi of
# init . A_pi(delta) is 0 (it is never negative: i's own strategy gains nothing over itself), where
# A_pi = W_pi - V_i is the advantage of following pi in i's best-reply MDP.  An optimal policy stays optimal
# on an interval of delta, and on it F_i = init . A_pi.  With D_pi = det(I - delta P_pi) and D = det(I - delta P),
# both positive on [0, 1), every Bellman test Q_pi(s, b) - W_pi(s) times D D_pi is a polynomial of degree at
# most 2S + 1, and so is init . A_pi times D D_pi.  The sweep runs from delta = 0 to 1: take the policy that
# exact policy iteration finds just to the right of the current point, interpolate its polynomials, and
# follow it to the first root after which one of its Bellman tests turns positive; there the optimal policy
# changes.  Between breakpoints the Nash verdict is exact.  An irrational breakpoint is known to 1e-18; the
# verdict inside that sliver follows its neighbours, the one approximation left.


class _SigmaValues:
    """``V`` (the profile's values) and ``D = det(I - delta P)`` at the sample points, computed once."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.P = chain.transition()
        self.r = chain.reward()
        self.memo: dict[Fraction, tuple[np.ndarray, Fraction]] = {}

    def __call__(self, d: Fraction) -> tuple[np.ndarray, Fraction]:
        if d not in self.memo:
            S = self.chain.n_states
            self.memo[d] = exact_linalg.solve_with_det(identity(S, True) - d * self.P, (1 - d) * self.r)
        return self.memo[d]


def _policy_polynomials(chain: Chain, player: int, policy: Sequence[int],
                        sigma: _SigmaValues) -> tuple[list[list[Fraction]], list[Fraction]]:
    """The Bellman tests of ``policy`` and its advantage from the initial state, times ``D D_pi``."""
    S = chain.n_states
    n = 2 * S + 2
    points = [Fraction(k, n + 1) for k in range(n + 1)]  # the last one checks the degree bound
    P_pi = chain.policy_transition(player, policy)
    own = (np.arange(S), list(policy))
    samples = []
    for d in points:
        V, D = sigma(d)
        g = one_shot_gains(chain, V, d, player)[own]
        A, D_pi = exact_linalg.solve_with_det(identity(S, True) - d * P_pi, g)
        value = V.copy()
        value[:, player] = V[:, player] + A
        scale = D * D_pi
        # one_shot_gains is Q(s, b) minus Q at the strategy's own action: re-base it on the policy's action
        q = one_shot_gains(chain, value, d, player)
        tests = (q - q[own][:, None]) * scale
        samples.append(np.concatenate([tests.reshape(-1), [(chain.init @ A) * scale]]))
    table = np.stack(samples)
    polys = [interpolate_uniform(n + 1, list(table[:n, k])) for k in range(table.shape[1])]
    for k, p in enumerate(polys):
        if evaluate(p, points[n]) != table[n, k]:
            raise AssertionError("policy polynomial interpolation failed the degree check")
    return polys[:-1], polys[-1]


def _cells(p: list[Fraction], x: Fraction) -> tuple[list[Root], list[Fraction]]:
    """Roots of ``p`` in ``(x, 1)`` and one rational sample point in each cell between them."""
    roots = real_roots(p, x, Fraction(1))
    for _ in range(8):  # a root within the isolating width of x: narrow it so the first cell has a sample
        if not roots or roots[0].exact is not None or roots[0].lo > x:
            break
        roots = real_roots(p, x, roots[0].hi, width=(roots[0].hi - x) / 1024) + roots[1:]
    edges = [x] + [b for r in roots for b in ((r.lo, r.hi) if r.exact is None else (r.exact, r.exact))] + [Fraction(1)]
    samples = [(edges[2 * k] + edges[2 * k + 1]) / 2 for k in range(len(roots) + 1)]
    return roots, samples


def _optimal_until(tests: Sequence[list[Fraction]], x: Fraction) -> Root | None:
    """Where the policy with these Bellman tests stops being optimal, going right from ``x``.

    None if it is not optimal just to the right of ``x``; ``Root(1, 1)`` if it stays optimal up to 1.
    """
    end = Root(Fraction(1), Fraction(1))
    for p in tests:
        if not p:
            continue
        roots, samples = _cells(p, x)
        if evaluate(p, samples[0]) > 0:
            return None
        for root, after in zip(roots, samples[1:]):
            if root.lo >= end.lo:
                break
            if evaluate(p, after) > 0:
                end = root
                break
    return end


def _point(r: Root) -> Number:
    return r.exact if r.exact is not None else r.approx


def _exact_nash_player(chain: Chain, player: int, sigma: _SigmaValues) -> list[Interval] | None:
    """Every delta in (0, 1) where ``player`` has no profitable deviation; None if the sweep gives up."""
    out: list[Interval] = []
    x: Fraction = Fraction(0)
    start: Root = Root(x, x)  # the current piece starts here (an isolating interval after an irrational break)
    for _ in range(MAX_PIECES):
        step = (1 - x) / 64
        for _attempt in range(30):
            y = x + step
            V = discounted(sigma.P, sigma.r, y, True)
            _, policy = best_reply(chain, V, y, player)
            tests, gain = _policy_polynomials(chain, player, policy.tolist(), sigma)
            end = _optimal_until(tests, x)
            if end is not None:
                break
            step /= 8
        else:
            return None
        hi = end.exact if end.exact is not None else end.lo
        if not gain:  # following the strategy is a best reply on the whole piece (joined up by _merge)
            lo_pt, hi_pt = _point(start), _point(end)
            out.append(Interval(lo_pt, hi_pt, lo_pt != 0, hi_pt != 1))
        else:
            # isolated points where the best deviation gains exactly nothing
            if x > 0 and evaluate(gain, x) == 0:
                out.append(Interval(x, x, True, True))
            for r in real_roots(gain, x, hi):
                out.append(Interval(_point(r), _point(r), True, True))
            if hi < 1 and evaluate(gain, hi) == 0:
                out.append(Interval(hi, hi, True, True))
            if end.exact is None and (evaluate(gain, end.hi) == 0 or real_roots(gain, end.lo, end.hi)):
                # the gain touches zero at the irrational breakpoint itself, inside its isolating interval
                out.append(Interval(end.approx, end.approx, True, True))
        if end.exact == 1:
            return _merge(out)
        start = end
        x = end.exact if end.exact is not None else end.hi
    return None


def _merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted union of intervals."""
    out: list[Interval] = []
    for iv in sorted(intervals, key=lambda v: (v.lo, not v.lo_closed)):
        if out:
            last = out[-1]
            if iv.lo < last.hi or (iv.lo == last.hi and (last.hi_closed or iv.lo_closed)):
                if (iv.hi, iv.hi_closed) > (last.hi, last.hi_closed):
                    out[-1] = Interval(last.lo, iv.hi, last.lo_closed, iv.hi_closed)
                continue
        out.append(iv)
    return out


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out = []
    for u in a:
        for v in b:
            lo, lo_closed = max((u.lo, not u.lo_closed), (v.lo, not v.lo_closed))
            hi, hi_closed = min((u.hi, u.hi_closed), (v.hi, v.hi_closed))
            lo_closed = not lo_closed
            if lo < hi or (lo == hi and lo_closed and hi_closed):
                out.append(Interval(lo, hi, lo_closed, hi_closed))
    return _merge(out)


def _exact_nash_intervals(chain: Chain) -> list[Interval] | None:
    sigma = _SigmaValues(chain)
    result: list[Interval] = [Interval(Fraction(0), Fraction(1), False, False)]
    for i in range(chain.n_players):
        mine = _exact_nash_player(chain, i, sigma)
        if mine is None:
            return None
        result = _intersect(result, mine)
    return result


# -- the grid method -----------------------------------------------------------------------------------------


def _float_values(chain: Chain, delta: float) -> np.ndarray:
    return discounted(chain.transition(), chain.reward(), delta, False)


def _scan(predicate: Callable[[float, float], bool], extra: Sequence[float]) -> list[Interval]:
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


def _recognise(intervals: list[Interval], edge: Callable[[Fraction, float], bool] | None) -> list[Interval]:
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


def _nash_edge_test(exact_chain: Chain, float_chain: Chain) -> Callable[[Fraction, float], bool]:
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


def _ppe_predicate(chain: Chain) -> Callable[[float, float], bool]:
    def ok(delta: float, scale: float) -> bool:
        V = _float_values(chain, delta)
        tol = _tolerance(chain, delta) * scale
        return all(max(one_shot_gains(chain, V, delta, i).flat) <= tol for i in range(chain.n_players))

    return ok


def _nash_predicate(chain: Chain) -> Callable[[float, float], bool]:
    tol = _tolerance(chain)

    def ok(delta: float, scale: float) -> bool:
        V = _float_values(chain, delta)
        for i in range(chain.n_players):
            advantage, _ = best_reply(chain, V, delta, i)
            if chain.init @ advantage > tol * scale:
                return False
        return True

    return ok


@single_blas_thread
def critical_deltas(model: RepeatedModel, strategies: Sequence[str], *, exact: bool | None = None) -> DeltaIntervals:
    """Intervals of discount factors in (0, 1) where the profile is a PPE, and where it is Nash.

    With ``exact=None`` the PPE set is computed exactly whenever the joint
    chain is small enough for exact arithmetic (40 states), and the Nash set
    when it has at most :data:`NASH_EXACT_MAX_STATES` states; ``exact=True``
    computes both exactly whatever the size, and ``exact=False`` uses the grid
    for both.  Decimals in the model count as the exact decimals they spell,
    since locating thresholds is the point.
    """
    profile: BoundProfile = bind_profile(model, strategies)
    notes: list[str] = []
    use_exact = exact is not False
    if use_exact:
        exact_chain, more = profile_chain(exact_inputs(profile), None if exact is None else True)
        if exact_chain.exact:
            chain_exact: Chain | None = exact_chain
        else:
            chain_exact = None
            notes += more
    else:
        chain_exact = None
    float_chain, _ = profile_chain(profile, False)
    if chain_exact is not None:
        ppe = _exact_ppe_intervals(chain_exact)
        ppe_method = "exact (Sturm sequences on the gain polynomials)"
    else:
        ppe = _scan(_ppe_predicate(float_chain), [])
        ppe_method = f"grid of {GRID} discount factors and bisection to 1e-12"
    nash: list[Interval] | None = None
    if chain_exact is not None and (exact is True or chain_exact.n_states <= NASH_EXACT_MAX_STATES):
        nash = _exact_nash_intervals(chain_exact)
        nash_method = "exact (optimal best replies followed over delta; Sturm sequences)"
    if nash is None:
        extra = [float(b) for iv in ppe for b in (iv.lo, iv.hi)]
        nash = _scan(_nash_predicate(float_chain), extra)
        nash = _recognise(nash, _nash_edge_test(chain_exact, float_chain) if chain_exact is not None else None)
        nash_method = f"grid of {GRID} discount factors (plus the PPE endpoints) and bisection to 1e-12"
        if chain_exact is not None:
            nash_method += "; endpoints confirmed exactly where rational"
    if profile.signals.delay > 0:
        notes.append(DELAY_NOTE)
    return DeltaIntervals(model.game.players, profile.names, tuple(ppe), tuple(nash), ppe_method, nash_method,
                          chain_exact is not None, tuple(notes))


