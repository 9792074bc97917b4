"""Sets of discount factors on a grid, for large or float models: scan, bisect, recognise rational ends.

The grid method decides on two signed quantities, both continuous in delta
and computed in float64 without any rounding to zero:

* the *PPE gap*: the largest one-shot gain ``Q_i(s, b) - V_i(s)`` over every
  player, joint state and action (the profile is a PPE iff it is <= 0);
* the *Nash gap*: the largest best-reply advantage ``init . (W_i - V_i)`` over
  the players, where the best reply comes from Howard's policy iteration
  run to the rounding level (it switches an action whenever that gains more
  than :data:`~solver.numeric.tolerance.ROUNDING` times the payoff scale,
  not the much coarser comparison tolerance), so the gap is accurate to
  about 1e-14 of the payoff scale and changes sign exactly where the best
  reply starts to gain.

:func:`scan` evaluates the verdict on :data:`GRID` discount factors (plus
``1e-6``, ``1 - 1e-6`` and any extra points: the Nash scan adds the PPE
endpoints, since every PPE is Nash) with the package tolerance, so exact
ties are not split by rounding; then it bisects every change of verdict
until the bracket is narrower than :data:`BISECTION_WIDTH`, judging each
midpoint by the sign of the gains of the deviations that gained outside
(never rounded to zero).  An endpoint is then within about 1e-12 of the
true one (less close only where two deviations start to gain within about
1e-9 of each other, or a gain crosses zero extremely flatly).  A window of
equilibrium narrower than the grid spacing can be missed, which is why the
result says the set was searched on a grid.

:func:`recognise` replaces a float endpoint by a nearby fraction (denominator
up to 10^6, within :data:`RECOGNITION_WINDOW`) when an exact computation
confirms it: every player's exact best reply gains nothing at the fraction,
and the best reply found just outside the set gains exactly nothing there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from models.errors import SolverError
from models.numbers import Number
from solver.numeric.tolerance import ROUNDING, payoff_span, payoff_tolerance
from solver.repeated.chain import Chain
from solver.repeated.checks import MAX_POLICY_ITERATIONS, best_reply
from solver.repeated.delta_sets.intervals import Interval
from solver.repeated.markov import discounted, identity, solve

__all__ = ["GRID", "BISECTION_WIDTH", "RECOGNITION_WINDOW", "Gaps", "Witness", "Edge", "scan", "recognise",
           "nash_edge_test"]

#: Grid points in (0, 1), evenly spaced, on which the verdict is first evaluated.
GRID = 400
#: Bisection stops when the bracket around an endpoint is narrower than this.
BISECTION_WIDTH = 1e-12
#: A fraction is tried as an endpoint only within this distance of the float endpoint.
RECOGNITION_WINDOW = 1e-10


@dataclass(frozen=True)
class Witness:
    """A deviation that gains at some discount factor: player ``player``'s one-shot deviation to ``action``
    at joint state ``state`` (PPE), or its policy ``policy`` (Nash; ``state`` and ``action`` are then -1).

    Its gain is a rational function of delta that is not identically zero (it gained more than the
    tolerance where it was found), so its float sign is meaningful away from a rounding-sized
    neighbourhood of its roots.
    """

    player: int
    state: int = -1
    action: int = -1
    policy: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Edge:
    """A float endpoint found by bisection, and the deviation that gains just outside the set there."""

    at: float
    witness: Witness


class Gaps:
    """The PPE and Nash gaps of one float chain, with the pieces they need computed once.

    Every formula is in difference form, as in :func:`solver.repeated.checks.one_shot_gains`: with
    ``dr_b = r_b - r`` and ``dpe_b = pe_b - pe`` (stage payoffs and event probabilities when player
    ``i`` plays ``b``, minus the profile's), the one-shot gain is
    ``G[s, b] = (1 - delta) dr_b(s) + delta sum_e dpe_b[s, e] E[V_i | s, e]``, and the advantage of
    a policy ``pi`` solves ``(I - delta P_pi) A = G[s, pi(s)]``.  Small right-hand sides: accurate as
    delta -> 1.
    """

    def __init__(self, chain: Chain, players: Sequence[int] | None = None) -> None:
        if chain.exact:
            raise TypeError("Gaps works on a float chain")
        self.chain = chain
        #: whose deviations count (default: every player's)
        self.players = tuple(range(chain.n_players)) if players is None else tuple(players)
        W0, pe0 = chain.weights_and_events()
        self.P = chain.transition_from_events(pe0)
        self.r = W0 @ chain.stage
        self.pe: list[np.ndarray] = []  # per player: (actions, S, E)
        self.dpe: list[np.ndarray] = []
        self.dr: list[np.ndarray] = []  # per player: (actions, S)
        for i, k in enumerate(chain.game.shape):
            if i not in self.players:  # placeholders: never read
                self.pe.append(np.empty(0))
                self.dpe.append(np.empty(0))
                self.dr.append(np.empty(0))
                continue
            pairs = [chain.weights_and_events(i, b) for b in range(k)]
            self.pe.append(np.stack([pe for _, pe in pairs]))
            self.dpe.append(self.pe[-1] - pe0[None])
            self.dr.append(np.stack([W @ chain.stage[:, i] - self.r[:, i] for W, _ in pairs]))
        arrays = chain.game.float_payoffs()
        _, big = payoff_span(arrays)
        #: rounding level of a gain: a few dozen ulps of the largest payoff
        self.noise = ROUNDING * (big if big > 0 else 1.0)
        #: the package's comparison tolerance for payoffs, used on the grid
        self.tol = payoff_tolerance(arrays)
        self._values: dict[float, np.ndarray] = {}
        self._warm: dict[int, np.ndarray] = {}

    # -- pieces --------------------------------------------------------------------------------------------

    def values(self, delta: float) -> np.ndarray:
        if delta not in self._values:
            # keep the values of every grid point while they fit in about 16 MB: each scan revisits them
            if len(self._values) > max(64, 2_000_000 // max(1, self.r.size)):
                self._values.clear()
            self._values[delta] = discounted(self.P, self.r, delta, False)
        return self._values[delta]

    def gains(self, delta: float, player: int) -> np.ndarray:
        """``G[s, b]``: one-shot gain of ``player`` playing ``b`` at ``s`` (the others follow the profile)."""
        KV = self.chain.expected_next_value(self.values(delta)[:, player])
        step = (self.dpe[player] * KV[None]).sum(axis=2)  # (actions, S)
        return ((1 - delta) * self.dr[player] + delta * step).T

    def advantage(self, delta: float, player: int, policy: np.ndarray, G: np.ndarray) -> np.ndarray:
        """``A = W_pi - V_i``: what following ``policy`` earns over the profile, from every joint state."""
        S = self.chain.n_states
        rows = np.arange(S)
        P_pi = self.chain.transition_from_events(self.pe[player][policy, rows])
        return solve(identity(S, False) - delta * P_pi, G[rows, policy], False)

    def best_reply(self, delta: float, player: int) -> tuple[np.ndarray, np.ndarray]:
        """An optimal policy of ``player`` to the rounding level, and its advantage (Howard 1960).

        Warm-started from the last policy found for this player.  Switches only where another action gains
        more than :attr:`noise` over the current one, so rounding noise cannot make it cycle.
        """
        S = self.chain.n_states
        rows = np.arange(S)
        G = self.gains(delta, player)
        policy = self._warm.get(player)
        if policy is None:
            policy = np.argmax(G, axis=1)
        for _ in range(MAX_POLICY_ITERATIONS):
            A = self.advantage(delta, player, policy, G)
            KA = self.chain.expected_next_value(A)
            # gain of playing b at s once, then following the policy, over following it throughout
            H = G + delta * (self.pe[player] * KA[None]).sum(axis=2).T - A[:, None]
            best = np.argmax(H, axis=1)
            better = H[rows, best] > H[rows, policy] + self.noise
            if not better.any():
                self._warm[player] = policy
                return policy, A
            policy = np.where(better, best, policy)
        raise SolverError(f"policy iteration found no best reply at delta = {delta!r} after "
                          f"{MAX_POLICY_ITERATIONS} improvements")

    # -- the two gaps ------------------------------------------------------------------------------------

    def ppe_gap(self, delta: float) -> tuple[float, Witness]:
        """The largest one-shot gain over players, joint states and actions, and whose it is."""
        top, who = -np.inf, Witness(self.players[0])
        for i in self.players:
            G = self.gains(delta, i)
            s, b = np.unravel_index(int(np.argmax(G)), G.shape)
            if G[s, b] > top:
                top, who = float(G[s, b]), Witness(i, int(s), int(b))
        return top, who

    def nash_gap(self, delta: float) -> tuple[float, Witness]:
        """The largest best-reply advantage from the initial distribution, and that best reply."""
        top, who = -np.inf, Witness(self.players[0])
        for i in self.players:
            policy, A = self.best_reply(delta, i)
            f = float(self.chain.init @ A)
            if f > top:
                top, who = f, Witness(i, policy=tuple(int(b) for b in policy))
        return top, who

    def gain_of(self, w: Witness, delta: float) -> float:
        """What the deviation ``w`` gains at ``delta`` (a one-shot gain, or a policy's advantage from the start)."""
        G = self.gains(delta, w.player)
        if w.policy is None:
            return float(G[w.state, w.action])
        return float(self.chain.init @ self.advantage(delta, w.player, np.array(w.policy), G))

    def ppe_tolerance(self, delta: float) -> float:
        """Grid tolerance of the PPE gap: one-shot gains scale with ``1 - delta``."""
        return self.tol * (1 - delta) + self.noise

    def nash_tolerance(self, delta: float) -> float:
        """Grid tolerance of the Nash gap (an advantage is a difference of values)."""
        return self.tol


def scan(gap: Callable[[float], tuple[float, Witness]], tolerance: Callable[[float], float],
         gain_of: Callable[[Witness, float], float],
         extra: Sequence[float] = (), points: int = GRID) -> list[tuple[Interval, Edge | None, Edge | None]]:
    """Intervals where ``gap(delta) <= 0``: grid scan, then bisection of every change of verdict.

    ``points`` sets the grid (``k / points``; :data:`GRID` by default).  The variable need not be a discount
    factor: ``intervals`` scans any parameter mapped onto (0, 1).

    1. The grid judges ``gap <= tolerance``: exact ties (a deviation that gains nothing anywhere) are not
       split by rounding.
    2. A grid point judged inside by that tolerance is judged again by the deviation that gained at its
       outside neighbour (its *witness*): if the witness gains there, strictly, the point is outside, and
       the next one inward is judged by it in turn.  (A gain of 1e-12 near delta = 1 is within the
       tolerance, but it is a gain.)
    3. Each change of verdict is bisected until the bracket is narrower than :data:`BISECTION_WIDTH`: a
       midpoint is outside if its gap exceeds the tolerance (its best deviation becomes a witness too) or
       if any witness of the bracket gains there, strictly.  The witnesses' gains are continuous and never
       rounded to zero, so the bisection follows the sign change itself, not the point where a gain
       crosses the tolerance.

    Returns each interval with the :class:`Edge` at its lower and upper end (None at the ends 0 and 1,
    which are exact).  Interior endpoints are closed: the gaps are continuous in delta.
    """
    grid = sorted(set([k / points for k in range(1, points)] + [1e-6, 1 - 1e-6] + [x for x in extra if 0 < x < 1]))
    evaluated = [gap(x) for x in grid]
    n = len(grid)
    inside = [g <= tolerance(x) for x, (g, _) in zip(grid, evaluated)]
    clear = [not v for v in inside]  # outside by the tolerance: their witnesses gain for sure
    witness_at: list[Witness | None] = [w if c else None for (_, w), c in zip(evaluated, clear)]
    for k in range(n):
        if not clear[k]:
            continue
        w = evaluated[k][1]
        for step in (-1, 1):
            j = k + step
            while 0 <= j < n and inside[j] and gain_of(w, grid[j]) > 0:
                inside[j], witness_at[j] = False, w
                j += step
    out: list[tuple[Interval, Edge | None, Edge | None]] = []
    start: Edge | None = None
    for k in range(n - 1):
        if inside[k] == inside[k + 1]:
            continue
        i_in, i_out = (k, k + 1) if inside[k] else (k + 1, k)
        x_in, x_out = grid[i_in], grid[i_out]
        witnesses = [w for w in (witness_at[i_out],) if w is not None]  # every point judged outside has one
        while abs(x_in - x_out) > BISECTION_WIDTH:
            mid = (x_in + x_out) / 2
            g, w = gap(mid)
            if g > tolerance(mid):
                witnesses.append(w)
                x_out = mid
            elif any(gain_of(v, mid) > 0 for v in witnesses):
                x_out = mid
            else:
                x_in = mid
        best = max(witnesses, key=lambda v: gain_of(v, x_out))
        edge = Edge((x_in + x_out) / 2, best)
        if inside[k + 1]:  # the verdict turns true: an interval opens
            start = edge
        else:
            lo: Number = Fraction(0) if start is None else start.at
            out.append((Interval(lo, edge.at, start is not None, True), start, edge))
            start = None
    if inside[-1]:
        lo = Fraction(0) if start is None else start.at
        out.append((Interval(lo, Fraction(1), start is not None, False), start, None))
    return out


def nash_edge_test(exact_chain: Chain) -> Callable[[Fraction, Edge], bool]:
    """Exact test that the fraction ``c`` is the Nash endpoint that bisection located at ``edge``.

    True iff no player's exact best reply gains at ``c`` (so ``c`` is in the Nash set) and the best reply
    that gained just outside the set (the edge's witness) gains exactly nothing at ``c`` (so the set ends
    there).
    """
    P, r = exact_chain.transition(), exact_chain.reward()

    def test(c: Fraction, edge: Edge) -> bool:
        w = edge.witness
        if w.policy is None or not 0 < c < 1:
            return False
        V = discounted(P, r, c, True)
        for i in range(exact_chain.n_players):
            advantage, _ = best_reply(exact_chain, V, c, i)
            if exact_chain.init @ advantage > 0:
                return False
        i, policy = w.player, list(w.policy)
        own = np.array([(exact_chain.weights_and_events(i, b)[0] @ exact_chain.stage[:, i])[s]
                        for s, b in enumerate(policy)], dtype=object)
        W = discounted(exact_chain.policy_transition(i, policy), own, c, True)
        return bool(exact_chain.init @ W == exact_chain.init @ V[:, i])

    return test


def recognise(found: Sequence[tuple[Interval, Edge | None, Edge | None]],
              edge_test: Callable[[Fraction, Edge], bool] | None) -> tuple[list[Interval], list[Fraction]]:
    """Replace float endpoints by a nearby fraction where ``edge_test`` confirms it exactly.

    Candidates are the best rational approximations of the endpoint with denominators up to 10, 100, ...,
    10^6 that lie within :data:`RECOGNITION_WINDOW` of it, smallest denominator first.  Returns the
    intervals and the endpoints that were confirmed.
    """
    confirmed: list[Fraction] = []

    def fix(x: Number, edge: Edge | None) -> Number:
        if edge is None or edge_test is None or isinstance(x, Fraction):
            return x
        tried: set[Fraction] = set()
        for bound in (10, 100, 10**3, 10**4, 10**5, 10**6):
            cand = Fraction(x).limit_denominator(bound)
            if cand in tried or abs(float(cand) - x) > RECOGNITION_WINDOW:
                continue
            tried.add(cand)
            if edge_test(cand, edge):
                confirmed.append(cand)
                return cand
        return x

    out = [Interval(fix(iv.lo, lo), fix(iv.hi, hi), iv.lo_closed, iv.hi_closed) for iv, lo, hi in found]
    return out, confirmed
