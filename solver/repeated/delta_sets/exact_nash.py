"""The exact Nash set in delta: each player's optimal best reply followed from delta = 0 to 1."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from models.numbers import Number
from solver.numeric import linalg as exact_linalg
from solver.numeric.polynomials import Root, evaluate, interpolate_uniform, real_roots
from solver.repeated.chain import Chain
from solver.repeated.checks import best_reply, one_shot_gains
from solver.repeated.delta_sets.intervals import Interval, intersect, merge
from solver.repeated.markov import discounted, identity

__all__ = ["exact_nash_intervals", "exact_nash_player", "follow_best_reply", "policy_sample", "SweepGaveUp",
           "NASH_EXACT_MAX_STATES", "MAX_PIECES"]

#: Joint states up to which the Nash set is computed exactly by default (its polynomials have degree 2S + 1,
#: and the time grows fast: 0.6 s for 2 states, 2 s for 16, 7 s for 25); ``exact=True`` lifts the limit.
NASH_EXACT_MAX_STATES = 16
#: Optimal-policy pieces the exact Nash sweep follows per player before it falls back to the grid.
MAX_PIECES = 64

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


def policy_sample(chain: Chain, V: np.ndarray, D: Fraction, d: Fraction, player: int,
                  policy: Sequence[int]) -> np.ndarray:
    """The Bellman tests of ``policy`` and its advantage from the start, times ``D D_pi``, at one point.

    ``V`` and ``D`` are the profile's values and ``det(I - d P)`` at discount factor ``d``.
    """
    S = chain.n_states
    P_pi = chain.policy_transition(player, policy)
    own = (np.arange(S), list(policy))
    g = one_shot_gains(chain, V, d, player)[own]
    A, D_pi = exact_linalg.solve_with_det(identity(S, True) - d * P_pi, g)
    value = V.copy()
    value[:, player] = V[:, player] + A
    scale = D * D_pi
    # one_shot_gains is Q(s, b) minus Q at the strategy's own action: re-base it on the policy's action
    q = one_shot_gains(chain, value, d, player)
    tests = (q - q[own][:, None]) * scale
    return np.concatenate([tests.reshape(-1), [(chain.init @ A) * scale]])


def _policy_polynomials(chain: Chain, player: int, policy: Sequence[int],
                        sigma: _SigmaValues) -> tuple[list[list[Fraction]], list[Fraction]]:
    """The Bellman tests of ``policy`` and its advantage from the initial state, times ``D D_pi``."""
    S = chain.n_states
    n = 2 * S + 2
    points = [Fraction(k, n + 1) for k in range(n + 1)]  # the last one checks the degree bound
    table = np.stack([policy_sample(chain, *sigma(d), d, player, policy) for d in points])
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


class SweepGaveUp(Exception):
    """The exact Nash sweep stopped before delta = 1; the message says why (the caller falls back to the grid)."""


def _exact_nash_player(chain: Chain, player: int, sigma: _SigmaValues) -> list[Interval]:
    """Every delta in (0, 1) where ``player`` has no profitable deviation (see :func:`follow_best_reply`)."""

    def reply_at(y: Fraction) -> list[int]:
        V = discounted(sigma.P, sigma.r, y, True)
        _, policy = best_reply(chain, V, y, player)
        return policy.tolist()

    return follow_best_reply(reply_at, lambda policy: _policy_polynomials(chain, player, policy, sigma),
                             chain.game.players[player])


def follow_best_reply(reply_at: Callable[[Fraction], list[int]],
                      polynomials: Callable[[list[int]], tuple[list[list[Fraction]], list[Fraction]]],
                      who: str, variable: str = "delta") -> list[Interval]:
    """Every ``x`` in (0, 1) where a player's best reply gains nothing, followed from 0 to 1.

    ``reply_at(x)`` is an optimal policy at ``x`` (exact policy iteration); ``polynomials(policy)`` its
    Bellman tests and its gain from the start, as polynomials in ``x`` (times positive determinants).
    The same sweep serves delta and any other parameter.

    Raises
    ------
    SweepGaveUp
        After :data:`MAX_PIECES` optimal-policy pieces, or when no policy found just right of a breakpoint
        is optimal there (30 ever closer attempts).
    """
    out: list[Interval] = []
    x: Fraction = Fraction(0)
    start: Root = Root(x, x)  # the current piece starts here (an isolating interval after an irrational break)
    for _ in range(MAX_PIECES):
        step = (1 - x) / 64
        for _attempt in range(30):
            tests, gain = polynomials(reply_at(x + step))
            end = _optimal_until(tests, x)
            if end is not None:
                break
            step /= 8
        else:
            raise SweepGaveUp(f"no optimal best reply of {who} found just after {variable} = {float(x):.6g}")
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
            return merge(out)
        start = end
        x = end.exact if end.exact is not None else end.hi
    raise SweepGaveUp(f"the best reply of {who} changes more than {MAX_PIECES} times "
                      f"(followed up to {variable} = {float(x):.6g})")


def exact_nash_intervals(chain: Chain) -> list[Interval]:
    """The exact Nash set in (0, 1) of an exact chain.

    Raises
    ------
    SweepGaveUp
        When the sweep of some player gives up (see :func:`_exact_nash_player`).
    """
    sigma = _SigmaValues(chain)
    result: list[Interval] = [Interval(Fraction(0), Fraction(1), False, False)]
    for i in range(chain.n_players):
        result = intersect(result, _exact_nash_player(chain, i, sigma))
    return result



def exact_nash_player(chain: Chain, player: int) -> list[Interval]:
    """Every delta in (0, 1) where ``player``'s best reply gains nothing, weighting the states by
    ``chain.init`` (the start; any nonnegative weights: the best reply then gains nothing at any state of
    positive weight, since its advantage is never negative).

    Raises
    ------
    SweepGaveUp
        As :func:`exact_nash_intervals`.
    """
    return _exact_nash_player(chain, player, _SigmaValues(chain))
